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
