"""The report as .docx (python-docx), so the office can edit it before signing."""
import contextvars
import copy
import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"


def _font(style, size):
    style.font.name = FONT
    style.font.size = Pt(size)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _para(container, text="", *, bold=False, italic=False, size=None, align=None, indent=False, after=3):
    """A paragraph of one run, formatted; the first of each format is made through python-docx, the others are
    copies of it with their own text (the same XML, a fraction of the time for a report of hundreds of lines)."""
    key = (bold, italic, size, align, indent, after)
    templates = _PARAGRAPHS.get(None)
    template = templates.get(key) if text and templates is not None else None
    if template is not None:
        placeholder = container.add_paragraph()  # where python-docx puts it (in a body: before its sectPr)
        element = copy.deepcopy(template)
        element.r_lst[0].text = text
        placeholder._p.addnext(element)
        placeholder._p.getparent().remove(placeholder._p)
        return Paragraph(element, placeholder._parent)
    paragraph = _para_made(container, text, bold=bold, italic=italic, size=size, align=align, indent=indent,
                           after=after)
    if text and templates is not None:
        templates[key] = copy.deepcopy(paragraph._p)
    return paragraph


# The paragraph templates of the document being built (one render at a time per context: a job, a thread); None
# makes every paragraph through python-docx.
_PARAGRAPHS = contextvars.ContextVar("docx_paragraphs")


def _para_made(container, text, *, bold, italic, size, align, indent, after):
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(0)
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    return paragraph


RULE_INDENT = Mm(18)


def _rule_below(paragraph, indent=RULE_INDENT):
    """The short horizontal rule under the motto and the issuing body: the top border of an empty paragraph
    of its own, so the indent that shortens the rule never narrows the line of text above it."""
    rule = OxmlElement("w:p")
    paragraph._p.addnext(rule)
    rule = Paragraph(rule, paragraph._parent)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    rule._p.get_or_add_pPr().append(borders)
    rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = indent
    rule.paragraph_format.space_before = rule.paragraph_format.space_after = Pt(0)
    rule.paragraph_format.line_spacing = Pt(4)
    return rule


def _borderless(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _grid(table, widths):
    """Fixed column widths written in the table's grid and in every cell: Word reads the cells, LibreOffice
    the grid, and left equal the grid wraps the national heading in LibreOffice."""
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _cell_margins(table, vertical, horizontal):
    """The PDF's cell padding, so LibreOffice and Word give the appendix about as many pages as the PDF."""
    margins = OxmlElement("w:tblCellMar")
    for edge, size in (("top", vertical), ("left", horizontal), ("bottom", vertical), ("right", horizontal)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(int(size.twips)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _page_number(section):
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _row_flags(row, *, header=False):
    properties = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    properties.append(cant_split)
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _cell_text(cell, text, *, bold=False, size=10, align=None):
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)


def _appendix(document, appendix, intro, copies):
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin, section.right_margin, section.top_margin, section.bottom_margin = Mm(20), Mm(15), Mm(20), Mm(15)
    section.different_first_page_header_footer = False
    _para(document, appendix["label"].upper(), bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(document, appendix["title"], bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(document, intro, italic=True, size=11, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    columns = appendix["columns"]
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    usable = Mm(297 - 35)
    for index, column in enumerate(columns):
        cell = table.rows[0].cells[index]
        cell.width = int(usable * appendix["widths"][index] / 100)
        _cell_text(cell, column, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _row_flags(table.rows[0], header=True)
    widths = [int(usable * width / 100) for width in appendix["widths"]]
    _grid(table, widths)
    _cell_margins(table, Mm(1), Mm(1.2))
    template = None
    for row in appendix["rows"]:
        if "section" in row:
            added = table.add_row()
            cells = added.cells
            merged = cells[0].merge(cells[-1])
            _cell_text(merged, row["section"], bold=True)
            _row_flags(added)
            continue
        if not copies:
            _row_made(table, widths, row["cells"])
            continue
        if template is None:
            # The first row made with empty cells and taken out of the table: the rows are copies of it with their
            # text, the same XML without python-docx's per-cell calls (which look the whole row up again for each
            # cell: most of the document's time).
            template = _row_made(table, widths, [""] * len(widths))
            table._tbl.remove(template)
        _row_from(template, row["cells"], table)


def _row_made(table, widths, texts):
    """A row through python-docx's own calls: widths, flags, each cell's run formatted with its text."""
    added = table.add_row()
    cells = added.cells
    for index, text in enumerate(texts):
        cells[index].width = widths[index]
        _cell_text(cells[index], str(text))
    _row_flags(added)
    return added._tr


def _row_from(template, texts, table):
    row = copy.deepcopy(template)
    for tc, text in zip(row.tc_lst, texts, strict=True):
        tc.p_lst[0].r_lst[0].text = str(text)  # python-docx's own: tabs and line breaks as Word writes them
    table._tbl.append(row)


def docx_render(doc, *, copies=True):
    """The report as .docx bytes. `copies=False` builds every row and paragraph through python-docx's own calls:
    the reference the copies are checked against (reports/tests/test_docx_copies.py)."""
    _PARAGRAPHS.set({} if copies else None)
    document = Document()
    _font(document.styles["Normal"], 13)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin, section.top_margin, section.bottom_margin = Mm(30), Mm(15), Mm(20), Mm(20)
    _page_number(section)

    heading = document.add_table(rows=1, cols=2)
    _borderless(heading)
    _grid(heading, [Mm(70), Mm(95)])
    left, right = heading.rows[0].cells
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
    for index, (line, bold) in enumerate(doc["header"]):
        paragraph = _para(left, line, bold=bold, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
        if index == len(doc["header"]) - 1:
            _rule_below(paragraph, Mm(22))
    _para(left, doc["number"], align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(right, doc["motto"][0], bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _rule_below(_para(right, doc["motto"][1], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0))
    _para(right, doc["place_date"], italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)

    _para(document, doc["title"], bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=0).paragraph_format.space_before = Pt(18)
    _rule_below(_para(document, doc["subject"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0), Mm(62))
    if doc["addressee"]:
        _para(document, doc["addressee"], align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    _para(document, doc["intro"], indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    for title, paragraphs in doc["sections"]:
        _para(document, title, bold=True, after=3)
        for text in paragraphs:
            _para(document, text, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    closing = document.add_table(rows=1, cols=2)
    _borderless(closing)
    _row_flags(closing.rows[0])
    _grid(closing, [Mm(75), Mm(90)])
    recipients, signature = closing.rows[0].cells
    _cell_text(recipients, doc["recipients_title"], bold=True, size=12)
    recipients.paragraphs[0].runs[0].italic = True
    for line in doc["recipients"]:
        _para(recipients, line, size=11, after=0)
    for index, line in enumerate(doc["signature"]):
        if index == 0:
            _cell_text(signature, line, bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
        else:
            _para(signature, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(signature, doc["signer_name"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.space_before = Pt(60)

    for appendix in doc["appendices"]:
        _appendix(document, appendix, doc["appendix_intro"], copies)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
