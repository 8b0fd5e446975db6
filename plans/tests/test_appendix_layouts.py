"""Appendices as offices really keep them (issue 12): each case with a workbook built in the test."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from indicators.models import Comparator
from plans.appendix import INDICATORS, TASKS, AppendixError
from plans.appendix.preview import appendix_preview
from plans.appendix.readers import read_sheets
from plans.appendix.services import preview_summary
from plans.appendix.write import appendix_import
from plans.models import Plan, Unit
from tasks.models import TimelineKind
from tests.workbooks import (INDICATOR_HEADER, INDICATOR_ROWS, TASK_HEADER, TASK_ROWS, office_sheet,
                             office_workbook)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(users):
    area = Plan.objects.get(slug="phu-lam-55kh").area
    return Plan.objects.create(slug="phu-lam-moi", area=area, issuer="UBND xã Phú Lâm", title="Kế hoạch mới",
                               issued_year=2026, status="draft")


def _preview(plan, data, name="phu-luc.xlsx", **kwargs):
    return appendix_preview(plan=plan, sheets=read_sheets(data, name), **kwargs)


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
