"""The office's own "Phân công nhiệm vụ" workbook: reading one into the changes it would make (by sheet row,
writing nothing), and writing a plan's assignment in its layout. The changes are written by the service,
`plans.assignment.assignment_save`."""
import io
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .assignment import (
    FIELDS, assignment_apply_preview, assignment_officers, assignment_problems, assignment_rules, current_values,
    item_key, item_label,
)
from .item_kinds import ITEM_KINDS, kind_of
from .text import clean_cell, fold, name_key
from .units import UnitDirectory

_HEADERS = {
    "ordinal": ("stt", "tt", "so thu tu"),
    "content": ("noi dung", "nhiem vu", "chi tieu", "ten nhiem vu"),
    "lead_units": ("don vi chu tri", "co quan chu tri", "chu tri"),
    "support_units": ("don vi phoi hop", "co quan phoi hop", "phoi hop"),
    "officer": ("can bo phu trach", "nguoi phu trach", "can bo"),
    "product": ("san pham", "san pham du kien", "minh chung"),
    "timeline": ("thoi gian", "thoi han", "thoi gian thuc hien", "thoi gian hoan thanh"),
    "authority": ("tham quyen", "tham quyen phe duyet", "cap phe duyet"),
}
_SECTION_NUMBER = re.compile(r"^([IVXLC]+|\d+(?:\.\d+)*)\.?$")


def normal_ordinal(text):
    """`1`, `01`, `1.`, `(1)` and `1)` are one ordinal; so are `a)` and `a`, and `1.2` and `01.2`."""
    return _LEADING_ZEROS.sub("", clean_cell(text).strip().strip("().").strip().lower())


_LEADING_ZEROS = re.compile(r"^0+(?=\d)")  # an office's "06" (a cell formatted 00) is item 6


def _header(rows):
    for number, row in enumerate(rows[:30]):
        columns = {}
        for index, cell in enumerate(row):
            text = fold(cell or "").strip(" :*")
            for name, spellings in _HEADERS.items():
                if name not in columns and text in spellings:
                    columns[name] = index
        if {"ordinal", "lead_units"} <= columns.keys():
            return number, columns
    return None, None


class _People:
    """Officers of the plan's area by username (exactly, letter case aside) or full name, as a workbook writes them."""

    def __init__(self, plan):
        self.by_username, self.by_name, self.names = {}, {}, {}
        for officer in assignment_officers(plan):
            self.names[officer.pk] = officer.display_name
            self.by_username[officer.username.lower()] = officer
            if officer.get_full_name():
                self.by_name.setdefault(name_key(officer.get_full_name()), officer)

    def find(self, text, *, current=None):
        """The officer `text` names; `current`, the item's own officer, even when their account was closed, so
        that a workbook naming the officers an item already has changes nothing."""
        text = text.strip()
        if current is not None and text.lower() in (current.username.lower(), current.get_full_name().lower()):
            return current
        # A username is matched as written: `name_key` drops a last "xã" (`...-cong-an-xa` is not `...-congan`).
        return self.by_username.get(text.lower()) or self.by_name.get(name_key(text))


def assignment_sheets(data, name):
    """{sheet title: rows of cell text} of an uploaded workbook (xlsx, xls, ods), through the appendix import's
    readers and safety checks; hidden sheets are never read."""
    from .appendix.readers import read_sheets

    return {sheet.title: sheet.rows for sheet in read_sheets(data, name) if not sheet.hidden}


def assignment_preview(*, plan, sheets):
    """What the workbook would change, item by item, and its errors by sheet row; writes nothing.

    Rows are matched to the plan's items by section number and normalised ordinal; a row
    whose number is a section of the plan starts that section.
    """

    sections = {normal_ordinal(section.number): section for section in plan.sections.all() if section.number}
    items = {}
    for kind in ITEM_KINDS:
        for item in kind.model.objects.filter(plan=plan).select_related("section", "officer").prefetch_related(
                "lead_units", "support_units"):
            items.setdefault((item.section_id, normal_ordinal(item.ordinal)), []).append(item)
    directory, people = UnitDirectory(plan.area), _People(plan)
    rules = assignment_rules(plan)  # the save's own rules: what the preview passes, the confirm accepts
    unit_names = {pk: unit.name for pk, unit in rules["units"].items()}
    changes, errors, seen = [], [], set()
    found_header = False
    for sheet, rows in sheets.items():
        start, columns = _header(rows)
        if columns is None:
            continue
        found_header = True
        section = None
        for offset, row in enumerate(rows[start + 1:], start=start + 2):
            cell = {name: clean_cell(row[index]) if index < len(row) else "" for name, index in columns.items()}
            if not any(cell.values()):
                continue
            where = _("Trang “%(sheet)s”, dòng %(row)s") % {"sheet": sheet, "row": offset}
            ordinal = normal_ordinal(cell["ordinal"])
            number = cell["ordinal"].strip()
            heading = sections.get(normal_ordinal(number)) if _SECTION_NUMBER.match(number) else None
            if heading and not any(cell.get(name) for name in FIELDS) and (
                    not cell.get("content") or fold(cell["content"])[:40] == fold(heading.title)[:40]):
                section = heading
                continue
            matches = items.get((section.pk if section else None, ordinal), [])
            if len(matches) != 1:
                errors.append({"row": where, "message": _("không tìm thấy mục %(ordinal)s trong %(section)s")
                               % {"ordinal": cell["ordinal"] or "—",
                                  "section": section or _("phần không thuộc mục nào")}
                               if not matches else _("mục %(ordinal)s trùng nhau") % {"ordinal": cell["ordinal"]}})
                continue
            item = matches[0]
            if item_key(item) in seen:
                errors.append({"row": where, "message": _("mục %(label)s xuất hiện hai lần") % {"label": item_label(item)}})
                continue
            seen.add(item_key(item))
            values, problems = {}, []
            for name in ("lead_units", "support_units"):
                if name in cell:
                    units, unknown = directory.resolve(cell[name])
                    values[name] = sorted(unit.pk for unit in units)
                    problems += [_("đơn vị “%(name)s” không có trong danh mục của địa bàn") % {"name": n} for n in unknown]
            if "officer" in cell:
                officer = people.find(cell["officer"], current=item.officer) if cell["officer"] else None
                if cell["officer"] and officer is None:
                    problems.append(_("không tìm thấy cán bộ “%(name)s”") % {"name": cell["officer"]})
                values["officer"] = officer.pk if officer else None
            for name in ("product", "timeline", "authority"):
                if name in cell:
                    values[name] = cell[name]
            if problems:
                errors += [{"row": where, "message": problem} for problem in problems]
                continue
            before = current_values(item)
            changed = {name: value for name, value in values.items() if before[name] != value}
            problems = assignment_problems(item, changed, **rules) if changed else []
            if problems:
                errors += [{"row": where, "message": f"{item_label(item)}: {problem}"} for problem in problems]
                continue
            if changed:
                changes.append({"key": item_key(item), "version": item.version, "label": item_label(item),
                                "row": where, "values": changed,
                                "display": _display_changes(before, changed, unit_names=unit_names,
                                                            people_names=people.names)})
    if not found_header:
        errors.append({"row": "", "message": _("Không thấy dòng tiêu đề có cột “STT” và “Đơn vị chủ trì”.")})
    return {"changes": changes, "errors": errors, "can_apply": not errors and bool(changes),
            "unchanged": not errors and not changes}


def _display_changes(before, changed, *, unit_names, people_names):
    def show(name, value):
        if name in ("lead_units", "support_units"):
            return ", ".join(unit_names.get(pk, "?") for pk in value) or "—"
        if name == "officer":
            return people_names.get(value, "—") if value else "—"
        return value or "—"

    labels = {"lead_units": _("Đơn vị chủ trì"), "support_units": _("Đơn vị phối hợp"),
              "officer": _("Cán bộ phụ trách"), "product": _("Sản phẩm"), "timeline": _("Thời gian"),
              "authority": _("Thẩm quyền")}
    return [{"field": labels[name], "old": show(name, before[name]), "new": show(name, value)}
            for name, value in changed.items()]


def assignment_workbook_apply(*, plan, user, data, name, reason=""):
    """Read, check and apply a workbook in one go (load_demo, the shell); all or nothing."""
    preview = assignment_preview(plan=plan, sheets=assignment_sheets(data, name))
    if preview["errors"]:
        raise ValidationError([f"{error['row']}: {error['message']}" for error in preview["errors"]])
    return assignment_apply_preview(plan=plan, user=user, preview=preview, reason=reason) if preview["changes"] else 0


HEADER = ["STT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Cán bộ phụ trách", "Sản phẩm", "Thời gian",
          "Thẩm quyền"]


def assignment_cells(item):
    """An item's assignment as a workbook row writes it, after its ordinal and content."""
    return [", ".join(unit.name for unit in item.lead_units.all()),
            ", ".join(unit.name for unit in item.support_units.all()),
            item.officer.username if item.officer else "", item.product, item.timeline_text, item.authority]


def assignment_workbook(plan, *, rows_for=None, title=None):
    """The plan's assignment in the office's "Phân công nhiệm vụ" layout: title, header, a row per section
    and one per item. `rows_for(item)` may return the cells to write for an item instead of its own
    (the demo workbook), or None to leave the item out."""
    from openpyxl import Workbook

    from .appendix.exports import write_cell

    book = Workbook()
    sheet = book.active
    sheet.title = "Phân công"
    write_cell(sheet, 1, 1, title or f"PHÂN CÔNG NHIỆM VỤ – {plan.reference} – {plan.issuer}", bold=True)
    for column, text in enumerate(HEADER, start=1):
        write_cell(sheet, 3, column, text, bold=True)
    sections = {section.pk: section for section in plan.sections.all()}
    items = sorted(
        [item for kind in ITEM_KINDS
         for item in kind.model.objects.filter(plan=plan).select_related("officer").prefetch_related("lead_units",
                                                                                                  "support_units")],
        key=lambda item: (sections[item.section_id].position if item.section_id else 0,
                          ITEM_KINDS.index(kind_of(item)), item.position))
    row, current_section = 3, object()
    for item in items:
        cells = rows_for(item) if rows_for else assignment_cells(item)
        if cells is None:
            continue
        if item.section_id != current_section:
            current_section = item.section_id
            if item.section_id:
                row += 1
                write_cell(sheet, row, 1, sections[item.section_id].number, bold=True)
                write_cell(sheet, row, 2, sections[item.section_id].title, bold=True)
        row += 1
        for column, value in enumerate([item.ordinal, item.title, *cells], start=1):
            write_cell(sheet, row, column, value)
    for letter, width in zip("ABCDEFGH", (8, 60, 28, 28, 20, 30, 16, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
