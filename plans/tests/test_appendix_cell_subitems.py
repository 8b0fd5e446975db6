"""Sub-items written inside one task cell (issue 24.4, seed 002 Phụ lục II row 15): the cell's bullet lines
become the task's sub-items, its lead-in line stays the task; a single bullet or a dash inside prose keeps the
cell whole."""
import io

import pytest
from openpyxl import Workbook

from plans.appendix.services import preview_summary
from plans.appendix.table import TASKS, cell_subitems, read_tsv
from plans.appendix.write import appendix_import
from tasks.models import Task
from tests.workbooks import DATA, TASK_HEADER, office_sheet, preview_of

# Seed 002, Phụ lục II row 15 as the signed document lays it out: one cell, a lead-in and five bullet lines (the
# last cut by the page break, its end on the next row).
ROW_15 = ("Xây dựng triển khai các nhiệm vụ thực hiện các chỉ tiêu bao gồm:\n"
          "- Tỷ lệ dân số trưởng thành có chữ ký số hoặc chữ ký điện tử phát sinh nhu cầu giao dịch đạt tối thiểu "
          "trên 70%.\n"
          "- Tỷ lệ người sử dụng cuối có khả năng truy cập băng rộng cố định với tốc độ trên 01Gbps đạt 100%.\n"
          "- Tỷ lệ người dân có hồ sơ sức khỏe điện tử ≥ 95%.\n"
          "- Tỷ lệ sử dụng dịch vụ công trực tuyến của người dân và doanh nghiệp ≥ 80%.\n"
          "- 90% tổ chức,")
ROW_15_END = "cá nhân hoạt động kinh doanh thực hiện phương thức thanh toán số"
LEAD_IN = "Xây dựng triển khai các nhiệm vụ thực hiện các chỉ tiêu bao gồm:"
SUBITEMS = [
    "Tỷ lệ dân số trưởng thành có chữ ký số hoặc chữ ký điện tử phát sinh nhu cầu giao dịch đạt tối thiểu trên 70%.",
    "Tỷ lệ người sử dụng cuối có khả năng truy cập băng rộng cố định với tốc độ trên 01Gbps đạt 100%.",
    "Tỷ lệ người dân có hồ sơ sức khỏe điện tử ≥ 95%.",
    "Tỷ lệ sử dụng dịch vụ công trực tuyến của người dân và doanh nghiệp ≥ 80%.",
    "90% tổ chức, cá nhân hoạt động kinh doanh thực hiện phương thức thanh toán số",
]
UNITS = "Phòng Văn hóa - Xã hội"
SUPPORT = "Các cơ quan, đơn vị, phòng ban liên quan"

# Cells of the seeds that are prose, with a dash inside a sentence or a single bullet: each stays one task.
PROSE = [
    "Triển khai nhiệm vụ tuyên truyền các hoạt động liên quan đến việc triển khai Kế hoạch",
    "Phát triển hạ tầng tiện ích số phục vụ phát triển kinh tế - xã hội, giai đoạn 2026 - 2030",  # seed 001 3.h)
    "Xếp hạng: - (DTI) ≤ 4 - (PII) ≤ 4",  # seed 002 row 12, as one line
    "Tham mưu UBND xã, Phòng Văn hóa - Xã hội xây dựng kế hoạch\n- Tỷ lệ cán bộ có kỹ năng số cơ bản đạt 100%",
    "Đề án chuyển đổi số giai đoạn 2026-2030,\ntầm nhìn đến năm 2045",  # a cell typed on two lines
    "Phòng Văn hóa - Xã hội chủ trì\n- phối hợp Công an xã\nvà các ấp",  # one bullet, then prose
    "- Tỷ lệ dân số có chữ ký số\n- Tỷ lệ hồ sơ sức khỏe điện tử",  # no lead-in: nothing could stay the task
]


def test_the_seed_cell_splits_into_the_task_and_its_sub_items():
    lead_in, subitems = cell_subitems(f"{ROW_15} {ROW_15_END}")
    assert lead_in == LEAD_IN
    assert [text for _letter, text in subitems] == SUBITEMS


@pytest.mark.parametrize("text", PROSE)
def test_prose_and_a_single_bullet_keep_the_cell_whole(text):
    assert cell_subitems(text) == (text, [])


def test_every_other_cell_of_the_seed_appendix_stays_whole():
    """Phụ lục II of seed 002 as the seed text carries it (the extraction flattened row 15's lines: they are put
    back): only row 15 splits."""
    table = read_tsv((DATA / "phu_lam_phu_luc_2.tsv").read_text(encoding="utf-8"), TASKS)
    parents = [item.ordinal for item in table.items if "." not in item.ordinal]
    assert parents == [str(n) for n in range(1, 22)]
    sub = [item for item in table.items if "." in item.ordinal]
    assert [item.ordinal for item in sub] == ["15.1", "15.2", "15.3", "15.4", "15.5"]
    assert [item.values["content"] for item in sub] == SUBITEMS
    assert next(item for item in table.items if item.ordinal == "15").values["content"] == LEAD_IN
    assert next(item for item in table.items if item.ordinal == "12").values["product"].startswith("Xếp hạng: - (DTI)")
    assert len(table.notes) == 1


def test_letters_and_nested_bullets_in_a_cell():
    text = "Hoàn thiện cơ chế:\na) Rà soát quy định\n+ về đầu tư\nb) Tham mưu ban hành quy chế"
    assert cell_subitems(text) == ("Hoàn thiện cơ chế:", [("a", "Rà soát quy định\n+ về đầu tư"),
                                                          ("b", "Tham mưu ban hành quy chế")])


def _workbook(rows):
    book = Workbook()
    office_sheet(book.active, TASK_HEADER, rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ROWS = [
    ["III. Thúc đẩy chuyển đổi số, đổi mới sáng tạo trong các ngành, lĩnh vực", None, None, None, None, None],
    ["14", PROSE[3], UNITS, SUPPORT, "Theo kế hoạch", "Thực hiện thường xuyên"],
    ["15", ROW_15, UNITS, SUPPORT, "Theo kế hoạch", "Năm 2026-2030"],
    [None, ROW_15_END, None, None, None, None],  # the page break
    ["16", "Triển khai hệ thống chiếu sáng thông minh tại các ấp", "Phòng Kinh tế", SUPPORT, "Có hệ thống",
     "Giai đoạn 2026-2030"],
]


def test_the_preview_says_so_and_the_import_writes_the_sub_items(draft_plan, users):
    preview = preview_of(draft_plan, _workbook(ROWS))
    assert preview.can_import, (preview.errors, preview.unknown_units)
    assert [(row.ordinal, row.parent) for row in preview.rows] == [
        ("14", ""), ("15", ""), ("15.1", "15"), ("15.2", "15"), ("15.3", "15"), ("15.4", "15"), ("15.5", "15"),
        ("16", "")]
    (part,) = preview_summary(preview)["parts"]
    row_15 = preview.rows[1].sheet_row
    assert [message for _row, message in part["notes"]] == [
        f"Dòng {row_15}: 1 nhiệm vụ, 5 nội dung con (tách từ các dòng gạch đầu dòng trong ô nhiệm vụ; dòng dẫn đầu "
        "là nội dung của nhiệm vụ)."]
    appendix_import(plan=draft_plan, preview=preview, user=users["phulam-admin"])
    task = Task.objects.get(plan=draft_plan, ordinal="15")
    assert task.title == LEAD_IN
    subitems = list(task.subitems.order_by("position"))
    assert [sub.title for sub in subitems] == SUBITEMS
    assert {tuple(u.name for u in sub.lead_units.all()) for sub in subitems} == {(UNITS,)}
    assert {(sub.product, sub.timeline_text) for sub in subitems} == {("Theo kế hoạch", "Năm 2026-2030")}
    assert Task.objects.get(plan=draft_plan, ordinal="14").title == PROSE[3]  # one bullet: whole
    assert not Task.objects.get(plan=draft_plan, ordinal="16").subitems.exists()
    again = preview_of(draft_plan, _workbook(ROWS))
    assert again.count("unchanged") == 8  # importing again changes nothing


def test_a_task_with_sub_item_rows_of_its_own_keeps_its_cell_whole(draft_plan):
    rows = [ROWS[2], ROWS[3], ["-", "Tỷ lệ hộ gia đình có cáp quang", "Phòng Kinh tế", None, "Báo cáo", "Năm 2026"]]
    preview = preview_of(draft_plan, _workbook(rows))
    assert [row.ordinal for row in preview.rows] == ["15", "15.1"]
    assert preview.rows[0].values["title"].startswith(LEAD_IN + "\n- Tỷ lệ dân số")


def test_the_demo_plan_of_phu_lam_has_row_15_s_sub_items(users):
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="15")
    assert task.title == LEAD_IN
    assert [sub.title for sub in task.subitems.order_by("position")] == SUBITEMS
    assert [sub.ordinal for sub in task.subitems.order_by("position")] == ["15.1", "15.2", "15.3", "15.4", "15.5"]

