"""Issuing and revoking API tokens: an area's admins, for the areas they administer."""
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import Area

from .models import ApiToken, token_hash

TOKEN_PREFIX = "pk57_"  # noqa: S105 - the visible start of every token, not a secret


def tokens_administered_by(user):
    """The tokens of the areas a user administers (an admin's own areas and their communes)."""
    return ApiToken.objects.filter(area__in=Area.objects.administered_by(user).values("pk"))


@transaction.atomic
def token_create(*, user, area_id, name):
    """A new token for an area the user administers; returns it with the plain token, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Hãy đặt tên cho khóa (ví dụ: Bảng điều khiển Sở KH&CN).")})
    area = Area.objects.administered_by(user).filter(pk=area_id).first()
    if area is None:
        raise PermissionDenied(_("Bạn không quản trị địa bàn này."))
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(name=name[:120], area=area, created_by=user, prefix=plain[:12],
                                    secret_sha256=token_hash(plain))
    return token, plain


@transaction.atomic
def token_revoke(*, user, token_id):
    """Revoke a token of an area the user administers; revoking twice changes nothing."""
    token = tokens_administered_by(user).select_for_update().filter(pk=token_id).first()
    if token is None:
        raise PermissionDenied(_("Bạn không quản trị khóa này."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = user
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token
