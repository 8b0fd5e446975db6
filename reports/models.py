import datetime
import pathlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.querysets import ReportQuerySet


class WarningQuerySet(models.QuerySet):
    def followed_by(self, user):
        """Warnings of the user's own areas and, for a province, of its communes."""
        from plans.models import Area

        if user.is_superuser:
            return self
        return self.filter(area__in=Area.objects.followed_by(user).values("pk"))

    def fill_areas(self):
        """Store each warning's area (its item's plan's, or its unit's) where it is not stored yet: one UPDATE.

        Raising paths that write rows in bulk call it on what they wrote; `Warning.save` fills its own."""
        from indicators.models import Indicator
        from plans.models import Unit
        from tasks.models import Task

        def area_of(model, field, path):
            return Subquery(model.objects.filter(pk=OuterRef(field)).values(path)[:1])

        return self.filter(area__isnull=True).update(area=Coalesce(
            area_of(Task, "task_id", "plan__area_id"), area_of(Indicator, "indicator_id", "plan__area_id"),
            area_of(Unit, "unit_id", "area_id")))


class Warning(models.Model):  # noqa: A001 - the glossary's word (Cảnh báo)
    """A condition that held on an item (or a unit's reporting) from `raised_at` until `closed_at`.

    At most one open warning per item and kind, enforced by the database so that
    concurrent job runs (or two beats) can never raise it twice.
    """

    class Kind(models.TextChoices):
        OVERDUE = "overdue", _("Quá hạn")
        BEHIND_SCHEDULE = "behind_schedule", _("Chậm so với lộ trình")
        EVIDENCE_REJECTED = "evidence_rejected", _("Minh chứng bị trả lại")
        # From the report register: a report owed upward whose deadline is near, or has passed.
        REPORT_DUE = "report_due", _("Sắp đến hạn báo cáo")
        REPORT_LATE = "report_late", _("Quá hạn báo cáo")
        # Work without an end (annual, continuous, no end date) not updated in a month whose update day passed;
        # `period` is the first such month.
        NOT_UPDATED = "not_updated", _("Chưa cập nhật")

    kind = models.CharField(_("loại cảnh báo"), max_length=32, choices=Kind.choices)
    task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.CASCADE, related_name="warnings")
    indicator = models.ForeignKey(
        "indicators.Indicator", null=True, blank=True, on_delete=models.CASCADE, related_name="warnings",
    )
    unit = models.ForeignKey("plans.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="warnings")
    period = models.DateField(_("kỳ báo cáo"), null=True, blank=True)
    # A report owed: its rule's kind and period (and plan), "quarterly-2026-4" or "half_year-2026-2-plan7";
    # the first month alone would make Q4 and October, or two half-year reports, one warning.
    period_key = models.CharField(max_length=80, blank=True, default="")
    # The area whose warning it is (its item's plan's, or its unit's), stored so that a commune's list is read
    # through one index instead of three joins walked in `raised_at` order (issue 26: 659 ms at 3,400 communes).
    area = models.ForeignKey("plans.Area", null=True, blank=True, editable=False, on_delete=models.CASCADE,
                             related_name="+")
    raised_at = models.DateTimeField(_("phát sinh lúc"))
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    # What the figures were when raised: progress and schedule, days overdue...
    details = models.JSONField(default=dict, blank=True)

    objects = WarningQuerySet.as_manager()

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
            models.UniqueConstraint(fields=["kind", "unit", "period_key"],
                                    condition=Q(closed_at__isnull=True, unit__isnull=False),
                                    name="one_open_warning_per_unit_report_and_kind"),
        ]
        indexes = [models.Index(fields=["closed_at", "kind"]),
                   models.Index(fields=["area", "-raised_at", "-id"], name="warning_area_raised")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.task or self.indicator or self.unit}"

    def save(self, *args, **kwargs):
        if self.area_id is None:
            if self.unit_id:
                self.area_id = self.unit.area_id
            elif self.task_id or self.indicator_id:
                self.area_id = (self.task or self.indicator).plan.area_id
        super().save(*args, **kwargs)

    @property
    def plan(self):
        item = self.task or self.indicator
        return item.plan if item else None

    @property
    def is_red(self):
        return self.kind in (self.Kind.OVERDUE, self.Kind.EVIDENCE_REJECTED)

    @property
    def report_deadline(self):
        """The deadline of the report a "due"/"late" warning asks for."""
        deadline = self.details.get("deadline") if self.unit_id else None
        return datetime.date.fromisoformat(deadline) if deadline else None

    @property
    def period_label(self):
        """The report owed, by its period's real name ("Quý IV/2026", "6 tháng cuối năm 2026 (55-KH)")."""
        from .periods import period_label

        kind, (year, number) = self.details.get("kind"), self.details.get("period") or (None, None)
        if not kind or not year:
            return period_label(ReportKind.MONTHLY, self.period.year, self.period.month) if self.period else ""
        plan = self.details.get("plan")
        return period_label(kind, year, number) + (f" ({plan})" if plan else "")


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
    # Written every few seconds while a worker runs it (config.jobs.heartbeat): once it stops, the worker died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
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


class ProvinceFigures(models.Model):
    """The province dashboard's figures per commune, kept for a province of thousands of communes.

    There computing them takes seconds; the leader's page reads the last computation, with its
    time shown, while a job computes the next (reports.province_figures). A province of ordinary
    size keeps none: its page is always live.
    """

    province = models.OneToOneField("plans.Area", on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("tỉnh"))
    day = models.DateField(_("ngày tính lộ trình"))
    computed_at = models.DateTimeField(_("số liệu lúc"))
    seconds = models.FloatField(_("thời gian tính (giây)"))
    communes = models.JSONField(_("số liệu các xã"), default=dict)  # commune pk → commune_figures' values
    refresh_requested_at = models.DateTimeField(_("yêu cầu tính lại lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("số liệu tổng quan của tỉnh")
        verbose_name_plural = _("số liệu tổng quan của tỉnh")

    def __str__(self):
        return f"{self.province} ({self.computed_at:%d/%m/%Y %H:%M})"


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("Báo cáo tháng")
    QUARTERLY = "quarterly", _("Báo cáo quý")
    HALF_YEAR = "half_year", _("Báo cáo 6 tháng")
    NINE_MONTH = "nine_month", _("Báo cáo 9 tháng")
    ANNUAL = "annual", _("Báo cáo năm")
    AD_HOC = "ad_hoc", _("Báo cáo đột xuất")


class ReportingRule(models.Model):
    """A report an area owes upward: which kind, to whom, the cut-off of each period and the deadline.

    Periods are cut off on `cutoff_day` (Decree 09/2019: from the 15th of the month before to the 14th);
    the deadline is `deadline_day` of the period's last month plus `deadline_month_offset` months.
    A rule with a plan covers that plan only (its own cadence, e.g. Phú Lâm 55-KH: six-monthly).
    """

    area = models.ForeignKey("plans.Area", verbose_name=_("địa bàn"), on_delete=models.CASCADE,
                             related_name="reporting_rules")
    plan = models.ForeignKey("plans.Plan", verbose_name=_("riêng cho kế hoạch"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="reporting_rules")
    kind = models.CharField(_("loại báo cáo"), max_length=16, choices=ReportKind.choices)
    # A unit's own report to its commune's People's Committee (seed 002: the units report to UBND xã through the
    # Culture-Social office; seed 004: monthly, quarterly, six-monthly, yearly); empty for the area's own report.
    issuing_unit = models.ForeignKey("plans.Unit", verbose_name=_("đơn vị báo cáo"), null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="reporting_rules")
    recipient_unit = models.ForeignKey("plans.Unit", verbose_name=_("cơ quan nhận (đầu mối)"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="reports_received_by_rule")
    # Where a seed names several recipients (Đại Phước: the Party Committee's standing board, the Sở KH&CN and the
    # commune's steering committee): each receives the report, or returns it, on its own.
    other_recipients = models.ManyToManyField("plans.Unit", verbose_name=_("cơ quan nhận khác"), blank=True,
                                              related_name="+")
    addressee = models.CharField(_("kính gửi"), max_length=255)
    cutoff_day = models.PositiveSmallIntegerField(_("ngày chốt số liệu"), default=14)
    deadline_day = models.PositiveSmallIntegerField(_("hạn gửi (ngày)"), default=20)
    deadline_month_offset = models.PositiveSmallIntegerField(_("hạn gửi (số tháng sau tháng cuối kỳ)"), default=0)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chế độ báo cáo")
        verbose_name_plural = _("chế độ báo cáo")
        ordering = ["area", "plan", "kind"]
        constraints = [
            # Partial constraints rather than NULLS NOT DISTINCT, so SQLite (the newcomer's) keeps them too.
            models.UniqueConstraint(fields=["area", "kind"], condition=Q(plan__isnull=True, issuing_unit__isnull=True),
                                    name="reporting_rule_unique_per_area"),
            models.UniqueConstraint(fields=["area", "plan", "kind"],
                                    condition=Q(plan__isnull=False, issuing_unit__isnull=True),
                                    name="reporting_rule_unique_per_plan"),
            models.UniqueConstraint(fields=["issuing_unit", "kind"],
                                    condition=Q(plan__isnull=True, issuing_unit__isnull=False),
                                    name="reporting_rule_unique_per_unit"),
            models.UniqueConstraint(fields=["issuing_unit", "plan", "kind"],
                                    condition=Q(plan__isnull=False, issuing_unit__isnull=False),
                                    name="reporting_rule_unique_per_unit_and_plan"),
            models.CheckConstraint(condition=Q(cutoff_day__gte=1, cutoff_day__lte=28), name="reporting_rule_cutoff_day"),
            models.CheckConstraint(condition=Q(deadline_day__gte=1, deadline_day__lte=31),
                                   name="reporting_rule_deadline_day"),
            models.CheckConstraint(condition=Q(deadline_month_offset__lte=3), name="reporting_rule_deadline_offset"),
        ]

    def __str__(self):
        return (f"{self.issuing_unit or self.area} · {self.get_kind_display()}"
                + (f" · {self.plan.reference}" if self.plan_id else ""))


class ReportNumber(models.Model):
    """The last number an issuer gave its reports in a year (`Số: 12/BC-UBND`), locked row by row: the area's
    People's Committee (or Sở), or one of its units, which keeps its own register (`Số: 03/BC-CAX`)."""

    area = models.ForeignKey("plans.Area", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("plans.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], condition=Q(unit__isnull=True),
                                    name="report_number_unique_per_issuer_year"),
            models.UniqueConstraint(fields=["unit", "year"], condition=Q(unit__isnull=False),
                                    name="report_number_unique_per_unit_year"),
        ]

    def __str__(self):
        return f"{self.year}: {self.last}"


def report_file_path(instance, filename):
    return f"reports/{instance.area_id}/{uuid.uuid4().hex}{pathlib.PurePath(filename).suffix}"


class Report(models.Model):
    """A periodic (or ad hoc) report in the register, from draft to received upstream.

    Its figures are a frozen snapshot taken when drafted; once issued, its files never
    change (SHA-256 kept) and its period is locked.
    """

    Kind = ReportKind

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ISSUED = "issued", _("Đã ban hành, chờ tiếp nhận")
        RECEIVED = "received", _("Đã tiếp nhận")
        RETURNED = "returned", _("Bị trả lại")

    area = models.ForeignKey("plans.Area", verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="reports")
    # A unit's report to its commune's People's Committee; empty for the area's own report.
    unit = models.ForeignKey("plans.Unit", verbose_name=_("đơn vị báo cáo"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="reports_issued")
    rule = models.ForeignKey(ReportingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    plan = models.ForeignKey("plans.Plan", verbose_name=_("kế hoạch"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("loại báo cáo"), max_length=16, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    period_number = models.PositiveSmallIntegerField(_("kỳ"))
    # The calendar months the report covers (locked once issued) and the cut-off window of its figures.
    first_month = models.DateField()
    last_month = models.DateField()
    window_start = models.DateField(_("số liệu từ ngày"))
    window_end = models.DateField(_("số liệu đến ngày"))
    deadline = models.DateField(_("hạn gửi"), null=True, blank=True)
    recipient_unit = models.ForeignKey("plans.Unit", verbose_name=_("cơ quan nhận"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="reports_received")
    addressee = models.CharField(_("kính gửi"), max_length=255)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255)
    symbol = models.CharField(_("ký hiệu"), max_length=32, default="BC-UBND")
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    number_year = models.PositiveSmallIntegerField(null=True, blank=True)
    subject = models.CharField(_("trích yếu"), max_length=500)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    distribution = models.TextField(_("nơi nhận"), max_length=2000, blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    snapshot = models.JSONField(default=dict, blank=True)
    snapshot_taken_at = models.DateTimeField(null=True, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField()
    # The head of the issuing unit confirms its figures for the period before it is issued (a unit's report only);
    # figures taken again clear it.
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField(_("thủ trưởng xác nhận lúc"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(null=True, blank=True)
    is_on_time = models.BooleanField(null=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(_("lý do trả lại"), max_length=2000, blank=True)
    pdf = models.FileField(upload_to=report_file_path, max_length=200, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    docx = models.FileField(upload_to=report_file_path, max_length=200, blank=True)
    docx_sha256 = models.CharField(max_length=64, blank=True)
    signed_file = models.FileField(upload_to=report_file_path, max_length=200, blank=True)
    signed_sha256 = models.CharField(max_length=64, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    # What pyHanko found in the signed copy: signer, intact, valid, trusted.
    signature = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords(excluded_fields=["snapshot", "pdf", "docx", "signed_file"])

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        ordering = ["-year", "-first_month", "area", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["area", "number_year", "number"],
                                    condition=Q(number__isnull=False, unit__isnull=True),
                                    name="report_number_unique_per_issuer"),
            models.UniqueConstraint(fields=["unit", "number_year", "number"],
                                    condition=Q(number__isnull=False, unit__isnull=False),
                                    name="report_number_unique_per_unit"),
            # One live report per area (or unit), plan, kind and period; a returned one may be drafted again.
            models.UniqueConstraint(fields=["area", "unit", "plan", "kind", "year", "period_number"],
                                    condition=~Q(status="returned") & ~Q(kind="ad_hoc"),
                                    nulls_distinct=False, name="report_one_live_per_period"),
            models.CheckConstraint(condition=Q(status="draft") | Q(number__isnull=False, issued_at__isnull=False),
                                   name="issued_report_has_number"),
            models.CheckConstraint(condition=~Q(status="returned") | ~Q(return_comment=""),
                                   name="returned_report_has_comment"),
            models.CheckConstraint(condition=Q(unit__isnull=True) | Q(status="draft") | Q(confirmed_at__isnull=False),
                                   name="issued_unit_report_confirmed"),
        ]
        indexes = [models.Index(fields=["area", "kind", "year", "period_number"])]

    def __str__(self):
        return f"{self.reference} · {self.subject}"

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def reference(self):
        return f"{self.number:02d}/{self.symbol}" if self.number else f"…/{self.symbol}"

    @property
    def is_locked(self):
        return self.status in (self.Status.ISSUED, self.Status.RECEIVED)

    @property
    def period_label(self):
        from .periods import period_label

        return period_label(self.kind, self.year, self.period_number)

    @property
    def issuing_body(self):
        """Who reports: the unit, or the area (its People's Committee or Sở)."""
        return self.unit if self.unit_id else self.area


class ReportRecipient(models.Model):
    """One office an issued report is sent to, which receives it or returns it on its own.

    The report's own status follows its recipients: returned once one returns it, received once all have."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ tiếp nhận")
        RECEIVED = "received", _("Đã tiếp nhận")
        RETURNED = "returned", _("Trả lại")

    report = models.ForeignKey("Report", on_delete=models.CASCADE, related_name="recipients")
    unit = models.ForeignKey("plans.Unit", verbose_name=_("cơ quan nhận"), on_delete=models.PROTECT,
                             related_name="reports_to_receive")
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("lý do trả lại"), max_length=2000, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cơ quan nhận báo cáo")
        verbose_name_plural = _("cơ quan nhận báo cáo")
        ordering = ["report", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "unit"], name="report_recipient_unique"),
            models.CheckConstraint(condition=~Q(status="returned") | ~Q(comment=""),
                                   name="returned_recipient_has_comment"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_status_display()}"


class ReportJob(models.Model):
    """Drafting or rendering a report in Celery, with a state the report page shows."""

    class Action(models.TextChoices):
        DRAFT = "draft", _("Lấy số liệu và dựng văn bản")
        RENDER = "render", _("Dựng văn bản")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="jobs")
    action = models.CharField(max_length=8, choices=Action.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written every few seconds while a worker runs it (config.jobs.heartbeat): once it stops, the worker died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.get_status_display()}"

    @property
    def is_stuck(self):
        """No worker took it, or the one running it stopped beating (killed): the page offers the retry
        even before the sweep (reports.documents.report_jobs_sweep) records the failure."""
        from config.jobs import job_is_lost

        return job_is_lost(queued=self.status == self.Status.QUEUED, running=self.status == self.Status.RUNNING,
                           sent_at=self.created_at, heartbeat_at=self.heartbeat_at or self.started_at)

    @property
    def can_retry(self):
        return self.status == self.Status.FAILED or self.is_stuck


class LockedPeriodChange(models.Model):
    """A progress update made for a period an issued report had locked, with its reason."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="late_changes")
    progress_update = models.ForeignKey("tasks.ProgressUpdate", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("lý do"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return Truncator(self.reason).chars(60)


class Difficulty(models.Model):
    """A difficulty or proposal raised in an update or a report, answered by a leader or the focal office."""

    class Status(models.TextChoices):
        OPEN = "open", _("Chưa trả lời")
        ANSWERED = "answered", _("Đã có ý kiến chỉ đạo")
        RESOLVED = "resolved", _("Đã giải quyết")

    area = models.ForeignKey("plans.Area", on_delete=models.CASCADE, related_name="difficulties")
    unit = models.ForeignKey("plans.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="difficulties")
    task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.CASCADE, related_name="difficulties")
    progress_update = models.OneToOneField("tasks.ProgressUpdate", null=True, blank=True, on_delete=models.CASCADE,
                                           related_name="difficulty")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="difficulties")
    difficulties = models.TextField(_("khó khăn, vướng mắc"), max_length=5000, blank=True)
    proposals = models.TextField(_("kiến nghị, đề xuất"), max_length=5000, blank=True)
    raised_at = models.DateTimeField()
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("ý kiến chỉ đạo"), max_length=5000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khó khăn, kiến nghị")
        verbose_name_plural = _("khó khăn, kiến nghị")
        ordering = ["raised_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status="open") | ~Q(answer=""), name="answered_difficulty_has_answer"),
        ]

    def __str__(self):
        return Truncator(self.difficulties or self.proposals).chars(60)
