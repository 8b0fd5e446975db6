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


def _read_sheet(archive, part, title, strings, styles, date1904, limit):
    rows = []
    row_tag, cell_tag, value_tag, formula_tag, inline_tag = (
        f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}v", f"{_MAIN}f", f"{_MAIN}is")
    values, next_column = [], 0
    for _event, element in _iterparse(archive, part):
        tag = element.tag
        if tag == cell_tag:
            column = _column(element.get("r")) if element.get("r") else next_column
            next_column = column + 1
            kind = element.get("t", "n")
            formula = element.find(formula_tag)
            if formula is not None:
                raise ValidationError(_("Ô %(cell)s trang “%(sheet)s” chứa công thức (%(formula)s). Hãy chuyển thành "
                                        "giá trị (Dán đặc biệt → Giá trị) rồi nhập lại.") % {
                    "cell": element.get("r", ""), "sheet": title, "formula": f"={formula.text or ''}"[:40]})
            raw = element.find(value_tag)
            raw = raw.text if raw is not None else None
            if kind == "s":
                text = strings[int(raw)] if raw is not None else None
            elif kind == "inlineStr":
                inline = element.find(inline_tag)
                text = _rich_text(inline) if inline is not None else None
            elif kind in ("str", "e"):
                text = raw
            elif kind == "b":
                text = "TRUE" if raw == "1" else "FALSE"
            elif raw is None:
                text = None
            else:
                style = element.get("s")
                style = styles[int(style)] if style and int(style) < len(styles) else None
                try:
                    if style == "date":
                        text = date_text(_excel_date(raw, date1904))
                    else:
                        text = number_text(Decimal(raw), percent=style == "percent")
                except (InvalidOperation, ValueError, OverflowError):
                    text = raw
            if text is not None:
                if column < len(values):
                    values[column] = text
                else:
                    values.extend([None] * (column - len(values)))
                    values.append(text)
            element.clear()
        elif tag == row_tag:
            number = int(element.get("r")) if element.get("r") else len(rows) + 1
            if number > limit:
                raise too_many_rows(title)
            if number > len(rows) + 1:
                rows.extend([] for _ in range(number - len(rows) - 1))
            rows.append(values)
            values, next_column = [], 0
            element.clear()
    return rows


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
                    sheet.rows = _read_sheet(archive, part, title, strings, styles, date1904, limit)
            return result
    except ValidationError:
        raise
    except Exception:  # a damaged part, bad XML, a forbidden DTD or entity
        raise unreadable(name)
