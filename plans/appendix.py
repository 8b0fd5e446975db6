"""Reading appendix tables (Phụ lục I chỉ tiêu, Phụ lục II nhiệm vụ) as offices type them.

The same reader serves the seed documents (tab-separated text) and Excel files:
it finds the header row wherever it is, turns group rows into sections, joins
rows cut by a page break to the row above and cleans cell text.
"""
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .text import clean_cell, fold

INDICATORS = "indicators"
TASKS = "tasks"

# Header variants, compared on folded text (lower case, no accents).
_HEADERS = {
    "ordinal": ("stt", "so tt", "tt", "so thu tu"),
    "content": ("noi dung", "chi tieu", "ten chi tieu", "nhiem vu", "ten nhiem vu", "noi dung nhiem vu"),
    "unit_of_measure": ("don vi tinh", "dvt"),
    "target": ("ket qua", "muc tieu", "gia tri muc tieu"),
    "lead": ("don vi chu tri", "co quan chu tri", "chu tri"),
    "support": ("co quan phoi hop", "don vi phoi hop", "phoi hop"),
    "product": ("san pham", "san pham dau ra", "ket qua san pham"),
    "timeline": ("thoi gian thuc hien", "thoi gian", "thoi han", "tien do"),
}
_HEADER_PREFIXES = {
    "target": ("chi tieu nam", "ket qua nam", "muc tieu nam"),
    "lead": ("don vi chu tri", "co quan chu tri"),
    "support": ("co quan phoi hop", "don vi phoi hop"),
}
_REQUIRED = {INDICATORS: ("content", "target"), TASKS: ("content", "lead")}
# A group number is followed by `.`, `)` or a space: `I.Nâng cao`, `IV. Phát triển`, `1.1. Hạ tầng`, never `Công an`.
_GROUP = re.compile(r"^(?P<number>[IVXLCDM]+|\d+(?:\.\d+)+)(?:[.)]\s*|\s+)(?P<title>\S.*)$")
_ROMAN = re.compile(r"^[IVXLCDM]+\.?$")
_ORDINAL = re.compile(r"^\(?\d+[.)]?$|^[a-zđ]\)$")


def header_field(cell):
    folded = re.sub(r"\s+", " ", fold(cell)).strip(" :")
    for name, variants in _HEADERS.items():
        if folded in variants:
            return name
    for name, prefixes in _HEADER_PREFIXES.items():
        if folded.startswith(prefixes):
            return name
    return None


@dataclass(slots=True)
class SectionRow:
    sheet_row: int
    number: str
    title: str


@dataclass(slots=True)
class ItemRow:
    sheet_row: int
    section: int | None  # index into AppendixTable.sections
    values: dict = field(default_factory=dict)

    @property
    def ordinal(self):
        return self.values.get("ordinal", "")


@dataclass
class AppendixTable:
    kind: str
    header_row: int
    columns: dict
    sections: list = field(default_factory=list)
    items: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (sheet_row, message)


class AppendixError(ValueError):
    """The table cannot be read at all (no header row)."""


def find_header(rows, kind):
    """(row index, {field: column}) of the first row that names the kind's required columns."""
    for index, row in enumerate(rows):
        columns = {}
        for column, cell in enumerate(row):
            name = header_field(cell) if cell is not None else None
            if name and name not in columns:
                columns[name] = column
        if all(name in columns for name in _REQUIRED[kind]):
            return index, columns
    raise AppendixError(
        _("Không tìm thấy dòng tiêu đề của bảng (cần các cột như “STT”, “Nội dung”, “%(second)s”).")
        % {"second": _("Kết quả") if kind == INDICATORS else _("Cơ quan chủ trì")}
    )


def _group_row(cells, columns):
    """A section heading: `I.Nâng cao nhận thức...` alone in the row, or a Roman STT with a title."""
    filled = [(i, c) for i, c in enumerate(cells) if c]
    if len(filled) == 1:
        match = _GROUP.match(filled[0][1])
        if match and not _ORDINAL.match(filled[0][1]):
            return match["number"], match["title"].strip()
    ordinal = cells[columns["ordinal"]] if "ordinal" in columns else ""
    content = cells[columns["content"]]
    if ordinal and content and _ROMAN.match(ordinal) and len(filled) == 2:
        return ordinal.rstrip("."), content
    match = _GROUP.match(ordinal) if ordinal else None
    if match and "." in ordinal and len(filled) == 1:
        return match["number"], match["title"]
    return None


def read_table(rows, kind, *, first_row_number=1):
    """Parse raw rows (lists of cell values) into sections and items, keeping sheet row numbers.

    The rows after the header are consumed: the list is emptied as it is read.
    """
    header_index, columns = find_header(rows, kind)
    table = AppendixTable(kind=kind, header_row=header_index + first_row_number, columns=columns)
    width = max(columns.values()) + 1
    last_item = None
    # Cells repeat (unit names, units of measure, timelines): keep one copy of each short text.
    seen = {}
    for index in range(header_index + 1, len(rows)):
        sheet_row = index + first_row_number
        raw, rows[index] = rows[index], None  # rows are consumed as they are read, to keep large files small
        cells = [clean_cell(c) for c in list(raw)[:width]]
        cells = [seen.setdefault(c, c) if len(c) < 120 else c for c in cells]
        cells += [""] * (width - len(cells))
        if not any(cells):
            continue
        group = _group_row(cells, columns)
        if group:
            table.sections.append(SectionRow(sheet_row, *group))
            last_item = None
            continue
        values = {name: cells[column] for name, column in columns.items()}
        if not values.get("ordinal") and last_item is not None:
            # A row cut by a page break: its text continues the row above.
            for name, text in values.items():
                if text:
                    joined = f"{last_item.values.get(name, '')} {text}".strip()
                    last_item.values[name] = joined
            continue
        if not values.get("content"):
            table.errors.append((sheet_row, _("Dòng không có nội dung.")))
            continue
        section = len(table.sections) - 1 if table.sections else None
        last_item = ItemRow(sheet_row, section, values)
        table.items.append(last_item)
    _check_ordinals(table)
    return table


def _check_ordinals(table):
    seen = {}
    for item in table.items:
        key = (item.section, item.ordinal)
        if item.ordinal and key in seen:
            table.errors.append((item.sheet_row, _("STT “%(ordinal)s” trùng với dòng %(row)s trong cùng mục.")
                                 % {"ordinal": item.ordinal, "row": seen[key]}))
        seen.setdefault(key, item.sheet_row)


def read_tsv(text, kind):
    """Rows of a tab-separated table as the seed documents carry it."""
    return read_table([line.split("\t") for line in text.splitlines()], kind)
