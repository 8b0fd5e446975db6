"""Sub-items in Phụ lục II (issue 24.4): rows `a)`, `b)`, `-` under a numbered task (seed 002, rows 2 and 15)."""
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook

from plans.appendix.write import appendix_import, appendix_undo
from tasks.models import Task
from tests.workbooks import TASK_HEADER, office_sheet, preview_of

pytestmark = pytest.mark.django_db

ROWS = [
    ["I. Nâng cao nhận thức và hoàn thiện cơ chế, chính sách", None, None, None, None, None],
    ["1", "Triển khai nhiệm vụ tuyên truyền", "Phòng Văn hóa - Xã hội", None, "Các tin bài", "Thường xuyên trong năm"],
    ["2", "Điều chỉnh trong dự toán ngân sách năm 2026 để bố trí ít nhất 1% GRDP", "Phòng Kinh tế",
     "Các cơ quan, đơn vị, phòng ban liên quan", "Ngân sách được bố trí", "Năm 2026-2030"],
    ["a)", "Tổng hợp nhu cầu kinh phí của các cơ quan", "Phòng Kinh tế", None, "Bảng tổng hợp", "Quý II/2026"],
    ["b)", "Tuyên truyền về cơ chế tài chính cho khoa học", "Phòng Văn hóa - Xã hội", "Phòng Kinh tế",
     "Các tin bài", "Năm 2026"],
    ["3", "Xây dựng Đề án thí điểm cơ chế đặt hàng công nghệ", "Phòng Văn hóa - Xã hội", None, "Đề án", "Năm 2026"],
    ["-", "Tỷ lệ dân số trưởng thành có chữ ký số đạt trên 70%", "Công an xã", None, "Báo cáo", "Năm 2026"],
    ["-", "Tỷ lệ người sử dụng truy cập băng rộng cố định đạt 100%", "Phòng Kinh tế", None, "Báo cáo", "Năm 2026"],
]


def _workbook():
    book = Workbook()
    office_sheet(book.active, TASK_HEADER, ROWS)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _lead(task):
    return sorted(unit.name for unit in task.lead_units.all())


def test_subitem_rows_are_previewed_and_imported_under_their_task(draft_plan, users, client):
    preview = preview_of(draft_plan, _workbook())
    assert preview.can_import, (preview.errors, preview.unknown_units)
    assert [(row.ordinal, row.parent) for row in preview.rows] == [
        ("1", ""), ("2", ""), ("2.a", "2"), ("2.b", "2"), ("3", ""), ("3.1", "3"), ("3.2", "3")]
    appendix_import(plan=draft_plan, preview=preview, user=users["phulam-admin"])
    parent = Task.objects.get(plan=draft_plan, ordinal="2")
    first, second = parent.subitems.order_by("position")
    assert (first.ordinal, first.title, _lead(first)) == ("2.a", "Tổng hợp nhu cầu kinh phí của các cơ quan",
                                                           ["Phòng Kinh tế"])
    assert (second.ordinal, _lead(second)) == ("2.b", ["Phòng Văn hóa - Xã hội"])
    assert second.timeline_text == "Năm 2026"
    bullets = Task.objects.get(plan=draft_plan, ordinal="3").subitems.order_by("position")
    assert [(t.ordinal, _lead(t)) for t in bullets] == [("3.1", ["Công an xã"]), ("3.2", ["Phòng Kinh tế"])]
    assert not Task.objects.filter(plan=draft_plan, ordinal__in=["1", "2", "3"], parent__isnull=False).exists()
    assert parent.title == "Điều chỉnh trong dự toán ngân sách năm 2026 để bố trí ít nhất 1% GRDP"  # nothing glued

    client.force_login(users["phulam-admin"])
    page = client.get(f"/tasks/{parent.pk}/").content.decode()
    assert "Tổng hợp nhu cầu kinh phí của các cơ quan" in page and 'class="subitems"' in page
    sub_page = client.get(f"/tasks/{first.pk}/").content.decode()
    assert f'href="/tasks/{parent.pk}/"' in sub_page
    plan_page = client.get(draft_plan.get_absolute_url()).content.decode()
    assert plan_page.count('<tr class="subitem">') == 4
    assert plan_page.index("Tổng hợp nhu cầu kinh phí") < plan_page.index("Xây dựng Đề án thí điểm")  # kept in order


def test_importing_again_changes_nothing_and_undo_removes_items_and_sub_items(draft_plan, users):
    preview = preview_of(draft_plan, _workbook())
    since, journal = timezone.now(), {}
    appendix_import(plan=draft_plan, preview=preview, user=users["phulam-admin"], journal=journal)
    sub = Task.objects.get(plan=draft_plan, ordinal="2.a")
    assert sub.history.first().parent_id == sub.parent_id is not None  # the history row shows the item
    again = preview_of(draft_plan, _workbook())
    assert again.count("unchanged") == len(ROWS) - 1
    appendix_undo(plan=draft_plan, journal=journal, user=users["phulam-admin"], since=since)
    assert not Task.objects.filter(plan=draft_plan).exists()


def test_an_item_imported_before_sub_items_existed_is_linked_on_the_next_import(draft_plan, users):
    preview = preview_of(draft_plan, _workbook())
    appendix_import(plan=draft_plan, preview=preview, user=users["phulam-admin"])
    Task.objects.filter(plan=draft_plan).update(parent=None)
    again = preview_of(draft_plan, _workbook())
    assert again.count("changed") == 4
    appendix_import(plan=draft_plan, preview=again, user=users["phulam-admin"])
    assert Task.objects.get(plan=draft_plan, ordinal="3.2").parent.ordinal == "3"
