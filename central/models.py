import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plans.models import Area


def export_path(instance, filename):
    return f"central/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}-{filename}"


class CentralExport(models.Model):
    """One export of an area's tasks and indicators for a period, in the central system's structure, built by a
    job: its files are kept with their SHA-256, so what was sent can be shown again byte for byte."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang lập")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")

    area = models.ForeignKey(Area, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="+")
    period_kind = models.CharField(_("loại kỳ"), max_length=16)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveSmallIntegerField(_("kỳ số"))
    schema_version = models.CharField(_("phiên bản cấu trúc"), max_length=8)
    status = models.CharField(_("trạng thái"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(blank=True)
    json_file = models.FileField(upload_to=export_path, blank=True)
    json_sha256 = models.CharField(max_length=64, blank=True)
    xlsx_file = models.FileField(upload_to=export_path, blank=True)
    xlsx_sha256 = models.CharField(max_length=64, blank=True)
    # "N of N" as the export counted them, shown in the list without opening the file.
    summary = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bản xuất dữ liệu Trung ương")
        verbose_name_plural = _("bản xuất dữ liệu Trung ương")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.area} · {self.period_label}"

    @property
    def period_label(self):
        from reports.periods import period_label

        return period_label(self.period_kind, self.year, self.number)

    @property
    def is_running(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
