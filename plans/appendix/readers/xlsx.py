"""xlsx read straight from its XML parts, streamed with defusedxml: rows are counted against a hard cap as
they come, hidden sheets are never parsed, and a sheet with no declared size costs one pass, not two.

openpyxl's read-only mode builds an object per cell and, when a sheet declares no dimension, reads the
whole sheet once just to size it; an appendix needs only each cell's text as the office sees it.
"""
import datetime
import io
import re
import zipfile
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import Sheet, date_text, number_text, too_many_rows, unreadable

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_BUILTIN_DATES = set(range(14, 23)) | {45, 46, 47}
_BUILTIN_PERCENT = {9, 10}
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_COLUMN = re.compile(r"[A-Z]+")


def _iterparse(archive, name, events=("end",)):
    from defusedxml.ElementTree import iterparse

    return iterparse(archive.open(name), events=events)


def _sheets(archive):
    """(title, part name, hidden) of each sheet, and whether dates count from 1904."""
    targets = {}
    for _event, element in _iterparse(archive, "xl/_rels/workbook.xml.rels"):
        if element.tag == f"{_RELS}Relationship":
            target = element.get("Target", "")
            targets[element.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    sheets, date1904 = [], False
    for _event, element in _iterparse(archive, "xl/workbook.xml"):
        if element.tag == f"{_MAIN}workbookPr":
            date1904 = element.get("date1904") in ("1", "true")
        elif element.tag == f"{_MAIN}sheet":
            sheets.append((element.get("name", ""), targets.get(element.get(f"{_DOC_RELS}id")),
                           element.get("state", "visible") != "visible"))
    return sheets, date1904


def _shared_strings(archive, names):
    if "xl/sharedStrings.xml" not in names:
        return []
    strings = []
    for _event, element in _iterparse(archive, "xl/sharedStrings.xml"):
        if element.tag == f"{_MAIN}si":
            strings.append(_rich_text(element))
            element.clear()
    return strings


def _rich_text(element):
    """The text of a string item: its `t`, or its runs' `t`, never the phonetic guide (`rPh`)."""
    parts = []
    for child in element:
        if child.tag == f"{_MAIN}t":
            parts.append(child.text or "")
        elif child.tag == f"{_MAIN}r":
            text = child.find(f"{_MAIN}t")
            parts.append(text.text or "" if text is not None else "")
    return "".join(parts)


def _styles(archive, names):
    """For each cell style index: "percent", "date" or None."""
    if "xl/styles.xml" not in names:
        return []
    formats, kinds, in_cell_xfs = {}, [], False
    for event, element in _iterparse(archive, "xl/styles.xml", events=("start", "end")):
        if element.tag == f"{_MAIN}cellXfs":
            in_cell_xfs = event == "start"
        elif event == "end" and element.tag == f"{_MAIN}numFmt":
            formats[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
        elif event == "end" and element.tag == f"{_MAIN}xf" and in_cell_xfs:
            kinds.append(_format_kind(int(element.get("numFmtId", "0")), formats))
    return kinds


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


def _column(reference):
    letters = _COLUMN.match(reference or "")
    index = 0
    for letter in letters[0] if letters else "":
        index = index * 26 + ord(letter) - 64
    return index - 1


class _SheetParser:
    """Cells of one sheet part, through expat's callbacks: no element objects, no second pass.

    Like defusedxml, it refuses any DTD or entity declaration (billion laughs, external entities).
    """

    def __init__(self, title, strings, styles, date1904, limit):
        self.title, self.strings, self.styles, self.date1904, self.limit = title, strings, styles, date1904, limit
        self.rows, self.values, self.next_column = [], [], 0
        self.parts, self.collecting = [], False
        self.cell = None

    def parse(self, stream):
        from xml.parsers import expat

        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._forbidden
        parser.EntityDeclHandler = self._forbidden
        parser.ExternalEntityRefHandler = self._forbidden
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.buffer_text = True
        parser.ParseFile(stream)
        return self.rows

    def _forbidden(self, *args):
        raise ValueError("DTDs and entities are not allowed")

    def _start(self, name, attrs):
        name = name.rpartition(":")[2]
        if name == "c":
            self.cell = {"r": attrs.get("r"), "t": attrs.get("t", "n"), "s": attrs.get("s"), "v": None,
                         "f": None, "is": None}
        elif name in ("v", "f") or name == "t" and self.cell is not None and self.cell["t"] == "inlineStr":
            self.collecting, self.parts = True, []
        elif name == "row":
            self.row_number = attrs.get("r")

    def _text(self, data):
        if self.collecting:
            self.parts.append(data)

    def _end(self, name):
        name = name.rpartition(":")[2]
        if name in ("v", "f", "t") and self.collecting:
            text = "".join(self.parts)
            self.collecting = False
            if self.cell is not None:
                key = "is" if name == "t" else name
                self.cell[key] = (self.cell[key] or "") + text if key == "is" else text
        elif name == "c":
            self._cell()
            self.cell = None
        elif name == "row":
            number = int(self.row_number) if self.row_number else len(self.rows) + 1
            if number > self.limit:
                raise too_many_rows(self.title)
            if number > len(self.rows) + 1:
                self.rows.extend([] for _ in range(number - len(self.rows) - 1))
            self.rows.append(self.values)
            self.values, self.next_column = [], 0

    def _cell(self):
        cell = self.cell
        column = _column(cell["r"]) if cell["r"] else self.next_column
        self.next_column = column + 1
        if cell["f"] is not None:
            raise ValidationError(_("Ô %(cell)s trang “%(sheet)s” chứa công thức (%(formula)s). Hãy chuyển thành "
                                    "giá trị (Dán đặc biệt → Giá trị) rồi nhập lại.") % {
                "cell": cell["r"] or "", "sheet": self.title, "formula": f"={cell['f']}"[:40]})
        kind, raw = cell["t"], cell["v"]
        if kind == "s":
            text = self.strings[int(raw)] if raw is not None else None
        elif kind == "inlineStr":
            text = cell["is"]
        elif kind in ("str", "e"):
            text = raw
        elif kind == "b":
            text = "TRUE" if raw == "1" else "FALSE"
        elif raw is None:
            text = None
        else:
            style = int(cell["s"]) if cell["s"] else -1
            style = self.styles[style] if 0 <= style < len(self.styles) else None
            try:
                if style == "date":
                    text = date_text(_excel_date(raw, self.date1904))
                else:
                    text = number_text(Decimal(raw), percent=style == "percent")
            except (InvalidOperation, ValueError, OverflowError):
                text = raw
        if text is None:
            return
        values = self.values
        if column < len(values):
            values[column] = text
        else:
            values.extend([None] * (column - len(values)))
            values.append(text)


def read(data, name):
    limit = settings.IMPORT_MAX_ROWS
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            sheets, date1904 = _sheets(archive)
            strings = _shared_strings(archive, names)
            styles = _styles(archive, names)
            result = []
            for title, part, hidden in sheets:
                sheet = Sheet(title, hidden=hidden)
                result.append(sheet)
                if not hidden and part in names:
                    with archive.open(part) as stream:
                        sheet.rows = _SheetParser(title, strings, styles, date1904, limit).parse(stream)
            return result
    except ValidationError:
        raise
    except Exception:  # a damaged part, bad XML, a forbidden DTD or entity
        raise unreadable(name)
