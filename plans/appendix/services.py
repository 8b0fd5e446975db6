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
import shutil
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
from . import preview as preview_module
from .preview import (FIELDS, ItemStream, Preview, PreviewRow, SectionPreview, StreamedPreview, UnitChoices,
                      WorkbookPreview, appendix_preview, choose_tables, item_model, mark_orphans, match_rows,
                      orphan_errors, plan_items, preview_rows, usable_units)
from .readers import Sheet, check_upload, column_letters, inflated_size, read_sheets
from .table import INDICATORS, TASKS, AppendixError, read_table
from . import targets as year_targets
from .write import (REFUSED, Parents, UndoRefused, appendix_import, appendix_undo, reported_since,
                    unit_aliases_record)

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
    """Writes a job's progress and heartbeat on a database connection of its own, committed at once.

    Not on SQLite (the newcomer's portal): it has one writer, so a second connection's UPDATE waits out the busy
    timeout (5 s) while the import's transaction writes, then fails; each step cost 5 s of an import or undo
    there. Written in the job's own transaction instead, the progress shows once it commits."""

    def __init__(self, import_id, *, side_connection=True):
        self.import_id = import_id
        self.connection = None
        default = connections[DEFAULT_DB_ALIAS]
        if side_connection and default.vendor != "sqlite":
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


# The preview kept for the confirm: a line a row, written by the preview job as it previews the rows a chunk at a
# time (`_preview_streamed`), read back by the confirm job a chunk at a time (`_apply_kept`), so a large upload is
# read and previewed once and never sits in memory whole. The rows are matched again against the plan as it is at
# the confirm (`match_rows`: items may have been added or changed since); they are read and previewed again only
# when what their reading depended on changed: the upload, the plan's year, the units it may name and their
# aliases, the choices made for unknown names.

KEPT_FORMAT = "appendix-rows-4"  # 4: a row's errors and unknown unit names, a task's "Trung ương giao" flag
_DATES = {"starts_on", "ends_on", "deadline"}
_DECIMALS = {"target_value", "target_value_upper", "baseline_value"}
_NONE = ()  # no unknown unit names: one empty tuple for every kept row
# One encoder and decoder for every kept row (json.dumps with an option builds an encoder a call).
_ENCODE, _DECODE = json.JSONEncoder(ensure_ascii=False).encode, json.JSONDecoder().decode


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


def _kept_line(row, names):
    """A previewed row as the kept rows hold it (JSON, one line): its errors and unknown unit names too, so the
    preview's own matching pass reads it back whole."""
    return _ENCODE([row.sheet_row, row.section, row.ordinal, [unit.pk for unit in row.lead],
                    [unit.pk for unit in row.support], [_value(row.values[name]) for name in names],
                    year_targets.kept(row.targets), row.errors, row.unknown_lead, row.unknown_support,
                    row.centrally_assigned]).encode() + b"\n"


class _Stale(Exception):
    """The kept rows do not hold any more (damaged, or naming a unit the plan may no longer use)."""


_SHARED_MAX = 20_000


class _KeptRows:
    """Kept lines read back into `PreviewRow`s, a line at a time (a chunk of them lives at once). Dates and unit
    lists repeat from row to row: each is made once and shared by the rows (nothing changes them in place)."""

    def __init__(self, plan):
        self.units = usable_units(plan).in_bulk()
        self.shared = {}

    def _share(self, key, make):
        found = self.shared.get(key)
        if found is None:
            if len(self.shared) > _SHARED_MAX:
                self.shared.clear()
            found = self.shared[key] = make()
        return found

    def row(self, line, names, typed=None):
        """The `PreviewRow` of a kept line; `typed`, the dates and the decimals among `names` (`_typed`)."""
        try:
            (sheet_row, section, ordinal, lead, support, values, targets, errors, unknown_lead, unknown_support,
             central) = _DECODE(line.decode())
            values = dict(zip(names, values, strict=True))
            dates, decimals = typed or _typed(names)
            for name in dates:
                text = values[name]
                if text is not None:
                    values[name] = self._share(text, lambda text=text: datetime.date.fromisoformat(text))
            for name in decimals:
                if values[name] is not None:
                    values[name] = decimal.Decimal(values[name])
            units = self.units
            lead = self._share(("units", *lead), lambda lead=lead: [units[pk] for pk in lead])
            support = self._share(("units", *support), lambda support=support: [units[pk] for pk in support])
            return PreviewRow(sheet_row=sheet_row, section=section, ordinal=ordinal, values=values, lead=lead,
                              support=support, unknown_lead=unknown_lead or _NONE,
                              unknown_support=unknown_support or _NONE, errors=errors,
                              state="error" if errors else "new", targets=year_targets.from_kept(targets),
                              centrally_assigned=central)
        except (ValueError, TypeError, KeyError) as error:  # KeyError: a unit the plan may no longer use
            raise _Stale from error

    def rows(self, stored, names, count):
        typed = _typed(names)
        for _index in range(count):
            yield self.row(stored.readline(), names, typed)


def _typed(names):
    return [name for name in names if name in _DATES], [name for name in names if name in _DECIMALS]


def _chunks(rows, size=None):
    """Rows in lists of about `size`, each cut before an item (never between an item and its sub-items)."""
    size, chunk = size or preview_module.STREAM_ROWS, []
    for row in rows:
        if len(chunk) >= size and not row.parent:
            yield chunk
            chunk = []
        chunk.append(row)
    if chunk:
        yield chunk


def _preview_streamed(record, progress):
    """The preview job's reading: the upload's rows are previewed a chunk at a time, written to the kept rows as they
    come, then matched with the plan's items a chunk at a time; only the rows the page shows stay. Returns the
    preview and a temporary file with the kept rows (a head line, then a line a row)."""
    plan = record.plan
    with record.file.open("rb") as stored:
        sheets = read_sheets(stored.read(), record.original_name)
    progress.write(15)
    tables, skipped = choose_tables(sheets, record.kind or None)
    units = UnitChoices(plan, record.unit_mapping)
    existing_sections = {fold(s.title): s for s in plan.sections.all()}
    total = max(sum(len(rows) for _title, rows, _header, _kind in tables), 1)
    body = tempfile.TemporaryFile()
    parts, heads, keepable, reader = [], [], True, None
    for title, rows, header, kind in tables:
        names, found = FIELDS[kind], plan_items(plan, kind)
        part = StreamedPreview(kind=kind, sheet=title, header_row=0, sections=[], rows=[], errors=[])
        start, fresh = body.tell(), not found[0]  # no item of this kind yet: every row is new or in error

        def take(items, part=part, kind=kind, names=names, fresh=fresh, labels=header.labels):
            nonlocal keepable
            previewed = preview_rows(items, kind, plan, units, labels)
            for row in previewed:
                body.write(_kept_line(row, names))
                keepable = keepable and all(unit.pk is not None for unit in row.lead + row.support)
            if fresh:
                part.add(previewed, PREVIEW_ROWS_SHOWN)
                part.errors.extend((row.sheet_row, message) for row in previewed for message in row.errors)
            progress.write(15 + 70 * items[-1].sheet_row // total)

        stream = ItemStream(take)
        table = read_table(rows, kind, header=header, items=stream)
        stream.close()
        part.header_row, part.skipped_rows, part.ignored_columns, part.notes = (
            table.header_row, table.skipped_rows, table.ignored_columns, table.notes)
        part.sections = [SectionPreview(s.number, s.title, existing_sections.get(fold(s.title)))
                         for s in table.sections]
        # A typed sub-item (`3.1`) may be any number of chunks below its item: checked against the whole table.
        orphans = orphan_errors(stream, part.sections, found[0]) if kind == TASKS else {}
        errors = list(table.errors)
        if fresh:
            in_error = {row for row, _message in part.errors}
            newly = sum(1 for row in orphans if row not in in_error)
            part.counts["new"] = part.counts.get("new", 0) - newly
            part.counts["error"] = part.counts.get("error", 0) + newly
            mark_orphans(part.rows, orphans)
            errors += part.errors + list(orphans.items())
        else:
            if not keepable:
                raise _Stale  # units to create and items to match: read whole (`_load`)
            reader = reader or _KeptRows(plan)
            end = body.tell()
            body.seek(start)
            for chunk in _chunks(reader.rows(body, names, len(stream))):
                mark_orphans(chunk, orphans)
                matched = match_rows(plan, Preview(kind=kind, sheet=title, header_row=part.header_row,
                                                   sections=part.sections, rows=chunk, errors=[]), found)
                part.add(chunk, PREVIEW_ROWS_SHOWN)
                errors += matched.errors
            body.seek(end)
        part.errors = sorted(errors)
        parts.append(part)
        heads.append({"kind": kind, "sheet": title, "header_row": part.header_row, "rows": len(stream),
                      "sections": [[s.number, s.title] for s in part.sections],
                      "skipped_rows": part.skipped_rows, "ignored_columns": part.ignored_columns,
                      "notes": part.notes})
    preview = WorkbookPreview(parts=parts, skipped=skipped)
    kept = None
    if keepable and preview.can_import:
        kept = tempfile.TemporaryFile()
        kept.write(json.dumps({"format": KEPT_FORMAT, "reading": _reading_state(record), "skipped": skipped,
                               "parts": heads}, ensure_ascii=False).encode() + b"\n")
        body.seek(0)
        shutil.copyfileobj(body, kept)
        kept.seek(0)
    body.close()
    return preview, kept


def _apply_kept(record, user, progress, journal):
    """Write the rows the preview job kept, a chunk at a time in one transaction, each chunk matched again with the
    plan's items as they were when the confirm began; the counts, or None when no rows were kept or their reading
    no longer holds (the caller reads and previews the upload again). Any row in error now refuses it all."""
    if not record.parsed_file:
        return None
    try:
        with record.parsed_file.open("rb") as stored:
            stored = getattr(stored.file, "file", stored.file)  # the file itself: a line costs no proxying
            head = json.loads(stored.readline() or b"null")
            if (not isinstance(head, dict) or head.get("format") != KEPT_FORMAT
                    or head["reading"] != _reading_state(record)):
                return None
            with transaction.atomic():
                return _write_kept(record, head, stored, user, progress, journal)
    except (_Stale, OSError, ValueError, KeyError, TypeError):
        logger.warning("kept rows of appendix import %s not usable", record.pk, exc_info=True)
        journal.clear()
        return None


def _write_kept(record, head, stored, user, progress, journal):
    plan = record.plan
    reader = _KeptRows(plan)
    existing_sections = {fold(s.title): s for s in plan.sections.all()}
    sections_by_title = dict(existing_sections)  # kept up to date by each chunk's write
    parents = Parents(plan)  # a sub-item's item may be in any chunk
    total, done = max(sum(part["rows"] for part in head["parts"]), 1), 0
    counts, errors = {"new": 0, "changed": 0, "unchanged": 0}, []
    journal.update({"created": {}, "changed": {}, "sections": [], "units": []})
    # The names' aliases, recorded once (the kept rows name no unit to create).
    unit_aliases_record(plan, record.unit_mapping or {})
    for part in head["parts"]:
        kind = part["kind"]
        sections = [SectionPreview(number, title, existing_sections.get(fold(title)))
                    for number, title in part["sections"]]
        found = plan_items(plan, kind)
        for chunk in _chunks(reader.rows(stored, FIELDS[kind], part["rows"])):
            matched = match_rows(plan, Preview(kind=kind, sheet=part["sheet"], header_row=part["header_row"],
                                               sections=sections, rows=chunk, errors=[]), found)
            if errors or matched.errors:  # nothing more is written: everything is rolled back below
                errors += [(row, f"{part['sheet']}: {message}" if len(head["parts"]) > 1 else message)
                           for row, message in matched.errors]
            else:
                chunk_journal, size = {}, len(chunk)
                made = appendix_import(plan=plan, preview=matched, user=user, journal=chunk_journal,
                                       sections=sections_by_title, parents=parents, on_progress=lambda step, steps, done=done, size=size:
                                       progress(done + size * step // max(steps, 1), total))
                _journal_merge(journal, chunk_journal)
                for state in counts:
                    counts[state] += made[state]
            done += len(chunk)
            progress(done, total)
    if not errors:
        parents.finish()
    if errors:
        shown = "; ".join(message for _row, message in errors[:5])
        raise ValidationError(_("Kế hoạch đã thay đổi từ khi xem trước, %(count)s dòng không nhập được (%(errors)s); "
                                "không có gì được ghi. Hãy tải tệp lên lại để xem trước.") % {
            "count": len(errors), "errors": shown})
    return counts


def _journal_merge(journal, written):
    """Add what one chunk's write created and changed to the import's journal."""
    for key, value in written.items():
        if isinstance(value, dict):
            into = journal.setdefault(key, {})
            for name, items in value.items():
                if isinstance(items, list) and isinstance(into.get(name), list):
                    into[name].extend(items)
                else:
                    into[name] = items
        else:
            journal.setdefault(key, []).extend(value)


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
        kept = None
        if background:
            try:
                preview, kept = _preview_streamed(record, progress)
            except _Stale:  # units to create in a plan with items to match them with: read whole
                preview = _load(record)[1]
        else:
            preview = _load(record)[1]
        progress.write(90)
        summary = preview_summary(preview)
        errors_name = ""
        if background and (preview.errors or preview.unknown_units):
            errors_name = _store_errors_workbook(record, summary)
        if record.parsed_file:  # a previous preview's, now stale
            record.parsed_file.delete(save=False)
        if kept is not None:
            with kept:
                record.parsed_file.save(f"{record.original_name.rsplit('.', 1)[0]}.json", File(kept), save=False)
    except (ValidationError, AppendixError) as error:
        _fail(record, " ".join(_messages(error)), drop_file=True)
        return None
    finally:
        progress.close()
    row_count = sum(getattr(part, "row_count", len(part.rows)) for part in preview.parts)
    AppendixImport.objects.filter(pk=import_id, run_token=token).update(
        summary=summary, kind=record.kind, status=Status.PREVIEWED, progress=100, heartbeat_at=None,
        row_count=row_count, errors_file=errors_name, message="", parsed_file=record.parsed_file.name or "")
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
            "ignored_columns": [[column_letters(column), text] for column, text in part.ignored_columns],
            "notes": [[row, message] for row, message in part.notes[:1000]],
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
        counts = _apply_kept(record, user, progress, journal) if background else None
        if counts is None:
            preview = _load(record)[1]
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

