"""A large import streams (issue 22.6): the upload's rows are spooled as they are read, the preview job previews and
keeps them a chunk at a time, the confirm writes the kept rows a chunk at a time in one transaction. Here the
chunks are three rows, so that every rule meets a chunk's edge: sections, sub-items, footers, errors by row, the
rows the page shows, all or nothing, the undo."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from plans.appendix import preview as preview_module
from plans.appendix import services
from plans.appendix.preview import appendix_preview
from plans.appendix.readers import Bounds, SpooledRows, read_sheets
from plans.tests.test_appendix_jobs import _plan
from plans.tests.test_appendix_kept_rows import _confirm
from tests.workbooks import TASK_HEADER, office_sheet

pytestmark = pytest.mark.django_db

ROWS = [
    ["I. Nâng cao nhận thức", None, None, None, None, None],
    ["1", "Triển khai nhiệm vụ tuyên truyền về chuyển đổi số", "Phòng Văn hóa - Xã hội", None, "Các tin bài",
     "Thường xuyên"],
    ["2", "Điều chỉnh dự toán ngân sách năm 2026 cho khoa học", "Phòng Kinh tế", "Công an xã", "Ngân sách",
     "Năm 2026-2030"],
    ["a)", "Tổng hợp nhu cầu kinh phí của các cơ quan", "Phòng Kinh tế", None, "Bảng tổng hợp", "Quý II/2026"],
    ["b)", "Tuyên truyền về cơ chế tài chính cho khoa học", "Phòng Văn hóa - Xã hội", "Phòng Kinh tế", "Tin bài",
     "Năm 2026"],
    ["c)", "Rà soát các khoản chi cho đổi mới sáng tạo", "Phòng Kinh tế", None, "Báo cáo", "Năm 2026"],
    ["II. Phát triển hạ tầng số", None, None, None, None, None],
    ["1", "Phủ sóng băng rộng đến mọi thôn, ấp", "Phòng Kinh tế", None, "Báo cáo", "Năm 2026"],
    ["2", "Số hóa hồ sơ thủ tục hành chính của xã", "Công an xã", None, "Kho dữ liệu", "Quý IV/2026"],
    ["-", "Tỷ lệ dân số trưởng thành có chữ ký số đạt trên 70%", "Công an xã", None, "Báo cáo", "Năm 2026"],
    ["-", "Tỷ lệ hồ sơ trực tuyến toàn trình đạt 80%", "Phòng Kinh tế", None, "Báo cáo", "Năm 2026"],
    ["3", "Kết nối cơ sở dữ liệu chuyên ngành với kho dữ liệu của tỉnh", "Phòng Kinh tế", "Công an xã", "Báo cáo",
     "Năm 2027"],
    ["Ghi chú: các nhiệm vụ thường xuyên báo cáo hằng quý", None, None, None, None, None],
]


def _workbook(rows=ROWS):
    book = Workbook()
    office_sheet(book.active, TASK_HEADER, rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def small_chunks(monkeypatch, settings, media_root):
    settings.IMPORT_INLINE_BYTES = 0  # a job, not the request
    monkeypatch.setattr(preview_module, "STREAM_ROWS", 3)


def _previewed(plan, user, data=None):
    record = services.import_upload(plan=plan, user=user, upload=SimpleUploadedFile("lon.xlsx", data or _workbook()))
    record.refresh_from_db()
    services.import_preview_run(record.pk, record.run_token)
    record.refresh_from_db()
    return record


def test_spooled_rows_read_as_a_list():
    rows = SpooledRows(Bounds().spool, [["STT", "Nội dung"], (), ["1", "Việc “một”\tmới", None]])
    rows.gap(2)
    rows.append(["2", "Việc hai"])
    assert len(rows) == 6 and rows[0] == ["STT", "Nội dung"] and rows[1] == () and rows[3] == ()
    assert rows[2] == ["1", "Việc “một”\tmới", None] and rows[-1] == ["2", "Việc hai"]
    assert rows[:2] == [["STT", "Nội dung"], ()] and list(rows)[5] == ["2", "Việc hai"]
    rows[2] = None
    assert rows[2] is None and rows == [["STT", "Nội dung"], (), None, (), (), ["2", "Việc hai"]]
    with pytest.raises(TypeError):
        rows[0] = ["changed"]


def test_a_read_sheet_keeps_its_rows_in_the_spool():
    sheet = read_sheets(_workbook(), "lon.xlsx")[0]
    assert isinstance(sheet.rows, SpooledRows) and sheet.rows[7][:3] == ["2", ROWS[2][1], "Phòng Kinh tế"]


def test_the_streamed_preview_says_what_the_whole_preview_says(small_chunks):
    plan, user = _plan()
    whole = services.preview_summary(appendix_preview(plan=plan, sheets=read_sheets(_workbook(), "lon.xlsx")))
    record = _previewed(plan, user)
    assert record.status == "previewed" and record.parsed_file and record.row_count == 10
    streamed = record.summary
    assert streamed["counts"] == whole["counts"] == {"new": 10, "changed": 0, "unchanged": 0, "error": 0}
    assert streamed["rows"] == whole["rows"] and streamed["parts"][0]["sections"] == whole["parts"][0]["sections"]
    assert streamed["parts"][0]["skipped_rows"] == whole["parts"][0]["skipped_rows"] != []
    assert [row["ordinal"] for row in streamed["rows"]][:5] == ["1", "2", "2.a", "2.b", "2.c"]


def test_errors_are_found_by_row_across_chunks(small_chunks):
    plan, user = _plan()
    rows = [list(row) for row in ROWS]
    rows[9][2] = None  # a sub-item without its lead unit
    rows[10][0] = "2"  # an ordinal repeated in its section
    rows[11][0] = "3"
    whole = services.preview_summary(appendix_preview(plan=plan, sheets=read_sheets(_workbook(rows), "lon.xlsx")))
    record = _previewed(plan, user, _workbook(rows))
    assert record.status == "previewed" and not record.parsed_file and not record.summary["can_import"]
    assert record.summary["errors"] == whole["errors"] and len(whole["errors"]) == 2
    assert record.summary["counts"] == whole["counts"] and record.errors_file
    assert "Dòng 15" in record.summary["errors"][0][1] or record.summary["errors"][0][0] == 15


def test_the_confirm_writes_chunks_in_one_import_with_sub_items_and_undo(small_chunks):
    plan, user = _plan()
    record = _confirm(_previewed(plan, user), user)
    assert record.status == "done", record.message
    assert record.summary["imported"] == {"new": 10, "changed": 0, "unchanged": 0}
    tasks = plan.tasks.model.objects.filter(plan=plan)
    assert tasks.count() == 10 and plan.sections.count() == 2
    second = tasks.get(section__title="Nâng cao nhận thức", ordinal="2")
    assert sorted(second.subitems.values_list("ordinal", flat=True)) == ["2.a", "2.b", "2.c"]
    assert tasks.get(ordinal="2.c").parent_id == second.pk  # a sub-item in the chunk after its item's
    assert tasks.get(section__title="Phát triển hạ tầng số", ordinal="2.2").parent.title.startswith("Số hóa")
    assert all(task.history.count() == 1 for task in tasks)
    assert len(record.journal["created"]["tasks"]) == 10 and len(record.journal["sections"]) == 2
    assert list(tasks.order_by("position").values_list("ordinal", flat=True))[:3] == ["1", "2", "2.a"]
    services.import_undo_run(*_undo(record, user))
    record.refresh_from_db()
    assert record.status == "undone", record.message
    assert not plan.tasks.exists() and not plan.sections.exists()


def _undo(record, user):
    services.import_undo(record, user)
    record.refresh_from_db()
    return record.pk, record.run_token


def test_matched_again_a_row_in_a_late_chunk_refuses_the_whole_import(small_chunks):
    plan, user = _plan()
    record = _previewed(plan, user)
    section = plan.sections.create(appendix="II", number="II", title="Phát triển hạ tầng số", position=1)
    plan.tasks.model.objects.create(plan=plan, section=section, position=1, ordinal="3",
                                    title="Một việc hoàn toàn khác, đã có sẵn")
    record = _confirm(record, user)
    assert record.status == "failed" and "Dòng 17" in record.message and "không có gì được ghi" in record.message
    assert plan.tasks.count() == 1 and plan.sections.count() == 1


def test_a_second_import_is_matched_in_chunks(small_chunks):
    plan, user = _plan()
    _confirm(_previewed(plan, user), user)
    rows = [list(row) for row in ROWS]
    rows[4][4] = "Tin bài và phóng sự"  # 2.b changed
    record = _previewed(plan, user, _workbook(rows))
    assert record.summary["counts"] == {"new": 0, "changed": 1, "unchanged": 9, "error": 0}
    assert [row["state"] for row in record.summary["rows"]][3] == "changed"
    record = _confirm(record, user)
    assert record.summary["imported"] == {"new": 0, "changed": 1, "unchanged": 9}
    assert plan.tasks.get(ordinal="2.b").product == "Tin bài và phóng sự"
