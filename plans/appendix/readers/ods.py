"""OpenDocument spreadsheets (.ods) read from their content.xml, streamed through expat a cell at a time.

Repeated rows and columns (`table:number-rows-repeated`, `table:number-columns-repeated`) are
expanded only where they hold text, and then within the reading's `Bounds`: the million empty
rows LibreOffice declares at the end of a sheet cost nothing, and a row of text repeated a million
times is refused at the row limit instead of built.
"""
import datetime
import io
import zipfile

from django.core.exceptions import ValidationError

from . import MAX_CELL_CHARS, MAX_COLUMNS, Rows, Sheet, TextParts, date_text, number_text, parse_xml, place, unreadable

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")
# A workbook has a style per hidden sheet: more than this are not a workbook's own.
_HIDDEN_STYLES = 10_000
_SPECIAL = {f"{_TEXT}tab": "\t", f"{_TEXT}line-break": "\n"}


def _repeat(text):
    return int(text) if text and text.isdigit() and len(text) < 10 and int(text) > 0 else 1


def _typed_text(attrs):
    """The text of a number, percentage or date cell as the office shows it; None for a text cell."""
    value_type = attrs.get(f"{_OFFICE}value-type")
    try:
        if value_type in ("float", "currency"):
            return number_text(float(attrs.get(f"{_OFFICE}value")))
        if value_type == "percentage":
            return number_text(float(attrs.get(f"{_OFFICE}value")), percent=True)
        if value_type == "date":
            value = attrs.get(f"{_OFFICE}date-value", "")[:40]
            return date_text(datetime.datetime.fromisoformat(value) if "T" in value
                             else datetime.date.fromisoformat(value))
    except (TypeError, ValueError, OverflowError):
        return attrs.get(f"{_OFFICE}value") or attrs.get(f"{_OFFICE}date-value")
    return None


class _ContentParser:
    def __init__(self, bounds):
        self.bounds = bounds
        self.sheets, self.hidden_styles = [], set()
        self.depth, self.table_depth = 0, None
        self.style = None           # the table style being read and whether it hides its table
        self.sheet = self.rows = None
        self.row_depth = None       # depth of the open row (a table inside a cell has rows of its own)
        self.cell = None            # the open cell: {"typed", "repeat", "paragraphs"}
        self.paragraph = None       # (depth, TextParts) of the cell's open paragraph
        self.row_number, self.values, self.column, self.repeat = 0, [], 0, 1

    def start(self, name, attrs):
        self.depth += 1
        if name == f"{_STYLE}style":
            self.style = attrs.get(f"{_STYLE}name")
        elif name == f"{_STYLE}table-properties" and attrs.get(f"{_TABLE}display") == "false" \
                and len(self.hidden_styles) < _HIDDEN_STYLES:
            self.hidden_styles.add(self.style)
        elif name == f"{_TABLE}table" and self.sheet is None:
            self.table_depth = self.depth
            title = attrs.get(f"{_TABLE}name", "")
            self.bounds.add_sheet(title)
            self.sheet = Sheet(title, hidden=attrs.get(f"{_TABLE}style-name") in self.hidden_styles)
            self.sheets.append(self.sheet)
            self.rows = Rows(self.sheet, self.bounds)
            self.row_number = 0
        elif self.sheet is None or self.sheet.hidden:
            return
        elif name == f"{_TABLE}table-row" and self.row_depth is None:
            self.row_depth = self.depth
            self.repeat = _repeat(attrs.get(f"{_TABLE}number-rows-repeated"))
            self.values, self.column = [], 0
        elif name in _CELLS and self.depth == (self.row_depth or 0) + 1:
            self.cell = {"typed": _typed_text(attrs), "repeat": _repeat(attrs.get(f"{_TABLE}number-columns-repeated")),
                         "paragraphs": [], "length": 0}
        elif self.cell is not None and self.paragraph is None and name == f"{_TEXT}p" \
                and self.depth == self.row_depth + 2:
            self.paragraph = (self.depth, TextParts())
        elif self.paragraph is not None:
            if name == f"{_TEXT}s":
                self._add(" " * min(_repeat(attrs.get(f"{_TEXT}c")), MAX_CELL_CHARS + 1))
            elif name in _SPECIAL:
                self._add(_SPECIAL[name])

    def text(self, data):
        if self.paragraph is not None:
            self._add(data)

    def _add(self, data):
        self.paragraph[1].add(data, self._overlong)

    def _overlong(self, length):
        self.bounds.too_long(self.sheet.title, self.row_number + 1, self.column, length)

    def end(self, name):
        depth, self.depth = self.depth, self.depth - 1
        if self.paragraph is not None and depth == self.paragraph[0]:
            paragraphs = self.cell["paragraphs"]
            paragraphs.append(self.paragraph[1].text())
            self.cell["length"] += len(paragraphs[-1]) + 1
            if self.cell["length"] > MAX_CELL_CHARS + 1:  # a cell of a million short paragraphs, refused early
                self._overlong(self.cell["length"])
            self.paragraph = None
        elif self.cell is not None and depth == self.row_depth + 1:
            self._close_cell()
        elif depth == self.row_depth:
            self.row_depth = None
            self._close_row()
        elif name == f"{_TABLE}table" and depth == self.table_depth:
            self.sheet = self.rows = None

    def _close_cell(self):
        cell, self.cell = self.cell, None
        text = cell["typed"]
        if text is None:
            text = "\n".join(cell["paragraphs"])
        first, count = self.column, cell["repeat"]
        self.column += count
        if not text:
            return
        text = self.bounds.text(self.sheet.title, self.row_number + 1, first, text)
        self.bounds.column(self.sheet.title, self.row_number + 1, min(first + count - 1, MAX_COLUMNS))
        place(self.values, first, text)
        self.values.extend([text] * (count - 1))

    def _close_row(self):
        values = self.values
        if not any(value not in (None, "") for value in values):
            self.row_number += self.repeat
            return
        for _ in range(self.repeat):  # each copy is a row of the sheet, counted by `Rows` against the bounds
            self.row_number += 1
            self.rows.add(self.row_number, values)


def read(data, name, bounds):
    parser = _ContentParser(bounds)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as content:
            parse_xml(content, parser.start, parser.end, parser.text)
    except ValidationError:
        raise
    except Exception as error:
        raise unreadable(name) from error
    return parser.sheets
