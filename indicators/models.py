from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plans.historical import HistoricalRecords
from plans.models import REPORT_TEXT_MAX_LENGTH, PlanItem


class Comparator(models.TextChoices):
    AT_LEAST = ">=", "≥"
    MORE_THAN = ">", ">"
    EQUAL = "=", "="
    AT_MOST = "<=", "≤"
    LESS_THAN = "<", "<"
    BETWEEN = "between", _("trong khoảng")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Càng cao càng tốt")
    LOWER = "lower", _("Càng thấp càng tốt")


class Indicator(PlanItem):
    """A measured target of a plan (Chỉ tiêu)."""

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
    # Whether a bare number (`95`) or a range (`06 - 10`) is a floor or a ceiling; `≥`/`≤` say so themselves.
    direction = models.CharField(_("chiều đánh giá"), max_length=8, choices=Direction.choices,
                                 default=Direction.HIGHER)
    # The indicator's timeline as written (`đến cuối năm 2026`), from `starts_on` to `deadline` (its end, as
    # `ends_on` is for a task), so the schedule and the warning jobs judge indicators like tasks.
    timeline_text = models.CharField(_("thời gian thực hiện"), max_length=255, blank=True)
    starts_on = models.DateField(_("bắt đầu"), null=True, blank=True)
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ phụ trách"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="indicators_in_charge",
    )
    product = models.TextField(_("sản phẩm, minh chứng dự kiến"), blank=True)
    authority = models.CharField(_("thẩm quyền phê duyệt"), max_length=255, blank=True)
    # The baseline as the document writes it (`45%`), its column's words (`Thực hiện năm 2025`), the year it
    # was measured in and its figure when it is a number.
    baseline = models.CharField(_("giá trị nền"), max_length=255, blank=True)
    baseline_label = models.CharField(_("giá trị nền là"), max_length=100, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("năm của giá trị nền"), null=True, blank=True)
    baseline_value = models.DecimalField(_("giá trị nền (số)"), max_digits=16, decimal_places=4, null=True,
                                         blank=True)
    contributes_to = models.ForeignKey(
        "self", verbose_name=_("đóng góp cho chỉ tiêu cấp trên"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="contributions",
    )
    # The latest reported figure, kept on the row so lists need no extra query.
    current_value = models.DecimalField(_("giá trị hiện tại"), max_digits=16, decimal_places=4, null=True, blank=True)
    current_period = models.DateField(_("kỳ báo cáo gần nhất"), null=True, blank=True)
    is_met = models.BooleanField(_("đạt chỉ tiêu"), null=True)
    history = HistoricalRecords(m2m_fields=["lead_units", "support_units"])

    class Meta(PlanItem.Meta):
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
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
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(deadline__isnull=True) | Q(starts_on__lte=models.F("deadline")),
                name="indicator_timeline_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.ordinal}. {self.content}" if self.ordinal else self.content

    @property
    def title(self):
        return self.content

    @property
    def is_qualitative(self):
        return not self.target_comparator

    def target_for(self, day):
        """The target that applies on `day` (`indicators.targets.target_applying`); reads `targets.all()`, so a
        list prefetches `targets`."""
        from .targets import target_applying

        return target_applying(self, self.targets.all(), day)

    def judge(self, measured, day):
        """Whether `measured` meets the target that applies on `day` (None for no figure or a qualitative target)."""
        from .targets import target_is_met

        target = self.target_for(day)
        return target_is_met(comparator=target.comparator, value=target.value, upper=target.value_upper,
                             measured=measured, direction=self.direction)

    def get_absolute_url(self):
        return reverse("indicators:indicator_detail", args=[self.pk])

    TEXT_FIELD = "content"
    END_FIELD = "deadline"  # where the six clears look for the item's time


class IndicatorTarget(models.Model):
    """The indicator's target for one year (`Năm 2026`), or for the stage ending that year (`Đến năm 2030`).

    The indicator's own target fields stay "the target" (the plan's single column, and what older plans hold);
    targets by year say what applies in their year (`indicators.targets.target_applying`)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("năm"))
    label = models.CharField(_("cột"), max_length=100, blank=True)  # as the document heads it: `Đến năm 2030`
    target_text = models.CharField(_("chỉ tiêu"), max_length=500, blank=True)
    comparator = models.CharField(_("so sánh"), max_length=8, choices=Comparator.choices, blank=True)
    value = models.DecimalField(_("giá trị"), max_digits=16, decimal_places=4, null=True, blank=True)
    value_upper = models.DecimalField(_("giá trị cận trên"), max_digits=16, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("đơn vị của chỉ tiêu"), max_length=32, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ tiêu theo năm")
        verbose_name_plural = _("chỉ tiêu theo năm")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicator_target_year_unique"),
            models.CheckConstraint(condition=Q(comparator="") | Q(value__isnull=False),
                                   name="indicator_target_numeric_has_value"),
            models.CheckConstraint(condition=~Q(comparator="between") | Q(value_upper__isnull=False),
                                   name="indicator_target_range_has_upper"),
        ]

    def __str__(self):
        return f"{self.label or self.year}: {self.target_text}"

    @property
    def is_qualitative(self):
        return not self.comparator


class IndicatorReport(models.Model):
    """A measured value (or, for a qualitative target, a state) reported for one month."""

    class QualitativeState(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa triển khai")
        IN_PROGRESS = "in_progress", _("Đang triển khai")
        ACHIEVED = "achieved", _("Đã đạt")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="indicator_reports")
    period = models.DateField(_("kỳ báo cáo (tháng)"))
    value = models.DecimalField(_("giá trị đo được"), max_digits=16, decimal_places=4, null=True, blank=True)
    qualitative_state = models.CharField(_("tình trạng"), max_length=16, choices=QualitativeState.choices, blank=True)
    description = models.TextField(_("mô tả kết quả"), blank=True, max_length=REPORT_TEXT_MAX_LENGTH)
    is_met = models.BooleanField(_("đạt chỉ tiêu"), null=True)
    created_at = models.DateTimeField(_("thời điểm báo cáo"), auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo chỉ tiêu")
        verbose_name_plural = _("báo cáo chỉ tiêu")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(qualitative_state=""), name="indicator_report_has_a_figure",
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="indicator_report_period_is_a_month"),
        ]

    def __str__(self):
        month = f"{self.period:%m/%Y}" if self.period else ""
        return f"{month} · {self.value if self.value is not None else self.get_qualitative_state_display()}"
