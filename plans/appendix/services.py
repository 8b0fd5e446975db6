"""The workflow around a stored upload: the import pages, the admin, the command and the jobs call these.

A tiny upload is previewed and imported inside the request; anything larger runs as a
Celery job. Jobs are sent through `_job_send` only (`config.jobs.enqueue_after_commit`): when the broker is down the record
says so (no spinner) and keeps its place, and the sweep (`sweep_imports`, run by beat)
sends it again once the broker is back. A job claims its record with a conditional
update, beats a heartbeat while it runs and writes its progress on a connection of its
own, outside the import's transaction, so the page sees it move. A job whose heartbeat
stops (its worker was killed) is marked failed by the sweep, with a retry button.
"""
import datetime
import decimal
import hashlib
import io
import json
import logging
import tempfile
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import jobs

from ..models import AppendixImport, UnitAlias
from ..text import fold, upload_display_name
from .preview import (FIELDS, Preview, PreviewRow, SectionPreview, WorkbookPreview, appendix_preview, item_model,
                      match_rows, usable_units)
from .readers import Sheet, check_upload, column_letters, inflated_size, read_sheets
from .table import INDICATORS, AppendixError
from . import targets as year_targets
from .write import REFUSED, UndoRefused, appendix_import, appendix_undo, reported_since

logger = logging.getLogger(__name__)
Status = AppendixImport.Status
PREVIEW_ROWS_SHOWN = 300
PREVIEW_JOB, APPLY_JOB = "plans.preview_appendix_import", "plans.apply_appendix_import"
UNDO_JOB = "plans.undo_appendix_import"
# The state a record is in while each job runs for it.
RUNNING_STATUS = {PREVIEW_JOB: Status.PREVIEWING, APPLY_JOB: Status.IMPORTING, UNDO_JOB: Status.UNDOING}


def _messages(error):
    return getattr(error, "messages", None) or [str(error)]


# Sending jobs: the one place the import reaches Celery.

def _job_send(record, job, user_id=None):
    """Send `job` for `record` once the transaction commits; if the broker cannot take it, say so on the record."""
    token = uuid.uuid4().hex
    AppendixImport.objects.filter(pk=record.pk).update(job=job, run_token=token, queued_at=None, heartbeat_at=None,
                                                       confirmed_by_id=user_id or record.confirmed_by_id, message="")
    mine = AppendixImport.objects.filter(pk=record.pk, run_token=token)
    jobs.enqueue_after_commit(job, record.pk, token, on_refused=lambda: mine.update(message=_(
        "Hàng đợi xử lý nền đang tạm ngừng, tệp đã được lưu và sẽ được xử lý tự động khi hàng đợi hoạt động "
        "lại. Bạn cũng có thể bấm “Thử lại”.")), on_sent=lambda: mine.filter(queued_at__isnull=True).update(
        queued_at=timezone.now()))


def claim(import_id, token):
    """Whether this run may work on the record: its token is current and no run started it yet."""
    return AppendixImport.objects.filter(pk=import_id, run_token=token, heartbeat_at__isnull=True,
                                         status__in=AppendixImport.RUNNING).update(
        heartbeat_at=timezone.now(), attempts=F("attempts") + 1) == 1


class Progress:
    """Writes a job's progress and heartbeat on a database connection of its own, committed at once."""

    def __init__(self, import_id, *, side_connection=True):
        self.import_id = import_id
        self.connection = None
        if side_connection:
            default = connections[DEFAULT_DB_ALIAS]
            self.connection = type(default)(dict(default.settings_dict), DEFAULT_DB_ALIAS)

    def __call__(self, done, total):
        self.write(min(99, 100 * done // max(total, 1)))

    def write(self, percent):
        if self.connection is None:
            AppendixImport.objects.filter(pk=self.import_id).update(progress=percent, heartbeat_at=timezone.now())
            return
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("UPDATE plans_appendiximport SET progress = %s, heartbeat_at = %s WHERE id = %s",
                               [percent, timezone.now(), self.import_id])
        except Exception:  # progress is a courtesy: it never stops the import
            logger.warning("progress not written for appendix import %s", self.import_id, exc_info=True)

    def close(self):
        if self.connection is not None:
            self.connection.close()


# Upload, preview, map units, confirm, retry, undo.

def import_upload(*, plan, user, upload, kind=""):
    """Check and store an uploaded file; preview it now when tiny, else in a Celery job."""
    name = upload_display_name(upload)
    data = upload.read(settings.IMPORT_MAX_BYTES + 1)
    check_upload(data, name)
    record = AppendixImport(plan=plan, kind=kind, original_name=name, uploaded_by=user, created_at=timezone.now(),
                            size=inflated_size(data))
    record.file.save(name, ContentFile(data), save=False)
    record.save()
    _start(record, PREVIEW_JOB)
    return record


def _tiny(record):
    return record.size <= settings.IMPORT_INLINE_BYTES


def _start(record, job, user_id=None):
    if _tiny(record):
        token = uuid.uuid4().hex
        AppendixImport.objects.filter(pk=record.pk).update(job=job, run_token=token, heartbeat_at=None, message="",
                                                           confirmed_by_id=user_id or record.confirmed_by_id)
        RUNS[job](record.pk, token, background=False)
    else:
        _job_send(record, job, user_id)
    record.refresh_from_db()


def _load(record):
    """The upload's sheets and their preview against the plan as it now is."""
    sheets = _sheets(record)
    return sheets, appendix_preview(plan=record.plan, sheets=sheets, kind=record.kind or None,
                                    unit_mapping=record.unit_mapping)


def _sheets(record):
    if record.parsed_file and record.parsed_file.storage.exists(record.parsed_file.name):
        # Sheets kept by a preview job of an earlier version (before its rows were kept): still read.
        with record.parsed_file.open("rb") as stored:
            if stored.read(1) == b"[":
                stored.seek(0)
                return [Sheet(**sheet) for sheet in json.load(stored)]
    with record.file.open("rb") as stored:
        return read_sheets(stored.read(), record.original_name)


# The preview kept for the confirm: a line a row, written by the preview job, read back by the confirm job so a
# large upload is read and previewed once. The rows are matched again against the plan as it is at the confirm
# (`match_rows`: items may have been added or changed since); they are read and previewed again only when what
# their reading depended on changed: the upload, the plan's year, the units it may name and their aliases, the
# choices made for unknown names.

KEPT_FORMAT = "appendix-rows-3"  # 3: a task's "Trung ương giao" flag
_DATES = {"starts_on", "ends_on", "deadline"}
_DECIMALS = {"target_value", "target_value_upper", "baseline_value"}
_NONE = ()  # no unknown unit names: one empty tuple for every kept row


def _reading_state(record):
    """A digest of the upload and of everything the reading of its rows depended on besides it."""
    digest = hashlib.sha256()
    with record.file.open("rb") as stored:
        for chunk in iter(lambda: stored.read(1 << 20), b""):
            digest.update(chunk)
    plan = record.plan
    units = usable_units(plan)
    state = [digest.hexdigest(), plan.area_id, plan.issued_year, record.kind, record.unit_mapping,
             sorted(units.values_list("pk", "name", "area_id")),
             sorted(UnitAlias.objects.filter(unit__in=units).values_list("unit_id", "alias"))]
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()


def _value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value) if isinstance(value, decimal.Decimal) else value


def _keep_rows(record, preview):
    """Store a clean preview's rows on the record for the confirm; False when they name units not created yet
    (the confirm then reads and previews the upload again)."""
    if any(unit.pk is None for row in preview.rows for unit in row.lead + row.support):
        return False
    head = {"format": KEPT_FORMAT, "reading": _reading_state(record), "skipped": preview.skipped,
            "parts": [{"kind": part.kind, "sheet": part.sheet, "header_row": part.header_row, "rows": len(part.rows),
                       "sections": [[s.number, s.title] for s in part.sections],
                       "skipped_rows": part.skipped_rows, "ignored_columns": part.ignored_columns,
                       "notes": part.notes}
                      for part in preview.parts]}
    # Written a line at a time to a temporary file: a hundred thousand rows never sit in memory twice.
    with tempfile.TemporaryFile() as kept:
        kept.write(json.dumps(head, ensure_ascii=False).encode())
        for part in preview.parts:
            names = FIELDS[part.kind]
            for row in part.rows:
                kept.write(b"\n" + json.dumps([row.sheet_row, row.section, row.ordinal, [unit.pk for unit in row.lead],
                                               [unit.pk for unit in row.support],
                                               [_value(row.values[name]) for name in names], year_targets.kept(row.targets),
                                               row.centrally_assigned],
                                              ensure_ascii=False).encode())
        kept.seek(0)
        record.parsed_file.save(f"{record.original_name.rsplit('.', 1)[0]}.json", File(kept), save=False)
    return True


def _kept_preview(record):
    """The preview job's rows matched again against the plan as it is now, or None when none were kept or their
    reading no longer holds."""
    if not record.parsed_file:
        return None
    try:
        return _read_kept(record)
    except (OSError, ValueError, TypeError, KeyError):  # missing or damaged: read the upload again
        logger.warning("kept rows of appendix import %s not usable", record.pk, exc_info=True)
        return None


def _read_kept(record):
    with record.parsed_file.open("rb") as stored:
        head = json.loads(stored.readline() or b"null")
        if not isinstance(head, dict) or head.get("format") != KEPT_FORMAT or head["reading"] != _reading_state(record):
            return None
        plan = record.plan
        units = usable_units(plan).in_bulk()
        existing_sections = {fold(s.title): s for s in plan.sections.all()}
        parts = []
        # Products, timelines, dates and unit lists repeat from row to row: each is kept once, shared by the rows
        # (nothing changes them in place), so a hundred thousand rows take tens of MB less.
        shared = {}
        for part in head["parts"]:
            names = FIELDS[part["kind"]]
            rows = []
            for _index in range(part["rows"]):
                sheet_row, section, ordinal, lead, support, values, targets, central = json.loads(stored.readline())
                values = dict(zip(names, (values[0], *(shared.setdefault((type(value), value), value)
                                                       for value in values[1:])), strict=True))
                for name in _DATES.intersection(values):
                    if values[name] is not None:
                        values[name] = shared.setdefault(("date", values[name]),
                                                         datetime.date.fromisoformat(values[name]))
                for name in _DECIMALS.intersection(values):
                    if values[name] is not None:
                        values[name] = decimal.Decimal(values[name])
                if not all(pk in units for pk in lead + support):
                    return None
                lead = shared.setdefault(("units", *lead), [units[pk] for pk in lead])
                support = shared.setdefault(("units", *support), [units[pk] for pk in support])
                rows.append(PreviewRow(sheet_row=sheet_row, section=section, ordinal=ordinal, values=values,
                                       lead=lead, support=support, unknown_lead=_NONE, unknown_support=_NONE,
                                       targets=year_targets.from_kept(targets), centrally_assigned=central))
            sections = [SectionPreview(number, title, existing_sections.get(fold(title)))
                        for number, title in part["sections"]]
            parts.append(match_rows(plan, Preview(
                kind=part["kind"], sheet=part["sheet"], header_row=part["header_row"], sections=sections, rows=rows,
                errors=[], skipped_rows=[tuple(skipped) for skipped in part.get("skipped_rows", [])],
                ignored_columns=[tuple(column) for column in part.get("ignored_columns", [])],
                notes=[tuple(note) for note in part.get("notes", [])])))
    return WorkbookPreview(parts=parts, skipped=[tuple(skipped) for skipped in head["skipped"]])


def _fail(record_or_id, message, *, drop_file):
    """Mark failed; a file that cannot be imported is not kept."""
    record = record_or_id if isinstance(record_or_id, AppendixImport) else AppendixImport.objects.get(pk=record_or_id)
    if drop_file:
        for stored in (record.file, record.parsed_file):
            if stored:
                stored.delete(save=False)
    AppendixImport.objects.filter(pk=record.pk).update(status=Status.FAILED, message=message, file=record.file.name or "",
                                                       parsed_file=record.parsed_file.name or "", heartbeat_at=None)


def import_preview_run(import_id, token, *, background=True):
    """Preview a stored upload and keep what it found on the record (and its errors workbook)."""
    if not claim(import_id, token):
        return None
    record = AppendixImport.objects.select_related("plan__area").get(pk=import_id)
    progress = Progress(import_id, side_connection=background)
    try:
        progress.write(5)
        _sheets, preview = _load(record)
        progress.write(60)
        summary = preview_summary(preview)
        errors_name = ""
        if background and (preview.errors or preview.unknown_units):
            errors_name = _store_errors_workbook(record, summary)
        if record.parsed_file:  # a previous preview's, now stale
            record.parsed_file.delete(save=False)
        if background and preview.can_import and not _keep_rows(record, preview):
            record.parsed_file.delete(save=False)
    except (ValidationError, AppendixError) as error:
        _fail(record, " ".join(_messages(error)), drop_file=True)
        return None
    finally:
        progress.close()
    AppendixImport.objects.filter(pk=import_id, run_token=token).update(
        summary=summary, kind=record.kind, status=Status.PREVIEWED, progress=100, heartbeat_at=None,
        row_count=len(preview.rows), errors_file=errors_name, message="", parsed_file=record.parsed_file.name or "")
    return summary


def preview_summary(preview):
    parts = []
    for part in preview.parts:
        parts.append({
            "kind": part.kind, "sheet": part.sheet, "header_row": part.header_row,
            "counts": {state: part.count(state) for state in ("new", "changed", "unchanged", "error")},
            "sections": [{"number": s.number, "title": s.title, "new": s.existing is None} for s in part.sections],
            "rows": [_row_json(part, row) for row in part.rows[:PREVIEW_ROWS_SHOWN]],
            "errors": [[row, message] for row, message in part.errors[:1000]],
            "skipped_rows": [[row, message] for row, message in part.skipped_rows[:1000]],
            "notes": [[row, message] for row, message in part.notes[:1000]],
            "ignored_columns": [[column_letters(column), text] for column, text in part.ignored_columns],
        })
    return {
        "kind": preview.kind, "sheet": preview.sheet, "header_row": preview.header_row, "parts": parts,
        "skipped": [[title, reason] for title, reason in preview.skipped],
        "counts": {state: preview.count(state) for state in ("new", "changed", "unchanged", "error")},
        "errors": [[row, message] for row, message in preview.errors[:1000]],
        "error_count": len(preview.errors),
        "unknown_units": preview.unknown_units,
        "can_import": preview.can_import,
        "rows": [row for part in parts for row in part["rows"]][:PREVIEW_ROWS_SHOWN],
    }


def _number(value):
    if value is None:
        return ""
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text.replace(".", ",")


def target_label(values):
    """`≥ 80 %`, `từ 6 đến 10`, `định tính`: how the preview shows a parsed target."""
    from indicators.models import Comparator

    comparator = values.get("target_comparator")
    unit = values.get("target_unit", "")
    if not comparator:
        return _("định tính")
    if comparator == Comparator.BETWEEN:
        return (_("từ %(low)s đến %(high)s") % {"low": _number(values["target_value"]),
                                                "high": _number(values["target_value_upper"])} + f" {unit}").strip()
    return f"{Comparator(comparator).label} {_number(values['target_value'])} {unit}".strip()


def timeline_label(starts_on, ends_on):
    if not starts_on and not ends_on:
        return _("chưa rõ thời hạn")
    if starts_on and ends_on:
        return f"{starts_on:%d/%m/%Y} – {ends_on:%d/%m/%Y}"
    until = _("đến")  # outside the f-string, for makemessages to find
    return f"{until} {ends_on:%d/%m/%Y}"


def _row_json(part, row):
    from tasks.models import TimelineKind

    model = item_model(part.kind)
    section = part.sections[row.section] if row.section is not None else None
    v = row.values
    if part.kind == INDICATORS:
        parsed = f"{v.get('target_text', '')} → {target_label(v)}"
        years = row.targets or ()  # the targets by year the table gives
        if len(years) == 1 and years[0]["target_text"] == v.get("target_text", ""):
            years = ()  # the table's one target column is a year's ("Chỉ tiêu đến năm 2030"): said once
        for target in years:
            parsed += f"; {target['label'] or target['year']}: {target['target_text']}"
        if v.get("deadline"):
            due = _("hạn")  # outside the f-string, for makemessages to find
            parsed += f"; {due} {v['deadline']:%d/%m/%Y}"
    else:
        parsed = (f"{v.get('timeline_text', '')} → {timeline_label(v.get('starts_on'), v.get('ends_on'))} "
                  f"({TimelineKind(v['timeline_kind']).label})")
        if row.centrally_assigned:
            parsed += "; " + _("nhiệm vụ Trung ương giao")
    return {
        "sheet_row": row.sheet_row, "state": row.state, "ordinal": row.ordinal,
        "section": f"{section.number}. {section.title}" if section else "",
        "new_section": bool(section and section.existing is None),
        "text": (v.get("content") or v.get("title") or "")[:300],
        "parsed": parsed, "qualitative": part.kind == INDICATORS and not v.get("target_comparator"),
        "lead": [u.name for u in row.lead], "support": [u.name for u in row.support],
        "unknown_lead": row.unknown_lead, "unknown_support": row.unknown_support,
        "unknown": row.unknown, "errors": row.errors,
        "changes": [str(model._meta.get_field(name).verbose_name) for name in row.changes],
    }


def import_apply_run(import_id, token, *, background=True):
    """Import a previewed upload, all or nothing, reporting progress on the record."""
    if not claim(import_id, token):
        return None
    record = AppendixImport.objects.select_related("plan__area", "confirmed_by").get(pk=import_id)
    user = record.confirmed_by or record.uploaded_by
    progress = Progress(import_id, side_connection=background)
    journal = {}
    try:
        progress.write(1)
        preview = _kept_preview(record) or _load(record)[1]
        if not preview.can_import:
            raise ValidationError(_("Tệp còn lỗi hoặc đơn vị chưa xác định; không có gì được ghi."))
        counts = appendix_import(plan=record.plan, preview=preview, user=user, unit_mapping=record.unit_mapping,
                                 on_progress=progress, journal=journal)
    except (ValidationError, AppendixError) as error:
        _fail(record, " ".join(_messages(error)), drop_file=False)
        return None
    finally:
        progress.close()
    if record.parsed_file:
        record.parsed_file.delete(save=False)
    AppendixImport.objects.filter(pk=import_id).update(
        status=Status.DONE, progress=100, heartbeat_at=None, imported_at=timezone.now(), journal=journal,
        summary={**record.summary, "imported": counts}, parsed_file="")
    return counts


def import_map_units(record, mapping):
    """Record what the admin chose for each unknown unit name, then preview again."""
    record.unit_mapping = {**record.unit_mapping, **{k: v for k, v in mapping.items() if v}}
    record.status, record.progress = Status.PREVIEWING, 0
    record.save(update_fields=["unit_mapping", "status", "progress"])
    _start(record, PREVIEW_JOB)


def import_confirm(record, user):
    """Start writing a previewed upload: now when tiny, as a Celery job otherwise."""
    record.status, record.progress = Status.IMPORTING, 0
    record.save(update_fields=["status", "progress"])
    _start(record, APPLY_JOB, user.pk)


def import_retry(record, user):
    """Run again a job that failed for want of a worker or broker (its file is still there)."""
    if not record.can_retry:
        raise ValidationError(_("Lần nhập này không thể chạy lại; hãy tải tệp lên lại."))
    record.status = RUNNING_STATUS.get(record.job, Status.PREVIEWING)
    record.progress = 0
    record.save(update_fields=["status", "progress"])
    _start(record, record.job or PREVIEW_JOB, user.pk if record.job == APPLY_JOB else None)


def import_undo(record, user):
    """Undo a finished import while nothing has been reported on its items since: now when it was tiny, as a
    Celery job otherwise (ten thousand rows, a few seconds). Refused at once when something was reported."""
    with transaction.atomic():
        record = AppendixImport.objects.select_for_update().select_related("plan").get(pk=record.pk)
        if record.status != Status.DONE:
            raise ValidationError(_("Chỉ hoàn tác được một lần nhập đã hoàn tất."))
        if reported_since(record.journal, record.imported_at):
            raise ValidationError(REFUSED)
        record.status, record.progress, record.message = Status.UNDOING, 0, ""
        record.undone_by, record.undone_at = user, timezone.now()
        record.save(update_fields=["status", "progress", "message", "undone_by", "undone_at"])
        _start(record, UNDO_JOB)
    record.refresh_from_db()
    return record


def undo_reason(record):
    return _("Hoàn tác nhập phụ lục “%(name)s”") % {"name": record.original_name}


def import_undo_run(import_id, token, *, background=True):
    """Undo an import, all or nothing; refused (the import stays) when something was reported on its items
    since. A failure leaves the import as it was, with the reason and a retry on its page."""
    if not claim(import_id, token):
        return None
    record = AppendixImport.objects.select_related("plan", "undone_by").get(pk=import_id)
    progress = Progress(import_id, side_connection=background)
    try:
        progress.write(5)
        appendix_undo(plan=record.plan, journal=record.journal, user=record.undone_by, since=record.imported_at,
                      reason=undo_reason(record), on_progress=progress)
    except UndoRefused as error:
        _undo_failed(import_id, str(error))
        return None
    except Exception:
        logger.exception("undo of appendix import %s failed", import_id)
        _undo_failed(import_id, UNDO_FAILED)
        return None
    finally:
        progress.close()
    AppendixImport.objects.filter(pk=import_id).update(status=Status.UNDONE, progress=100, heartbeat_at=None)
    return True


UNDO_FAILED = gettext_lazy("Hoàn tác không thành công; lần nhập vẫn giữ nguyên, không có gì thay đổi. Bấm “Thử lại” để "
                          "hoàn tác lại.")


def _undo_failed(import_id, message):
    """The import stays done, as it is: its page says why and offers the undo again."""
    AppendixImport.objects.filter(pk=import_id).update(status=Status.DONE, heartbeat_at=None, progress=0,
                                                       message=message)


RUNS = {PREVIEW_JOB: import_preview_run, APPLY_JOB: import_apply_run, UNDO_JOB: import_undo_run}


def sweep_imports(*, now=None):
    """Send again jobs the broker never took; fail jobs whose worker stopped beating. Returns (sent, failed)."""
    now = now or timezone.now()
    stale = now - timezone.timedelta(seconds=settings.IMPORT_HEARTBEAT_TIMEOUT)
    running = AppendixImport.objects.filter(status__in=AppendixImport.RUNNING)
    # A dead undo changed nothing (one transaction): the import is done as before, with a retry.
    failed = running.filter(status=Status.UNDOING, heartbeat_at__lt=stale).update(
        status=Status.DONE, heartbeat_at=None, message=UNDO_FAILED)
    failed += running.filter(heartbeat_at__lt=stale).update(
        status=Status.FAILED, heartbeat_at=None, message=_(
            "Tiến trình xử lý nền bị dừng giữa chừng (máy xử lý ngừng hoạt động); không có dữ liệu nào được ghi. "
            "Bấm “Thử lại” để chạy lại."))
    sent = 0
    unsent = running.filter(heartbeat_at__isnull=True).exclude(job="").filter(
        queued_at__isnull=True, created_at__lt=now - timezone.timedelta(seconds=5))
    lost = running.filter(heartbeat_at__isnull=True, queued_at__lt=stale)
    for record in list(unsent) + list(lost):
        if not _tiny(record):
            _job_send(record, record.job)
            sent += 1
    return sent, failed


# The errors workbook: every row of the sheets with errors, a message beside each bad one.

ERRORS_COLUMN_TITLE = "Lỗi cần sửa"


def errors_workbook_bytes(sheets, summary):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from ..workbooks import safe_text

    by_sheet = {}
    for part in summary.get("parts", []):
        messages = by_sheet.setdefault(part["sheet"], {"header": part["header_row"], "rows": {}})
        for row, message in part["errors"]:
            messages["rows"].setdefault(row, []).append(message)
    for name, rows in summary.get("unknown_units", {}).items():
        first = summary["parts"][0]["sheet"] if summary.get("parts") else ""
        for row in rows:
            by_sheet.setdefault(first, {"header": 1, "rows": {}})["rows"].setdefault(row, []).append(
                _("Không tìm thấy đơn vị “%(name)s”.") % {"name": name})
    book = Workbook(write_only=True)
    red = Font(color="B42318")
    for sheet in sheets:
        if sheet.title not in by_sheet:
            continue
        found = by_sheet[sheet.title]
        target = book.create_sheet(sheet.title[:31])
        for number, values in enumerate(sheet.rows, start=1):
            cells = []
            for value in values or []:
                cell = WriteOnlyCell(target, value=value)
                if safe_text(value):
                    cell.data_type, cell.quotePrefix = "s", True
                cells.append(cell)
            message = _(ERRORS_COLUMN_TITLE) if number == found["header"] else " ".join(found["rows"].get(number, []))
            if message:
                width = max(len(sheet.rows[found["header"] - 1] or []), len(cells)) if found["header"] <= len(sheet.rows) else len(cells)
                cells += [None] * (width - len(cells))
                cell = WriteOnlyCell(target, value=message)
                cell.font = red
                cells.append(cell)
            target.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _store_errors_workbook(record, summary):
    name = f"loi-{record.original_name.rsplit('.', 1)[0]}.xlsx"
    record.errors_file.save(name, ContentFile(_errors_workbook_from_upload(record, summary)), save=False)
    return record.errors_file.name


def _errors_workbook_from_upload(record, summary):
    # The preview consumed the rows it read: read the upload again.
    with record.file.open("rb") as stored:
        sheets = read_sheets(stored.read(), record.original_name)
    return errors_workbook_bytes(sheets, summary)


def errors_workbook(record):
    """The errors workbook: built by the job for a large upload, here for a tiny one."""
    if record.errors_file:
        with record.errors_file.open("rb") as stored:
            return stored.read()
    return _errors_workbook_from_upload(record, record.summary)

