from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


def display_name(first_name, last_name, username):
    """A person's name as every page, row and report shows it: their full name, else their username."""
    return f"{first_name or ''} {last_name or ''}".strip() or username


class User(AbstractUser):
    """A person using the portal: belongs to one or more units and acts in one role."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("Cán bộ")
        REVIEWER = "reviewer", _("Thẩm định (Phòng VH-XH)")
        LEADER = "leader", _("Lãnh đạo")
        ADMIN = "admin", _("Quản trị")
        # The Fatherland Front (seed 004 gives it a supervising duty) and the Party committee's inspection
        # commission (08-QC/TW): they read an area's plans, progress, evidence and reports, and change nothing.
        SUPERVISOR = "supervisor", _("Giám sát (chỉ xem)")

    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices, default=Role.OFFICER)
    units = models.ManyToManyField("plans.Unit", verbose_name=_("đơn vị"), blank=True, related_name="members")

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    @cached_property
    def _unit_and_area_ids(self):
        # One query for all four, on every page: the names tell the finance offices (funding.access), which
        # the task and plan pages would otherwise ask for again.
        return list(self.units.order_by().values_list("id", "area_id", "area__parent_id", "name"))

    @cached_property
    def unit_ids(self):
        return frozenset(unit_id for unit_id, _area_id, _parent_id, _name in self._unit_and_area_ids)

    @cached_property
    def unit_areas_and_names(self):
        """(area id, name) of each of the user's units."""
        return [(area_id, name) for _unit_id, area_id, _parent_id, name in self._unit_and_area_ids]

    @cached_property
    def area_ids(self):
        """Areas the user works in: those of their units."""
        return frozenset(area_id for _unit_id, area_id, _parent_id, _name in self._unit_and_area_ids)

    @cached_property
    def parent_area_ids(self):
        """The areas just above the user's own: a commune officer's province."""
        return frozenset(parent_id for _unit_id, _area_id, parent_id, _name in self._unit_and_area_ids if parent_id)

    @cached_property
    def works_in_province(self):
        """Whether one of the user's units belongs to a province (an area with no area above it)."""
        return any(parent_id is None for _unit_id, _area_id, parent_id, _name in self._unit_and_area_ids)

    @property
    def display_name(self):
        return display_name(self.first_name, self.last_name, self.username)

    @property
    def is_read_only(self):
        """A supervisor reads what the area reads and writes nothing, whatever units they belong to."""
        return not self.is_superuser and self.role == self.Role.SUPERVISOR

    @property
    def is_portal_admin(self):
        return self.is_superuser or self.role == self.Role.ADMIN


class Notification(models.Model):
    """An in-app notice (the bell), sent with an e-mail of the same text."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(_("nội dung"), max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.message



class NotificationPreference(models.Model):
    """How one person wants their notices beyond the bell: the channels, the phone Zalo reaches, and quiet hours."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="notification_preference")
    email = models.BooleanField(_("nhận qua e-mail"), default=True)
    zalo = models.BooleanField(_("nhận qua Zalo"), default=False)
    phone = models.CharField(_("số điện thoại Zalo"), max_length=15, blank=True,
                             help_text=_("Dạng 84xxxxxxxxx, ví dụ 84912345678."))
    quiet_start = models.TimeField(_("không làm phiền từ"), null=True, blank=True)
    quiet_end = models.TimeField(_("đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("tùy chọn thông báo")
        verbose_name_plural = _("tùy chọn thông báo")

    def __str__(self):
        return str(self.user)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.zalo and not self.phone:
            errors["phone"] = _("Hãy nhập số điện thoại dùng Zalo để nhận thông báo qua Zalo.")
        if (self.quiet_start is None) != (self.quiet_end is None):
            errors["quiet_end"] = _("Hãy nhập cả giờ bắt đầu và giờ kết thúc, hoặc để trống cả hai.")
        if errors:
            raise ValidationError(errors)


class Delivery(models.Model):
    """One notice sent (or to be sent) to one person over one channel: the log an admin reads when it fails."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("kênh"), max_length=16)
    kind = models.CharField(_("loại"), max_length=32, default="general")
    message = models.CharField(_("nội dung"), max_length=500)
    url = models.CharField(max_length=300, blank=True)
    status = models.CharField(_("trạng thái"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    not_before = models.DateTimeField(null=True, blank=True)  # the end of the user's quiet hours
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần gửi thông báo")
        verbose_name_plural = _("lần gửi thông báo")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.channel} → {self.user}: {self.message[:60]}"
