"""What an upload would do to a plan, row by row, before anything is written.

Each visible sheet (or Word table) with an appendix header becomes a `Preview`; the
others are listed with the reason they are not imported. Rows are matched to the plan's
items by section and normalised ordinal, and each says whether it is new, changed,
unchanged or in error; an existing item that a row with unrelated text would overwrite
is flagged, never silently rewritten.
"""
from array import array
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.translation import gettext as _

from indicators.targets import parse_target
from tasks.timelines import parse_timeline

from ..item_kinds import ITEM_KINDS, item_model
from ..models import Unit
from ..text import fold, name_key
from ..units import UnitDirectory, area_units
from .table import INDICATORS, TASKS, AppendixError, find_header, normal_ordinal, parent_ordinal, read_table
from .targets import changes_marked, row_values

CREATE_UNIT = "new"
KIND_LABELS = {kind.appendix: kind.appendix_label for kind in ITEM_KINDS}

FIELDS = {
    INDICATORS: ["content", "unit_of_measure", "target_text", "target_comparator", "target_value",
                 "target_value_upper", "target_unit", "deadline", "baseline", "baseline_label", "baseline_year",
                 "baseline_value"],
    TASKS: ["title", "product", "timeline_text", "timeline_kind", "starts_on", "ends_on"],
}
_UNRELATED = 0.5  # below this likeness, a row's text is not the item it would overwrite


@dataclass(slots=True)
class PreviewRow:
    sheet_row: int
    section: int | None  # index into Preview.sections
    ordinal: str
    values: dict
    lead: list = field(default_factory=list)      # Unit objects
    support: list = field(default_factory=list)
    unknown_lead: list = field(default_factory=list)   # unit names that match nothing
    unknown_support: list = field(default_factory=list)
    state: str = "new"                            # new, changed, unchanged, error
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    existing_id: int | None = None
    targets: list | None = None  # an indicator's targets by year (`targets.row_values`); None: the table has none
    centrally_assigned: bool | None = None  # a task's "Trung ương giao" cell; None: the table has no such column

    @property
    def unknown(self):
        return self.unknown_lead + self.unknown_support

    @property
    def parent(self):
        """The ordinal of the item this row is a sub-item of (`2` for `2.a`), "" for an item."""
        return parent_ordinal(self.ordinal)

    @property
    def summary(self):
        v = self.values
        return v.get("content") or v.get("title")


@dataclass
class SectionPreview:
    number: str
    title: str
    existing: object  # Section or None


@dataclass
class Preview:
    """One appendix table: a sheet of a workbook or a table of a Word file."""

    kind: str
    sheet: str
    header_row: int
    sections: list
    rows: list
    errors: list  # (sheet row, message), rows' own errors included
    skipped_rows: list = field(default_factory=list)  # (sheet row, message): notes, signatures, totals left out
    ignored_columns: list = field(default_factory=list)  # (column, header text) not imported
    notes: list = field(default_factory=list)  # (sheet row, message): what the reading did beyond the table (sub-items split from a cell, values it could not read)

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


@dataclass
class StreamedPreview(Preview):
    """A table previewed a chunk of rows at a time (the import's preview job): `rows` holds only the first rows,
    those the page shows; the counts by state, the unknown unit names and the errors are of every row."""

    counts: dict = field(default_factory=dict)
    unknown: dict = field(default_factory=dict)
    row_count: int = 0

    @property
    def unknown_units(self):
        return self.unknown

    def count(self, state):
        return self.counts.get(state, 0)

    def add(self, rows, shown):
        """Count matched `rows`; keep them while fewer than `shown` are kept."""
        for row in rows:
            self.counts[row.state] = self.counts.get(row.state, 0) + 1
            for name in row.unknown:
                self.unknown.setdefault(name, []).append(row.sheet_row)
        self.row_count += len(rows)
        self.rows.extend(rows[:max(0, shown - len(self.rows))])


class _Key:
    __slots__ = ("sheet_row", "section", "ordinal")

    def __init__(self, sheet_row, section, ordinal):
        self.sheet_row, self.section, self.ordinal = sheet_row, section, ordinal


STREAM_ROWS = 5000  # rows a streamed preview and the confirm take at a time


class ItemStream:
    """Where `read_table` puts its items for a streamed preview: each item goes on to `take`, in lists of
    STREAM_ROWS, once the next one shows it complete (a row cut by a page break continues the item above it).
    Only each item's sheet row, section and ordinal stay, for `read_table`'s check of repeated ordinals."""

    def __init__(self, take, size=None):
        self.take, self.size, self.pending, self.batch = take, size or STREAM_ROWS, None, []
        self.sheet_rows, self.sections, self.ordinals = array("l"), array("l"), []

    def append(self, item):
        if self.pending is not None:
            self._pass(self.pending)
        self.pending = item
        self.sheet_rows.append(item.sheet_row)
        self.sections.append(-1 if item.section is None else item.section)
        self.ordinals.append(item.ordinal)

    def _pass(self, item):
        self.batch.append(item)
        if len(self.batch) >= self.size:
            batch, self.batch = self.batch, []
            self.take(batch)

    def close(self):
        """Pass on the last items."""
        if self.pending is not None:
            self._pass(self.pending)
            self.pending = None
        if self.batch:
            batch, self.batch = self.batch, []
            self.take(batch)

    def __iter__(self):
        for sheet_row, section, ordinal in zip(self.sheet_rows, self.sections, self.ordinals, strict=True):
            yield _Key(sheet_row, None if section < 0 else section, ordinal)

    def __len__(self):
        return len(self.ordinals)


@dataclass
class WorkbookPreview:
    """Every appendix an upload holds, and the sheets it does not import with the reason."""

    parts: list
    skipped: list  # (sheet title, reason)

    @property
    def kind(self):
        return self.parts[0].kind

    @property
    def sheet(self):
        return self.parts[0].sheet

    @property
    def header_row(self):
        return self.parts[0].header_row

    @property
    def rows(self):
        return [row for part in self.parts for row in part.rows]

    @property
    def errors(self):
        if len(self.parts) == 1:
            return self.parts[0].errors
        return [(row, f"{part.sheet}: {message}") for part in self.parts for row, message in part.errors]

    @property
    def unknown_units(self):
        names = {}
        for part in self.parts:
            for name, rows in part.unknown_units.items():
                names.setdefault(name, []).extend(rows)
        return names

    def count(self, state):
        return sum(part.count(state) for part in self.parts)

    @property
    def can_import(self):
        return all(part.can_import for part in self.parts)


def as_rows(sheets):
    """(title, rows, hidden) of readers' `Sheet`s or of a plain {title: rows} mapping."""
    if isinstance(sheets, dict):
        return [(title, rows, False) for title, rows in sheets.items()]
    return [(sheet.title, sheet.rows, sheet.hidden) for sheet in sheets]


def choose_tables(sheets, kind=None):
    """[(title, rows, header, kind)] to import, and [(title, reason)] of the sheets left out."""
    chosen, skipped = [], []
    for title, rows, hidden in as_rows(sheets):
        if hidden:
            skipped.append((title, _("trang ẩn, không nhập")))
            continue
        try:
            header = find_header(rows)
        except AppendixError:
            if any(any(c not in (None, "") for c in row) for row in rows[:50] if row):
                skipped.append((title, _("không có dòng tiêu đề của bảng phụ lục")))
            continue
        found = header.kind()
        if kind and kind != found:
            if header.allows(kind):
                found = kind  # the columns cannot tell: the user's choice decides
            else:
                skipped.append((title, _("là %(found)s, không phải %(chosen)s như đã chọn") % {
                    "found": _(KIND_LABELS[found]), "chosen": _(KIND_LABELS[kind])}))
                continue
        chosen.append((title, rows, header, found))
    if not chosen:
        reasons = "; ".join(f"“{title}”: {reason}" for title, reason in skipped)
        raise AppendixError(
            _("Không trang nào trong tệp có dòng tiêu đề của bảng phụ lục (cần các cột “STT”, “Nội dung”/“Nhiệm vụ”, "
              "“Kết quả” hoặc “Cơ quan chủ trì”...).") + (f" {reasons}." if reasons else ""))
    return chosen, skipped


class UnitChoices:
    """The plan area's unit directory, plus what the admin decided for names that matched nothing.

    Only units of the plan's area and its province can be chosen: an id from another area is ignored.
    """

    def __init__(self, plan, mapping):
        self.directory = UnitDirectory(plan.area)
        self.mapping = {name_key(name): choice for name, choice in (mapping or {}).items() if choice}
        chosen = [str(c) for c in self.mapping.values() if str(c).isdigit()]
        self.chosen_units = {str(u.pk): u for u in usable_units(plan).filter(pk__in=chosen)}
        self.planned = {}  # name key -> Unit not yet saved (created on import)
        self.plan = plan
        self._resolved = {}
        self.parsed = {}  # parsed timelines by text, for this preview

    def resolve(self, cell):
        # The same few unit cells repeat on every row: resolve each text once.
        if cell not in self._resolved:
            self._resolved[cell] = self._resolve(cell)
        units, unknown = self._resolved[cell]
        return list(units), list(unknown)

    def _resolve(self, cell):
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


def usable_units(plan):
    """The units an import into `plan` may name (`plans.units.area_units`)."""
    return area_units(plan.area)


def workbook_preview(*, plan, sheets, kind=None, unit_mapping=None):
    tables, skipped = choose_tables(sheets, kind)
    units = UnitChoices(plan, unit_mapping)
    existing_sections = {fold(s.title): s for s in plan.sections.all()}
    parts = [table_preview(plan, read_table(rows, found, header=header), title, units, existing_sections)
             for title, rows, header, found in tables]
    return WorkbookPreview(parts=parts, skipped=skipped)


def appendix_preview(*, plan, sheets, kind=None, unit_mapping=None):
    """The preview of every appendix in `sheets` (a list of readers' `Sheet`s or {title: rows})."""
    return workbook_preview(plan=plan, sheets=sheets, kind=kind, unit_mapping=unit_mapping)


def preview_rows(items, kind, plan, units, labels):
    """The `PreviewRow`s of `read_table`'s items, not matched yet."""
    return [_preview_row(item, kind, plan, units, labels) for item in items]


def table_preview(plan, table, title, units, existing_sections):
    kind = table.kind
    sections = [SectionPreview(s.number, s.title, existing_sections.get(fold(s.title))) for s in table.sections]
    rows = []
    items, table.items = table.items, []
    for index in range(len(items)):
        item, items[index] = items[index], None  # each source row is released once previewed
        rows.append(_preview_row(item, kind, plan, units, table.labels))
    found = plan_items(plan, kind)
    orphans = orphan_errors(rows, sections, found[0]) if kind == TASKS else {}
    mark_orphans(rows, orphans)
    return match_rows(plan, Preview(kind=kind, sheet=title, header_row=table.header_row, sections=sections,
                                    rows=rows, errors=list(table.errors), skipped_rows=table.skipped_rows,
                                    ignored_columns=table.ignored_columns, notes=table.notes), found)


def orphan_errors(items, sections, existing):
    """{sheet row: message} of the sub-items (`9.1`, typed) whose item (`9`) is neither in the table nor in the
    plan, in the same section: such a row would be imported under no item. `items` are the table's rows or
    items in order (a streamed preview's keys, `ItemStream`), wherever each sub-item is in the table;
    `existing`, the plan's items by (section id, ordinal) (`plan_items`)."""
    listed = {(item.section, item.ordinal) for item in items if not parent_ordinal(item.ordinal)}
    errors = {}
    for item in items:
        parent = parent_ordinal(item.ordinal)
        if not parent or (item.section, parent) in listed:
            continue
        section = sections[item.section] if item.section is not None else None
        if (section is None or section.existing) and (section.existing.id if section else None, parent) in existing:
            continue
        errors[item.sheet_row] = _("Dòng %(row)s có STT “%(ordinal)s” nhưng không có mục %(parent)s trong cùng phần, "
                                   "trong tệp hay trong kế hoạch: nội dung con phải thuộc một mục. Hãy kiểm tra lại "
                                   "STT.") % {"row": item.sheet_row, "ordinal": item.ordinal, "parent": parent}
    return errors


def mark_orphans(rows, orphans):
    """Put each orphan sub-item's error (`orphan_errors`) on its previewed row; the rows newly in error."""
    marked = []
    for row in rows:
        message = orphans.get(row.sheet_row) if orphans else None
        if message and message not in row.errors:
            marked.append(row.state != "error")
            row.errors.append(message)
            row.state = "error"
    return sum(marked)


def plan_items(plan, kind):
    """The plan's items of `kind` as a preview matches rows with them: by (section id, ordinal), their ordinals by id
    (whose sub-item a task is), their lead and support unit ids."""
    model = item_model(kind)
    existing = {(item.section_id, normal_ordinal(item.ordinal)): item for item in model.objects.filter(plan=plan)}
    ordinals = {item.id: normal_ordinal(item.ordinal) for item in existing.values()}
    owner = f"{model._meta.model_name}_id"
    lead_ids, support_ids = {}, {}
    for relation, ids in ((model.lead_units.through, lead_ids), (model.support_units.through, support_ids)):
        for item_id, unit_id in relation.objects.filter(**{f"{model._meta.model_name}__plan": plan}).values_list(owner, "unit_id"):
            ids.setdefault(item_id, set()).add(unit_id)
    return existing, ordinals, lead_ids, support_ids


def match_rows(plan, preview, found=None):
    """Match each row of `preview` with the plan's item of its section and ordinal, as the plan is now: new, changed
    or unchanged, or in error when it would overwrite an unrelated item. The confirm of a large import matches the
    rows its preview job kept again, without reading and previewing the upload again, a chunk at a time against
    the plan's items read once (`found`, from `plan_items`)."""
    kind, sections = preview.kind, preview.sections
    existing, ordinals, lead_ids, support_ids = found or plan_items(plan, kind)
    text_field = FIELDS[kind][0]
    errors = list(preview.errors)
    for row in preview.rows:
        section = sections[row.section] if row.section is not None else None
        section_id = section.existing.id if section and section.existing else None
        match = existing.get((section_id, row.ordinal)) if (section is None or section.existing) else None
        if not row.errors and match is not None:
            row.existing_id = match.id
            row.changes = [name for name in FIELDS[kind] if getattr(match, name) != row.values[name]]
            if {u.pk for u in row.lead} != lead_ids.get(match.id, set()):
                row.changes.append("lead_units")
            if {u.pk for u in row.support} != support_ids.get(match.id, set()):
                row.changes.append("support_units")
            if kind == TASKS and ordinals.get(match.parent_id, "") != row.parent:
                row.changes.append("parent")
            if row.centrally_assigned is not None and row.centrally_assigned != match.centrally_assigned:
                row.changes.append("centrally_assigned")
            row.state = "changed" if row.changes else "unchanged"
            if text_field in row.changes and _unrelated(getattr(match, text_field), row.values[text_field]):
                row.state = "error"
                row.errors.append(_("Dòng %(row)s có STT %(ordinal)s trùng với mục đã có “%(existing)s” nhưng nội dung "
                                    "khác hẳn: kiểm tra lại STT, hệ thống không ghi đè.") % {
                    "row": row.sheet_row, "ordinal": row.ordinal, "existing": getattr(match, text_field)[:80]})
        errors.extend((row.sheet_row, message) for message in row.errors)
    if kind == INDICATORS:
        changes_marked(preview.rows)
    errors.sort()
    preview.errors = errors
    return preview


def _unrelated(old, new):
    old, new = fold(old), fold(new)
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    return matcher.quick_ratio() < _UNRELATED or matcher.ratio() < _UNRELATED


def _cached(cache, function, text, **kwargs):
    # Timelines and targets repeat (`Năm 2026`, `100%`): parse each text once per preview.
    key = (function, text)
    if key not in cache:
        cache[key] = function(text, **kwargs)
    return cache[key]


def _preview_row(item, kind, plan, units, labels):
    v = item.values
    cache = units.parsed
    row = PreviewRow(sheet_row=item.sheet_row, section=item.section, ordinal=item.ordinal[:16], values={})
    if not item.ordinal:
        row.errors.append(_("Dòng %(row)s thiếu STT.") % {"row": item.sheet_row})
    if kind == INDICATORS:
        target = parse_target(v.get("target", ""), unit_of_measure=v.get("unit_of_measure", ""))
        if not target.text:
            row.errors.append(_("Dòng %(row)s thiếu kết quả cần đạt.") % {"row": item.sheet_row})
        deadline = (_cached(cache, parse_timeline, v["timeline"], plan_year=plan.issued_year).ends_on
                    if v.get("timeline") else None)
        row.values = {"content": v["content"], "unit_of_measure": v.get("unit_of_measure", "")[:64],
                      "target_text": target.text[:500], "target_comparator": target.comparator,
                      "target_value": target.value, "target_value_upper": target.upper, "target_unit": target.unit[:32],
                      "deadline": deadline}
        baseline, row.targets = row_values(v, labels, v.get("unit_of_measure", ""))
        row.values.update(baseline)
    else:
        timeline = _cached(cache, parse_timeline, v.get("timeline", ""), plan_year=plan.issued_year)
        row.values = {"title": v["content"], "product": v.get("product", ""), "timeline_text": timeline.text[:255],
                      "timeline_kind": timeline.kind, "starts_on": timeline.starts_on, "ends_on": timeline.ends_on}
        row.centrally_assigned = v.get("centrally_assigned")  # read by the table (`table.central_flag`)
    row.lead, row.unknown_lead = units.resolve(v.get("lead", ""))
    row.support, row.unknown_support = units.resolve(v.get("support", ""))
    if kind == TASKS and not v.get("lead"):
        row.errors.append(_("Dòng %(row)s thiếu cơ quan chủ trì (“6 rõ”: rõ trách nhiệm).") % {"row": item.sheet_row})
    if row.errors:
        row.state = "error"
    return row
