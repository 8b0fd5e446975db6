import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def token_hash(plain):
    """What is stored of a token: its SHA-256; the plain token is shown once, when created."""
    return hashlib.sha256(plain.encode()).hexdigest()


class ApiToken(models.Model):
    """A read-only key to the API, issued by an area's admin: it reads what a person of that area reads."""

    name = models.CharField(_("tên khóa"), max_length=120)
    area = models.ForeignKey("plans.Area", verbose_name=_("địa bàn"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thu hồi"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    # The first characters of the token, to tell keys apart on the page; never enough to use it.
    prefix = models.CharField(max_length=12)
    secret_sha256 = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self):
        return self.revoked_at is not None
