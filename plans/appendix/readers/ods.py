"""OpenDocument spreadsheets (.ods) read from their content.xml, streamed with defusedxml.

Repeated rows and columns are expanded only where they hold text, so the million
empty rows LibreOffice declares at the end of a sheet cost nothing.
"""
import datetime
import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

from . import Sheet, date_text, number_text, too_many_rows, unreadable

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_MAX_COLUMNS = 64


def _q(namespace, tag):
    return f"{{{namespace}}}{tag}"


def _paragraph_text(element):
    parts = [element.text or ""]
    for child in element:
        if child.tag == _q(_TEXT, "s"):
            parts.append(" " * int(child.get(_q(_TEXT, "c"), "1")))
        elif child.tag == _q(_TEXT, "tab"):
            parts.append("\t")
        elif child.tag == _q(_TEXT, "line-break"):
            parts.append("\n")
        else:
            parts.append(_paragraph_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _cell_text(cell):
    value_type = cell.get(_q(_OFFICE, "value-type"))
    if value_type in ("float", "currency"):
        return number_text(float(cell.get(_q(_OFFICE, "value"))))
    if value_type == "percentage":
        return number_text(float(cell.get(_q(_OFFICE, "value"))), percent=True)
    if value_type == "date":
        value = cell.get(_q(_OFFICE, "date-value"))
        return date_text(datetime.datetime.fromisoformat(value) if "T" in value else datetime.date.fromisoformat(value))
    paragraphs = [_paragraph_text(p) for p in cell.findall(_q(_TEXT, "p"))]
    return "\n".join(paragraphs) if paragraphs else None


def read(data, name):
    from defusedxml.ElementTree import iterparse

    limit = settings.IMPORT_MAX_ROWS
    sheets, hidden_styles = [], set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as content:
            sheet = None
            pending_empty = 0
            for event, element in iterparse(content, events=("start", "end")):
                tag = element.tag
                if event == "start":
                    if tag == _q(_TABLE, "table"):
                        style = element.get(_q(_TABLE, "style-name"))
                        sheet = Sheet(element.get(_q(_TABLE, "name"), ""), hidden=style in hidden_styles)
                        sheets.append(sheet)
                        pending_empty = 0
                    continue
                if tag == _q(_STYLE, "style"):
                    properties = element.find(_q(_STYLE, "table-properties"))
                    if properties is not None and properties.get(_q(_TABLE, "display")) == "false":
                        hidden_styles.add(element.get(_q(_STYLE, "name")))
                elif tag == _q(_TABLE, "table-row") and sheet is not None:
                    repeat = int(element.get(_q(_TABLE, "number-rows-repeated"), "1"))
                    values = []
                    for cell in element:
                        if cell.tag not in (_q(_TABLE, "table-cell"), _q(_TABLE, "covered-table-cell")):
                            continue
                        text = _cell_text(cell)
                        count = int(cell.get(_q(_TABLE, "number-columns-repeated"), "1"))
                        values.extend([text] * min(count, max(0, _MAX_COLUMNS - len(values))) if text is not None
                                      else [None] * min(count, max(0, _MAX_COLUMNS - len(values))))
                    element.clear()
                    if sheet.hidden:
                        continue
                    if not any(v not in (None, "") for v in values):
                        pending_empty += repeat
                        continue
                    if len(sheet.rows) + pending_empty + repeat > limit:
                        raise too_many_rows(sheet.title)
                    sheet.rows.extend([[] for _ in range(pending_empty)])
                    pending_empty = 0
                    sheet.rows.extend([values] + [list(values) for _ in range(repeat - 1)])
                elif tag == _q(_TABLE, "table"):
                    element.clear()
                    sheet = None
    except ValidationError:
        raise
    except Exception:
        raise unreadable(name)
    return sheets
