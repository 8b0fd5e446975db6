"""Funding of a plan's tasks (Kinh phí thực hiện): the planned amount and its source, what was allocated and
disbursed each month or quarter, and a plan's budget share (≥ 1% of GRDP) against the yearly base figure.

Amounts are whole đồng. Every row keeps its history (who, when) with django-simple-history.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from plans.historical import HistoricalRecords
from reports.models import ReportKind
from reports.periods import period_label

from .amounts import amount_short


class FundingSource(models.TextChoices):
    PROVINCE_BUDGET = "province_budget", _("Ngân sách tỉnh")
    COMMUNE_BUDGET = "commune_budget", _("Ngân sách xã")
    SOCIALISED = "socialised", _("Xã hội hóa")
    OTHER = "other", _("Khác")


class BaseKind(models.TextChoices):
    """What a budget share is a share of."""

    GRDP = "grdp", _("GRDP")
    BUDGET = "budget", _("Tổng chi ngân sách")


class Entered(models.Model):
    """Who last entered a row and when (the history keeps every earlier entry)."""

    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(_("thời điểm nhập"))

    class Meta:
        abstract = True


class TaskFunding(Entered):
    """A task's planned funding: how much, from which source."""

    task = models.OneToOneField("tasks.Task", on_delete=models.CASCADE, related_name="funding")
    planned_amount = models.PositiveBigIntegerField(_("kinh phí dự kiến (đồng)"), null=True, blank=True)
    source = models.CharField(_("nguồn kinh phí"), max_length=20, choices=FundingSource.choices, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kinh phí nhiệm vụ")
        verbose_name_plural = _("kinh phí nhiệm vụ")

    def __str__(self):
        return f"{self.task}: {amount_short(self.planned_amount)}"


class FundingPeriod(Entered):
    """What was allocated (phân bổ) and disbursed (giải ngân) for a task in one month or quarter.

    Invariants: amounts are never negative (the database's constraints); a month or quarter starts on its first
    day and periods of one task never overlap (`clean`, and the unique constraint); what was disbursed up to any
    period never exceeds what was allocated up to it (`running_totals_check`, over all of a task's periods):
    money allocated in one quarter may be paid out in the next, but nothing is paid out before it is allocated.
    """

    KINDS = [(ReportKind.MONTHLY, _("Tháng")), (ReportKind.QUARTERLY, _("Quý"))]
    MONTHS = {ReportKind.MONTHLY: 1, ReportKind.QUARTERLY: 3}

    task = models.ForeignKey("tasks.Task", on_delete=models.CASCADE, related_name="funding_periods")
    kind = models.CharField(_("loại kỳ"), max_length=16, choices=KINDS)
    starts_on = models.DateField(_("kỳ (ngày đầu tháng hoặc quý)"))
    allocated = models.PositiveBigIntegerField(_("đã phân bổ (đồng)"), default=0)
    disbursed = models.PositiveBigIntegerField(_("đã giải ngân (đồng)"), default=0)
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kinh phí theo kỳ")
        verbose_name_plural = _("kinh phí theo kỳ")
        ordering = ["task", "starts_on", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["task", "starts_on"], name="funding_period_unique_start"),
            models.CheckConstraint(condition=Q(allocated__gte=0) & Q(disbursed__gte=0),
                                   name="funding_period_not_negative"),
        ]

    def __str__(self):
        return f"{self.task}: {self.label}"

    @property
    def number(self):
        return (self.starts_on.month - 1) // self.MONTHS[self.kind] + 1

    @property
    def label(self):
        """"Tháng 3/2026", "Quý I/2026": the names reports give periods."""
        return period_label(self.kind, self.starts_on.year, self.number)

    @property
    def months(self):
        """The first day of each month the period covers."""
        return [self.starts_on.replace(month=self.starts_on.month + i) for i in range(self.MONTHS[self.kind])]

    def clean(self):
        if self.kind not in self.MONTHS:
            raise ValidationError({"kind": gettext("Kỳ phải là tháng hoặc quý.")})
        if self.starts_on.day != 1 or (self.starts_on.month - 1) % self.MONTHS[self.kind]:
            raise ValidationError({"starts_on": gettext("Kỳ phải bắt đầu từ ngày đầu tháng hoặc đầu quý.")})

    @staticmethod
    def running_totals_check(periods):
        """Refuse a task's periods (all of them, as they would stand) if, up to any period, more was disbursed than
        allocated; or if two of them cover the same month."""
        covered = {}
        allocated = disbursed = 0
        for period in sorted(periods, key=lambda p: p.starts_on):
            for month in period.months:
                if month in covered:
                    raise ValidationError(gettext("%(one)s trùng thời gian với %(other)s.") % {
                        "one": period.label, "other": covered[month].label})
                covered[month] = period
            allocated += period.allocated
            disbursed += period.disbursed
            if disbursed > allocated:
                raise ValidationError(gettext(
                    "Đến hết %(period)s, số đã giải ngân (%(disbursed)s) vượt số đã phân bổ (%(allocated)s): chỉ giải "
                    "ngân được kinh phí đã phân bổ.") % {"period": period.label, "disbursed": amount_short(disbursed),
                                                          "allocated": amount_short(allocated)})


class BudgetShare(Entered):
    """A share of a base the plan sets for its field: seed 002's "ít nhất 1% GRDP ngân sách cho phát triển
    khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số"."""

    plan = models.OneToOneField("plans.Plan", on_delete=models.CASCADE, related_name="budget_share")
    percent = models.DecimalField(_("tỷ lệ (%)"), max_digits=5, decimal_places=2)
    base_kind = models.CharField(_("tính trên"), max_length=16, choices=BaseKind.choices, default=BaseKind.GRDP)
    purpose = models.CharField(_("nội dung"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tỷ lệ chi theo kế hoạch")
        verbose_name_plural = _("tỷ lệ chi theo kế hoạch")
        constraints = [models.CheckConstraint(condition=Q(percent__gt=0) & Q(percent__lte=100),
                                              name="budget_share_percent_valid")]

    def __str__(self):
        return f"{self.percent.normalize():f}% {self.get_base_kind_display()}"

    @property
    def label(self):
        """"1% GRDP"."""
        return f"{self.percent.normalize():f}".replace(".", ",") + f"% {self.get_base_kind_display()}"

    def target(self, base_amount):
        """The amount the share of `base_amount` comes to, in whole đồng."""
        return int(base_amount * self.percent / 100)


class FundingBase(Entered):
    """An area's base figure for a year (its GRDP, or its total budget spending), entered by its Economic office."""

    area = models.ForeignKey("plans.Area", on_delete=models.CASCADE, related_name="funding_bases")
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(_("loại"), max_length=16, choices=BaseKind.choices)
    amount = models.PositiveBigIntegerField(_("giá trị (đồng)"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("số liệu gốc theo năm")
        verbose_name_plural = _("số liệu gốc theo năm")
        ordering = ["area", "-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "kind"], name="funding_base_unique"),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="funding_base_year_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}: {amount_short(self.amount)}"
