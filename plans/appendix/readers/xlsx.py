"""xlsx read straight from its XML parts, streamed through expat: rows and cells are counted against the
reading's `Bounds` as they come, hidden sheets are never parsed, and a sheet's declared size is never used.

openpyxl's read-only mode builds an object per cell and, when a sheet declares no dimension, reads the
whole sheet once just to size it; an appendix needs only each cell's text as the office sees it.
"""
import datetime
import io
import re
import zipfile
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import MAX_COLUMNS, Rows, Sheet, TextParts, date_text, number_text, parse_xml, place, unreadable

_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_BUILTIN_DATES = set(range(14, 23)) | {45, 46, 47}
_BUILTIN_PERCENT = {9, 10}
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_COLUMN = re.compile(r"[A-Z]+")

# A value, an inline string, a formula, a comment or CDATA, or a row without its number.
_KEPT_ROWS = re.compile(rb'<(?:v|is|f|!|row(?! r="))')


def _drop_empty_rows(data):
    """The complete rows of a piece of a sheet part dropped when none holds a value, a formula or an inline string:
    what a range formatted down to row 1,048,576 writes, a million rows expat's callbacks would take 15 s to walk
    through, found by a few byte scans. Only when every row is numbered, so that no row after them counts from them."""
    first, last = data.find(b"<row "), data.rfind(b"</row>")
    if first < 0 or last < first:
        return data
    if _KEPT_ROWS.search(data, first, last):
        return data
    return data[:first] + data[last + 6:]


_LOCAL_NAMES = {}


def _local(name):
    """The element's name without its namespace: a sheet names the same few elements a million times."""
    local = _LOCAL_NAMES.get(name)
    if local is None:
        local = name.rpartition("}")[2]
        if len(_LOCAL_NAMES) < 1024:
            _LOCAL_NAMES[name] = local
    return local


def _sheets(archive, bounds):
    """(title, part name, hidden) of each sheet, and whether dates count from 1904."""
    found, settings = [], {}

    def start(name, attrs):
        name = _local(name)
        if name == "workbookPr":
            settings["date1904"] = attrs.get("date1904") in ("1", "true")
        elif name == "sheet":
            bounds.add_sheet(attrs.get("name", ""))
            found.append((attrs.get("name", ""), attrs.get(f"{_DOC_RELS}id"), attrs.get("state", "visible") != "visible"))

    with archive.open("xl/workbook.xml") as stream:
        parse_xml(stream, start)
    wanted, targets = {rel for _title, rel, _hidden in found}, {}

    def relationship(name, attrs):
        if _local(name) == "Relationship" and attrs.get("Id") in wanted:
            target = attrs.get("Target", "")
            targets[attrs.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"

    with archive.open("xl/_rels/workbook.xml.rels") as stream:
        parse_xml(stream, relationship)
    return [(title, targets.get(rel), hidden) for title, rel, hidden in found], settings.get("date1904", False)


class _Overlong:
    """A shared string longer than a cell holds: kept as its length only, refused where a cell uses it."""

    def __init__(self, length):
        self.length = length


def _shared_strings(archive, names, bounds):
    """The shared strings, each its `t` or its runs' `t`, never the phonetic guide (`rPh`)."""
    if "xl/sharedStrings.xml" not in names:
        return []
    strings, path, state = [], [], {"parts": None, "overlong": 0}

    def overflow(length):
        state["overlong"] = length

    def start(name, attrs):
        name = _local(name)
        if name == "si":
            state["parts"], state["overlong"] = TextParts(), 0
        elif name == "t" and path and (path[-1] == "si" or path[-1] == "r" and len(path) > 1 and path[-2] == "si"):
            state["collecting"] = True
        path.append(name)

    def text(data):
        if state.get("collecting") and not state["overlong"]:
            state["parts"].add(data, overflow)

    def end(name):
        path.pop()
        name = _local(name)
        if name == "t":
            state["collecting"] = False
        elif name == "si":
            bounds.add_cells(1, "sharedStrings", len(strings) + 1)
            if state["overlong"]:
                strings.append(_Overlong(state["overlong"]))
            else:
                value = state["parts"].text()
                value = bounds.keep_text(value, "sharedStrings", len(strings) + 1)
                strings.append(value)

    with archive.open("xl/sharedStrings.xml") as stream:
        parse_xml(stream, start, end, text)
    return strings


# Excel holds at most 64,000 cell formats: a style index past them is read as no format.
_MAX_STYLES = 65_536


def _styles(archive, names):
    """For each cell style index: "percent", "date" or None."""
    if "xl/styles.xml" not in names:
        return []
    formats, kinds, state = {}, [], {"in_cell_xfs": False}

    def start(name, attrs):
        name = _local(name)
        if name == "cellXfs":
            state["in_cell_xfs"] = True
        elif name == "numFmt" and len(formats) < _MAX_STYLES:
            formats[_number(attrs.get("numFmtId"))] = attrs.get("formatCode", "")[:255]
        elif name == "xf" and state["in_cell_xfs"] and len(kinds) < _MAX_STYLES:
            kinds.append(_format_kind(_number(attrs.get("numFmtId")), formats))

    def end(name):
        if _local(name) == "cellXfs":
            state["in_cell_xfs"] = False

    with archive.open("xl/styles.xml") as stream:
        parse_xml(stream, start, end)
    return kinds


def _number(text):
    return int(text) if text and text.isdigit() and len(text) < 10 else 0


def _format_kind(number_format, formats):
    if number_format in _BUILTIN_PERCENT:
        return "percent"
    if number_format in _BUILTIN_DATES:
        return "date"
    code = _QUOTED.sub("", formats.get(number_format, "")).lower()
    if "%" in code:
        return "percent"
    if any(token in code for token in ("d", "m", "y")) and "0" not in code and "#" not in code:
        return "date"
    return None


def _excel_date(value, date1904):
    epoch = datetime.datetime(1904, 1, 1) if date1904 else datetime.datetime(1899, 12, 30)
    moment = epoch + datetime.timedelta(days=float(value))
    return moment.replace(microsecond=0)


_COLUMNS = {}  # a reference's letters: its column, for the few columns a sheet has


def _column(reference):
    """Column (from 0) of a reference such as `B7`; a reference past XFD is counted only as far as it needs."""
    letters = reference.rstrip("0123456789") if reference else ""
    column = _COLUMNS.get(letters)
    if column is None:
        column = _count_column(reference)
        if len(_COLUMNS) < 4096:
            _COLUMNS[letters] = column
    return column


def _count_column(reference):
    letters = _COLUMN.match(reference or "")
    index = 0
    for letter in letters[0][:8] if letters else "":
        index = index * 26 + ord(letter) - 64
    return index - 1


class _Cell:
    """The cell being read: its reference, type and style, and its value, formula and inline string."""

    __slots__ = ("r", "t", "s", "v", "f", "inline")

    def __init__(self, attrs):
        self.r, self.t, self.s = attrs.get("r"), attrs.get("t", "n"), attrs.get("s")
        self.v = self.f = self.inline = None


class _SheetParser:
    """Cells of one sheet part, through expat's callbacks: no element objects, no second pass, and a row
    kept only when it holds text (`Rows`), so formatted cells anywhere cost nothing. The callbacks run a few
    times a cell (a hundred thousand rows: millions of calls): each does as little as it can."""

    def __init__(self, sheet, strings, styles, date1904, bounds):
        self.sheet, self.title = sheet, sheet.title
        self.strings, self.styles, self.date1904, self.bounds = strings, styles, date1904, bounds
        self.rows = Rows(sheet, bounds)
        self.values, self.next_column, self.row_number = [], 0, 0
        self.parts = self.cell = None

    def parse(self, stream):
        parse_xml(stream, self._start, self._end, self._text, drop=_drop_empty_rows)

    def _start(self, name, attrs):
        name = _LOCAL_NAMES.get(name) or _local(name)
        if name == "c":
            self.cell = _Cell(attrs)
        elif name == "v" or name == "f":
            self.parts = TextParts()
        elif name == "t" and self.cell is not None and self.cell.t == "inlineStr":
            # the runs of a rich inline string gather into one text, bounded as a whole
            self.parts = self.cell.inline = self.cell.inline or TextParts()
        elif name == "row":
            number = attrs.get("r")
            self.row_number = _number(number) or self.row_number + 1 if number else self.row_number + 1

    def _text(self, data):
        if self.parts is not None:
            self.parts.add(data, self._overlong)

    def _overlong(self, length):
        cell = self.cell
        column = _column(cell.r) if cell is not None and cell.r else self.next_column
        self.bounds.too_long(self.title, self.row_number, column, length)

    def _end(self, name):
        name = _LOCAL_NAMES.get(name) or _local(name)
        if name == "c":
            self._cell()
            self.cell = None
        elif (name == "v" or name == "t" or name == "f") and self.parts is not None:
            if name != "t" and self.cell is not None:
                setattr(self.cell, name, self.parts.text())
            self.parts = None
        elif name == "row":
            self.rows.add(self.row_number, self.values)
            self.values, self.next_column = [], 0

    def _cell(self):
        cell = self.cell
        column = _column(cell.r) if cell.r else self.next_column
        self.next_column = column + 1
        if cell.f is not None:
            raise ValidationError(_("Ô %(cell)s trang “%(sheet)s” chứa công thức (%(formula)s). Hãy chuyển thành "
                                    "giá trị (Dán đặc biệt → Giá trị) rồi nhập lại.") % {
                "cell": cell.r or "", "sheet": self.title, "formula": f"={cell.f}"[:40]})
        kind, raw = cell.t, cell.v
        shared = kind == "s"
        if shared:
            index = _number(raw) if raw is not None else -1
            text = self.strings[index] if 0 <= index < len(self.strings) else None
            if isinstance(text, _Overlong):
                self._overlong(text.length)
        elif kind == "inlineStr":
            text = cell.inline.text() if cell.inline else None
        elif kind in ("str", "e"):
            text = raw
        elif kind == "b":
            text = "TRUE" if raw == "1" else "FALSE"
        elif raw is None:
            text = None
        else:
            style = _number(cell.s) if cell.s else -1
            style = self.styles[style] if 0 <= style < len(self.styles) else None
            try:
                if style == "date":
                    text = date_text(_excel_date(raw, self.date1904))
                else:
                    text = number_text(Decimal(raw), percent=style == "percent")
            except (InvalidOperation, ValueError, OverflowError):
                text = raw
        if not text:
            return
        if column >= MAX_COLUMNS:
            self.bounds.column(self.title, self.row_number, column)
        if not shared:
            text = self.bounds.text(self.title, self.row_number, column, text)
        place(self.values, column, text)


def read(data, name, bounds):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            sheets, date1904 = _sheets(archive, bounds)
            strings = _shared_strings(archive, names, bounds)
            styles = _styles(archive, names)
            result = []
            for title, part, hidden in sheets:
                sheet = Sheet(title, hidden=hidden)
                result.append(sheet)
                if not hidden and part in names:
                    with archive.open(part) as stream:
                        _SheetParser(sheet, strings, styles, date1904, bounds).parse(stream)
            return result
    except ValidationError:
        raise
    except Exception as error:  # a damaged part, bad XML, a forbidden DTD or entity
        raise unreadable(name) from error
