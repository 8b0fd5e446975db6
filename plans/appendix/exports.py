"""Writing a plan's appendices to xlsx in the layout offices keep (title, header, group rows), and blank templates."""
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..item_kinds import item_model
from ..workbooks import safe_text
from .table import INDICATORS
from .targets import export_columns

HEADERS = {
    INDICATORS: ["STT", "Nội dung", "Đơn vị tính", "Kết quả", "Đơn vị chủ trì, theo dõi đánh giá", "Đơn vị phối hợp"],
    "tasks": ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm", "Thời gian thực hiện",
              "Trung ương giao"],
}
CENTRALLY_ASSIGNED = "x"  # what the import reads as "Trung ương giao" (plans.appendix.table.central_flag)
TITLES = {INDICATORS: ("PHỤ LỤC I", "DANH MỤC CÁC CHỈ TIÊU CỤ THỂ"), "tasks": ("PHỤ LỤC II", "DANH MỤC CÁC NHIỆM VỤ CỤ THỂ")}
WIDTHS = {INDICATORS: [6, 60, 12, 18, 36, 30], "tasks": [6, 60, 30, 36, 30, 20, 12]}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


def write_cell(sheet, row, column, value, *, bold=False):
    """Write a cell of an exported workbook: wrapped, and formula-like text kept as text."""
    cell = sheet.cell(row=row, column=column, value=value)
    if safe_text(value):
        cell.data_type = "s"
        cell.quotePrefix = True  # shown and kept as text, never evaluated as a formula
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if bold:
        cell.font = Font(bold=True)
    return cell


def _units(units):
    return ", ".join(unit.name for unit in units)


def appendix_workbook(kind, plan=None):
    """The appendix of `plan` as an xlsx file (bytes); without a plan, a blank template."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Phụ lục I" if kind == INDICATORS else "Phụ lục II"
    headers, widths = HEADERS[kind], WIDTHS[kind]
    extra_headers, extra_cells = export_columns(plan) if plan is not None and kind == INDICATORS else ([], None)
    if extra_headers:  # the baseline and targets by year, after the target column
        headers = headers[:4] + extra_headers + headers[4:]
        widths = widths[:4] + [14] * len(extra_headers) + widths[4:]
    width = len(headers)
    first, second = TITLES[kind]
    for row, text in enumerate([first, second], start=1):
        write_cell(sheet, row, 1, text, bold=True).alignment = Alignment(horizontal="center")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    subtitle = (_("(Kèm theo Kế hoạch số %(reference)s của %(issuer)s)") % {"reference": plan.reference, "issuer": plan.issuer}
                if plan else _("(Mẫu nhập phụ lục: giữ nguyên dòng tiêu đề, mỗi nhóm một dòng “I. Tên nhóm”)"))
    write_cell(sheet, 3, 1, subtitle).alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)
    header_row = 5
    for column, (title, size) in enumerate(zip(headers, widths, strict=True), start=1):
        write_cell(sheet, header_row, column, title, bold=True)
        sheet.column_dimensions[chr(64 + column)].width = size
    if plan is not None:
        _write_items(sheet, kind, plan, header_row + 1, width, extra_cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_items(sheet, kind, plan, row, width, extra_cells=None):
    model = item_model(kind)
    items = model.objects.filter(plan=plan).select_related("section").prefetch_related("lead_units", "support_units")
    if extra_cells:
        items = items.prefetch_related("targets")
    items = sorted(items, key=lambda i: (i.section.position if i.section else -1, i.position))
    last_section, groups = "none yet", 0
    for item in items:
        if item.section_id != last_section:
            last_section = item.section_id
            if item.section is not None:
                number = item.section.number.rstrip(".") or ROMAN[groups % len(ROMAN)]
                groups += 1
                write_cell(sheet, row, 1, f"{number}. {item.section.title}", bold=True)
                sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
                row += 1
        if kind == INDICATORS:
            values = [item.ordinal, item.content, item.unit_of_measure, item.target_text,
                      *(extra_cells(item) if extra_cells else []),
                      _units(item.lead_units.all()), _units(item.support_units.all())]
        else:
            values = [item.ordinal, item.title, _units(item.lead_units.all()), _units(item.support_units.all()),
                      item.product, item.timeline_text, CENTRALLY_ASSIGNED if item.centrally_assigned else None]
        for column, value in enumerate(values, start=1):
            write_cell(sheet, row, column, value or None)
        row += 1
