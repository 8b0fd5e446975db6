import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .historical import HistoricalRecords
from .querysets import (AreaQuerySet, LegalDocumentQuerySet, PlanItemQuerySet, PlanQuerySet, UnitQuerySet, plan_scope,
                         plan_scope_holds)
from .text import name_key


class Area(models.Model):
    """A province, or a commune or ward within one."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh")
        COMMUNE = "commune", _("Xã")
        WARD = "ward", _("Phường")

    kind = models.CharField(_("cấp"), max_length=16, choices=Kind.choices)
    # Blank when the documents do not name it (Dân Tiến's province); it can be named later.
    name = models.CharField(_("tên"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("thuộc"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    slug = models.SlugField(unique=True)
    history = HistoricalRecords()

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("địa bàn")
        verbose_name_plural = _("địa bàn")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="province", parent__isnull=True) | ~Q(kind="province"),
                name="province_has_no_parent",
            ),
        ]

    def __str__(self):
        if not self.name:
            return str(_("Tỉnh (chưa xác định)")) if self.kind == self.Kind.PROVINCE else str(_("(chưa đặt tên)"))
        return f"{self.get_kind_display()} {self.name}"


class Unit(models.Model):
    """An office or agency within an area: Sở KH&CN, Phòng Văn hóa - Xã hội, Công an xã..."""

    area = models.ForeignKey(Area, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("tên đơn vị"), max_length=255)
    slug = models.SlugField(max_length=120, unique=True)
    # The commune's Culture-Social office reviews evidence and follows up every plan.
    is_culture_social_office = models.BooleanField(_("là Phòng Văn hóa - Xã hội"), default=False)
    # A collective name plans use ("Các cơ quan, đơn vị, phòng ban liên quan"): no one answers for it,
    # so no warning is addressed to it.
    is_placeholder = models.BooleanField(_("là tên gọi chung (không phải một đơn vị cụ thể)"), default=False)
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["area__name", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="unit_name_unique_in_area")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # A unit never moves to another area: its tasks, people and history belong to that area.
        if self.pk and Unit.objects.filter(pk=self.pk).exclude(area_id=self.area_id).exists():
            raise ValidationError({"area": _("Không thể chuyển đơn vị sang địa bàn khác.")})
        super().save(*args, **kwargs)


class UnitAlias(models.Model):
    """Another way documents write a unit's name (`Phòng VH&XH`, `Sở KH & CN`)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("tên gọi khác"), max_length=255)
    key = models.CharField(max_length=255, editable=False)

    class Meta:
        verbose_name = _("tên gọi khác")
        verbose_name_plural = _("tên gọi khác")
        constraints = [models.UniqueConstraint(fields=["unit", "key"], name="unit_alias_unique")]

    def __str__(self):
        return self.alias

    def save(self, *args, **kwargs):
        self.key = name_key(self.alias)
        super().save(*args, **kwargs)


class LegalDocument(models.Model):
    """A resolution, plan or other document that a plan cites or carries out, kept by reference."""

    class Kind(models.TextChoices):
        RESOLUTION = "resolution", _("Nghị quyết")
        PLAN = "plan", _("Kế hoạch")
        PROGRAMME = "programme", _("Chương trình hành động")
        DECISION = "decision", _("Quyết định")
        NOTICE = "notice", _("Thông báo")
        OTHER = "other", _("Văn bản khác")

    kind = models.CharField(_("loại văn bản"), max_length=16, choices=Kind.choices)
    reference = models.CharField(_("số, ký hiệu"), max_length=64)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    title = models.TextField(_("trích yếu"), blank=True)
    # The area whose admin entered it; empty for the shared documents (resolutions, province plans
    # loaded with the seeds), which only a superuser edits.
    area = models.ForeignKey(Area, verbose_name=_("địa bàn nhập"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="legal_documents")
    history = HistoricalRecords()

    objects = LegalDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["issued_on", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["reference", "issuer"], name="legal_document_unique"),
        ]

    def __str__(self):
        return self.reference


PLAN_NAME_WORDS = 12  # a numberless plan is named by this many words of its title


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ISSUED = "issued", _("Đã ban hành")
        REPLACED = "replaced", _("Đã được thay thế")

    slug = models.SlugField(max_length=120, unique=True)
    area = models.ForeignKey(Area, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="plans")
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255)
    # `182` of `182/KH-UBND`; blank on a draft (`Số: /KH-UBND`).
    number = models.CharField(_("số"), max_length=16, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=32, default="KH-UBND")
    # Signed documents often leave day or month blank (`ngày tháng 4 năm 2026`).
    issued_year = models.PositiveSmallIntegerField(_("năm ban hành"), null=True, blank=True)
    issued_month = models.PositiveSmallIntegerField(_("tháng ban hành"), null=True, blank=True)
    issued_day = models.PositiveSmallIntegerField(_("ngày ban hành"), null=True, blank=True)
    title = models.TextField(_("trích yếu"))
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    implements_plan = models.ForeignKey(
        "self", verbose_name=_("thực hiện kế hoạch"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="implementing_plans",
    )
    implements = models.ManyToManyField(
        LegalDocument, verbose_name=_("thực hiện văn bản"), blank=True, related_name="implementing_plans",
    )
    legal_basis = models.ManyToManyField(
        LegalDocument, verbose_name=_("căn cứ"), blank=True, related_name="cited_by_plans",
    )
    replaces = models.ForeignKey(
        LegalDocument, verbose_name=_("thay thế văn bản"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="replaced_by_plans",
    )
    history = HistoricalRecords(m2m_fields=[implements, legal_basis])

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["area__kind", "-issued_year", "-issued_month", "slug"]
        constraints = [
            models.CheckConstraint(condition=Q(issued_month__gte=1, issued_month__lte=12) | Q(issued_month__isnull=True), name="plan_issued_month_valid"),
            models.CheckConstraint(condition=Q(issued_day__gte=1, issued_day__lte=31) | Q(issued_day__isnull=True), name="plan_issued_day_valid"),
            models.CheckConstraint(condition=~Q(status="issued") | ~Q(number=""), name="issued_plan_has_number"),
        ]

    def __str__(self):
        return f"{self.display_name} – {self.issuer}"

    def get_absolute_url(self):
        return reverse("plans:plan_detail", args=[self.slug])

    @property
    def display_name(self):
        """The plan as pages name it: its number ("182/KH-UBND"), or, while it has none (a draft, "Số: /KH-UBND"
        on paper), its title cut short and its date, so two plans of a commune never read the same."""
        if self.number:
            return self.reference
        title = Truncator(self.title).words(PLAN_NAME_WORDS, truncate=" …")
        if self.issued_year and self.issued_month and self.issued_day:
            date = f"{self.issued_day}/{self.issued_month}/{self.issued_year}"
        elif self.issued_year and self.issued_month:
            date = _("tháng %(month)s/%(year)s") % {"month": self.issued_month, "year": self.issued_year}
        elif self.issued_year:
            date = _("năm %(year)s") % {"year": self.issued_year}
        else:
            return title
        return _("%(title)s (%(date)s)") % {"title": title, "date": date}

    @property
    def reference(self):
        return f"{self.number}/{self.symbol}" if self.number else f"Số: /{self.symbol}"

    @property
    def issue_date_display(self):
        day = f"{self.issued_day:02d}" if self.issued_day else "…"
        month = f"{self.issued_month:02d}" if self.issued_month else "…"
        year = str(self.issued_year) if self.issued_year else "…"
        return _("ngày %(day)s tháng %(month)s năm %(year)s") % {"day": day, "month": month, "year": year}

    def is_visible_to(self, user):
        """`PlanQuerySet.visible_to` judged on this plan, loaded with its area: both read `plan_scope`."""
        return plan_scope_holds(plan_scope(user), self)


class Section(models.Model):
    """A heading of the plan (`I.`, `1.`, `1.1.`, `a)`) holding indicators and tasks, in document order."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    appendix = models.CharField(_("phụ lục"), max_length=8, blank=True)
    number = models.CharField(_("số mục"), max_length=16, blank=True)
    title = models.TextField(_("tên mục"))
    position = models.PositiveIntegerField(_("thứ tự"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mục")
        verbose_name_plural = _("mục")
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "position"], name="section_position_unique")]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    @property
    def depth(self):
        return self.number.count(".") - 1 if self.number and self.number[0].isdigit() else 0


# Free text people type into workflows: bounded, so a pasted 4 MB text is refused, not stored.
REPORT_TEXT_MAX_LENGTH = 10_000   # a period's achievements, difficulties, proposals, reasons
COMMENT_MAX_LENGTH = 5000
NOTE_MAX_LENGTH = 2000            # a reviewer's note


class ItemStatus(models.TextChoices):
    """Where a task or indicator stands; completed only once its evidence is accepted."""

    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    AWAITING_REVIEW = "awaiting_review", _("Chờ thẩm định")
    EVIDENCE_REJECTED = "evidence_rejected", _("Minh chứng bị trả lại")
    COMPLETED = "completed", _("Hoàn thành")


class PlanItem(models.Model):
    """What tasks and indicators share: their place in the plan, who leads, where they stand."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="%(class)ss")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.CASCADE, related_name="%(class)ss")
    position = models.PositiveIntegerField(_("thứ tự"))
    ordinal = models.CharField(_("STT"), max_length=16, blank=True)
    lead_units = models.ManyToManyField(Unit, verbose_name=_("đơn vị chủ trì"), blank=True, related_name="led_%(class)ss")
    support_units = models.ManyToManyField(
        Unit, verbose_name=_("đơn vị phối hợp"), blank=True, related_name="supported_%(class)ss",
    )
    status = models.CharField(_("trạng thái"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED)
    # Optimistic locking: a save names the version it read, and loses if another saved first.
    version = models.PositiveIntegerField(default=1)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["plan", "position"]

    def units_load(self, fields=("lead_units", "support_units")):
        """Fill the `lead_units` and `support_units` caches, as `prefetch_related` would, with a light query
        each: a page about one item reads them many times (the facts, `can_report`, the six clears)."""
        for field in fields:
            # By name only: Unit's own ordering (by area name) joins the areas and triples the query's cost.
            cached = Unit.objects.filter(**{self._meta.get_field(field).related_query_name(): self.pk}).order_by("name")
            cached._fetch_all()
            self.__dict__.setdefault("_prefetched_objects_cache", {})[field] = cached
        return self

    @property
    def missing_clears(self):
        """The "6 rõ" this item does not yet name, as labels (uses prefetched lead units)."""
        from .clears import item_missing_clears

        return item_missing_clears(self)


def import_path(instance, filename):
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    extension = extension if extension in ("xlsx", "xls", "ods", "docx") else "bin"
    return f"imports/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}.{extension}"


class AppendixImport(models.Model):
    """An uploaded appendix workbook on its way into a plan: previewed, then imported or abandoned."""

    class Status(models.TextChoices):
        PREVIEWING = "previewing", _("Đang kiểm tra")
        PREVIEWED = "previewed", _("Chờ xác nhận")
        IMPORTING = "importing", _("Đang nhập")
        DONE = "done", _("Đã nhập")
        FAILED = "failed", _("Lỗi")
        UNDOING = "undoing", _("Đang hoàn tác")
        UNDONE = "undone", _("Đã hoàn tác")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(_("loại phụ lục"), max_length=16, blank=True)  # empty: detect from the header
    file = models.FileField(upload_to=import_path, max_length=200)
    original_name = models.CharField(max_length=255)
    row_count = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appendix_imports")
    created_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PREVIEWING)
    progress = models.PositiveSmallIntegerField(default=0)
    unit_mapping = models.JSONField(default=dict, blank=True)
    # What the preview found (counts, errors, unknown units), kept for the page a background preview feeds.
    summary = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    # Unpacked size of the upload: a tiny one is handled inside the request, anything else by a job.
    size = models.PositiveBigIntegerField(default=0)
    errors_file = models.FileField(upload_to=import_path, max_length=200, blank=True)
    # The sheets as the background preview read them (JSON): the confirm previews them again without reading the
    # workbook again. Removed once imported.
    parsed_file = models.FileField(upload_to=import_path, max_length=200, blank=True)
    # The job running for it: its Celery name, the token that lets exactly one run claim it,
    # when the broker took it, and the heartbeat its worker beats (the sweep fails it when that stops).
    job = models.CharField(max_length=64, blank=True)
    run_token = models.CharField(max_length=32, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    imported_at = models.DateTimeField(null=True, blank=True)
    # What the import created and changed (with the history row before), for undo.
    journal = models.JSONField(default=dict, blank=True)
    # Who asked for the undo: the undo job writes the items' history in their name.
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập phụ lục")
        verbose_name_plural = _("các lần nhập phụ lục")
        ordering = ["-created_at"]

    RUNNING = (Status.PREVIEWING, Status.IMPORTING, Status.UNDOING)

    def __str__(self):
        return f"{self.original_name} → {self.plan.reference}"

    @property
    def is_running(self):
        """A job holds it, or will once the broker takes it: the page polls."""
        return self.status in self.RUNNING and not self.message

    @property
    def can_retry(self):
        waiting = self.status in self.RUNNING and bool(self.message)
        stopped = self.status == self.Status.FAILED and bool(self.job) and bool(self.file)
        return waiting or stopped


class AssignmentImport(models.Model):
    """An uploaded "Phân công nhiệm vụ" workbook for a plan: previewed item by item, then applied or abandoned."""

    class Status(models.TextChoices):
        READING = "reading", _("Đang đọc tệp")
        PREVIEWED = "previewed", _("Chờ xác nhận")
        INVALID = "invalid", _("Có lỗi")
        UNCHANGED = "unchanged", _("Không có thay đổi")  # read, no errors, and it says what the plan already says
        QUEUED = "queued", _("Đang chờ xử lý")
        APPLYING = "applying", _("Đang áp dụng")
        DONE = "done", _("Đã áp dụng")
        FAILED = "failed", _("Không áp dụng được")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assignment_imports")
    file = models.FileField(upload_to=import_path, max_length=200)
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="assignment_imports")
    created_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PREVIEWED)
    # The preview: every changed item with its fields before and after, the versions read, errors by sheet row.
    summary = models.JSONField(default=dict, blank=True)
    # The confirm, applied by a job: who confirmed and why, the token that lets one run claim it, when a worker
    # started (the sweep fails a run whose worker died), what came of it.
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    reason = models.CharField(max_length=255, blank=True)
    run_token = models.CharField(max_length=32, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    applied_count = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        verbose_name = _("lần nhập bảng phân công")
        verbose_name_plural = _("các lần nhập bảng phân công")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name} → {self.plan.reference}"
