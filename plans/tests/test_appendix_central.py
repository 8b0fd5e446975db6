"""The appendix's "Trung ương giao" column (issue 26.1): read into `Task.centrally_assigned`, written back by the
export, so export → import changes nothing."""
import io

import pytest
from openpyxl import Workbook, load_workbook

from plans.appendix.exports import appendix_workbook
from plans.appendix.services import preview_summary
from plans.appendix.table import central_flag
from plans.appendix.write import appendix_import
from plans.models import Plan
from tasks.models import Task
from tests.workbooks import preview_of

pytestmark = pytest.mark.django_db

UNIT = "Phòng Văn hóa - Xã hội"


def _workbook(header, values):
    book = Workbook()
    sheet = book.active
    sheet.append(["PHỤ LỤC II"])
    sheet.append([])
    sheet.append(["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Sản phẩm", "Thời gian thực hiện", *([header] if header else [])])
    for number, value in enumerate(values, start=1):
        sheet.append([str(number), f"Nhiệm vụ số {number} về chuyển đổi số", UNIT, "Báo cáo", "Năm 2026",
                      *([value] if header else [])])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


YES = ["x", "X", "✓", "Có", "TW"]
NO = ["", None, "Không"]


@pytest.mark.parametrize("text", YES + ["có", " x ", "tw"])
def test_the_marks_offices_use_read_as_assigned_by_the_centre(text):
    assert central_flag(text) is True


@pytest.mark.parametrize("text", ["", None, "Không", "khong"])
def test_blank_or_no_reads_as_not(text):
    assert central_flag(text) is False


@pytest.mark.parametrize("text", ["chưa rõ", "2026", "Tỉnh giao", "?"])
def test_anything_else_is_unreadable(text):
    assert central_flag(text) is None


@pytest.mark.parametrize("header", ["Trung ương giao", "TW giao", "Nhiệm vụ Trung ương giao", "NV TW giao"])
def test_each_header_variant_sets_the_flag_and_imports_it(header, draft_plan, users):
    preview = preview_of(draft_plan, _workbook(header, YES + NO))
    assert preview.can_import, preview.errors
    (part,) = preview.parts
    assert not part.ignored_columns  # the column is read, not listed as left out
    assert [row.centrally_assigned for row in preview.rows] == [True] * 5 + [False] * 3
    appendix_import(plan=draft_plan, preview=preview, user=users["phulam-admin"])
    flags = dict(Task.objects.filter(plan=draft_plan).values_list("ordinal", "centrally_assigned"))
    assert flags == {str(n): n <= 5 for n in range(1, 9)}
    assert Task.objects.get(plan=draft_plan, ordinal="1").history.first().centrally_assigned is True


def test_an_unreadable_value_is_named_in_the_preview_and_left_as_not(draft_plan):
    preview = preview_of(draft_plan, _workbook("TW giao", ["x", "chưa rõ"]))
    assert preview.can_import
    assert [row.centrally_assigned for row in preview.rows] == [True, False]
    (part,) = preview_summary(preview)["parts"]
    row = preview.rows[1].sheet_row
    assert part["notes"] == [[row, f"Dòng {row}: cột “TW giao” ghi “chưa rõ”, không đọc được; nhiệm vụ được nhập là "
                                   "không do Trung ương giao (ghi x, ✓, Có hoặc TW nếu là nhiệm vụ Trung ương giao)."]]
    assert "nhiệm vụ Trung ương giao" in part["rows"][0]["parsed"]
    assert "Trung ương giao" not in part["rows"][1]["parsed"]


def test_a_table_without_the_column_keeps_what_was_set(draft_plan, users):
    appendix_import(plan=draft_plan, preview=preview_of(draft_plan, _workbook("Trung ương giao", ["x", ""])),
                    user=users["phulam-admin"])
    again = preview_of(draft_plan, _workbook(None, ["", ""]))
    assert again.count("unchanged") == 2
    assert [row.centrally_assigned for row in again.rows] == [None, None]
    changed = preview_of(draft_plan, _workbook("Trung ương giao", ["", "x"]))
    assert [row.changes for row in changed.rows] == [["centrally_assigned"], ["centrally_assigned"]]


def test_export_then_import_round_trips_the_flag(users, without_year):
    plan = Plan.objects.get(slug="phu-lam-55kh")  # its export imports back as it is (sections, sub-items 15.1-15.5)
    Task.objects.filter(plan=plan, ordinal__in=["2", "7", "15", "15.3"]).update(centrally_assigned=True)
    expected = dict(Task.objects.filter(plan=plan).values_list("pk", "centrally_assigned"))
    assert 0 < sum(expected.values()) < len(expected)
    data = appendix_workbook("tasks", plan)
    sheet = load_workbook(io.BytesIO(data)).active
    assert "Trung ương giao" in [cell.value for cell in sheet[5]]
    preview = preview_of(plan, data)
    assert preview.count("unchanged") == len(preview.rows) == len(expected)
    Task.objects.filter(plan=plan).update(centrally_assigned=False)
    preview = preview_of(plan, data)
    assert preview.count("changed") == sum(expected.values())
    appendix_import(plan=plan, preview=preview, user=users["phulam-admin"])
    assert dict(Task.objects.filter(plan=plan).values_list("pk", "centrally_assigned")) == expected
