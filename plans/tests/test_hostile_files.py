"""Small files that claim huge tables (issue 21 point 3, issue 24's formatted last row): each format's reader
is bounded by the cells a file really holds. Each file is read in a child process whose peak memory is
asserted; a refusal names the cell, the row or the limit in Vietnamese."""
import io

import pytest
from django.core.exceptions import ValidationError

from plans.appendix.readers import read_sheets
from plans.models import AssignmentImport
from tests import files

from . import hostile_files as hostile

# The Django process alone peaks near 85 MB; each of these files, read before the bounds, took 0.9 to 4 GB.
PEAK_MB = 200
CATALOGUE = {name: (build, expected) for name, build, expected in hostile.catalogue()}


# One case per hostile file, named by its format: xlsx (column letters, the last row, shared strings), docx
# (gridSpan, vMerge), xls (cells at (65535, 255)), ods (rows and columns repeated, repeated spaces).
@pytest.mark.parametrize("name", list(CATALOGUE))
def test_each_format_reads_the_cells_a_file_holds_not_the_coordinates_it_claims(name, tmp_path):
    build, expected = CATALOGUE[name]
    result, peak = hostile.run_reader(build(), name, tmp_path)
    if isinstance(expected, int):
        assert result.get("items") == expected, result
    else:
        assert expected in result.get("refused", ""), result
    assert peak < PEAK_MB


def test_refusals_name_the_cell_and_the_limit():
    with pytest.raises(ValidationError) as refused:
        read_sheets(hostile.xlsx([(3, "ZZZZZ", "x")]), "xa.xlsx")
    assert refused.value.messages == [
        "Ô ZZZZZ3 trang “Phụ lục II” có nội dung ở cột 12.356.630, ngoài cột cuối cùng một bảng tính có (XFD, "
        "cột thứ 16.384). Hãy xoá ô đó rồi tải lên lại."]
    with pytest.raises(ValidationError) as refused:
        read_sheets(hostile.docx(span=40_000_000, span_then_text=True), "ke-hoach.docx")
    assert refused.value.messages == [
        "Bảng “PHỤ LỤC II”, dòng 1: các ô gộp (gridSpan) đẩy nội dung sang cột thứ 40.000.006, quá 16.384 cột. "
        "Hãy bỏ gộp các ô ở dòng đó trong Word rồi tải lên lại."]


def test_a_cell_merged_down_gives_each_row_its_text_and_a_span_keeps_the_text_once():
    sheet, = read_sheets(hostile.docx(span=3, merged_rows=3), "ke-hoach.docx")
    assert sheet.rows[0] == hostile.HEADER
    assert [row[2] for row in sheet.rows[7:]] == ["Phòng Kinh tế"] * 3
    assert [row[1] for row in sheet.rows[7:]] == ["Nhiệm vụ số 7", "Nhiệm vụ số 8", "Nhiệm vụ số 9"]


def test_word_tables_under_the_same_heading_get_titles_of_their_own():
    from docx import Document

    document = Document()
    for heading in ("PHỤ LỤC (3)", "PHỤ LỤC", "PHỤ LỤC"):
        document.add_paragraph(heading)
        document.add_table(rows=1, cols=1).cell(0, 0).text = "STT"
    buffer = io.BytesIO()
    document.save(buffer)
    assert [sheet.title for sheet in read_sheets(buffer.getvalue(), "ke-hoach.docx")] == [
        "PHỤ LỤC (3)", "PHỤ LỤC", "PHỤ LỤC (4)"]


def test_memory_counts_the_positions_kept_up_to_a_far_cell(settings):
    settings.IMPORT_MAX_READ_BYTES = 2048  # a row with text at column BZ keeps 78 positions: 624 bytes and more
    with pytest.raises(ValidationError) as refused:
        read_sheets(hostile.xlsx([(n, "BZ", "x") for n in range(1, 9)]), "rong.xlsx")
    assert refused.value.messages == [
        "Tệp quá lớn để đọc một lần: đến dòng 2 trang “Phụ lục II”, nội dung đã cần hơn 2,0\xa0KB bộ nhớ, giới hạn "
        "một lần nhập. Hãy chia nhỏ tệp hoặc xoá các cột, dòng không dùng."]
    settings.IMPORT_MAX_READ_BYTES = 8192
    sheet, = read_sheets(hostile.xlsx([(n, "F", "x") for n in range(1, 9)]), "hep.xlsx")
    assert [row[1] for row in sheet.rows[2:]] == [task[1] for task in hostile.TASKS]


# The assignment workbook ("Phân công nhiệm vụ") reads uploads through the same readers, inside the request.

ASSIGNMENT_HEADER = ["STT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Cán bộ phụ trách", "Sản phẩm",
                     "Thời gian", "Thẩm quyền"]
ASSIGNMENT_ROWS = [["PHÂN CÔNG NHIỆM VỤ"], ASSIGNMENT_HEADER, ["1.1", "Phát triển hạ tầng (02)"],
                   ["1", "", "Phòng Văn hóa - Xã hội"]]


@pytest.mark.django_db
def test_the_assignment_workbook_refuses_a_far_column_and_reads_past_a_formatted_last_row(client, users, tmp_path):
    far = hostile.xlsx([(1, "ZZZZZ", "x")], rows=ASSIGNMENT_ROWS)
    result, peak = hostile.run_reader(far, "phan-cong.xlsx", tmp_path, through="assignment")
    assert "ZZZZZ1" in result["refused"] and peak < PEAK_MB
    client.force_login(users["daiphuoc-admin"])
    response = client.post("/plans/dai-phuoc-2026/assignment/import/", {"file": files.upload("phan-cong.xlsx", far)})
    assert response.status_code == 400 and "Ô ZZZZZ1" in response.content.decode()
    assert not AssignmentImport.objects.exists()

    formatted = hostile.xlsx([(hostile.LAST_ROW, "A", None), (hostile.LAST_ROW, "XFD", None)], rows=ASSIGNMENT_ROWS)
    result, peak = hostile.run_reader(formatted, "phan-cong.xlsx", tmp_path, through="assignment")
    assert result["rows"] == {"Phụ lục II": 4} and peak < PEAK_MB
    response = client.post("/plans/dai-phuoc-2026/assignment/import/",
                           {"file": files.upload("phan-cong.xlsx", formatted)})
    record = AssignmentImport.objects.get()
    assert response.status_code == 302 and record.status == AssignmentImport.Status.PREVIEWED
    assert [change["label"] for change in record.summary["changes"]] == ["Chỉ tiêu 1.1. (1)"]


# Issue 24: one formatted empty cell on the sheet's last row refused a six-task file as "more than 150,000 rows".

@pytest.mark.django_db
def test_a_six_task_workbook_with_a_formatted_cell_on_row_1048576_imports_its_six_tasks(users):
    from plans.appendix.preview import appendix_preview
    from plans.appendix.write import appendix_import
    from plans.models import Plan

    area = Plan.objects.get(slug="phu-lam-55kh").area
    plan = Plan.objects.create(slug="phu-lam-moi", area=area, issuer="UBND xã Phú Lâm", title="Kế hoạch mới",
                               issued_year=2026, status="draft")
    preview = appendix_preview(plan=plan, sheets=read_sheets(hostile.xlsx_formatted_last_row(), "sau-nhiem-vu.xlsx"))
    assert preview.errors == [] and preview.can_import
    appendix_import(plan=plan, preview=preview, user=users["phulam-admin"])
    assert list(plan.tasks.order_by("position").values_list("ordinal", flat=True)) == ["1", "2", "3", "4", "5", "6"]
