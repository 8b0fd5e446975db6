from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.querysets import PlanItemQuerySet


class TimelineKind(models.TextChoices):
    ONE_OFF = "one_off", _("Có thời hạn")
    ANNUAL = "annual", _("Hàng năm")
    CONTINUOUS = "continuous", _("Thường xuyên")


class Task(models.Model):
    """Work a lead unit carries out with support units (Nhiệm vụ)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa thực hiện")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        AWAITING_REVIEW = "awaiting_review", _("Chờ thẩm định")
        COMPLETED = "completed", _("Hoàn thành")

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(
        "plans.Section", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks",
    )
    position = models.PositiveIntegerField(_("thứ tự"))
    ordinal = models.CharField(_("STT"), max_length=16, blank=True)
    title = models.TextField(_("nhiệm vụ"))
    details = models.TextField(_("nội dung chi tiết"), blank=True)
    lead_units = models.ManyToManyField(
        "plans.Unit", verbose_name=_("cơ quan chủ trì"), blank=True, related_name="led_tasks",
    )
    support_units = models.ManyToManyField(
        "plans.Unit", verbose_name=_("cơ quan phối hợp"), blank=True, related_name="supported_tasks",
    )
    product = models.TextField(_("sản phẩm"), blank=True)
    timeline_text = models.CharField(_("thời gian thực hiện"), max_length=255, blank=True)
    starts_on = models.DateField(_("bắt đầu"), null=True, blank=True)
    ends_on = models.DateField(_("kết thúc"), null=True, blank=True)
    timeline_kind = models.CharField(
        _("loại thời hạn"), max_length=16, choices=TimelineKind.choices, default=TimelineKind.ONE_OFF,
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ phụ trách"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="tasks_in_charge",
    )
    authority = models.CharField(_("thẩm quyền phê duyệt"), max_length=255, blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    # Optimistic locking: a save names the version it read, and loses if another saved first.
    version = models.PositiveIntegerField(default=1)
    carries_out = models.ForeignKey(
        "self", verbose_name=_("thực hiện nhiệm vụ cấp trên"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="carried_out_by",
    )
    history = HistoricalRecords(m2m_fields=[lead_units, support_units])

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="task_position_unique"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(starts_on__lte=models.F("ends_on")),
                name="task_timeline_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(progress=100),
                name="task_completed_at_100",
            ),
        ]

    def __str__(self):
        return f"{self.ordinal}. {self.title}" if self.ordinal else self.title

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.pk])

    def missing_clears(self):
        """Which of the "6 rõ" the task does not yet name (uses prefetched lead units)."""
        missing = []
        if self.officer_id is None:
            missing.append(_("rõ người"))
        if not self.title:
            missing.append(_("rõ việc"))
        if not self.timeline_text:
            missing.append(_("rõ thời gian"))
        if not self.lead_units.all():
            missing.append(_("rõ trách nhiệm"))
        if not self.product:
            missing.append(_("rõ sản phẩm"))
        if not self.authority:
            missing.append(_("rõ thẩm quyền"))
        return missing
