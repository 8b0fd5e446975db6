"""The plan's own Word file: its Phụ lục tables, one `Sheet` each, named by the `PHỤ LỤC …` line above them."""
import io

from django.conf import settings

from ...text import clean_cell, fold
from . import Sheet, too_many_rows, unreadable


def read(data, name):
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
    except Exception:
        raise unreadable(name)
    limit = settings.IMPORT_MAX_ROWS
    sheets, heading, titles = [], "", set()
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            text = clean_cell(Paragraph(element, document).text)
            if fold(text).startswith("phu luc"):
                heading = text
            continue
        if not element.tag.endswith("}tbl"):
            continue
        table = Table(element, document)
        title = heading or f"Bảng {len(sheets) + 1}"
        while title in titles:
            title = f"{heading or 'Bảng'} ({len(sheets) + 1})"
        titles.add(title)
        sheet = Sheet(title)
        sheets.append(sheet)
        for row in table.rows:
            if len(sheet.rows) >= limit:
                raise too_many_rows(title)
            values, last = [], None
            for cell in row.cells:
                # A cell merged across columns comes back once per column: keep its text in the first.
                values.append(None if cell._tc is last else "\n".join(p.text for p in cell.paragraphs))
                last = cell._tc
            sheet.rows.append(values)
        heading = ""
    return sheets
