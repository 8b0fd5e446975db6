"""Appendices as offices really keep them (issue 12): each case with a workbook built in the test."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from indicators.models import Comparator
from plans.appendix import INDICATORS, TASKS, AppendixError
from plans.appendix.readers import read_sheets
from plans.appendix.services import preview_summary
from plans.appendix.write import appendix_import
from plans.models import Unit
from tasks.models import TimelineKind
from tests.workbooks import (INDICATOR_HEADER, INDICATOR_ROWS, TASK_HEADER, TASK_ROWS, office_sheet,
                             office_workbook, preview_of)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(draft_plan):
    return draft_plan


def _preview(plan, data, name="phu-luc.xlsx", **kwargs):
    return preview_of(plan, data, name, **kwargs)


def _import(plan, data, user, name="phu-luc.xlsx", **kwargs):
    preview = _preview(plan, data, name, **kwargs)
    assert preview.can_import, (preview.errors, preview.unknown_units)
    return preview, appendix_import(plan=plan, preview=preview, user=user)


def _book(header, rows, *, numbers=True, edit=None):
    book = Workbook()
    office_sheet(book.active, header, rows, numbers=numbers)
    if edit:
        edit(book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _names(units):
    return sorted(unit.name for unit in units.all())


# 1. Two-row headers: a merged "Đơn vị thực hiện" / "Cơ quan thực hiện" over "Chủ trì" / "Phối hợp".

def test_a_two_row_header_keeps_lead_and_support_units_of_both_appendices(plan, users):
    preview, counts = _import(plan, office_workbook(), users["phulam-admin"])
    assert [(part.kind, part.header_row) for part in preview.parts] == [(INDICATORS, 3), (TASKS, 3)]
    assert counts["new"] == 5
    indicator = plan.indicators.get(ordinal="2")
    assert _names(indicator.lead_units) == ["Phòng Kinh tế"]
    assert _names(indicator.support_units) == ["Phòng Văn hóa - Xã hội"]
    task = plan.tasks.get(ordinal="1")
    assert _names(task.lead_units) == ["Phòng Văn hóa - Xã hội"]
    assert _names(task.support_units) == ["Công an xã", "Phòng Kinh tế"]


def test_a_three_row_header_is_read_too(plan, users):
    header = [["STT", "Nhiệm vụ", "Tổ chức thực hiện", None, "Sản phẩm", "Thời gian"],
              [None, None, "Đơn vị thực hiện", None, None, None],
              [None, None, "Chủ trì", "Phối hợp", None, None]]
    book = Workbook()
    sheet = book.active
    for row in header + TASK_ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    preview, counts = _import(plan, buffer.getvalue(), users["phulam-admin"])
    assert counts["new"] == 2 and _names(plan.tasks.get(ordinal="2").support_units) == ["Văn phòng HĐND & UBND xã"]


# 2. The column-number row under the header is skipped.

@pytest.mark.parametrize("numbers", [["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"], [1, 2, 3, 4, 5, 6], ["1", "2", "3", "4", "5", "6"]])
def test_the_column_number_row_is_not_an_item(plan, users, numbers):
    data = _book(TASK_HEADER, [numbers] + TASK_ROWS, numbers=False)
    preview = _preview(plan, data)
    assert preview.can_import and [row.ordinal for row in preview.rows] == ["1", "2"]
    assert not preview.unknown_units


# 3. Which sheet, which kind.

def test_both_sheets_are_imported_and_a_hidden_sheet_never(plan, users):
    def hide(book):
        hidden = book.create_sheet("Bản cũ")
        office_sheet(hidden, TASK_HEADER, TASK_ROWS)
        hidden.sheet_state = "hidden"
        notes = book.create_sheet("Ghi chú")
        notes.append(["Số liệu tổng hợp ngày 30/4"])
    preview, counts = _import(plan, office_workbook(edit=hide), users["phulam-admin"])
    assert [part.sheet for part in preview.parts] == ["Phụ lục I", "Phụ lục II"]
    assert dict(preview.skipped) == {"Bản cũ": "trang ẩn, không nhập",
                                     "Ghi chú": "không có dòng tiêu đề của bảng phụ lục"}
    assert plan.tasks.count() == 2 and plan.indicators.count() == 3
    summary = preview_summary(preview)
    assert summary["skipped"] == [["Bản cũ", "trang ẩn, không nhập"], ["Ghi chú", "không có dòng tiêu đề của bảng phụ lục"]]


def test_the_kind_is_judged_from_the_header_columns_together(plan):
    # "Chỉ tiêu" and "Chỉ tiêu đến năm 2030" with a lead unit column: five indicators, not tasks.
    data = office_workbook(tasks=None)
    preview = _preview(plan, data)
    assert [part.kind for part in preview.parts] == [INDICATORS]
    assert _preview(plan, data, kind=INDICATORS).count("new") == 3


def test_a_kind_chosen_by_the_user_is_respected_or_refused_with_the_reason(plan):
    preview = _preview(plan, office_workbook(), kind=TASKS)
    assert [part.sheet for part in preview.parts] == ["Phụ lục II"]
    assert preview.skipped == [("Phụ lục I", "là Phụ lục I – Chỉ tiêu, không phải Phụ lục II – Nhiệm vụ như đã chọn")]
    with pytest.raises(AppendixError) as refused:
        _preview(plan, office_workbook(tasks=None), kind=TASKS)
    assert "là Phụ lục I – Chỉ tiêu, không phải Phụ lục II – Nhiệm vụ như đã chọn" in str(refused.value)


# 4. Numbers as Excel holds them.

def test_percent_cells_thousands_dots_decimal_commas_and_date_cells(plan, users):
    rows = [["1", "Tỷ lệ người dân có danh tính số", "%", 0.8, datetime.datetime(2026, 12, 31), "Phòng Kinh tế", None],
            ["2", "Số lượt truy cập cổng dịch vụ công", "lượt", "1.000", None, "Phòng Kinh tế", None],
            ["3", "Tốc độ tăng năng suất lao động", "%", "2,5", None, "Phòng Kinh tế", None],
            ["4", "Số điểm phát wifi công cộng", "điểm", 12, None, "Phòng Kinh tế", None]]

    def percent(sheet):
        for row in sheet.iter_rows(min_row=6):
            if row[0].value == "1":
                row[3].number_format = "0%"
    _import(plan, _book(INDICATOR_HEADER, rows, edit=percent), users["phulam-admin"])
    first = plan.indicators.get(ordinal="1")
    assert (first.target_text, first.target_value, first.target_unit) == ("80%", 80, "%")
    assert first.deadline == datetime.date(2026, 12, 31)
    assert plan.indicators.get(ordinal="2").target_value == 1000
    assert plan.indicators.get(ordinal="3").target_value == Decimal("2.5")
    assert plan.indicators.get(ordinal="4").target_value == 12

    task_rows = [["1", "Rà soát quy trình", "Phòng Kinh tế", None, "Báo cáo", datetime.datetime(2026, 12, 31)]]
    _import(plan, _book(TASK_HEADER, task_rows), users["phulam-admin"])
    task = plan.tasks.get(ordinal="1")
    assert task.timeline_text == "31/12/2026" and task.ends_on == datetime.date(2026, 12, 31)


# 5. Targets as offices write them.

TARGETS = [
    ("không dưới 80%", "", Comparator.AT_LEAST, 80, None, "%"),
    ("ít nhất 5", "doanh nghiệp", Comparator.AT_LEAST, 5, None, "doanh nghiệp"),
    ("trên 30%", "", Comparator.MORE_THAN, 30, None, "%"),
    ("tối đa 10", "ngày", Comparator.AT_MOST, 10, None, "ngày"),
    ("đạt 100%", "", Comparator.AT_LEAST, 100, None, "%"),
    ("từ 20 đến 25", "%", Comparator.BETWEEN, 20, 25, "%"),
    ("từ 20% đến 25%", "", Comparator.BETWEEN, 20, 25, "%"),
    ("100", "%", Comparator.EQUAL, 100, None, "%"),
    ("Hoàn thành việc số hóa hồ sơ", "", "", None, None, ""),
]


def test_targets_with_comparator_words_ranges_and_the_unit_of_measure_column(plan, users):
    rows = [[str(n), f"Chỉ tiêu số {n}", measure, target, None, "Phòng Kinh tế", None]
            for n, (target, measure, *_expected) in enumerate(TARGETS, start=1)]
    preview, _counts = _import(plan, _book(INDICATOR_HEADER, rows), users["phulam-admin"])
    for n, (target, _measure, comparator, value, upper, unit) in enumerate(TARGETS, start=1):
        indicator = plan.indicators.get(ordinal=str(n))
        assert (indicator.target_text, indicator.target_comparator, indicator.target_value,
                indicator.target_value_upper, indicator.target_unit) == (target, comparator, value, upper, unit), target
    shown = {row["ordinal"]: row for row in preview_summary(preview)["rows"]}
    assert shown["9"]["qualitative"] and shown["9"]["parsed"].endswith("→ định tính")
    assert not shown["1"]["qualitative"]


# 6. Timelines with months, quarters and dates; the indicators' deadline column.

TIMELINES = [
    ("Quý III/2026", datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
    ("Tháng 6/2026", datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)),
    ("Trước 30/6/2026", datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)),
    ("6 tháng đầu năm 2026", datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)),
    ("6 tháng cuối năm 2027", datetime.date(2027, 7, 1), datetime.date(2027, 12, 31)),
    ("Từ tháng 3/2026 đến tháng 9/2026", datetime.date(2026, 3, 1), datetime.date(2026, 9, 30)),
    ("Giai đoạn 2026-2027", datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)),
]


def test_timelines_with_months_quarters_and_dates(plan, users):
    rows = [[str(n), f"Nhiệm vụ số {n}", "Phòng Kinh tế", None, "Báo cáo", text] for n, (text, *_dates) in
            enumerate(TIMELINES, start=1)]
    rows.append([str(len(rows) + 1), "Nhiệm vụ có hạn là một ô ngày", "Phòng Kinh tế", None, "Báo cáo",
                 datetime.datetime(2026, 12, 31)])
    _import(plan, _book(TASK_HEADER, rows), users["phulam-admin"])
    for n, (text, starts_on, ends_on) in enumerate(TIMELINES, start=1):
        task = plan.tasks.get(ordinal=str(n))
        assert (task.timeline_text, task.starts_on, task.ends_on) == (text, starts_on, ends_on)
        assert task.timeline_kind == TimelineKind.ONE_OFF
    dated = plan.tasks.get(ordinal=str(len(TIMELINES) + 1))
    assert (dated.starts_on, dated.ends_on) == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))


def test_the_indicators_deadline_column_is_read(plan, users):
    _import(plan, office_workbook(tasks=None), users["phulam-admin"])
    assert plan.indicators.get(ordinal="1").deadline == datetime.date(2026, 9, 30)
    assert plan.indicators.get(ordinal="2").deadline == datetime.date(2027, 6, 30)


# 7. Matching on re-import.

def test_ordinals_typed_differently_match_the_same_items(plan, users):
    _import(plan, office_workbook(), users["phulam-admin"])

    def retype(book):
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                if row[0].value == "1.":
                    row[0].value = "(1)"
                elif row[0].value == "2.":
                    row[0].value = 2
                elif row[0].value == "3.":
                    row[0].value = "3)"
    preview, counts = _import(plan, office_workbook(edit=retype), users["phulam-admin"])
    assert counts == {"new": 0, "changed": 0, "unchanged": 5}
    assert plan.tasks.count() == 2 and plan.indicators.count() == 3


def test_a_reimport_shows_each_change_and_flags_an_unrelated_item_under_the_same_number(plan, users):
    _import(plan, office_workbook(), users["phulam-admin"])

    def edit(book):
        tasks = book["Phụ lục II"]
        for row in tasks.iter_rows():
            if row[0].value == "1.":
                row[5].value = "Quý IV/2026"
            if row[0].value == "2.":
                row[1].value = "Tổ chức hội thi tìm hiểu pháp luật cho đoàn viên thanh niên"
    preview = _preview(plan, office_workbook(edit=edit))
    rows = {row.ordinal: row for row in preview.parts[1].rows}
    assert rows["1"].state == "changed" and rows["1"].changes == ["timeline_text", "starts_on", "ends_on"]
    assert rows["2"].state == "error" and "nội dung khác hẳn" in rows["2"].errors[0]
    assert not preview.can_import


# 8. Structure kept.

def test_sub_items_line_breaks_and_group_rows_are_kept(plan, users):
    rows = [
        ["PHẦN I. NHIỆM VỤ CHUNG", None, None, None, None, None],
        ["A. Hạ tầng số", None, None, None, None, None],
        ["1.", "Nâng cấp mạng nội bộ", "Phòng Kinh tế", None, "- Mạng LAN\n- Máy chủ", "Năm 2026"],
        ["2.", "Số hóa hồ sơ", "Phòng Văn hóa - Xã hội", None, "Kho số", "Năm 2026"],
        ["a)", "Hồ sơ hộ tịch", "Phòng Văn hóa - Xã hội", None, "Dữ liệu hộ tịch", "Quý II/2026"],
        ["b)", "Hồ sơ đất đai", "Phòng Kinh tế", None, "Dữ liệu đất đai", "Quý III/2026"],
        ["1.1", "Dữ liệu chuyên ngành", None, None, None, None],
        ["1.", "Kết nối dữ liệu chuyên ngành", "Phòng Kinh tế", None, "Kết nối", "Năm 2027"],
        [None, "với kho dữ liệu của tỉnh", None, None, None, None],
    ]
    preview, _counts = _import(plan, _book(TASK_HEADER, rows), users["phulam-admin"])
    assert [(s.number, s.title) for s in preview.parts[0].sections] == [
        ("Phần I", "NHIỆM VỤ CHUNG"), ("A", "Hạ tầng số"), ("1.1", "Dữ liệu chuyên ngành")]
    assert [(t.section.number, t.ordinal) for t in plan.tasks.select_related("section").order_by("position")] == [
        ("A", "1"), ("A", "2"), ("A", "2.a"), ("A", "2.b"), ("1.1", "1")]
    assert plan.tasks.get(ordinal="1", section__number="A").product == "- Mạng LAN\n- Máy chủ"
    assert plan.tasks.get(section__number="1.1").title == "Kết nối dữ liệu chuyên ngành với kho dữ liệu của tỉnh"


def test_an_ambiguous_row_without_a_number_is_shown_not_merged(plan):
    rows = [["1.", "Nâng cấp mạng nội bộ", "Phòng Kinh tế", None, None, "Năm 2026"],
            [None, "Tập huấn kỹ năng số cho cán bộ", "Phòng Văn hóa - Xã hội", None, "Lớp tập huấn", "Năm 2026"]]
    preview = _preview(plan, _book(TASK_HEADER, rows))
    assert len(preview.rows) == 1 and preview.rows[0].values["title"] == "Nâng cấp mạng nội bộ"
    assert preview.errors and "không rõ là phần tiếp của dòng" in preview.errors[0][1] and not preview.can_import


# 9. Legacy .xls, .ods and the plan's own Word file go through the same reader and checks.

def _office_rows(header, rows):
    return [["PHỤ LỤC"], []] + header + [[f"({n})" for n in range(1, len(header[0]) + 1)]] + rows


def _xls(*, hidden=False):
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    percent = xlwt.easyxf(num_format_str="0%")
    for title, header, rows in (("Phụ lục I", INDICATOR_HEADER, INDICATOR_ROWS), ("Phụ lục II", TASK_HEADER, TASK_ROWS)):
        sheet = book.add_sheet(title)
        for r, row in enumerate(_office_rows(header, rows)):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
        if title == "Phụ lục I":
            sheet.write(len(_office_rows(header, rows)), 0, "4")
            sheet.write(len(_office_rows(header, rows)), 1, "Tỷ lệ hộ gia đình có cáp quang")
            sheet.write(len(_office_rows(header, rows)), 3, 0.8, percent)
            sheet.write(len(_office_rows(header, rows)), 5, "Phòng Kinh tế")
    if hidden:
        old = book.add_sheet("Bản cũ")
        old.write(0, 0, "STT")
        old.visibility = 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _ods():
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    hidden = Style(name="hidden", family="table")
    hidden.addElement(TableProperties(display="false"))
    document.automaticstyles.addElement(hidden)
    for title, header, rows in (("Phụ lục I", INDICATOR_HEADER, INDICATOR_ROWS), ("Phụ lục II", TASK_HEADER, TASK_ROWS),
                                ("Bản cũ", TASK_HEADER, TASK_ROWS)):
        table = Table(name=title, stylename=hidden) if title == "Bản cũ" else Table(name=title)
        for row in _office_rows(header, rows) + ([["4", "Tỷ lệ hộ gia đình có cáp quang", None, 0.8, None,
                                                   "Phòng Kinh tế"]] if title == "Phụ lục I" else []):
            table_row = TableRow()
            for value in row:
                if isinstance(value, float):
                    cell = TableCell(valuetype="percentage", value=value)
                else:
                    cell = TableCell()
                    for line in (value or "").split("\n") if value else []:
                        cell.addElement(P(text=line))
                table_row.addElement(cell)
            table.addElement(table_row)
        table.addElement(TableRow(numberrowsrepeated=1000000))  # what LibreOffice leaves at the end
        document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _docx():
    from docx import Document

    document = Document()
    document.add_paragraph("KẾ HOẠCH Thực hiện Nghị quyết số 57-NQ/TW")
    document.add_paragraph("Nội dung kế hoạch ...")
    for title, header, rows in (("PHỤ LỤC I", INDICATOR_HEADER, INDICATOR_ROWS), ("PHỤ LỤC II", TASK_HEADER, TASK_ROWS)):
        document.add_paragraph(title)
        body = header + rows
        table = document.add_table(rows=len(body), cols=len(header[0]))
        for r, row in enumerate(body):
            for c, value in enumerate(row):
                if value is not None:
                    table.cell(r, c).text = str(value)
        for c in range(len(header[0])):
            if header[0][c] and header[1][c] is None:
                table.cell(0, c).merge(table.cell(1, c))
            elif header[0][c] and c + 1 < len(header[0]) and header[0][c + 1] is None and header[1][c + 1]:
                table.cell(0, c).merge(table.cell(0, c + 1))
        group = len(header)
        table.cell(group, 0).merge(table.cell(group, len(header[0]) - 1))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name, build", [("phu-luc.xls", _xls), ("phu-luc.ods", _ods), ("ke-hoach.docx", _docx)])
def test_xls_ods_and_the_plans_word_file_import_through_the_same_preview(plan, users, name, build):
    preview, counts = _import(plan, build(), users["phulam-admin"], name=name)
    assert [part.kind for part in preview.parts] == [INDICATORS, TASKS]
    assert _names(plan.tasks.get(ordinal="1").support_units) == ["Công an xã", "Phòng Kinh tế"]
    assert _names(plan.indicators.get(ordinal="2").lead_units) == ["Phòng Kinh tế"]
    assert plan.sections.filter(title="Chuyển đổi số").exists()
    if name != "ke-hoach.docx":
        assert plan.indicators.get(ordinal="4").target_text == "80%"
        assert "Bản cũ" not in [part.sheet for part in preview.parts]
    else:
        assert [part.sheet for part in preview.parts] == ["PHỤ LỤC I", "PHỤ LỤC II"]
    assert plan.tasks.get(ordinal="2").product == "- Trạm phát sóng\n- Báo cáo kết quả"


def _zip(entries):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry, data in entries:
            archive.writestr(entry, data)
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, message", [
    ("ke-hoach.docm", _zip([("word/document.xml", "<w/>"), ("word/vbaProject.bin", "x")]), "chứa macro"),
    ("bang.xlsm", _zip([("xl/workbook.xml", "<w/>"), ("xl/vbaProject.bin", "x")]), "chứa macro"),
    ("bang.ods", _zip([("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", "<x/>"),
                       ("Basic/Standard/Module1.xml", "x")]), "chứa macro"),
    ("bang.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "_VBA_PROJECT".encode("utf-16-le") + b"\0" * 100, "chứa macro"),
    ("khoa.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100,
     "mật khẩu"),
    ("bomb.ods", _zip([("mimetype", "x"), ("content.xml", b"\0" * (3 * 1024 * 1024))]), "giải nén ra"),
    ("hong.docx", _zip([("word/document.xml", "<w/>")]), "bị hỏng"),
])
def test_every_format_gets_the_same_safety_checks(settings, name, data, message):
    from django.core.exceptions import ValidationError

    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    with pytest.raises(ValidationError) as refused:
        read_sheets(data, name)
    assert message in " ".join(refused.value.messages)


# 10. Undo.

def test_an_import_is_undone_while_nothing_was_reported(plan, users):
    from plans.appendix.write import UndoRefused, appendix_undo

    admin = users["phulam-admin"]
    _import(plan, office_workbook(), admin)
    before = plan.tasks.get(ordinal="1")

    def edit(book):
        for row in book["Phụ lục II"].iter_rows():
            if row[0].value == "1.":
                row[5].value = "Quý IV/2026"
                row[3].value = "Công an xã"
        book["Phụ lục II"].append(["3.", "Lắp camera giám sát giao thông", "Công an xã", None, "Hệ thống camera",
                                  "Năm 2027"])
    journal = {}
    preview = _preview(plan, office_workbook(edit=edit))
    started = datetime.datetime.now(datetime.timezone.utc)
    appendix_import(plan=plan, preview=preview, user=admin, journal=journal)
    assert plan.tasks.count() == 3 and plan.tasks.get(ordinal="1").timeline_text == "Quý IV/2026"

    appendix_undo(plan=plan, journal=journal, user=users["phulam-leader"], since=started)
    assert plan.tasks.count() == 2 and plan.indicators.count() == 3
    restored = plan.tasks.get(ordinal="1")
    assert (restored.timeline_text, restored.starts_on, restored.ends_on) == (
        before.timeline_text, before.starts_on, before.ends_on)
    assert _names(restored.support_units) == ["Công an xã", "Phòng Kinh tế"]
    assert restored.history.first().history_user == users["phulam-leader"]

    # Once an officer reported on an item, the import stays.
    from tasks.models import ProgressUpdate

    journal = {}
    started = datetime.datetime.now(datetime.timezone.utc)
    appendix_import(plan=plan, preview=_preview(plan, office_workbook(edit=edit)), user=admin, journal=journal)
    ProgressUpdate.objects.create(task=plan.tasks.get(ordinal="3"), author=users["phulam-officer"],
                                  period=datetime.date(2026, 5, 1), progress_before=0, progress_after=10,
                                  achievements="Đã khảo sát")
    with pytest.raises(UndoRefused):
        appendix_undo(plan=plan, journal=journal, user=admin, since=started)
    assert plan.tasks.count() == 3


# 11. The command line: --create-units works, --map names an existing unit of the plan's area.

def test_the_command_creates_units_and_maps_names(plan, users, tmp_path, capsys):
    def rename(book):
        for row in book["Phụ lục II"].iter_rows():
            if row[0].value == "1.":
                row[2].value = "Phòng Nông nghiệp"
            if row[0].value == "2.":
                row[2].value = "P. Kinh tế xã"
    path = tmp_path / "phu-luc.xlsx"
    path.write_bytes(office_workbook(indicators=None, edit=rename))
    with pytest.raises(CommandError):
        call_command("import_appendix", str(path), plan=plan.slug, user="phulam-admin")
    assert "Phòng Nông nghiệp" in capsys.readouterr().out
    other = Unit.objects.exclude(area__in=[plan.area_id, plan.area.parent_id]).first()
    with pytest.raises(CommandError, match="Không có đơn vị"):
        call_command("import_appendix", str(path), plan=plan.slug, user="phulam-admin", map=[f"P. Kinh tế xã={other.pk}"])
    call_command("import_appendix", str(path), plan=plan.slug, user="phulam-admin", create_units=True,
                 map=["P. Kinh tế xã=Phòng Kinh tế"])
    assert _names(plan.tasks.get(ordinal="1").lead_units) == ["Phòng Nông nghiệp"]
    assert _names(plan.tasks.get(ordinal="2").lead_units) == ["Phòng Kinh tế"]
    assert Unit.objects.filter(area=plan.area, name="Phòng Nông nghiệp").exists()


# 12. The preview says it in Vietnamese: both bounds, symbols, unknown lead units in the lead column.

def test_the_preview_shows_ranges_symbols_and_unknown_lead_units(plan, client, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = [["1", "Số sáng kiến được công nhận", "sáng kiến", "06 - 10", "Năm 2026", "Phòng Kinh tế", None],
            ["2", "Tỷ lệ hồ sơ trực tuyến", "%", "≥ 80", "Tháng 6/2026", "Phòng Nông nghiệp", "Phòng Kinh tế"],
            ["3", "Tỷ lệ cơ quan dùng chữ ký số", "%", "Trên 90%", None, "Phòng Kinh tế", None]]
    client.force_login(users["phulam-admin"])
    upload = SimpleUploadedFile("phu-luc.xlsx", _book(INDICATOR_HEADER, rows))
    page = client.get(client.post(f"/plans/{plan.slug}/import/", {"file": upload}).url)
    shown = {row["ordinal"]: row for row in page.context["summary"]["rows"]}
    assert shown["1"]["parsed"] == "06 - 10 → từ 6 đến 10 sáng kiến; hạn 31/12/2026"
    assert shown["2"]["parsed"] == "≥ 80 → ≥ 80 %; hạn 30/06/2026"
    assert shown["3"]["parsed"] == "Trên 90% → > 90 %"
    assert shown["2"]["unknown_lead"] == ["Phòng Nông nghiệp"] and shown["2"]["unknown_support"] == []
    html = page.content.decode()
    assert "between" not in html and "từ 6 đến 10" in html
    lead_cell = html.split("Tỷ lệ hồ sơ trực tuyến")[1].split('<td class="lead-units">')[1].split("</td>")[0]
    assert "Phòng Nông nghiệp" in lead_cell
