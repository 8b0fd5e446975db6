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
