"""Importing an appendix table into a plan: preview every row, then write all of it or nothing.

The preview says what each row became (section, ordinal, parsed target or timeline,
units) and whether it is new, changed or unchanged; rows are matched to the plan's
items by section and ordinal. Writing uses bulk operations that also write history,
so ten thousand rows take seconds, not minutes.
"""
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators.models import Indicator
from indicators.targets import parse_target
from tasks.models import Task, TimelineKind
from tasks.timelines import parse_timeline

from .appendix import INDICATORS, TASKS, AppendixError, find_header, read_table
from .models import Section, Unit, UnitAlias
from .services import unit_slug
from .text import fold, name_key, upload_display_name
from .units import UnitDirectory

CREATE_UNIT = "new"
BATCH = 2000

_FIELDS = {
    INDICATORS: ["content", "unit_of_measure", "target_text", "target_comparator", "target_value",
                 "target_value_upper", "target_unit"],
    TASKS: ["title", "product", "timeline_text", "timeline_kind", "starts_on", "ends_on"],
}


@dataclass(slots=True)
class PreviewRow:
    sheet_row: int
    section: int | None  # index into Preview.sections
    ordinal: str
    values: dict
    lead: list = field(default_factory=list)      # Unit objects
    support: list = field(default_factory=list)
    unknown: list = field(default_factory=list)   # unit names that match nothing
    state: str = "new"                            # new, changed, unchanged, error
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    existing_id: int | None = None

    @property
    def summary(self):
        v = self.values
        return v.get("content") or v.get("title")


@dataclass
class SectionPreview:
    number: str
    title: str
    existing: Section | None


@dataclass
class Preview:
    kind: str
    sheet: str
    header_row: int
    sections: list
    rows: list
    errors: list  # (sheet row, message), rows' own errors included

    @property
    def unknown_units(self):
        names = {}
        for row in self.rows:
            for name in row.unknown:
                names.setdefault(name, []).append(row.sheet_row)
        return names

    def count(self, state):
        return sum(1 for row in self.rows if row.state == state)

    @property
    def can_import(self):
        return not self.errors and not self.unknown_units


def detect_kind(rows):
    """Which appendix a sheet holds: one with a target column is indicators, otherwise tasks."""
    try:
        _index, columns = find_header(rows, INDICATORS)
        return INDICATORS if "target" in columns else TASKS
    except AppendixError:
        find_header(rows, TASKS)
        return TASKS


def choose_sheet(sheets, kind=None):
    """The first sheet with a recognisable header, and the appendix kind it holds."""
    for title, rows in sheets.items():
        try:
            found = kind or detect_kind(rows)
            find_header(rows, found)
            return title, found
        except AppendixError:
            continue
    raise AppendixError(_("Không trang nào trong tệp có dòng tiêu đề của bảng phụ lục (cần các cột “STT”, "
                          "“Nội dung”/“Nhiệm vụ”, “Kết quả” hoặc “Cơ quan chủ trì”...)."))


class _Units:
    """The plan area's unit directory, plus what the admin decided for names that matched nothing."""

    def __init__(self, plan, mapping):
        self.directory = UnitDirectory(plan.area)
        self.mapping = {name_key(name): choice for name, choice in (mapping or {}).items() if choice}
        chosen = [c for c in self.mapping.values() if c != CREATE_UNIT]
        self.chosen_units = {str(u.pk): u for u in Unit.objects.filter(pk__in=[c for c in chosen if str(c).isdigit()])}
        self.planned = {}  # name key -> Unit not yet saved (created on import)
        self.plan = plan

    def resolve(self, cell):
        units, unknown = self.directory.resolve(cell)
        still_unknown = []
        for name in unknown:
            choice = self.mapping.get(name_key(name))
            if choice == CREATE_UNIT:
                unit = self.planned.setdefault(name_key(name), Unit(area=self.plan.area, name=name[:255]))
                units.append(unit)
            elif choice and str(choice) in self.chosen_units:
                units.append(self.chosen_units[str(choice)])
            else:
                still_unknown.append(name)
        return units, still_unknown


def appendix_preview(*, plan, sheets, kind=None, unit_mapping=None):
    title, kind = choose_sheet(sheets, kind)
    table = read_table(sheets[title], kind)
    existing_sections = {fold(s.title): s for s in plan.sections.all()}
    sections = [SectionPreview(s.number, s.title, existing_sections.get(fold(s.title))) for s in table.sections]
    model = Indicator if kind == INDICATORS else Task
    existing = {(item.section_id, item.ordinal): item for item in model.objects.filter(plan=plan)}
    owner = f"{model._meta.model_name}_id"
    lead_ids, support_ids = {}, {}
    for relation, ids in ((model.lead_units.through, lead_ids), (model.support_units.through, support_ids)):
        for item_id, unit_id in relation.objects.filter(**{f"{model._meta.model_name}__plan": plan}).values_list(owner, "unit_id"):
            ids.setdefault(item_id, set()).add(unit_id)
    units = _Units(plan, unit_mapping)
    rows = []
    errors = list(table.errors)
    items, table.items = table.items, []
    for index in range(len(items)):
        item, items[index] = items[index], None  # each source row is released once previewed
        row = _preview_row(item, kind, plan, units)
        section = sections[item.section] if item.section is not None else None
        section_id = section.existing.id if section and section.existing else None
        match = existing.get((section_id, row.ordinal)) if (section is None or section.existing) else None
        if not row.errors and match is not None:
            row.existing_id = match.id
            row.changes = [name for name in _FIELDS[kind] if getattr(match, name) != row.values[name]]
            if {u.pk for u in row.lead} != lead_ids.get(match.id, set()):
                row.changes.append("lead_units")
            if {u.pk for u in row.support} != support_ids.get(match.id, set()):
                row.changes.append("support_units")
            row.state = "changed" if row.changes else "unchanged"
        errors.extend((row.sheet_row, message) for message in row.errors)
        rows.append(row)
    errors.sort()
    return Preview(kind=kind, sheet=title, header_row=table.header_row, sections=sections, rows=rows, errors=errors)


def _preview_row(item, kind, plan, units):
    v = item.values
    row = PreviewRow(sheet_row=item.sheet_row, section=item.section, ordinal=item.ordinal, values={})
    if not item.ordinal:
        row.errors.append(_("Dòng %(row)s thiếu STT.") % {"row": item.sheet_row})
    if kind == INDICATORS:
        target = parse_target(v.get("target", ""))
        if not target.text:
            row.errors.append(_("Dòng %(row)s thiếu kết quả cần đạt.") % {"row": item.sheet_row})
        row.values = {"content": v["content"], "unit_of_measure": v.get("unit_of_measure", "")[:64],
                      "target_text": target.text[:500], "target_comparator": target.comparator,
                      "target_value": target.value, "target_value_upper": target.upper, "target_unit": target.unit[:32]}
    else:
        timeline = parse_timeline(v.get("timeline", ""), plan_year=plan.issued_year)
        row.values = {"title": v["content"], "product": v.get("product", ""), "timeline_text": timeline.text[:255],
                      "timeline_kind": timeline.kind, "starts_on": timeline.starts_on, "ends_on": timeline.ends_on}
    row.lead, unknown_lead = units.resolve(v.get("lead", ""))
    row.support, unknown_support = units.resolve(v.get("support", ""))
    row.unknown = unknown_lead + unknown_support
    if kind == TASKS and not v.get("lead"):
        row.errors.append(_("Dòng %(row)s thiếu cơ quan chủ trì (“6 rõ”: rõ trách nhiệm).") % {"row": item.sheet_row})
    if row.errors:
        row.state = "error"
    return row


def appendix_import(*, plan, preview, user, unit_mapping=None, on_progress=None):
    """Write a clean preview in one transaction; returns counts. Unchanged rows write nothing."""
    if not preview.can_import:
        raise ValueError("the preview has errors or unknown units")
    kind = preview.kind
    model = Indicator if kind == INDICATORS else Task
    work = [row for row in preview.rows if row.state in ("new", "changed")]
    done = 0
    with transaction.atomic():
        _apply_unit_mapping(plan, preview, unit_mapping or {})
        section_ids = _ensure_sections(plan, preview.sections, kind)
        next_position = (model.objects.filter(plan=plan).aggregate(m=Max("position"))["m"] or 0) + 1
        new_rows = [row for row in work if row.state == "new"]
        changed_rows = [row for row in work if row.state == "changed"]
        for start in range(0, len(new_rows), BATCH):
            batch = new_rows[start:start + BATCH]
            objects = []
            for row in batch:
                objects.append(model(plan=plan, section_id=section_ids.get(row.section), position=next_position,
                                     ordinal=row.ordinal[:16], **row.values))
                next_position += 1
            created = bulk_create_with_history(objects, model, batch_size=BATCH, default_user=user,
                                               default_change_reason=_("Nhập phụ lục từ Excel"))
            for row, obj in zip(batch, created):
                row.existing_id = obj.pk
            done += len(batch)
            if on_progress:
                on_progress(done, len(work))
        if changed_rows:
            current = model.objects.in_bulk([row.existing_id for row in changed_rows])
            for row in changed_rows:
                for name, value in row.values.items():
                    setattr(current[row.existing_id], name, value)
            bulk_update_with_history(list(current.values()), model, _FIELDS[kind], batch_size=BATCH,
                                     default_user=user, default_change_reason=_("Nhập phụ lục từ Excel"))
            done += len(changed_rows)
            if on_progress:
                on_progress(done, len(work))
        _replace_units(model, work)
    return {"new": len(new_rows), "changed": len(changed_rows), "unchanged": preview.count("unchanged")}


def _apply_unit_mapping(plan, preview, mapping):
    """Create the units the admin chose to create, and remember the other names as aliases."""
    units = {}
    for row in preview.rows:
        for unit in row.lead + row.support:
            if unit.pk is None:
                units[name_key(unit.name)] = unit
    for unit in units.values():
        unit.slug = unit_slug(plan.area, unit.name)
        suffix = 1
        while Unit.objects.filter(slug=unit.slug).exists():
            suffix += 1
            unit.slug = f"{unit_slug(plan.area, unit.name)[:110]}-{suffix}"
        unit.save()
    for name, choice in mapping.items():
        if choice and choice != CREATE_UNIT and str(choice).isdigit():
            unit = Unit.objects.get(pk=choice)
            if not unit.aliases.filter(key=name_key(name)).exists() and name_key(unit.name) != name_key(name):
                UnitAlias.objects.create(unit=unit, alias=name[:255])


def _ensure_sections(plan, sections, kind):
    appendix = "I" if kind == INDICATORS else "II"
    position = (plan.sections.aggregate(m=Max("position"))["m"] or 0) + 1
    ids = {}
    for index, section in enumerate(sections):
        if section.existing is None:
            section.existing = Section.objects.create(plan=plan, appendix=appendix, number=section.number[:16],
                                                      title=section.title, position=position)
            position += 1
        ids[index] = section.existing.id
    return ids


def _replace_units(model, rows):
    """Lead and support units of the written rows; only changed rows had links to remove."""
    name = model._meta.model_name
    changed = [row.existing_id for row in rows if row.state == "changed"]
    for relation, attr in ((model.lead_units.through, "lead"), (model.support_units.through, "support")):
        for start in range(0, len(changed), BATCH):
            relation.objects.filter(**{f"{name}_id__in": changed[start:start + BATCH]}).delete()
        for start in range(0, len(rows), BATCH):
            relation.objects.bulk_create(
                [relation(**{f"{name}_id": row.existing_id, "unit_id": unit.pk}) for row in rows[start:start + BATCH]
                 for unit in {u.pk: u for u in getattr(row, attr)}.values()], batch_size=5000)



# The workflow around a stored upload: views, the command and the Celery jobs call these.

PREVIEW_ROWS_SHOWN = 300


def import_upload(*, plan, user, upload, kind=""):
    """Check and store an uploaded workbook; preview it now, or in the background when it is large."""
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from .models import AppendixImport
    from .workbooks import check_workbook_bytes, count_rows

    name = upload_display_name(upload)
    data = upload.read(settings.IMPORT_MAX_BYTES + 1)
    check_workbook_bytes(data, name)
    rows = count_rows(data, name)
    record = AppendixImport(plan=plan, kind=kind, original_name=name, row_count=rows, uploaded_by=user,
                            created_at=timezone.now())
    record.file.save(name, ContentFile(data), save=False)
    record.save()
    if rows > settings.IMPORT_BACKGROUND_ROWS:
        from .jobs import preview_appendix_import

        preview_appendix_import.delay_on_commit(record.pk)
    else:
        import_preview_run(record.pk)
        record.refresh_from_db()
    return record


def _load(record):
    from .workbooks import read_rows

    with record.file.open("rb") as stored:
        sheets = read_rows(stored.read(), record.original_name)
    return appendix_preview(plan=record.plan, sheets=sheets, kind=record.kind or None, unit_mapping=record.unit_mapping)


def _row_json(preview, row):
    model = Indicator if preview.kind == INDICATORS else Task
    section = preview.sections[row.section] if row.section is not None else None
    v = row.values
    return {
        "sheet_row": row.sheet_row, "state": row.state, "ordinal": row.ordinal,
        "section": f"{section.number}. {section.title}" if section else "",
        "new_section": bool(section and section.existing is None),
        "text": (v.get("content") or v.get("title") or "")[:300],
        "parsed": (f"{v.get('target_text', '')} → {v.get('target_comparator') or _('định tính')} "
                   f"{v.get('target_value') if v.get('target_value') is not None else ''} {v.get('target_unit', '')}".strip()
                   if preview.kind == INDICATORS else
                   f"{v.get('timeline_text', '')} → {v.get('starts_on') or '?'} – {v.get('ends_on') or '?'} "
                   f"({TimelineKind(v['timeline_kind']).label})"),
        "lead": [u.name for u in row.lead], "support": [u.name for u in row.support],
        "unknown": row.unknown, "errors": row.errors,
        "changes": [str(model._meta.get_field(name).verbose_name) for name in row.changes],
    }


def import_preview_run(import_id):
    """Preview a stored upload and keep what it found on the record."""
    from django.core.exceptions import ValidationError

    from .models import AppendixImport

    record = AppendixImport.objects.select_related("plan__area").get(pk=import_id)
    try:
        preview = _load(record)
    except (ValidationError, AppendixError) as error:
        record.status, record.message = AppendixImport.Status.FAILED, " ".join(_messages(error))
        record.save(update_fields=["status", "message"])
        return record
    record.summary = {
        "kind": preview.kind, "sheet": preview.sheet, "header_row": preview.header_row,
        "counts": {state: preview.count(state) for state in ("new", "changed", "unchanged", "error")},
        "sections": [{"number": s.number, "title": s.title, "new": s.existing is None} for s in preview.sections],
        "errors": [[row, message] for row, message in preview.errors[:1000]],
        "error_count": len(preview.errors),
        "unknown_units": preview.unknown_units,
        "can_import": preview.can_import,
        "rows": [_row_json(preview, row) for row in preview.rows[:PREVIEW_ROWS_SHOWN]],
    }
    record.kind = preview.kind
    record.status = AppendixImport.Status.PREVIEWED
    record.progress = 100
    record.save(update_fields=["summary", "kind", "status", "progress"])
    return record


def import_apply_run(import_id, user_id):
    """Import a previewed upload, all or nothing, reporting progress on the record."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from .models import AppendixImport

    record = AppendixImport.objects.select_related("plan__area").get(pk=import_id)
    user = get_user_model().objects.get(pk=user_id)

    def progress(done, total):
        AppendixImport.objects.filter(pk=import_id).update(progress=min(99, 100 * done // max(total, 1)))

    try:
        preview = _load(record)
        if not preview.can_import:
            raise ValidationError(_("Tệp còn lỗi hoặc đơn vị chưa xác định; không có gì được ghi."))
        counts = appendix_import(plan=record.plan, preview=preview, user=user, unit_mapping=record.unit_mapping,
                                 on_progress=progress)
    except (ValidationError, AppendixError) as error:
        AppendixImport.objects.filter(pk=import_id).update(status=AppendixImport.Status.FAILED,
                                                          message=" ".join(_messages(error)))
        return None
    AppendixImport.objects.filter(pk=import_id).update(
        status=AppendixImport.Status.DONE, progress=100, summary={**record.summary, "imported": counts})
    return counts


def _messages(error):
    return getattr(error, "messages", None) or [str(error)]


def errors_workbook(record):
    """The uploaded workbook with a message beside each bad row, for the office to correct."""
    import io

    from openpyxl import load_workbook
    from openpyxl.styles import Font

    with record.file.open("rb") as stored:
        book = load_workbook(io.BytesIO(stored.read()))
    sheet = book[record.summary.get("sheet")] if record.summary.get("sheet") in book.sheetnames else book.active
    column = sheet.max_column + 1
    header = record.summary.get("header_row", 1)
    sheet.cell(row=header, column=column, value=_("Lỗi cần sửa")).font = Font(bold=True, color="B42318")
    by_row = {}
    for row, message in record.summary.get("errors", []):
        by_row.setdefault(row, []).append(message)
    for name, rows in record.summary.get("unknown_units", {}).items():
        for row in rows:
            by_row.setdefault(row, []).append(_("Không tìm thấy đơn vị “%(name)s”.") % {"name": name})
    for row, messages in by_row.items():
        sheet.cell(row=row, column=column, value=" ".join(messages)).font = Font(color="B42318")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_map_units(record, mapping):
    """Record what the admin chose for each unknown unit name, then preview again."""
    from django.conf import settings

    record.unit_mapping = {**record.unit_mapping, **{k: v for k, v in mapping.items() if v}}
    record.status = record.Status.PREVIEWING
    record.save(update_fields=["unit_mapping", "status"])
    if record.row_count > settings.IMPORT_BACKGROUND_ROWS:
        from .jobs import preview_appendix_import

        preview_appendix_import.delay_on_commit(record.pk)
    else:
        import_preview_run(record.pk)


def import_confirm(record, user):
    """Start writing a previewed upload: now when small, as a Celery job when large."""
    from django.conf import settings

    record.status, record.progress = record.Status.IMPORTING, 0
    record.save(update_fields=["status", "progress"])
    if record.row_count > settings.IMPORT_BACKGROUND_ROWS:
        from .jobs import apply_appendix_import

        apply_appendix_import.delay_on_commit(record.pk, user.pk)
    else:
        import_apply_run(record.pk, user.pk)
