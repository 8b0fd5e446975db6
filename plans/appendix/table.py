"""Reading appendix tables (Phụ lục I chỉ tiêu, Phụ lục II nhiệm vụ) as offices type them.

The same reader serves the seed documents (tab-separated text) and every upload format
(the readers in `readers/` turn a file into rows of cell text): it finds the header
wherever it is in the first rows, also when it spans two or three rows under merged
cells (`Đơn vị thực hiện` over `Chủ trì` / `Phối hợp`), skips the column-number row
under it, turns group rows into sections, keeps sub-items under their item and joins a
row to the one above only when it clearly continues it.
"""
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..item_kinds import APPENDIX_KINDS, INDICATOR, TASK
from ..text import clean_cell, clean_lines, fold
from .targets import columns_settled, heading_field

INDICATORS, TASKS = INDICATOR.appendix, TASK.appendix
KINDS = APPENDIX_KINDS

# Header variants, compared on folded text (lower case, no accents).
_HEADERS = {
    "ordinal": ("stt", "so tt", "tt", "so thu tu"),
    "content": ("noi dung", "chi tieu", "ten chi tieu", "nhiem vu", "ten nhiem vu", "noi dung nhiem vu",
                "noi dung chi tieu", "chi tieu cu the", "nhiem vu cu the"),
    "unit_of_measure": ("don vi tinh", "dvt"),
    "target": ("ket qua", "muc tieu", "gia tri muc tieu", "ket qua can dat", "chi tieu can dat"),
    "lead": ("don vi chu tri", "co quan chu tri", "chu tri", "don vi chu tri thuc hien", "co quan chu tri thuc hien"),
    "support": ("co quan phoi hop", "don vi phoi hop", "phoi hop", "co quan phoi hop thuc hien"),
    "product": ("san pham", "san pham dau ra", "ket qua san pham", "san pham chu yeu"),
    "centrally_assigned": ("trung uong giao", "tw giao", "nhiem vu trung uong giao", "nv tw giao", "nhiem vu tw giao",
                           "nv trung uong giao", "do trung uong giao"),
    "timeline": ("thoi gian thuc hien", "thoi gian", "thoi han", "tien do", "thoi gian hoan thanh", "thoi han hoan thanh",
                 "tien do thuc hien", "thoi gian thuc hien hoan thanh"),
}
_HEADER_PREFIXES = {
    "target": ("chi tieu nam", "ket qua nam", "muc tieu nam", "chi tieu den nam", "muc tieu den nam",
               "ket qua den nam", "chi tieu giai doan", "muc tieu giai doan", "ket qua can dat den"),
    "lead": ("don vi chu tri", "co quan chu tri"),
    "support": ("co quan phoi hop", "don vi phoi hop"),
}
# Words over merged columns that name no field themselves (`Đơn vị thực hiện` over `Chủ trì`, `Phối hợp`).
_PARENT_HEADERS = ("don vi thuc hien", "co quan thuc hien", "trach nhiem thuc hien", "phan cong thuc hien",
                   "don vi thuc hien/phoi hop", "to chuc thuc hien")
_REQUIRED = {INDICATORS: ("content", "target"), TASKS: ("content", "lead")}
HEADER_SEARCH_ROWS = 40  # a header further down than this is not a header
_MULTILINE = ("content", "product", "lead", "support")
# A group number is followed by `.`, `)` or a space: `I.Nâng cao`, `IV. Phát triển`, `1.1. Hạ tầng`, never `Công an`.
_GROUP = re.compile(r"^(?P<number>[IVXLCDM]+|\d+(?:\.\d+)+|[A-Z])(?:[.)]\s*|\s+)(?P<title>\S.*)$", re.S)
_PART = re.compile(r"^(?:PHẦN|Phần)\s+(?P<number>[IVXLCDM]+|\d+)\b[.:\s-]*(?P<title>.*)$", re.S)
_ROMAN = re.compile(r"^[IVXLCDM]+\.?$")
_LETTER_GROUP = re.compile(r"^[A-Z]\.?$")
_SUB_NUMBER = re.compile(r"^(\d+(?:\.\d+)+)\.?$")
_ORDINAL = re.compile(r"^\(?\d+[.)]?$|^[a-zđ]\)$")
_ITEM_ORDINAL = re.compile(r"^\(?(\d+)\s*[.)]?\)?$")
_SUB_ORDINAL = re.compile(r"^\(?([a-zđ])\s*[.)]\)?$")
_BULLETS = ("-", "+", "•", "–")
# A line of a cell that starts a sub-item: a bullet or `a)` followed by a space, then text.
_CELL_BULLET = re.compile(r"^(?:(?P<bullet>[-+•–])|(?P<letter>[a-zđ])\))\s+(?P<text>\S.*)$", re.S)
# The seed documents' text extraction put a cell's lines on one line: `…bao gồm: - A. - B.` (a dash after a colon
# or a full stop, also after a LaTeX leftover `$\geq 95\%$ .`) started a line in the signed document.
_TRAILING_SPACE = re.compile(r"\s+([.;,])$")  # `≥ 95% .`: the space a formula leftover left
_FLATTENED_BULLET = re.compile(r"(?<=[:.])\s+(?=-\s+\S)")
_COLUMN_NUMBER = re.compile(r"^\(?\s*(\d{1,2})\s*\)?$")

# A task's "Trung ương giao" cell (folded): marked as the centre's, or left blank / said not to be.
_CENTRAL_YES = {"x", "co", "tw", "\u2713", "\u2714", "\u2611", "trung uong"}
_CENTRAL_NO = {"", "khong", "-", "\u2013", "\u2717"}

# Rows under a table that belong to the document, never to an item, told by their first words.
NOTE, FOOTNOTE, SIGNATURE, TOTAL = "note", "footnote", "signature", "total"
_NOTE = re.compile(r"^(?:ghi chu|chu thich|luu y|chu y)\b")  # folded
_FOOTNOTE = re.compile(r"^(?:\(\*{1,3}\)|\*{1,3}\s+\S)")
# `TM. ỦY BAN NHÂN DÂN`, `KT. CHỦ TỊCH`, `Q. TRƯỞNG BAN`, `Nơi nhận:`, and the titles signing under them (folded).
_SIGNATURE = re.compile(r"^(?:(?:tm|t/m|kt|q|tl|ttl)\s*[./]\s*\S|noi nhan\b|\((?:da )?ky\b)")
_SIGNER = {"chu tich", "pho chu tich", "truong ban", "pho truong ban", "truong phong", "pho truong phong",
           "giam doc", "pho giam doc", "nguoi lap bieu", "nguoi lap", "thu truong don vi", "bi thu", "pho bi thu"}
# `Tổng cộng`, `Tổng số: 21`, `Cộng`, `Cộng mục I`, `Tổng (10 chỉ tiêu)`: accents kept, `Công an` is no total.
_TOTAL = re.compile(r"^(?:tổng cộng|tong cong\b|cộng (?:mục|phần|nhóm)\b|(?:tổng số|tổng|cộng)\s*(?:[:.(]|\d|$))",
                    re.I)
_FOOTER_LABELS = {
    NOTE: gettext_lazy("ghi chú dưới bảng"),
    FOOTNOTE: gettext_lazy("chú thích dưới bảng"),
    SIGNATURE: gettext_lazy("phần ký tên"),
    TOTAL: gettext_lazy("dòng tổng cộng"),
}
_FOOTER_TEXT = 200  # characters of a skipped block quoted in the preview


def normal_ordinal(text):
    """`1`, `1.`, `(1)`, `1)` are the same item; sub-items keep their parent (`2.a`)."""
    text = (text or "").strip()
    match = _ITEM_ORDINAL.match(text)
    if match:
        return str(int(match[1]))
    match = _SUB_ORDINAL.match(text)
    if match:
        return match[1]
    return text.rstrip(".")


def parent_ordinal(ordinal):
    """The item a sub-item's ordinal names (`2` of `2.a`, `3` of `3.1`); "" for an item's own ordinal."""
    head, dot, _tail = (ordinal or "").rpartition(".")
    return head if dot and _ITEM_ORDINAL.match(head) else ""


def header_field(cell):
    year_or_baseline = heading_field(cell)  # `Năm 2026`, `Đến năm 2030`, `Thực hiện năm 2025`
    if year_or_baseline:
        return year_or_baseline
    folded = re.sub(r"\s+", " ", fold(cell)).strip(" :*")
    for name, variants in _HEADERS.items():
        if folded in variants:
            return name
    for name, prefixes in _HEADER_PREFIXES.items():
        if folded.startswith(prefixes):
            return name
    return None


def _is_parent_header(cell):
    return re.sub(r"\s+", " ", fold(cell)).strip(" :*") in _PARENT_HEADERS


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
class Header:
    row: int           # index of the first header row
    last_row: int      # index of the last header row
    columns: dict      # field -> column
    labels: dict       # field -> the header text as written
    ignored: list = field(default_factory=list)  # (column, header text) of the columns no field takes

    def holds(self, kind):
        return all(name in self.columns for name in _REQUIRED[kind])

    def kinds(self):
        return [kind for kind in KINDS if self.holds(kind)]

    def _votes(self):
        content = fold(self.labels.get("content", ""))
        indicator_votes = ("unit_of_measure" in self.columns) + ("chi tieu" in content)
        task_votes = ("product" in self.columns) + ("nhiem vu" in content)
        return indicator_votes, task_votes

    def kind(self):
        """The appendix the header's columns name together; None when they name neither."""
        kinds = self.kinds()
        if len(kinds) < 2:
            return kinds[0] if kinds else None
        indicator_votes, task_votes = self._votes()
        return TASKS if task_votes > indicator_votes else INDICATORS

    def allows(self, kind):
        """Whether a user may take this table for `kind`: it is that kind, or its columns cannot tell."""
        if not self.holds(kind):
            return False
        indicator_votes, task_votes = self._votes()
        return self.kind() == kind or len(self.kinds()) == 2 and indicator_votes == task_votes


@dataclass
class AppendixTable:
    kind: str
    header_row: int
    columns: dict
    sections: list = field(default_factory=list)
    items: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (sheet_row, message)
    labels: dict = field(default_factory=dict)
    ignored_columns: list = field(default_factory=list)  # (column, header text) not imported
    skipped_rows: list = field(default_factory=list)  # (sheet_row, message): notes, signatures, totals left out
    notes: list = field(default_factory=list)  # (sheet_row, message): sub-items split from a cell, values not read


class AppendixError(ValueError):
    """The table cannot be read at all (no header row)."""


def _window_columns(rows, start, depth):
    """Fields named by rows start..start+depth, lower rows first (`Chủ trì` under a merged `Đơn vị thực hiện`),
    and the header text of every column no field takes (the first of two columns naming one field wins)."""
    window = [rows[i] if i < len(rows) and rows[i] is not None else [] for i in range(start, start + depth + 1)]
    width = max((len(r) for r in window), default=0)
    columns, labels, texts_by_column = {}, {}, {}
    for column in range(width):
        texts = [clean_cell(r[column]) if column < len(r) else "" for r in window]
        joined = " ".join(t for t in texts if t)
        if joined:
            texts_by_column[column] = joined
        name = None
        for text in reversed(texts):
            if text:
                name = header_field(text)
                if name:
                    labels_text = text
                    break
        if name is None:
            name = header_field(joined) if joined else None
            labels_text = joined
        if name and name not in columns:
            columns[name], labels[name] = column, labels_text
    columns_settled(columns, labels)
    taken = set(columns.values())
    ignored = [(column, text) for column, text in texts_by_column.items() if column not in taken]
    return columns, labels, ignored


def _header_like(row):
    """Every filled cell is a header word: the row continues a header above it."""
    cells = [clean_cell(c) for c in (row or []) if c not in (None, "")]
    cells = [c for c in cells if c]
    return bool(cells) and all(header_field(c) or _is_parent_header(c) for c in cells)


def find_header(rows, kind=None):
    """The first header in the first rows, one to three rows deep; with a kind, the first that names its columns."""
    limit = min(len(rows), HEADER_SEARCH_ROWS)
    for index in range(limit):
        row = rows[index]
        if not row or sum(1 for c in row if c not in (None, "") and header_field(clean_cell(c))) < 2:
            continue
        depth = 0
        while depth < 2 and index + depth + 1 < len(rows) and _header_like(rows[index + depth + 1]):
            depth += 1
        columns, labels, ignored = _window_columns(rows, index, depth)
        header = Header(index, index + depth, columns, labels, ignored)
        if header.kinds() and (kind is None or header.holds(kind)):
            return header
    raise AppendixError(
        _("Không tìm thấy dòng tiêu đề của bảng (cần các cột như “STT”, “Nội dung”, “%(second)s”).")
        % {"second": _("Kết quả") if kind == INDICATORS else _("Cơ quan chủ trì")}
    )


def _column_numbers(cells):
    """`(1) (2) (3)…` or `1 2 3…` under the header: numbers only, counting up."""
    filled = [c for c in cells if c]
    if len(filled) < 3:
        return False
    numbers = []
    for cell in filled:
        match = _COLUMN_NUMBER.match(cell)
        if not match:
            return False
        numbers.append(int(match[1]))
    return numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def _group_row(cells, columns):
    """A section heading: `I.Nâng cao…` or `A. …` alone, `PHẦN I`, or a Roman/letter/`1.1` STT with only a title."""
    filled = [(i, c) for i, c in enumerate(cells) if c]
    if len(filled) == 1:
        text = filled[0][1]
        match = _PART.match(text)
        if match:
            return f"Phần {match['number']}", match["title"].strip() or text
        match = _GROUP.match(text)
        if match and not _ORDINAL.match(text):
            return match["number"], match["title"].strip()
    ordinal = cells[columns["ordinal"]] if "ordinal" in columns else ""
    content = cells[columns["content"]]
    if ordinal and content and len(filled) == 2:
        if _ROMAN.match(ordinal) or _LETTER_GROUP.match(ordinal) or _SUB_NUMBER.match(ordinal):
            return ordinal.rstrip("."), content
        if fold(ordinal).startswith("phan "):
            return ordinal, content
    match = _GROUP.match(ordinal) if ordinal else None
    if match and "." in ordinal and len(filled) == 1:
        return match["number"], match["title"]
    return None


def _is_ordinal(text):
    """An item's, a sub-item's or a group's number as the STT column holds it."""
    return bool(_ITEM_ORDINAL.match(text) or _SUB_ORDINAL.match(text) or _ROMAN.match(text)
                or _LETTER_GROUP.match(text) or _SUB_NUMBER.match(text) or text in _BULLETS)


def footer_kind(cells, columns):
    """NOTE, FOOTNOTE, SIGNATURE or TOTAL for a row that is part of the document around a table, never an
    item (no item number in its STT column); None for any other row."""
    ordinal = cells[columns["ordinal"]] if "ordinal" in columns else ""
    if ordinal and _is_ordinal(ordinal):
        return None
    filled = [c for c in cells if c]
    if not filled:
        return None
    first = unicodedata.normalize("NFC", filled[0])
    if _TOTAL.match(first):
        return TOTAL
    folded = [re.sub(r"\s+", " ", fold(c)).strip(" :") for c in filled]
    if _NOTE.match(folded[0]):
        return NOTE
    if _FOOTNOTE.match(first):
        return FOOTNOTE
    if any(_SIGNATURE.match(f) or f in _SIGNER for f in folded):
        return SIGNATURE
    return None


class _Footer:
    """Consecutive rows of one kind under a table (a note and its lines, a signature block), skipped together."""

    def __init__(self, kind, sheet_row):
        self.kind, self.first, self.last, self.texts = kind, sheet_row, sheet_row, []

    def add(self, sheet_row, cells):
        self.last = sheet_row
        self.texts.append(" | ".join(c.replace("\n", " / ") for c in cells if c))

    def message(self):
        rows = str(self.first) if self.first == self.last else f"{self.first}–{self.last}"
        text = " / ".join(self.texts)
        if len(text) > _FOOTER_TEXT:
            text = text[:_FOOTER_TEXT - 1].rstrip() + "…"
        return _("Dòng %(rows)s: %(what)s, không nhập: “%(text)s”.") % {
            "rows": rows, "what": _FOOTER_LABELS[self.kind], "text": text}


def cell_subitems(text):
    """(lead-in, [(marker, sub-item text)]) of a task cell that lists its sub-items on lines of their own
    (`Xây dựng … bao gồm:` then `- …`, `- …`, or `a) …`, `b) …`); (text, []) for any other cell.

    A cell splits only when a line of its own leads in and at least two lines start with the same kind of marker:
    a single bullet, or a dash inside a sentence (`Phòng Văn hóa - Xã hội`), keeps the cell whole. Lines under a
    sub-item that start with another marker (`+` under `-`) or none continue it.
    """
    lines = [line.strip() for line in (text or "").split("\n") if line.strip()]
    if len(lines) < 3 or _CELL_BULLET.match(lines[0]):
        return text, []
    kinds = [_marker_kind(line) for line in lines]
    first = next((kind for kind in kinds if kind), None)
    if first is None or kinds.count(first) < 2:
        return text, []
    start = kinds.index(first)
    lead_in = " ".join(lines[:start])
    subitems = []
    for line, kind in zip(lines[start:], kinds[start:], strict=True):
        if kind == first:
            match = _CELL_BULLET.match(line)
            subitems.append([match["letter"] or "", _TRAILING_SPACE.sub(r"\1", match["text"].strip())])
        else:
            subitems[-1][1] = f"{subitems[-1][1]}\n{line}"
    return lead_in, [tuple(pair) for pair in subitems]


def _marker_kind(line):
    match = _CELL_BULLET.match(line)
    if not match:
        return None
    return "letter" if match["letter"] else match["bullet"]


def central_flag(text):
    """True for a task the centre assigned (`x`, `X`, `✓`, `Có`, `TW`), False for a blank or `Không`; None for a
    value that says neither."""
    folded = re.sub(r"\s+", " ", fold(text or "")).strip(" .")
    if folded in _CENTRAL_YES:
        return True
    if folded in _CENTRAL_NO:
        return False
    return None


def _read_central_flag(table, item):
    """A task's "Trung ương giao" cell read as yes or no; a value that is neither is left as no and named."""
    written = item.values.get("centrally_assigned", "")
    flag = central_flag(written)
    if flag is None:
        table.notes.append((item.sheet_row, _(
            "Dòng %(row)s: cột “%(column)s” ghi “%(value)s”, không đọc được; nhiệm vụ được nhập là không do Trung "
            "ương giao (ghi x, ✓, Có hoặc TW nếu là nhiệm vụ Trung ương giao).") % {
            "row": item.sheet_row, "column": table.labels.get("centrally_assigned", ""), "value": written[:60]}))
    item.values["centrally_assigned"] = bool(flag)


def _split_cell(table, item, following):
    """The task and the sub-items its cell lists (`cell_subitems`), each with the task's units, product and
    timeline (the row gives them once for all); the lead-in stays the task's content, and the preview says how
    many were found. A task whose next row is a sub-item row of its own keeps its cell whole."""
    ordinal = item.ordinal
    if not _ITEM_ORDINAL.match(ordinal) or (following is not None and following.section == item.section
                                            and parent_ordinal(following.ordinal) == ordinal):
        return [item]
    lead_in, subitems = cell_subitems(item.values.get("content", ""))
    if not subitems:
        return [item]
    item.values["content"] = lead_in
    items, bullets = [item], 0
    for letter, text in subitems:
        if not letter:
            bullets += 1
        number = f"{ordinal}.{letter or bullets}"
        items.append(ItemRow(item.sheet_row, item.section, {**item.values, "content": text, "ordinal": number}))
    table.notes.append((item.sheet_row, _(
        "Dòng %(row)s: 1 nhiệm vụ, %(count)s nội dung con (tách từ các dòng gạch đầu dòng trong ô nhiệm vụ; "
        "dòng dẫn đầu là nội dung của nhiệm vụ).") % {"row": item.sheet_row, "count": len(subitems)}))
    return items


def _item_finish(table, item, following):
    """An item read whole (the next item has begun, or the table ended: no later row can continue it), as the
    table holds it: a task's "Trung ương giao" cell read and its cell's sub-items split (`following`, the next item,
    tells whether it has sub-item rows of its own). Done an item at a time so a streamed preview can pass items on."""
    if table.kind != TASKS:
        return [item]
    if "centrally_assigned" in table.columns:
        _read_central_flag(table, item)
    return _split_cell(table, item, following)


def _looks_like_item(values, kind):
    """A row with an item number, content and the field the appendix requires (a target, a lead unit)."""
    written = values.get("ordinal", "")
    return bool(written and _is_ordinal(written) and values.get("content")
                and all(values.get(name) for name in _REQUIRED[kind]))


def read_table(rows, kind, *, first_row_number=1, header=None, items=None):
    """Parse raw rows (lists of cell values) into sections and items, keeping sheet row numbers.

    The rows after the header are consumed: the list is emptied as it is read. `items`, when given, receives the
    items instead of a list (a streamed preview passes them on as they come: `preview.ItemStream`).
    """
    header = header or find_header(rows, kind)
    columns = header.columns
    table = AppendixTable(kind=kind, header_row=header.row + first_row_number, columns=columns, labels=header.labels,
                          ignored_columns=list(header.ignored), items=[] if items is None else items)
    width = max(columns.values()) + 1
    multiline = {columns[name] for name in _MULTILINE if name in columns}
    last_item = parent = None
    pending = None  # the last item read: finished (`_item_finish`) when the next one begins or the table ends
    bullets = 0  # `-` rows read so far under `parent`
    footer = None  # the note, footnote or signature block being skipped: every row under it belongs to it
    # Cells repeat (unit names, units of measure, timelines): keep one copy of each short text.
    seen = {}
    start = header.last_row + 1
    for index in range(start, len(rows)):
        sheet_row = index + first_row_number
        raw, rows[index] = rows[index], None  # rows are consumed as they are read, to keep large files small
        if not raw:
            continue  # the empty rows a reader keeps above a row far down cost no more than this
        raw = list(raw)[:width]
        cells = [clean_lines(c) if i in multiline else clean_cell(c) for i, c in enumerate(raw)]
        cells = [seen.setdefault(c, c) if len(c) < 120 else c for c in cells]
        cells += [""] * (width - len(cells))
        if not any(cells):
            continue
        if index == start and _column_numbers(cells):
            continue
        found = footer_kind(cells, columns)
        if found == TOTAL:
            table.skipped_rows.append((sheet_row, _skip_total(sheet_row, cells)))
            last_item = parent = None  # nothing under a total continues the item above it
            continue
        if found:
            if footer is None or footer.kind != found:
                footer = _Footer(found, sheet_row)
                table.skipped_rows.append((sheet_row, footer))
            footer.add(sheet_row, cells)
            continue
        if footer is not None:
            values = {name: cells[column] for name, column in columns.items()}
            if _looks_like_item(values, kind):
                table.errors.append((sheet_row, _(
                    "Dòng %(row)s có STT và nội dung nhưng nằm dưới %(what)s (dòng %(start)s): không rõ có phải một mục "
                    "của bảng. Hãy đưa mục đó lên trên, hoặc xoá STT nếu nó thuộc %(what)s.") % {
                    "row": sheet_row, "what": _FOOTER_LABELS[footer.kind], "start": footer.first}))
            else:
                footer.add(sheet_row, cells)
            continue
        group = _group_row(cells, columns)
        if group:
            table.sections.append(SectionRow(sheet_row, *group))
            last_item = parent = None
            continue
        values = {name: cells[column] for name, column in columns.items()}
        written = values.get("ordinal", "")
        if not written and last_item is not None:
            filled = [name for name, text in values.items() if text]
            if all(last_item.values.get(name) for name in filled):
                # A row cut by a page break: text only where the row above has text.
                for name in filled:
                    separator = "\n" if name in _MULTILINE and "\n" in values[name] else " "
                    last_item.values[name] = f"{last_item.values[name]}{separator}{values[name]}".strip()
                continue
            table.errors.append((sheet_row, _(
                "Dòng %(row)s không có STT và có ô mà dòng trên để trống: không rõ là phần tiếp của dòng %(above)s "
                "hay một mục riêng. Hãy ghi STT nếu là mục riêng, hoặc gộp vào dòng trên.")
                % {"row": sheet_row, "above": last_item.sheet_row}))
            continue
        if not values.get("content"):
            table.errors.append((sheet_row, _("Dòng không có nội dung.")))
            continue
        ordinal = normal_ordinal(written)
        if _SUB_ORDINAL.match(written):
            if parent is not None:
                ordinal = f"{parent.ordinal}.{ordinal}"
        elif written in _BULLETS and parent is not None:
            bullets += 1  # `-` rows under item 3 are its sub-items 3.1, 3.2…, as `a)` rows are 3.a, 3.b
            ordinal = f"{parent.ordinal}.{bullets}"
        elif ordinal:
            parent = None
        values["ordinal"] = ordinal
        section = len(table.sections) - 1 if table.sections else None
        item = ItemRow(sheet_row, section, values)
        if pending is not None:
            for finished in _item_finish(table, pending, item):
                table.items.append(finished)
        pending = last_item = item
        if _ITEM_ORDINAL.match(written):
            parent, bullets = last_item, 0
    if pending is not None:
        # once rows cut by a page break are joined back: their text ends the last sub-item
        for finished in _item_finish(table, pending, None):
            table.items.append(finished)
    _check_ordinals(table)
    table.skipped_rows = [(row, text if isinstance(text, str) else text.message()) for row, text in table.skipped_rows]
    return table


def _skip_total(sheet_row, cells):
    footer = _Footer(TOTAL, sheet_row)
    footer.add(sheet_row, cells)
    return footer.message()


def _check_ordinals(table):
    seen = {}
    for item in table.items:
        key = (item.section, item.ordinal)
        if item.ordinal and key in seen:
            table.errors.append((item.sheet_row, _("STT “%(ordinal)s” trùng với dòng %(row)s trong cùng mục.")
                                 % {"ordinal": item.ordinal, "row": seen[key]}))
        seen.setdefault(key, item.sheet_row)


def read_tsv(text, kind):
    """Rows of a tab-separated table as the seed documents carry it (a task cell's bullet lines put back)."""
    rows = [line.split("\t") for line in text.splitlines()]
    header = find_header(rows, kind)
    content = header.columns["content"]
    if kind == TASKS:
        for row in rows[header.last_row + 1:]:
            if len(row) > content:
                row[content] = _FLATTENED_BULLET.sub("\n", row[content])
    return read_table(rows, kind, header=header)
