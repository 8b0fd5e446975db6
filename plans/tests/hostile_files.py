"""Small files that claim huge tables, one builder per trick, for the readers' tests and `tests/bench_hostile.py`.

Each holds the same six tasks under a header, plus what the trick adds: a cell far to the right or at the
last row, a Word cell spanning 40 million columns, cells merged down thousands of rows, an .xls cell at
(65535, 255), an .ods row repeated a million times. `run_reader` reads a file in a child process and
reports its peak memory, as the portal's worker would pay it.
"""
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from plans.appendix.readers import column_letters

HEADER = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm", "Thời gian thực hiện"]
TASKS = [[str(n), f"Nhiệm vụ số {n} về chuyển đổi số", "Phòng Kinh tế", "Công an xã", "Báo cáo", "Quý IV/2026"]
         for n in range(1, 7)]
ROWS = [["PHỤ LỤC II"], HEADER, *TASKS]
LAST_ROW, LAST_COLUMN = 1_048_576, "XFD"


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


# xlsx, written as XML so that a cell can sit where openpyxl refuses to put one (column ZZZZZ).

def _xlsx_cell(reference, text):
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def xlsx(extra_cells=(), *, shared_strings=None, rows=ROWS, extra_xml=""):
    """The six tasks, and `extra_cells`: (row, column letters, text or None for a formatted empty cell), and
    `extra_xml` written as it is after the rows."""
    by_row = {}
    for number, row in enumerate(rows, start=1):
        by_row[number] = [_xlsx_cell(f"{column_letters(c)}{number}", v) for c, v in enumerate(row) if v]
    for number, letters, text in extra_cells:
        cell = f'<c r="{letters}{number}" s="1"/>' if text is None else (
            f'<c r="{letters}{number}" t="s"><v>{text[1:]}</v></c>' if text.startswith("#")
            else _xlsx_cell(f"{letters}{number}", text))
        by_row.setdefault(number, []).append(cell)
    sheet = "".join(f'<row r="{n}">{"".join(cells)}</row>' for n, cells in sorted(by_row.items()))
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    entries = [
        ("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
        ("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{relations}"><sheets>'
                            f'<sheet name="Phụ lục II" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels",
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
        ("xl/styles.xml", f'<styleSheet xmlns="{main}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="0"/>'
                          f'</cellXfs></styleSheet>'),
        ("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><dimension ref="A1:{LAST_COLUMN}{LAST_ROW}"/>'
                                     f'<sheetData>{sheet}{extra_xml}</sheetData></worksheet>'),
    ]
    if shared_strings is not None:
        entries.append(("xl/sharedStrings.xml", f'<sst xmlns="{main}">'
                        + "".join(f"<si><t>{escape(s)}</t></si>" for s in shared_strings) + "</sst>"))
    return _zip(entries)


def xlsx_formatted_last_row():
    """Six tasks typed in Excel, and one empty cell formatted on the sheet's last row (issue 24)."""
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "Phụ lục II"
    for row in ROWS:
        sheet.append(row)
    sheet.cell(LAST_ROW, 1).fill = PatternFill("solid", fgColor="FFFF00")
    sheet.cell(LAST_ROW, 16_384).fill = PatternFill("solid", fgColor="FFFF00")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# docx: python-docx builds the table, its XML is then edited.

def docx(*, span=None, span_then_text=False, merged_rows=0):
    """The six tasks in a Word table; `span`: the last header cell spans that many columns (and, with
    `span_then_text`, a cell with text follows it); `merged_rows`: that many more tasks whose lead unit
    is one cell merged down (`vMerge`)."""
    from docx import Document
    from docx.oxml.ns import qn

    document = Document()
    document.add_paragraph("PHỤ LỤC II")
    rows = ROWS[1:]
    table = document.add_table(rows=len(rows), cols=len(HEADER))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    if span:
        last = table.rows[0]._tr.tc_lst[-1]
        last.get_or_add_tcPr().append(_w_element("w:gridSpan", span))
        if span_then_text:
            table.rows[0]._tr.append(_w_cell("Ghi chú"))
    if merged_rows:
        body = table._tbl
        for n in range(merged_rows):
            tr = body.makeelement(qn("w:tr"), {})
            for c, value in enumerate([str(7 + n), f"Nhiệm vụ số {7 + n}", "Phòng Kinh tế" if n == 0 else None,
                                       "Công an xã", "Báo cáo", "Quý IV/2026"]):
                tc = _w_cell(value or "")
                if c == 2:
                    tc.get_or_add_tcPr().append(_w_element("w:vMerge", "restart" if n == 0 else None))
                tr.append(tc)
            body.append(tr)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_empty_tables(count):
    """The six tasks, then `count` empty tables (`<w:tbl/>`: 8 bytes each unpacked)."""
    source = zipfile.ZipFile(io.BytesIO(docx()))
    document = source.read("word/document.xml").decode()
    end = document.index("<w:sectPr")
    document = document[:end] + "<w:tbl/>" * count + document[end:]
    return _zip([(name, document if name == "word/document.xml" else source.read(name))
                 for name in source.namelist()])


def _w_element(tag, value):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    if value is not None:
        element.set(qn("w:val"), str(value))
    return element


def _w_cell(text):
    from docx.oxml import OxmlElement

    tc = OxmlElement("w:tc")
    paragraph = OxmlElement("w:p")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    paragraph.append(run)
    tc.append(paragraph)
    return tc


# xls, through xlwt.

def xls(*, far_text=None, far_blank_rows=0):
    """The six tasks; `far_blank_rows`: formatted empty cells in column IV (255) every that many rows down to
    row 65536; `far_text`: text at (65535, 255)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Phụ lục II")
    for r, row in enumerate(ROWS):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    bordered = xlwt.easyxf("borders: left thin")
    if far_blank_rows:
        for r in range(len(ROWS), 65_536, far_blank_rows):
            sheet.write(r, 255, None, bordered)
        sheet.write(65_535, 255, None, bordered)
    if far_text:
        sheet.write(65_535, 255, far_text)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ods, written as content.xml.

_ODS_NAMESPACES = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                   'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                   'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def _ods_cell(text, repeat=1):
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if text is None:
        return f"<table:table-cell{repeated}/>"
    return f'<table:table-cell office:value-type="string"{repeated}><text:p>{text}</text:p></table:table-cell>'


def ods(extra_rows=""):
    """The six tasks, then `extra_rows` (content.xml markup) at the end of the sheet."""
    rows = "".join("<table:table-row>" + "".join(_ods_cell(escape(v)) for v in row) + "</table:table-row>"
                   for row in ROWS)
    content = (f'<office:document-content {_ODS_NAMESPACES}><office:body><office:spreadsheet>'
               f'<table:table table:name="Phụ lục II">{rows}{extra_rows}</table:table>'
               f'</office:spreadsheet></office:body></office:document-content>')
    return _zip([("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", content)])


def ods_row(cells, repeat=1):
    """A content.xml row of (text or None, columns repeated) cells, itself repeated `repeat` times."""
    repeated = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{repeated}>" + "".join(_ods_cell(t, n) for t, n in cells) + "</table:table-row>"


# The hostile files of issue 21 and 24, each with what reading it must give: the tasks read, or the refusal.

def catalogue():
    """[(name, builder, expected)]: expected is the number of tasks read, or a text the refusal holds."""
    return [
        ("one cell at column ZZZZZ.xlsx", lambda: xlsx([(1, "ZZZZZ", "x")]), "ZZZZZ1"),
        ("40 rows with a cell at column ZZZZZ.xlsx", lambda: xlsx([(n, "ZZZZZ", "x") for n in range(1, 41)]),
         "ZZZZZ1"),
        ("40 rows with text at column XFD.xlsx", lambda: xlsx([(n, "XFD", "x") for n in range(1, 41)]), 6),
        ("formatted empty cells at ZZZZZ and the last row.xlsx",
         lambda: xlsx([(1, "ZZZZZ", None), (LAST_ROW, "A", None), (LAST_ROW, "XFD", None)]), 6),
        ("six tasks, one formatted cell on row 1048576.xlsx", xlsx_formatted_last_row, 6),
        # read: the import's row limit counts rows with text; the table reports the stray row by its number
        ("text on row 1048576.xlsx", lambda: xlsx([(LAST_ROW, "A", "x")]), 6),
        ("a shared string of 10 million characters.xlsx",
         lambda: xlsx([(20, "B", "#0")], shared_strings=["x" * 10_000_000]), "đoạn liền dài hơn 1,0"),
        ("an unused shared string of 1 million characters.xlsx",
         lambda: xlsx(shared_strings=["x" * 1_000_000]), 6),
        ("a rich inline string of a million runs.xlsx",
         lambda: xlsx(extra_xml=('<row r="20"><c r="B20" t="inlineStr"><is>'
                                                    + "<r><t>x</t></r>" * 1_000_000 + "</is></c></row>")), "B20"),
        ("an attribute of 20 MB.xlsx", lambda: xlsx(extra_xml=f'<row r="30" spans="{"1>" * 10_000_000}"/>'),
         "xl/worksheets/sheet1.xml"),
        ("a shared string of 1 million characters.xlsx",
         lambda: xlsx([(20, "B", "#0")], shared_strings=["x" * 1_000_000]), "B20"),
        ("a cell of a million paragraphs.ods",
         lambda: ods("<table:table-row><table:table-cell>" + "<text:p>x</text:p>" * 1_000_000
                     + "</table:table-cell></table:table-row>"), "ký tự"),
        ("gridSpan 40000000 at a row's end.docx", lambda: docx(span=40_000_000), 6),
        ("gridSpan 40000000 then text.docx", lambda: docx(span=40_000_000, span_then_text=True), "gridSpan"),
        ("a lead unit merged down 3000 rows.docx", lambda: docx(merged_rows=3000), 3006),
        ("a million empty tables.docx", lambda: docx_empty_tables(1_000_000), "quá lớn"),
        ("formatted cells down to (65535, 255).xls", lambda: xls(far_blank_rows=128), 6),
        ("text at (65535, 255).xls", lambda: xls(far_text="x"), 6),
        ("a million empty rows of 16384 columns.ods", lambda: ods(ods_row([(None, 16_384)], 1_000_000)), 6),
        ("a text row repeated a million times.ods", lambda: ods(ods_row([("x", 1)], 1_000_000)), "lặp lại"),
        ("a task row repeated a million times.ods", lambda: ods(ods_row([(v, 1) for v in TASKS[0]], 1_000_000)),
         "lặp lại"),
        ("a text cell repeated a million columns.ods", lambda: ods(ods_row([("x", 1_000_000)])), "cột"),
        ("a space repeated 100 million times.ods",
         lambda: ods('<table:table-row><table:table-cell><text:p>a<text:s text:c="100000000"/></text:p>'
                     '</table:table-cell></table:table-row>'), "ký tự"),
    ]


_READ = """
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.core.exceptions import ValidationError
from plans.appendix.preview import choose_tables
from plans.appendix.readers import read_sheets
from plans.appendix.table import read_table
from plans.assignment_workbook import assignment_sheets, assignment_preview
path, name, through = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(path, "rb").read()
started = time.perf_counter()
try:
    if through == "assignment":
        sheets = assignment_sheets(data, name)
        result = {"rows": {title: sum(1 for row in rows if row) for title, rows in sheets.items()}}
    else:
        tables, _skipped = choose_tables(read_sheets(data, name))
        result = {"items": sum(len(read_table(rows, kind, header=header).items) for _t, rows, header, kind in tables)}
except ValidationError as error:
    result = {"refused": " ".join(error.messages)}
result["seconds"] = time.perf_counter() - started
print(json.dumps(result))
"""
# A small parent for the reader, so that its children's peak (RUSAGE_CHILDREN) is the reader's own: a
# process started by a large one (pytest) carries that one's size into its own peak.
_MEASURE = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
            "sys.stdout.write(done.stdout); sys.stderr.write(done.stderr[-3000:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def run_reader(data, name, tmp_path, *, through="appendix"):
    """Read `data` in a child process: ({"items": n} or {"rows": ...} or {"refused": message}, seconds), peak MB."""
    path = Path(tmp_path) / "upload.bin"
    path.write_bytes(data)
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-c", _READ, str(path), name, through],
                          capture_output=True, text=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    lines = done.stdout.strip().splitlines()
    if len(lines) < 2:
        raise AssertionError(f"the reader failed: {done.stderr}")
    return json.loads(lines[-2]), int(lines[-1]) / 1024
