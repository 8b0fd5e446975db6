"""The plan's own Word file: its Phụ lục tables, one `Sheet` each, named by the `PHỤ LỤC …` line above them.

word/document.xml is streamed through expat, a row at a time, and read as python-docx reads a table
(a cell's direct paragraphs, a cell merged across columns kept once, a cell merged down the rows
(`vMerge`) giving each row the text of the cell it continues), but bounded by what the file holds:
python-docx repeats a cell once per column it spans (a 1 KB file with `gridSpan` 40,000,000 took
1.3 GB) and finds a merged-down cell's text by walking up every row above it.
"""
import io
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ...text import clean_cell, fold
from . import MAX_CELL_CHARS, MAX_COLUMNS, Rows, Sheet, TextParts, parse_xml, place, thousands, unreadable

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_CHARS = 200  # enough of a paragraph to see `PHỤ LỤC …`; a body paragraph is never kept whole
_TEXT = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}


def _span(text):
    return int(text) if text and text.isdigit() and len(text) < 10 and int(text) > 0 else 1


class _DocumentParser:
    def __init__(self, bounds):
        self.bounds = bounds
        self.sheets, self.titles = [], set()
        self.path = []          # names of the open elements: document, body, a body paragraph or table...
        self.table_depth = 0    # tables open, nested ones included
        self.heading = ""
        self.paragraph = None   # TextParts of the paragraph being read (body level or a cell's own)
        self.in_text = False
        self.sheet = self.rows = None
        self.row_number = 0
        self.cell = None        # the open cell: {"parts", "span", "merge", "offset"}
        self.values, self.offsets, self.above, self.grid, self.before = [], {}, {}, 0, 0

    # A table's own row is at depth 4, its cell at 5, a cell's own paragraph at 6.
    def start(self, name, attrs):
        self.path.append(name)
        depth = len(self.path)
        if depth == 1 and name != f"{_W}document":
            raise ValueError("not a Word document")
        if name == f"{_W}tbl":
            self.table_depth += 1
            if depth == 3:
                self._open_table()
            return
        if self.table_depth > 1:
            return  # a table inside a cell: python-docx reads a cell's own paragraphs only
        if depth == 3 and name == f"{_W}p":
            self.paragraph = TextParts()
        elif self.sheet is not None:
            self._start_in_table(name, attrs, depth)
        if self.paragraph is not None and self._in_run():
            if name == f"{_W}t":
                self.in_text = True
            elif name == f"{_W}br":
                if attrs.get(f"{_W}type", "textWrapping") == "textWrapping":
                    self._add("\n")
            elif name in _TEXT:
                self._add(_TEXT[name])

    def _in_run(self):
        """Whether the element just opened is a run's own child, the run in the open paragraph or its link."""
        path, top = self.path, 3 if self.cell is None else 6
        if len(path) < 3 or path[-2] != f"{_W}r":
            return False
        return len(path) == top + 2 or len(path) == top + 3 and path[-3] == f"{_W}hyperlink"

    def _start_in_table(self, name, attrs, depth):
        if depth == 4 and name == f"{_W}tr":
            self.row_number += 1
            self.values, self.offsets, self.grid, self.before = [], {}, 0, 0
        elif depth == 6 and name == f"{_W}gridBefore" and self.path[-2] == f"{_W}trPr":
            self.grid = self.before = _span(attrs.get(f"{_W}val"))
        elif depth == 5 and name == f"{_W}tc":
            self.cell = {"parts": [], "span": 1, "merge": None, "offset": self.grid, "length": 0}
        elif depth == 7 and self.cell is not None and self.path[-2] == f"{_W}tcPr":
            if name == f"{_W}gridSpan":
                self.cell["span"] = _span(attrs.get(f"{_W}val"))
            elif name == f"{_W}vMerge":
                self.cell["merge"] = attrs.get(f"{_W}val", "continue")
        elif depth == 6 and self.cell is not None and name == f"{_W}p":
            self.paragraph = TextParts()

    def text(self, data):
        if self.in_text:
            self._add(data)

    def _add(self, data):
        if self.cell is None:
            if self.paragraph.length < _HEADING_CHARS:
                self.paragraph.add(data[:_HEADING_CHARS], _ignore)
            return
        self.paragraph.add(data, self._overlong)

    def _overlong(self, length):
        self.bounds.too_long(self.sheet.title, self.row_number, self.grid, length)

    def end(self, name):
        depth = len(self.path)
        self.path.pop()
        if name == f"{_W}tbl":
            self.table_depth -= 1
            if depth == 3:
                self.sheet = self.rows = None
                self.heading = ""
            return
        if self.table_depth > 1:
            return
        if name == f"{_W}t":
            self.in_text = False
        elif name == f"{_W}p" and depth == 3:
            text = clean_cell(self.paragraph.text())
            if fold(text).startswith("phu luc"):
                self.heading = text
            self.paragraph = None
        elif name == f"{_W}p" and depth == 6 and self.cell is not None:
            text = self.paragraph.text()
            self.cell["parts"].append(text)
            self.cell["length"] += len(text) + 1
            if self.cell["length"] > MAX_CELL_CHARS + 1:
                self._overlong(self.cell["length"])
            self.paragraph = None
        elif name == f"{_W}tc" and depth == 5:
            self._close_cell()
        elif name == f"{_W}tr" and depth == 4:
            self.rows.add(self.row_number, self.values)
            self.above = self.offsets

    def _close_cell(self):
        cell, self.cell = self.cell, None
        offset = cell["offset"]
        if cell["merge"] == "continue":
            text = self.above.get(offset)  # the text of the cell this one continues, as python-docx gives it
        else:
            text = "\n".join(cell["parts"])
            text = self.bounds.keep_text(text, self.sheet.title, self.row_number)
        self.offsets[offset] = text
        self.grid = offset + cell["span"]
        if text:
            column = offset - self.before  # python-docx starts a row at its first cell
            if column >= MAX_COLUMNS:
                raise ValidationError(_(
                    "Bảng “%(table)s”, dòng %(row)s: các ô gộp (gridSpan) đẩy nội dung sang cột thứ %(column)s, quá "
                    "%(limit)s cột. Hãy bỏ gộp các ô ở dòng đó trong Word rồi tải lên lại.") % {
                    "table": self.sheet.title, "row": self.row_number, "column": thousands(column + 1),
                    "limit": thousands(MAX_COLUMNS)})
            place(self.values, column, text)

    def _open_table(self):
        title = self.heading or f"Bảng {len(self.sheets) + 1}"
        number = len(self.sheets)
        while title in self.titles:  # counting up: "PHỤ LỤC (3)" typed above two "PHỤ LỤC" tables looped forever
            number += 1
            title = f"{self.heading or 'Bảng'} ({number})"
        self.titles.add(title)
        self.bounds.add_sheet(title)
        self.sheet = Sheet(title)
        self.sheets.append(self.sheet)
        self.rows = Rows(self.sheet, self.bounds)
        self.row_number, self.above = 0, {}


def _ignore(length):
    pass


def read(data, name, bounds):
    parser = _DocumentParser(bounds)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("word/document.xml") as stream:
            parse_xml(stream, parser.start, parser.end, parser.text)
    except ValidationError:
        raise
    except Exception as error:  # a damaged part, bad XML, a forbidden DTD or entity
        raise unreadable(name) from error
    return parser.sheets
