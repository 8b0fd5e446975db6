from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person using the portal: belongs to one or more units and acts in one role."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("Cán bộ")
        REVIEWER = "reviewer", _("Thẩm định (Phòng VH-XH)")
        LEADER = "leader", _("Lãnh đạo")
        ADMIN = "admin", _("Quản trị")

    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices, default=Role.OFFICER)
    units = models.ManyToManyField("plans.Unit", verbose_name=_("đơn vị"), blank=True, related_name="members")

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    @cached_property
    def unit_ids(self):
        return frozenset(self.units.values_list("id", flat=True))

    @cached_property
    def area_ids(self):
        """Areas the user works in: those of their units."""
        return frozenset(self.units.values_list("area_id", flat=True))

    @property
    def is_portal_admin(self):
        return self.is_superuser or self.role == self.Role.ADMIN
