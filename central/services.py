"""Exports to the central monitoring system: asked for on a page, built by a job, kept with their hashes."""
import hashlib
import json
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.downloads import stored_file_read
from config.jobs import enqueue_after_commit
from plans.models import Area
from reports.periods import period_of

from . import mapping
from .models import CentralExport
from .workbook import workbook_bytes

logger = logging.getLogger(__name__)

BUILD_JOB = "central.export_build"


def exportable_areas(user):
    """The areas whose data the user may send up: leaders and admins of an area, for it and its communes."""
    if not user.is_authenticated:
        return Area.objects.none()
    if user.is_superuser:
        return Area.objects.all()
    if user.role not in (user.Role.LEADER, user.Role.ADMIN):
        return Area.objects.none()
    return Area.objects.followed_by(user)


def exports_visible_to(user):
    return CentralExport.objects.filter(area__in=exportable_areas(user)).select_related("area", "requested_by")


def export_request(*, user, area, kind, year, number):
    """Record the export and send its job; ValidationError for a period that does not exist."""
    if not exportable_areas(user).filter(pk=area.pk).exists():
        raise PermissionDenied(_("Bạn không có quyền xuất dữ liệu của địa bàn này."))
    try:
        period_of(kind, year, number)
    except ValueError:
        raise ValidationError(_("Kỳ báo cáo không tồn tại.")) from None
    with transaction.atomic():
        record = CentralExport.objects.create(area=area, period_kind=kind, year=year, number=number,
                                              schema_version=mapping.VERSION, requested_by=user)

        def refused(message):
            CentralExport.objects.filter(pk=record.pk).update(status=CentralExport.Status.FAILED, message=message,
                                                              finished_at=timezone.now())

        enqueue_after_commit(BUILD_JOB, record.pk, on_refused=refused)
    record.refresh_from_db()
    return record


def export_build(export_id):
    """The job's work: claim the record, gather, check against the schema, store both files with their hashes."""
    claimed = CentralExport.objects.filter(pk=export_id, status=CentralExport.Status.QUEUED).update(
        status=CentralExport.Status.RUNNING)
    if not claimed:
        return
    record = CentralExport.objects.select_related("area").get(pk=export_id)
    try:
        data = mapping.export(record.area, kind=record.period_kind, year=record.year, number=record.number)
        mapping.validate(data)
        encoded = json.dumps(data, ensure_ascii=False, indent=1).encode()
        workbook = workbook_bytes(data)
    except Exception as error:  # the record says it failed; the worker goes on
        logger.exception("central export %s failed", export_id)
        CentralExport.objects.filter(pk=export_id).update(
            status=CentralExport.Status.FAILED, finished_at=timezone.now(),
            message=_("Không lập được bản xuất: %(error)s") % {"error": str(error)[:300]})
        return
    name = f"{record.area.slug}-{record.period_kind}-{record.year}-{record.number}"
    record.json_file.save(f"{name}.json", ContentFile(encoded), save=False)
    record.xlsx_file.save(f"{name}.xlsx", ContentFile(workbook), save=False)
    record.json_sha256 = hashlib.sha256(encoded).hexdigest()
    record.xlsx_sha256 = hashlib.sha256(workbook).hexdigest()
    record.summary = data["summary"]
    record.status = CentralExport.Status.DONE
    record.finished_at = timezone.now()
    record.save()


FILES = {"json": ("json_file", "json_sha256", "application/json"),
         "xlsx": ("xlsx_file", "xlsx_sha256",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


def export_file_read(record, kind):
    """The stored bytes, checked against the recorded SHA-256 (`config.downloads.stored_file_read`: altered bytes
    are refused with StoredFileAltered, the area's admins and the operators told)."""
    field, hash_field, _content_type = FILES[kind]
    stored = getattr(record, field)

    def message():
        return _("Tệp %(file)s của bản xuất dữ liệu Trung ương %(export)s đã bị thay đổi trên máy chủ (SHA-256 không "
                 "khớp): tệp không được tải xuống; hãy kiểm tra, khôi phục từ bản sao lưu hoặc lập lại bản xuất.") % {
            "file": stored.name.rsplit("/", 1)[-1], "export": record}

    return stored_file_read(stored, recorded=getattr(record, hash_field), area_id=record.area_id, message=message,
                            url=reverse("central:export_list"))
