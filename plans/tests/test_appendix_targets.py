"""Targets by year and by stage in an indicators appendix (issue 24, point 1): workbooks built in the test."""
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import Workbook

from plans.appendix.preview import appendix_preview
from plans.appendix.readers import read_sheets
from plans.appendix.services import preview_summary
from plans.appendix.write import appendix_import, appendix_undo
from plans.models import Plan
from tests.workbooks import office_sheet

pytestmark = pytest.mark.django_db

# `Mục tiêu` merged over `Năm 2026 | Đến năm 2030`, the baseline `Thực hiện năm 2025` standing over both rows.
HEADER = [["STT", "Nội dung", "Đơn vị tính", "Thực hiện năm 2025", "Mục tiêu", None, "Đơn vị chủ trì"],
          [None, None, None, None, "Năm 2026", "Đến năm 2030", None]]
ROWS = [
    ["1", "Tỷ lệ công dân số", "%", "45%", "≥ 60%", "≥ 80%", "Công an xã"],
    ["2", "Thủ tục hành chính cung cấp trực tuyến toàn trình", "%", "70", "không dưới 85%", "95", "Phòng Văn hóa - Xã hội xã"],
    ["3", "Hình thành mô hình nền kinh tế tầm thấp", None, None, "Khảo sát", "Triển khai", "Phòng Văn hóa - Xã hội xã"],
]


@pytest.fixture
def plan(users):
    area = Plan.objects.get(slug="phu-lam-55kh").area
    return Plan.objects.create(slug="phu-lam-muc-tieu", area=area, issuer="UBND xã Phú Lâm", title="Kế hoạch mới",
                               issued_year=2026, status="draft")


def _book(header=HEADER, rows=ROWS, numbers=True):
    book = Workbook()
    office_sheet(book.active, header, rows, numbers=numbers)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _preview(plan, data):
    return appendix_preview(plan=plan, sheets=read_sheets(data, "phu-luc.xlsx"))


def _targets(indicator):
    return [(t.year, t.label, t.target_text, t.comparator, t.value) for t in indicator.targets.all()]


def test_a_two_row_year_header_imports_each_years_target_and_the_baseline(plan, users):
    preview = _preview(plan, _book())
    assert preview.can_import, preview.errors  # the year row is the header's, not an item "without content"
    appendix_import(plan=plan, preview=preview, user=users["phulam-admin"])
    citizens, online, low_altitude = plan.indicators.order_by("position")
    assert _targets(citizens) == [(2026, "Năm 2026", "≥ 60%", ">=", Decimal(60)),
                                  (2030, "Đến năm 2030", "≥ 80%", ">=", Decimal(80))]
    assert (citizens.target_text, citizens.target_value) == ("≥ 80%", 80)  # its own target: the stage's
    assert (citizens.baseline, citizens.baseline_label, citizens.baseline_year, citizens.baseline_value) == (
        "45%", "Thực hiện năm 2025", 2025, Decimal(45))
    assert _targets(online)[0][2:] == ("không dưới 85%", ">=", Decimal(85))
    assert [t[2] for t in _targets(low_altitude)] == ["Khảo sát", "Triển khai"] and low_altitude.is_qualitative
    assert citizens.judge(Decimal(65), datetime.date(2026, 12, 1)) is True
    assert citizens.judge(Decimal(65), datetime.date(2030, 12, 1)) is False
    assert citizens.targets.first().history.first().history_user == users["phulam-admin"]


def test_one_row_year_headers_import_both_columns_and_none_is_dropped(plan, users):
    header = [["STT", "Nội dung", "Đơn vị tính", "Thực hiện năm 2025", "Chỉ tiêu năm 2026", "Chỉ tiêu đến năm 2030",
               "Đơn vị chủ trì"], [None] * 7]
    preview = _preview(plan, _book(header=header, numbers=False))
    assert preview.can_import, preview.errors
    appendix_import(plan=plan, preview=preview, user=users["phulam-admin"])
    citizens = plan.indicators.get(ordinal="1")
    assert [t[0] for t in _targets(citizens)] == [2026, 2030] and citizens.baseline == "45%"


def test_a_second_import_changes_only_the_targets_it_changes_and_the_undo_puts_them_back(plan, users):
    admin = users["phulam-admin"]
    appendix_import(plan=plan, preview=_preview(plan, _book()), user=admin)
    again = _preview(plan, _book())
    assert again.count("unchanged") == 3
    rows = [list(row) for row in ROWS]
    rows[0][5] = "≥ 90%"
    changed = _preview(plan, _book(rows=rows))
    assert [row.state for row in changed.rows] == ["changed", "unchanged", "unchanged"]
    summary = preview_summary(changed)["rows"][0]
    assert "chỉ tiêu" in summary["changes"] and "Đến năm 2030: ≥ 90%" in summary["parsed"]
    journal, started = {}, timezone.now()
    appendix_import(plan=plan, preview=changed, user=admin, journal=journal)
    citizens = plan.indicators.get(ordinal="1")
    assert citizens.target_for(datetime.date(2030, 1, 1)).value == 90
    appendix_undo(plan=plan, journal=journal, user=admin, since=started)
    assert citizens.target_for(datetime.date(2030, 1, 1)).value == 80
    assert _targets(citizens)[0][:3] == (2026, "Năm 2026", "≥ 60%")


def test_the_export_writes_the_baseline_and_years_and_reads_back_unchanged(plan, users):
    from plans.appendix.exports import appendix_workbook
    from plans.appendix.table import INDICATORS

    appendix_import(plan=plan, preview=_preview(plan, _book()), user=users["phulam-admin"])
    exported = appendix_workbook(INDICATORS, plan)
    header = read_sheets(exported, "xuat.xlsx")[0].rows[4]
    assert header[3:7] == ["Kết quả", "Thực hiện năm 2025", "Năm 2026", "Đến năm 2030"]
    again = _preview(plan, exported)
    assert again.can_import and again.count("unchanged") == 3, [(row.state, row.changes) for row in again.rows]


def test_the_seed_plans_carry_their_targets_by_year(users):
    dai_phuoc = Plan.objects.get(slug="dai-phuoc-2026").indicators.prefetch_related("targets")
    assert all([(t.year, t.label, t.target_text) for t in i.targets.all()] == [(2026, "Đến cuối năm 2026", i.target_text)]
               for i in dai_phuoc) and len(dai_phuoc) == 44
    phu_lam = Plan.objects.get(slug="phu-lam-55kh").indicators.prefetch_related("targets")
    assert all([(t.year, t.label, t.target_text) for t in i.targets.all()] == [(2030, "Nhiệm kỳ 2025 – 2030", i.target_text)]
               for i in phu_lam) and len(phu_lam) == 25
    e_citizens = phu_lam.get(ordinal="15")
    assert e_citizens.target_for(datetime.date(2026, 12, 1)).label == "Nhiệm kỳ 2025 – 2030"
