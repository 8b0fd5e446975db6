"""The export as an .xlsx for offices that check it by eye before uploading: one sheet per kind of item, one row
per item, the same fields and codes as the JSON (column headers in Vietnamese)."""
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font


def _clears(item):
    return _("Đủ 6 rõ") if item["six_clears"]["complete"] else _("Thiếu: %(keys)s") % {
        "keys": ", ".join(item["six_clears"]["missing"])}


def _targets(indicator):
    return "; ".join(f"{t['year']}: {t['text']}" if t["year"] else t["text"] for t in indicator["targets"])


def _sheet(book, title, headers, rows):
    sheet = book.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    return sheet


def workbook_bytes(data):
    book = Workbook()
    book.remove(book.active)
    summary = data["summary"]
    about = _sheet(book, _("Thông tin"), [_("Mục"), _("Giá trị")], [
        (_("Địa bàn"), data["area"]["name"]), (_("Kỳ"), data["period"]["label"]),
        (_("Số liệu tính đến ngày"), data["period"]["as_of"]), (_("Phiên bản cấu trúc"), data["schema_version"]),
        (_("Số mục đã xuất"), f"{summary['items']['exported']}/{summary['items']['total']}"),
        (_("Nhiệm vụ Trung ương giao đã xuất"),
         f"{summary['centrally_assigned_tasks']['exported']}/{summary['centrally_assigned_tasks']['total']}"),
    ])
    about.column_dimensions["A"].width = 36
    about.column_dimensions["B"].width = 48
    _sheet(book, _("Nhiệm vụ"), [
        _("Mã"), _("Địa bàn"), _("STT"), _("Văn bản giao"), _("Ngày văn bản"), _("Cơ quan giao"),
        _("Nhiệm vụ Trung ương giao"), _("Nhiệm vụ"), _("Chủ trì"), _("Phối hợp"), _("Người phụ trách"),
        _("Thời gian"), _("Sản phẩm"), _("Thẩm quyền"), _("6 rõ"), _("Tiến độ (%)"), _("Lộ trình (%)"),
        _("Trạng thái"), _("Kết quả trong kỳ"), _("Minh chứng được chấp nhận"), _("Đánh giá"),
    ], [
        (t["code"], area["name"], t["ordinal"], t["assigning_document"]["reference"] or t["assigning_document"]["title"],
         t["assigning_document"]["issued_on"], t["assigned_agency"], _("Có") if t["centrally_assigned"] else "",
         t["title"], "; ".join(t["lead_units"]), "; ".join(t["support_units"]), t["six_clears"]["person"],
         t["timeline"]["text"], t["product"], t["six_clears"]["authority"], _clears(t), t["progress"],
         t["expected_progress"], t["status"], "\n".join(t["results"]), t["evidence"]["accepted"], t["evaluation"])
        for area in data["areas"] for t in area["tasks"]
    ])
    _sheet(book, _("Chỉ tiêu"), [
        _("Mã"), _("Địa bàn"), _("STT"), _("Văn bản giao"), _("Chỉ tiêu"), _("Loại"), _("Đơn vị tính"),
        _("Giá trị nền"), _("Chỉ tiêu theo năm"), _("Chủ trì"), _("Giá trị hiện tại"), _("Kết quả"),
        _("Minh chứng được chấp nhận"),
    ], [
        (i["code"], area["name"], i["ordinal"], i["assigning_document"]["reference"] or i["assigning_document"]["title"],
         i["content"], i["kind"], i["unit_of_measure"], i["baseline"], _targets(i), "; ".join(i["lead_units"]),
         i["value"], i["verdict"], i["evidence"]["accepted"])
        for area in data["areas"] for i in area["indicators"]
    ])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
