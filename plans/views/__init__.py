"""The plans app's pages: plans and their administration (`plans`), appendix import and export (`appendix`),
assignment and the six clears (`assignment`), the cascade (`cascade`). What they share is here."""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from ..item_kinds import APPENDIX_KINDS
from ..models import Plan


def editable_plan(user, slug, message=None):
    """The plan for an admin page: 404 outside the user's sight, 403 where they see but may not change it."""
    plan = Plan.objects.editable_by(user).select_related("area", "area__parent").filter(slug=slug).first()
    if plan is None:
        if Plan.objects.visible_to(user).filter(slug=slug).exists():
            raise PermissionDenied(message or _("Chỉ quản trị của địa bàn mới được thay đổi kế hoạch này."))
        raise Http404
    return plan


def appendix_kind_or_404(kind):
    """`kind` from a URL, if it names an appendix ("indicators", "tasks")."""
    if kind not in APPENDIX_KINDS:
        raise Http404
    return kind
