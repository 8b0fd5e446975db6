"""Who may act on a task or indicator. Views, services and tests all ask here.

Seeing is decided by the querysets in `querysets.py`; these rules decide acting
on what is seen. Items passed in should have `lead_units`/`support_units` prefetched
where a page checks many of them.
"""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def _unit_ids(units):
    return {unit.id for unit in units.all()}


def can_report(user, item):
    """Lead-unit officers change figures; admins of the plan's area may correct them."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if user.role == user.Role.OFFICER:
        return bool(_unit_ids(item.lead_units) & user.unit_ids)
    if user.role == user.Role.ADMIN:
        area = item.plan.area
        return area.id in user.area_ids or area.parent_id in user.area_ids
    return False


def can_comment(user, item):
    """Support units comment on what they support; whoever may report may comment too."""
    if can_report(user, item):
        return True
    return user.is_authenticated and bool(_unit_ids(item.support_units) & user.unit_ids)


def can_review(user, item):
    """The Culture-Social office of the item's own area reviews its evidence."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.role == user.Role.REVIEWER and item.plan.area_id in user.area_ids


def portal_admin_required(view):
    """Pages for admins of an area (and superusers); what they reach within is narrowed by the querysets."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_portal_admin:
            raise PermissionDenied(_("Trang này dành cho quản trị của địa bàn."))
        return view(request, *args, **kwargs)

    return login_required(wrapped)
