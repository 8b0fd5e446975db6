import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models import NOTE_MAX_LENGTH


def evidence_path(instance, filename):
    # The uploaded name is kept for display only; storage paths never come from users.
    return f"evidence/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file proving a result (Minh chứng), reviewed by the commune's Culture-Social office."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ thẩm định")
        ACCEPTED = "accepted", _("Đã chấp nhận")
        REJECTED = "rejected", _("Bị trả lại")

    class RejectionReason(models.TextChoices):
        PRODUCT_NOT_SHOWN = "product_not_shown", _("Không thể hiện sản phẩm đã đăng ký")
        UNSIGNED = "unsigned", _("Chưa ký hoặc không phải bản cuối cùng")
        UNREADABLE = "unreadable", _("Không đọc được")
        WRONG_PERIOD = "wrong_period", _("Sai kỳ báo cáo")
        WRONG_UNIT = "wrong_unit", _("Sai đơn vị")
        OTHER = "other", _("Lý do khác")

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"
        DOCX = "docx", "DOCX"
        XLSX = "xlsx", "XLSX"
        ODT = "odt", "ODT"
        ODS = "ods", "ODS"

    task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(
        "indicators.Indicator", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence",
    )
    progress_update = models.ForeignKey(
        "tasks.ProgressUpdate", null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence",
    )
    indicator_report = models.ForeignKey(
        "indicators.IndicatorReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence",
    )
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    kind = models.CharField(_("loại tệp"), max_length=8, choices=Kind.choices)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("minh chứng cho nội dung"), max_length=500)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uploaded_evidence")
    uploaded_at = models.DateTimeField(_("thời điểm nộp"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="reviewed_evidence",
    )
    reviewed_at = models.DateTimeField(_("thời điểm thẩm định"), null=True, blank=True)
    rejection_reason = models.CharField(_("lý do trả lại"), max_length=24, choices=RejectionReason.choices, blank=True)
    review_note = models.TextField(_("ghi chú thẩm định"), blank=True, max_length=NOTE_MAX_LENGTH)
    history = HistoricalRecords(excluded_fields=["file"])

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=False, indicator__isnull=True) | Q(task__isnull=True, indicator__isnull=False),
                name="evidence_proves_one_item",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", reviewed_at__isnull=True)
                | Q(status="accepted", reviewed_at__isnull=False, rejection_reason="")
                | (Q(status="rejected", reviewed_at__isnull=False) & ~Q(rejection_reason="") & ~Q(review_note="")),
                name="evidence_decision_complete",
            ),
        ]
        indexes = [models.Index(fields=["status", "uploaded_at"])]

    def __str__(self):
        return self.original_name

    @property
    def item(self):
        return self.task if self.task_id else self.indicator

    @property
    def is_previewable(self):
        return self.kind in {self.Kind.PDF, self.Kind.JPEG, self.Kind.PNG}


def pending_upload_path(instance, filename):
    return f"evidence/pending/{uuid.uuid4().hex}"


class PendingUpload(models.Model):
    """A chosen evidence file kept while its form is refused, so the officer never picks it again.

    It becomes evidence only when the same user saves the same item; unclaimed ones are deleted
    by the next successful save of any item (after PENDING_UPLOAD_KEPT).
    """

    task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey("indicators.Indicator", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    file = models.FileField(upload_to=pending_upload_path, max_length=200)
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=False, indicator__isnull=True) | Q(task__isnull=True, indicator__isnull=False),
                name="pending_upload_for_one_item",
            ),
        ]

    def __str__(self):
        return self.original_name
