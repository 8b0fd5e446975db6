"""Appendix workbooks typed the way an office keeps them: title rows, a merged title, a blank row,
the header, group rows, and rows cut by a page break. Built with openpyxl from the seed tables."""
import io
from pathlib import Path

from openpyxl import Workbook

DATA = Path(__file__).parent / "data"
TITLES = {
    "indicators": ["PHỤ LỤC I", "DANH MỤC CÁC CHỈ TIÊU CỤ THỂ", "(Kèm theo Kế hoạch số /KH-UBND ngày /4/2026)"],
    "tasks": ["PHỤ LỤC II", "DANH MỤC CÁC NHIỆM VỤ CỤ THỂ", "(Kèm theo Kế hoạch số /KH-UBND ngày /4/2026)"],
}


def seed_rows(kind):
    name = "phu_lam_phu_luc_1.tsv" if kind == "indicators" else "phu_lam_phu_luc_2.tsv"
    return [line.split("\t") for line in (DATA / name).read_text(encoding="utf-8").splitlines()]


def workbook_bytes(rows, *, titles=(), sheet_title="Phụ lục", edit=None, extra_sheets=()):
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    width = max(len(r) for r in rows) if rows else 1
    for text in titles:
        sheet.append([text])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
    if titles:
        sheet.append([])
    for row in rows:
        sheet.append([cell if cell != "" else None for cell in row])
    if edit:
        edit(sheet)
    for title, extra in extra_sheets:
        other = book.create_sheet(title)
        for row in extra:
            other.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def preview_of(plan, data, name="phu-luc.xlsx", **kwargs):
    """The import's preview of `data` (a file's bytes) into `plan`."""
    from plans.appendix.preview import appendix_preview
    from plans.appendix.readers import read_sheets

    return appendix_preview(plan=plan, sheets=read_sheets(data, name), **kwargs)


def appendix_bytes(kind, **kwargs):
    return workbook_bytes(seed_rows(kind), titles=TITLES[kind], **kwargs)


# Appendices laid out the way offices type them: a two-row header with a merged "Đơn vị thực hiện" over
# "Chủ trì" / "Phối hợp", a column-number row under it, both appendices on two sheets of one workbook.

INDICATOR_HEADER = [["STT", "Chỉ tiêu", "Đơn vị tính", "Chỉ tiêu đến năm 2030", "Thời gian hoàn thành",
                     "Đơn vị thực hiện", None],
                    [None, None, None, None, None, "Chủ trì", "Phối hợp"]]
TASK_HEADER = [["STT", "Nhiệm vụ", "Cơ quan thực hiện", None, "Sản phẩm", "Thời gian thực hiện"],
               [None, None, "Chủ trì", "Phối hợp", None, None]]
INDICATOR_ROWS = [
    ["I. Chuyển đổi số", None, None, None, None, None, None],
    ["1.", "Tỷ lệ hồ sơ thủ tục hành chính được xử lý trực tuyến toàn trình", "%", "không dưới 80%", "Quý III/2026",
     "Phòng Văn hóa - Xã hội", "Văn phòng HĐND& UBND xã"],
    ["2.", "Số doanh nghiệp công nghệ số trên địa bàn", "doanh nghiệp", "ít nhất 1.000", "Trước 30/6/2027",
     "Phòng Kinh tế", "Phòng Văn hóa - Xã hội"],
    ["3.", "Tỷ trọng kinh tế số trong GRDP", "%", "từ 20 đến 25", "Năm 2030", "Phòng Kinh tế", None],
]
TASK_ROWS = [
    ["I. Hạ tầng số", None, None, None, None, None],
    ["1.", "Xây dựng kho dữ liệu dùng chung của xã, kết nối với nền tảng tích hợp, chia sẻ dữ liệu của tỉnh",
     "Phòng Văn hóa - Xã hội", "Phòng Kinh tế, Công an xã", "Kho dữ liệu vận hành", "Quý III/2026"],
    ["2.", "Phủ sóng di động 5G tại trung tâm xã và các khu dân cư tập trung", "Phòng Kinh tế",
     "Văn phòng HĐND& UBND xã", "- Trạm phát sóng\n- Báo cáo kết quả", "Tháng 6/2026"],
]


def office_sheet(sheet, header, rows, *, numbers=True, title=None):
    """Title, the two-row header with its merged cells, the column-number row, then `rows`."""
    sheet.append([title or "PHỤ LỤC"])
    sheet.append([])
    for row in header:
        sheet.append(row)
    first = sheet.max_row - 1
    width = len(header[0])
    for column in range(1, width + 1):
        top, under = header[0][column - 1], header[1][column - 1]
        if top and under is None:  # a header cell standing over both rows
            sheet.merge_cells(start_row=first, start_column=column, end_row=first + 1, end_column=column)
        if top and column < width and header[0][column] is None and header[1][column] is not None:
            sheet.merge_cells(start_row=first, start_column=column, end_row=first, end_column=column + 1)
    if numbers:
        sheet.append([f"({n})" for n in range(1, width + 1)])
    for row in rows:
        sheet.append(row)


def office_workbook(*, indicators=INDICATOR_ROWS, tasks=TASK_ROWS, edit=None):
    """Phụ lục I and II on two sheets, each with a two-row header: xlsx bytes."""
    book = Workbook()
    first = book.active
    first.title = "Phụ lục I"
    if indicators is not None:
        office_sheet(first, INDICATOR_HEADER, indicators, title="PHỤ LỤC I")
    if tasks is not None:
        office_sheet(book.create_sheet("Phụ lục II"), TASK_HEADER, tasks, title="PHỤ LỤC II")
    if edit:
        edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# What offices put under a table (issue 24): a total row, a note and its lines, a footnote, the signature block
# with "Nơi nhận" on its left. Each row as wide as the table; `None` is an empty cell.

def footer_rows(kind, width, *, count):
    """The rows under a table of `width` columns holding `count` items: the total row in the content and
    target columns for indicators, one merged-looking cell for tasks (its text in the first column)."""
    def row(**cells):
        values = [None] * width
        for column, text in cells.items():
            values[int(column[1:])] = text
        return values
    total = (row(c1="Tổng cộng", c3=f"{count} chỉ tiêu") if kind == "indicators"
             else row(c0=f"Tổng cộng: {count} nhiệm vụ"))
    signature = width - 2  # the product column of a task table, the target column of an indicator table
    return [
        total,
        [None] * width,
        row(c0="Ghi chú:"),
        row(c0="- Số liệu năm 2025 là số ước thực hiện;"),
        row(c0="- Các chỉ tiêu định tính được đánh giá theo mức độ hoàn thành."),
        row(c1="(*) Chỉ tiêu do Sở Khoa học và Công nghệ hướng dẫn cách tính."),
        row(c0="Nơi nhận:", **{f"c{signature}": "TM. ỦY BAN NHÂN DÂN"}),
        row(c0="- Như trên;", **{f"c{signature}": "KT. CHỦ TỊCH"}),
        row(c0="- Lưu: VT, VH-XH.", **{f"c{signature}": "PHÓ CHỦ TỊCH"}),
        [None] * width,
        row(**{f"c{signature}": "Nguyễn Văn An"}),
    ]


def footer_workbook_bytes(kind):
    """A seed appendix retyped as an office keeps it: title block, the table, then its total, note, footnote and
    signature block, the merged total row merged across the table."""
    rows = seed_rows(kind)
    width = len(rows[0])
    count = 25 if kind == "indicators" else 21
    footers = footer_rows(kind, width, count=count)

    def merge(sheet):
        last = sheet.max_row - len(footers)
        for offset in (0, 2, 3, 4):  # the task total, the note and its lines run across the table
            if offset or kind == "tasks":
                sheet.merge_cells(start_row=last + offset + 1, start_column=1, end_row=last + offset + 1,
                                  end_column=width)
    return workbook_bytes(rows + footers, titles=TITLES[kind], edit=merge)


def xls_bytes(sheets):
    """{title: rows} as a legacy .xls (xlwt)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for title, rows in sheets.items():
        sheet = book.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value not in (None, ""):
                    sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ods_bytes(sheets):
    """{title: rows} as an OpenDocument spreadsheet (odfpy), a line break a paragraph."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for title, rows in sheets.items():
        table = Table(name=title)
        for row in rows:
            table_row = TableRow()
            for value in row:
                cell = TableCell()
                for line in str(value).split("\n") if value not in (None, "") else []:
                    cell.addElement(P(text=line))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def docx_bytes(tables, *, after=()):
    """{title: rows} as the plan's own Word file: each title a paragraph, then its table; `after`, paragraphs
    under the last table (the signature block, which Word keeps outside the tables)."""
    from docx import Document

    document = Document()
    document.add_paragraph("KẾ HOẠCH Thực hiện Nghị quyết số 57-NQ/TW")
    for title, rows in tables.items():
        document.add_paragraph(title)
        width = max(len(row) for row in rows)
        table = document.add_table(rows=len(rows), cols=width)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value not in (None, ""):
                    table.cell(r, c).text = str(value)
    for text in after:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
