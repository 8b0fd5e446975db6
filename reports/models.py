from django.db import models
from django.db.models import Q
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
