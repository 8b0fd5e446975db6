"""Workbooks with their footers (issue 24, point 5): what offices type under a table (totals, notes, footnotes, the
signature block) is never glued onto an item, several units in one cell are split before they are matched, empty
formatted rows anywhere are harmless, and the preview names the columns it did not import."""
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from plans.appendix import INDICATORS, TASKS
from plans.appendix.preview import CREATE_UNIT
from plans.appendix.readers import read_sheets
from plans.appendix.services import preview_summary
from plans.appendix.write import appendix_import
from plans.models import Unit, UnitAlias
from plans.units import UnitDirectory
from tests.workbooks import (TITLES, appendix_bytes, docx_bytes, footer_rows, footer_workbook_bytes, ods_bytes,
                             office_sheet, preview_of, seed_rows, workbook_bytes, xls_bytes)

pytestmark = pytest.mark.django_db
_preview = preview_of


@pytest.fixture
def plan(draft_plan):
    return draft_plan


def _items(plan, kind):
    """Every imported item's own words, in order."""
    if kind == INDICATORS:
        return list(plan.indicators.order_by("position").values_list(
            "ordinal", "content", "target_text", "target_value", "unit_of_measure"))
    return list(plan.tasks.order_by("position").values_list("ordinal", "title", "product", "timeline_text"))


HEADER = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm", "Thời gian thực hiện"]


def _xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# 1. The seed plans' own tables, retyped with a title block, a total row, a note, a footnote and a signature.

SKIPPED = {
    INDICATORS: [
        "Dòng 33: dòng tổng cộng, không nhập: “Tổng cộng | 25 chỉ tiêu”.",
        "Dòng 35–37: ghi chú dưới bảng, không nhập: “Ghi chú: / - Số liệu năm 2025 là số ước thực hiện; / - Các chỉ "
        "tiêu định tính được đánh giá theo mức độ hoàn thành.”.",
        "Dòng 38: chú thích dưới bảng, không nhập: “(*) Chỉ tiêu do Sở Khoa học và Công nghệ hướng dẫn cách tính.”.",
        "Dòng 39–43: phần ký tên, không nhập: “Nơi nhận: | TM. ỦY BAN NHÂN DÂN / - Như trên; | KT. CHỦ TỊCH / - Lưu: "
        "VT, VH-XH. | PHÓ CHỦ TỊCH / Nguyễn Văn An”.",
    ],
    TASKS: [
        "Dòng 39: dòng tổng cộng, không nhập: “Tổng cộng: 21 nhiệm vụ”.",
        "Dòng 41–43: ghi chú dưới bảng, không nhập: “Ghi chú: / - Số liệu năm 2025 là số ước thực hiện; / - Các chỉ "
        "tiêu định tính được đánh giá theo mức độ hoàn thành.”.",
        "Dòng 44: chú thích dưới bảng, không nhập: “(*) Chỉ tiêu do Sở Khoa học và Công nghệ hướng dẫn cách tính.”.",
        "Dòng 45–49: phần ký tên, không nhập: “Nơi nhận: | TM. ỦY BAN NHÂN DÂN / - Như trên; | KT. CHỦ TỊCH / - Lưu: "
        "VT, VH-XH. | PHÓ CHỦ TỊCH / Nguyễn Văn An”.",
    ],
}


@pytest.mark.parametrize("kind, count", [(INDICATORS, 25), (TASKS, 21)])
def test_a_seed_table_with_its_title_total_note_footnote_and_signature_imports_with_nothing_glued_on(
        plan, users, kind, count):
    admin = users["phulam-admin"]
    bare = _preview(plan, appendix_bytes(kind))
    preview = _preview(plan, footer_workbook_bytes(kind))
    assert preview.can_import, (preview.errors, preview.unknown_units)
    assert [row.values for row in preview.rows] == [row.values for row in bare.rows]
    assert [message for _row, message in preview.parts[0].skipped_rows] == SKIPPED[kind]
    appendix_import(plan=plan, preview=preview, user=admin)
    imported = _items(plan, kind)
    assert len(imported) == count
    appendix_import(plan=plan, preview=_preview(plan, appendix_bytes(kind)), user=admin)
    assert _items(plan, kind) == imported  # the bare table changes nothing: nothing was glued on
    last = imported[-1]
    assert not any(word in " ".join(str(value) for value in last)
                   for word in ("Tổng cộng", "Ghi chú", "(*)", "ỦY BAN", "CHỦ TỊCH", "Nguyễn Văn An"))


def test_a_total_row_under_an_item_cut_by_a_page_break_takes_nothing_from_it(plan):
    # Indicator 10 runs on after a page break (its continuation is joined), then the total "Tổng cộng | 10 chỉ tiêu".
    rows = seed_rows(INDICATORS)[:13]
    data = workbook_bytes(rows + footer_rows(INDICATORS, len(rows[0]), count=10), titles=TITLES[INDICATORS])
    preview = _preview(plan, data)
    assert preview.can_import, preview.errors
    last = preview.rows[-1]
    assert last.ordinal == "10" and last.values["content"].endswith("chú trọng phát triển nhân lực trong khu vực doanh nghiệp")
    assert (last.values["target_text"], last.values["target_value"]) == ("4", 4)


# The same footers in the other formats the import reads (in Word the signature is outside the table).

def _with_footers(kind):
    rows = seed_rows(kind)
    return rows + footer_rows(kind, len(rows[0]), count=25 if kind == INDICATORS else 21)


@pytest.mark.parametrize("name, build", [
    ("phu-luc.xls", lambda: xls_bytes({"Phụ lục I": _with_footers(INDICATORS), "Phụ lục II": _with_footers(TASKS)})),
    ("phu-luc.ods", lambda: ods_bytes({"Phụ lục I": _with_footers(INDICATORS), "Phụ lục II": _with_footers(TASKS)})),
    ("ke-hoach.docx", lambda: docx_bytes(
        {"PHỤ LỤC I": _with_footers(INDICATORS)[:-5], "PHỤ LỤC II": _with_footers(TASKS)[:-5]},
        after=["Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"])),
])
def test_footers_are_skipped_in_xls_ods_and_the_plans_word_file_too(plan, users, name, build):
    preview = _preview(plan, build(), name)
    assert preview.can_import, preview.errors
    assert [part.kind for part in preview.parts] == [INDICATORS, TASKS]
    bare = {kind: [row.values for row in _preview(plan, appendix_bytes(kind)).rows] for kind in (INDICATORS, TASKS)}
    for part in preview.parts:
        assert [row.values for row in part.rows] == bare[part.kind]
        kinds = [message.split(":")[1].split(",")[0].strip() for _row, message in part.skipped_rows]
        expected = ["dòng tổng cộng", "ghi chú dưới bảng", "chú thích dưới bảng"]
        assert kinds == (expected if name.endswith(".docx") else [*expected, "phần ký tên"])


# 2. What the preview says it skipped, and what it refuses.

def test_the_preview_page_lists_the_skipped_lines_and_the_footers_never_block_the_import(plan, client, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users["phulam-admin"])
    upload = SimpleUploadedFile("phu-luc-ii.xlsx", footer_workbook_bytes(TASKS))
    page = client.get(client.post(f"/plans/{plan.slug}/import/", {"file": upload}).url)
    summary = page.context["summary"]
    assert summary["can_import"] and summary["error_count"] == 0 and summary["counts"]["new"] == 21
    assert [message for _row, message in summary["parts"][0]["skipped_rows"]] == SKIPPED[TASKS]
    html = page.content.decode()
    assert "Dòng dưới bảng không nhập" in html
    assert "Dòng 45–49: phần ký tên, không nhập: “Nơi nhận: | TM. ỦY BAN NHÂN DÂN" in html


def test_an_item_under_a_note_is_refused_with_its_row_and_the_reason(plan):
    rows = [HEADER, ["1", "Rà soát quy trình", "Phòng Kinh tế", None, "Báo cáo", "Năm 2026"],
            ["Ghi chú: số liệu tạm tính"],
            ["2", "Số hóa hồ sơ", "Phòng Kinh tế", None, "Kho số", "Năm 2026"]]
    preview = _preview(plan, _xlsx(rows))
    assert not preview.can_import
    assert preview.errors == [(4, "Dòng 4 có STT và nội dung nhưng nằm dưới ghi chú dưới bảng (dòng 3): không rõ có "
                                  "phải một mục của bảng. Hãy đưa mục đó lên trên, hoặc xoá STT nếu nó thuộc ghi chú "
                                  "dưới bảng.")]
    assert [row.values["title"] for row in preview.rows] == ["Rà soát quy trình"]


def test_a_total_row_between_sections_is_skipped_and_does_not_take_the_next_rows_text(plan):
    rows = [HEADER, ["I", "Hạ tầng số"], ["1", "Rà soát quy trình", "Phòng Kinh tế", None, "Báo cáo", "Năm 2026"],
            [None, "Cộng mục I", None, None, "1 nhiệm vụ"], ["TỔNG CỘNG", None, None, None, "1"],
            ["II", "Dữ liệu số"], ["1", "Số hóa hồ sơ", "Phòng Kinh tế", None, "Kho số", "Năm 2026"],
            ["2", "Công an xã số", "Công an xã", None, "Dữ liệu", "Năm 2026"]]
    preview = _preview(plan, _xlsx(rows))
    assert preview.can_import, preview.errors
    assert [(row.ordinal, row.values["title"], row.values["product"]) for row in preview.rows] == [
        ("1", "Rà soát quy trình", "Báo cáo"), ("1", "Số hóa hồ sơ", "Kho số"), ("2", "Công an xã số", "Dữ liệu")]
    assert [row for row, _message in preview.parts[0].skipped_rows] == [4, 5]


def test_a_row_that_only_starts_like_a_total_or_a_signer_is_still_an_item(plan):
    rows = [HEADER, ["1", "Tổng kết 5 năm chuyển đổi số", "Phòng Kinh tế", None, "Báo cáo", "Năm 2030"],
            ["2", "Công khai kết quả", "Công an xã", None, "Chủ tịch", "Năm 2026"]]
    preview = _preview(plan, _xlsx(rows))
    assert preview.can_import and len(preview.rows) == 2 and not preview.parts[0].skipped_rows


# 3. The columns the preview did not import, by their header text.

def test_the_preview_names_every_column_it_did_not_import(plan, client, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    header = [["STT", "Nhiệm vụ", "Kinh phí (triệu đồng)", "Cơ quan thực hiện", None, "Sản phẩm", "Thời gian thực hiện",
               "Ghi chú", "Thời hạn hoàn thành"],
              [None, None, None, "Chủ trì", "Phối hợp", None, None, None, None]]
    rows = [["1", "Rà soát quy trình", "200", "Phòng Kinh tế", None, "Báo cáo", "Năm 2026", "Ưu tiên", "Quý IV/2026"]]
    book = Workbook()
    office_sheet(book.active, header, rows)
    buffer = io.BytesIO()
    book.save(buffer)
    preview = _preview(plan, buffer.getvalue())
    assert preview.parts[0].ignored_columns == [(2, "Kinh phí (triệu đồng)"), (7, "Ghi chú"), (8, "Thời hạn hoàn thành")]
    assert preview.rows[0].values["timeline_text"] == "Năm 2026"  # the first of two columns naming a field wins
    client.force_login(users["phulam-admin"])
    page = client.get(client.post(f"/plans/{plan.slug}/import/",
                                  {"file": SimpleUploadedFile("phu-luc.xlsx", buffer.getvalue())}).url)
    assert page.context["summary"]["parts"][0]["ignored_columns"] == [
        ["C", "Kinh phí (triệu đồng)"], ["H", "Ghi chú"], ["I", "Thời hạn hoàn thành"]]
    assert ("Cột không nhập: “Kinh phí (triệu đồng)” (cột C); “Ghi chú” (cột H); “Thời hạn hoàn thành” (cột I)"
            in page.content.decode())


def test_a_table_whose_every_column_is_read_names_none(plan):
    preview = _preview(plan, appendix_bytes(TASKS))
    assert preview.parts[0].ignored_columns == [] and preview_summary(preview)["parts"][0]["ignored_columns"] == []


# 4. Several units in one cell, split before they are matched.

def _directory(plan):
    return UnitDirectory(plan.area)


def _resolved(plan, cell):
    units, unknown = _directory(plan).resolve(cell)
    return [unit.name for unit in units], unknown


def test_units_split_on_commas_semicolons_and_line_breaks_before_matching(plan):
    assert _resolved(plan, "UBMTTQ xã, Đoàn TN xã") == ([], ["UBMTTQ xã", "Đoàn TN xã"])
    assert _resolved(plan, "CA xã\nP. VH-XH") == (["Phòng Văn hóa - Xã hội"], ["CA xã"])
    assert _resolved(plan, "Phòng Kinh tế; Công an xã\nTrạm y tế") == (["Phòng Kinh tế", "Công an xã", "Trạm y tế"], [])
    assert _resolved(plan, "Văn phòng HĐND& UBND xã. Phòng Văn hóa -Xã hội xã") == (
        ["Văn phòng HĐND & UBND xã", "Phòng Văn hóa - Xã hội"], [])
    UnitAlias.objects.create(unit=Unit.objects.get(area=plan.area, name="Công an xã"), alias="CA xã")
    assert _resolved(plan, "CA xã\nP. VH-XH") == (["Công an xã", "Phòng Văn hóa - Xã hội"], [])


def test_a_name_with_commas_that_a_unit_or_alias_holds_stays_whole(plan):
    assert _resolved(plan, "Sở Văn hóa, Thể thao và Du lịch") == (["Sở Văn hóa, Thể thao và Du lịch"], [])
    assert _resolved(plan, "Các cơ quan, đơn vị, phòng ban") == (["Các cơ quan, đơn vị, phòng ban liên quan"], [])
    assert _resolved(plan, "Phòng Kinh tế, Các cơ quan, đơn vị, phòng ban liên quan") == (
        ["Phòng Kinh tế", "Các cơ quan, đơn vị, phòng ban liên quan"], [])
    # Unknown: an abbreviation keeps its full stop, a collective name its lower-case pieces.
    assert _resolved(plan, "P. Nông nghiệp, Các hội, đoàn thể liên quan, Hội Nông dân xã") == (
        [], ["P. Nông nghiệp", "Các hội, đoàn thể liên quan", "Hội Nông dân xã"])


def test_create_unit_creates_each_unit_of_a_cell_apart(plan, users):
    rows = [HEADER, ["1", "Tuyên truyền chuyển đổi số", "Phòng Văn hóa - Xã hội", "UBMTTQ xã, Đoàn TN xã",
                             "Tin bài", "Năm 2026"],
            ["2", "An ninh mạng", "CA xã\nP. VH-XH", None, "Báo cáo", "Năm 2026"]]
    data = _xlsx(rows)
    preview = _preview(plan, data)
    assert preview.unknown_units == {"UBMTTQ xã": [2], "Đoàn TN xã": [2], "CA xã": [3]}
    mapping = {"UBMTTQ xã": CREATE_UNIT, "Đoàn TN xã": CREATE_UNIT,
               "CA xã": str(Unit.objects.get(area=plan.area, name="Công an xã").pk)}
    preview = _preview(plan, data, unit_mapping=mapping)
    appendix_import(plan=plan, preview=preview, user=users["phulam-admin"], unit_mapping=mapping)
    assert sorted(plan.tasks.get(ordinal="1").support_units.values_list("name", flat=True)) == [
        "UBMTTQ xã", "Đoàn TN xã"]
    assert sorted(plan.tasks.get(ordinal="2").lead_units.values_list("name", flat=True)) == [
        "Công an xã", "Phòng Văn hóa - Xã hội"]
    assert not Unit.objects.filter(name__in=["UBMTTQ xã, Đoàn TN xã", "CA xã P. VH-XH"]).exists()


# 5. Empty formatted rows anywhere are harmless; the row limit counts rows with content.

def _six_tasks(edit):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for n in range(1, 7):
        sheet.append([str(n), f"Nhiệm vụ số {n}", "Phòng Kinh tế", None, "Báo cáo", "Năm 2026"])
    edit(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_formatted_cell_or_a_space_on_row_1048576_leaves_a_six_task_file_its_six_tasks(plan, users, settings):
    def formatted(sheet):
        sheet.cell(1_048_576, 1).fill = PatternFill("solid", fgColor="FFFF00")
        sheet.cell(1_048_575, 6).value = "   "
        for row in range(8, 2_000):
            sheet.cell(row, 2).fill = PatternFill("solid", fgColor="FFFF00")
    data = _six_tasks(formatted)
    preview = _preview(plan, data)
    assert preview.can_import and preview.count("new") == 6
    settings.IMPORT_MAX_ROWS = 7  # the header and six tasks: the formatted rows count for nothing
    appendix_import(plan=plan, preview=_preview(plan, data), user=users["phulam-admin"])
    assert list(plan.tasks.order_by("position").values_list("ordinal", flat=True)) == ["1", "2", "3", "4", "5", "6"]


def test_the_row_limit_counts_rows_with_text_wherever_they_are(plan, settings):
    def far(sheet):
        sheet.cell(1_048_576, 2).value = "Ghi chú: hết bảng"
    settings.IMPORT_MAX_ROWS = 8
    preview = _preview(plan, _six_tasks(far))
    assert preview.can_import and preview.parts[0].skipped_rows == [
        (1_048_576, "Dòng 1048576: ghi chú dưới bảng, không nhập: “Ghi chú: hết bảng”.")]
    settings.IMPORT_MAX_ROWS = 7
    with pytest.raises(ValidationError, match="ô B1048576, quá 7 dòng có nội dung"):
        _preview(plan, _six_tasks(far))


def test_a_million_formatted_rows_never_reach_the_xml_callbacks(monkeypatch):
    from plans.appendix.readers import Rows
    from plans.tests import hostile_files as hostile

    rows = "".join(f'<row r="{n}" spans="1:6"><c r="A{n}" s="1"/><c r="F{n}" s="1"></c></row>'
                   for n in range(9, hostile.LAST_ROW))
    data = hostile.xlsx(extra_xml=rows + '<row r="1048576"><c r="B1048576" t="inlineStr"><is><t>x</t></is></c></row>')
    added = []
    keep = Rows.add
    monkeypatch.setattr(Rows, "add", lambda self, number, values: (added.append(number), keep(self, number, values)))
    sheet = read_sheets(data, "sau-nhiem-vu.xlsx")[0]
    assert [row[1] for row in sheet.rows if len(row) > 1][1:] == [f"Nhiệm vụ số {n} về chuyển đổi số" for n in range(1, 7)] + ["x"]
    assert len(added) < 5_000  # the rows the parser saw: a few at each 64 KB cut of the part, not a million
