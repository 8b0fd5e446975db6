from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.querysets import PlanItemQuerySet


class Comparator(models.TextChoices):
    AT_LEAST = ">=", "≥"
    MORE_THAN = ">", ">"
    EQUAL = "=", "="
    AT_MOST = "<=", "≤"
    LESS_THAN = "<", "<"
    BETWEEN = "between", _("trong khoảng")


class Indicator(models.Model):
    """A measured target of a plan (Chỉ tiêu)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa thực hiện")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        ACHIEVED = "achieved", _("Đạt")
        NOT_ACHIEVED = "not_achieved", _("Không đạt")

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="indicators")
    section = models.ForeignKey(
        "plans.Section", null=True, blank=True, on_delete=models.CASCADE, related_name="indicators",
    )
    position = models.PositiveIntegerField(_("thứ tự"))
    ordinal = models.CharField(_("STT"), max_length=16, blank=True)
    content = models.TextField(_("nội dung"))
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=64, blank=True)
    # The target as the document writes it, and its typed parts when it is a number.
    target_text = models.CharField(_("chỉ tiêu"), max_length=500, blank=True)
    target_comparator = models.CharField(_("so sánh"), max_length=8, choices=Comparator.choices, blank=True)
    target_value = models.DecimalField(_("giá trị"), max_digits=16, decimal_places=4, null=True, blank=True)
    target_value_upper = models.DecimalField(
        _("giá trị cận trên"), max_digits=16, decimal_places=4, null=True, blank=True,
    )
    target_unit = models.CharField(_("đơn vị của chỉ tiêu"), max_length=32, blank=True)
    lead_units = models.ManyToManyField(
        "plans.Unit", verbose_name=_("đơn vị chủ trì"), blank=True, related_name="led_indicators",
    )
    support_units = models.ManyToManyField(
        "plans.Unit", verbose_name=_("đơn vị phối hợp"), blank=True, related_name="supported_indicators",
    )
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    baseline = models.CharField(_("giá trị nền"), max_length=255, blank=True)
    contributes_to = models.ForeignKey(
        "self", verbose_name=_("đóng góp cho chỉ tiêu cấp trên"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="contributions",
    )
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    history = HistoricalRecords(m2m_fields=[lead_units, support_units])

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="indicator_position_unique"),
            models.CheckConstraint(
                condition=Q(target_comparator="") | Q(target_value__isnull=False),
                name="indicator_numeric_target_has_value",
            ),
            models.CheckConstraint(
                condition=~Q(target_comparator="between") | Q(target_value_upper__isnull=False),
                name="indicator_range_target_has_upper",
            ),
        ]

    def __str__(self):
        return f"{self.ordinal}. {self.content}" if self.ordinal else self.content

    @property
    def is_qualitative(self):
        return not self.target_comparator

    def get_absolute_url(self):
        return reverse("indicators:indicator_detail", args=[self.pk])
