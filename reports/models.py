from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.utils.translation import gettext_lazy as _


class Warning(models.Model):  # noqa: A001 - the glossary's word (Cảnh báo)
    """A condition that held on an item (or a unit's reporting) from `raised_at` until `closed_at`.

    At most one open warning per item and kind, enforced by the database so that
    concurrent job runs (or two beats) can never raise it twice.
    """

    class Kind(models.TextChoices):
        OVERDUE = "overdue", _("Quá hạn")
        BEHIND_SCHEDULE = "behind_schedule", _("Chậm so với lộ trình")
        EVIDENCE_REJECTED = "evidence_rejected", _("Minh chứng bị trả lại")
        MONTHLY_REPORT_MISSING = "monthly_report_missing", _("Chưa báo cáo tháng")
        QUARTERLY_REPORT_MISSING = "quarterly_report_missing", _("Chưa báo cáo quý")

    kind = models.CharField(_("loại cảnh báo"), max_length=32, choices=Kind.choices)
    task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.CASCADE, related_name="warnings")
    indicator = models.ForeignKey(
        "indicators.Indicator", null=True, blank=True, on_delete=models.CASCADE, related_name="warnings",
    )
    unit = models.ForeignKey("plans.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="warnings")
    period = models.DateField(_("kỳ báo cáo"), null=True, blank=True)
    raised_at = models.DateTimeField(_("phát sinh lúc"))
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    # What the figures were when raised: progress and schedule, days overdue...
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("cảnh báo")
        verbose_name_plural = _("cảnh báo")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=False, indicator__isnull=True, unit__isnull=True)
                | Q(task__isnull=True, indicator__isnull=False, unit__isnull=True)
                | Q(task__isnull=True, indicator__isnull=True, unit__isnull=False, period__isnull=False),
                name="warning_concerns_one_thing",
            ),
            models.UniqueConstraint(fields=["kind", "task"], condition=Q(closed_at__isnull=True, task__isnull=False),
                                    name="one_open_warning_per_task_and_kind"),
            models.UniqueConstraint(fields=["kind", "indicator"],
                                    condition=Q(closed_at__isnull=True, indicator__isnull=False),
                                    name="one_open_warning_per_indicator_and_kind"),
            models.UniqueConstraint(fields=["kind", "unit", "period"],
                                    condition=Q(closed_at__isnull=True, unit__isnull=False),
                                    name="one_open_warning_per_unit_period_and_kind"),
        ]
        indexes = [models.Index(fields=["closed_at", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.task or self.indicator or self.unit}"

    @property
    def plan(self):
        item = self.task or self.indicator
        return item.plan if item else None

    @property
    def is_red(self):
        return self.kind in (self.Kind.OVERDUE, self.Kind.EVIDENCE_REJECTED)


class WarningRun(models.Model):
    """One press of "run now" on the warnings page: queued, running, done or failed.

    At most one run is queued or running, enforced by the database: a press while one is
    under way fails to insert, whatever the timing. A run the broker refused is failed at
    once, so the next press (the retry) can claim a new one.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Thất bại")

    ACTIVE = [State.QUEUED, State.RUNNING]

    state = models.CharField(_("tình trạng"), max_length=16, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)  # warnings_raise's counts
    error = models.CharField(_("lỗi"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("lần chạy kiểm tra cảnh báo")
        verbose_name_plural = _("lần chạy kiểm tra cảnh báo")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(Value(True), condition=Q(state__in=["queued", "running"]),
                                    name="one_active_warning_run"),
        ]

    def __str__(self):
        return f"{self.get_state_display()} ({self.requested_at:%d/%m/%Y %H:%M})"

    @property
    def is_active(self):
        return self.state in self.ACTIVE
