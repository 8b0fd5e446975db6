"""Importing the Phú Lâm appendices from Excel as an office types them, and getting them back out."""
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from openpyxl import load_workbook

from indicators.models import Comparator, Indicator
from plans.appendix.exports import appendix_workbook
from plans.appendix.preview import CREATE_UNIT, appendix_preview
from plans.appendix.readers import read_sheets
from plans.appendix.write import appendix_import
from plans.models import Plan, Section, Unit, UnitAlias
from tasks.models import Task, TimelineKind
from tests.workbooks import appendix_bytes, seed_rows, workbook_bytes

pytestmark = pytest.mark.django_db


def _sheets(data):
    return read_sheets(data, "phu-luc.xlsx")


@pytest.fixture
def empty_plan(users):
    area = Plan.objects.get(slug="phu-lam-55kh").area
    return Plan.objects.create(slug="phu-lam-moi", area=area, issuer="UBND xã Phú Lâm", title="Kế hoạch mới",
                               issued_year=2026, status="draft")


def _import(plan, data, user, mapping=None):
    preview = appendix_preview(plan=plan, sheets=_sheets(data), unit_mapping=mapping)
    assert preview.can_import, (preview.errors, preview.unknown_units)
    return preview, appendix_import(plan=plan, preview=preview, user=user, unit_mapping=mapping)


def test_the_two_appendices_import_into_25_indicators_and_21_tasks_in_5_sections(empty_plan, users):
    preview, counts = _import(empty_plan, appendix_bytes("indicators"), users["phulam-admin"])
    assert (preview.kind, preview.header_row, counts["new"]) == ("indicators", 5, 25)
    preview, counts = _import(empty_plan, appendix_bytes("tasks"), users["phulam-admin"])
    assert (preview.kind, counts["new"]) == ("tasks", 21)
    assert empty_plan.indicators.count() == 25 and empty_plan.tasks.count() == 21
    assert [s.title for s in empty_plan.sections.order_by("position")] == [
        "Nâng cao nhận thức và hoàn thiện cơ chế, chính sách", "Phát triển hạ tầng số, nền tảng số và dữ liệu số",
        "Thúc đẩy chuyển đổi số, đổi mới sáng tạo trong các ngành, lĩnh vực",
        "Phát triển khoa học, công nghệ và nguồn nhân lực", "Cải cách hành chính và bảo đảm an ninh thông tin"]
    # every target and timeline parsed, the leftovers cleaned, page-break rows joined
    e_citizens = empty_plan.indicators.get(ordinal="15")
    assert (e_citizens.target_text, e_citizens.target_comparator, e_citizens.target_value) == ("≥ 80", Comparator.AT_LEAST, 80)
    assert empty_plan.indicators.get(ordinal="11").target_text == "≥ 01"
    assert empty_plan.indicators.get(ordinal="10").content.endswith("chú trọng phát triển nhân lực trong khu vực doanh nghiệp")
    assert empty_plan.indicators.get(ordinal="16").is_qualitative
    assert all(t.starts_on and t.ends_on for t in empty_plan.tasks.all())
    assert empty_plan.tasks.get(ordinal="14").timeline_kind == TimelineKind.CONTINUOUS
    assert empty_plan.tasks.get(ordinal="5").title.endswith("tích hợp về kho dữ liệu dùng chung")
    police = empty_plan.tasks.get(ordinal="21")
    assert {u.name for u in police.support_units.all()} == {"Phòng Văn hóa - Xã hội", "Các cơ quan, đơn vị, phòng ban liên quan"}
    assert empty_plan.indicators.get(ordinal="1").history.first().history_user == users["phulam-admin"]


def _bullets_on_lines(sheet):
    """Row 15's cell as the signed document has it: its bullets on lines of their own (the seed text flattened them)."""
    for row in sheet.iter_rows():
        if row[0].value == "15":
            row[1].value = row[1].value.replace(": - ", ":\n- ").replace(". - ", ".\n- ")


def test_the_seeded_plan_already_holds_them_unchanged(users, without_year):
    plan = Plan.objects.get(slug="phu-lam-55kh")
    for kind in ("indicators", "tasks"):
        preview = appendix_preview(plan=plan, sheets=_sheets(appendix_bytes(kind, edit=_bullets_on_lines)))
        # Phụ lục II: 21 tasks, and row 15's five sub-items
        assert preview.count("unchanged") == (25 if kind == "indicators" else 26), [r.changes for r in preview.rows]


def test_reimporting_changes_nothing_and_a_corrected_file_updates_matched_rows(empty_plan, users):
    _import(empty_plan, appendix_bytes("indicators"), users["phulam-admin"])
    history_before = Indicator.history.count()
    preview, counts = _import(empty_plan, appendix_bytes("indicators"), users["phulam-admin"])
    assert counts == {"new": 0, "changed": 0, "unchanged": 25} and Indicator.history.count() == history_before

    def correct(sheet):
        for row in sheet.iter_rows():
            if row[0].value == "7":
                row[3].value = "30"
    preview, counts = _import(empty_plan, appendix_bytes("indicators", edit=correct), users["phulam-leader"])
    assert counts == {"new": 0, "changed": 1, "unchanged": 24}
    ioc = empty_plan.indicators.get(ordinal="7")
    assert ioc.target_value == 30 and ioc.history.first().history_user == users["phulam-leader"]
    assert empty_plan.indicators.count() == 25


def test_export_imports_back_to_the_same_data_and_escapes_formula_like_text(users, without_year):
    plan = Plan.objects.get(slug="phu-lam-55kh")
    Task.objects.filter(plan=plan, ordinal="1").update(product="=HYPERLINK(\"http://x\")")
    for kind in ("indicators", "tasks"):
        data = appendix_workbook(kind, plan)
        preview = appendix_preview(plan=plan, sheets=_sheets(data))
        assert preview.count("unchanged") == len(preview.rows) == (25 if kind == "indicators" else 26)  # 15.1-15.5
    sheet = load_workbook(io.BytesIO(appendix_workbook("tasks", plan))).active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(\"http://x\")")
    assert cell.data_type == "s" and cell.quotePrefix


def test_blank_templates_have_the_header_a_reader_finds():
    for kind, header in (("indicators", "Kết quả"), ("tasks", "Cơ quan chủ trì")):
        sheet = load_workbook(io.BytesIO(appendix_workbook(kind))).active
        assert header in [c.value for c in sheet[5]]


def test_unknown_units_are_shown_and_the_admin_maps_or_creates_them(empty_plan, users):
    rows = seed_rows("tasks")
    rows[2][2] = "Phòng Nông nghiệp"            # task 1's lead unit: matches nothing
    rows[3][2] = "P. Kinh tế xã"               # task 2's lead: another spelling of an existing unit
    data = workbook_bytes(rows)
    preview = appendix_preview(plan=empty_plan, sheets=_sheets(data))
    assert set(preview.unknown_units) == {"Phòng Nông nghiệp", "P. Kinh tế xã"} and not preview.can_import
    economic = Unit.objects.get(area__slug="phu-lam", name="Phòng Kinh tế")
    mapping = {"Phòng Nông nghiệp": CREATE_UNIT, "P. Kinh tế xã": str(economic.pk)}
    _import(empty_plan, data, users["phulam-admin"], mapping)
    created = Unit.objects.get(area__slug="phu-lam", name="Phòng Nông nghiệp")
    assert list(empty_plan.tasks.get(ordinal="1").lead_units.all()) == [created]
    assert list(empty_plan.tasks.get(ordinal="2").lead_units.all()) == [economic]
    assert UnitAlias.objects.filter(unit=economic, alias="P. Kinh tế xã").exists()  # known next time


def _counts():
    return (Indicator.objects.count(), Task.objects.count(), Section.objects.count(), Unit.objects.count())


def _zip_with(entries):
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def _formula(sheet):
    sheet["E10"] = "=SUM(A1:A3)"


BAD_FILES = {
    "renamed.csv.xlsx": ("STT,Nội dung\n1,abc\n".encode(), "không phải tệp Excel"),
    "scan.pdf.xlsx": (b"%PDF-1.7\n...", "không phải tệp Excel"),
    "empty.xlsx": (b"", "rỗng"),
    "corrupt.xlsx": (b"PK\x03\x04" + b"\x00" * 100, "bị hỏng"),
    "locked.xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "mật khẩu"),
    "word.xlsx": (_zip_with([("word/document.xml", "<w/>")]), "bị hỏng"),  # taken for a Word file, which is damaged
    "bomb.xlsx": (_zip_with([("xl/workbook.xml", "<w/>"), ("xl/worksheets/sheet1.xml", b"\0" * (3 * 1024 * 1024))]),
                  "giải nén ra"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_get_a_clear_message_and_change_nothing(users, name, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    data, message = BAD_FILES[name]
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        read_sheets(data, name)
    assert message in " ".join(refused.value.messages)
    assert _counts() == before


@pytest.mark.parametrize("case, build, message", [
    ("no header", lambda: workbook_bytes([["Báo cáo"], ["Không có bảng"]]), "Không trang nào"),
    ("formula", lambda: appendix_bytes("indicators", edit=_formula), "công thức"),
    ("too many rows", lambda: appendix_bytes("indicators"), "vượt giới hạn"),
    ("too large", lambda: appendix_bytes("indicators"), "vượt giới hạn"),
])
def test_unreadable_tables_are_refused_and_change_nothing(empty_plan, settings, case, build, message):
    if case == "too many rows":
        settings.IMPORT_MAX_ROWS = 10
    if case == "too large":
        settings.IMPORT_MAX_BYTES = 1000
    before = _counts()
    with pytest.raises(Exception) as refused:
        appendix_preview(plan=empty_plan, sheets=_sheets(build()))
    assert message in " ".join(getattr(refused.value, "messages", [str(refused.value)]))
    assert _counts() == before


def test_a_row_error_blocks_the_whole_import(empty_plan, users):
    rows = seed_rows("indicators")
    rows[3][3] = ""  # indicator 2 has no target
    preview = appendix_preview(plan=empty_plan, sheets=_sheets(workbook_bytes(rows)))
    assert preview.errors == [(4, "Dòng 4 thiếu kết quả cần đạt.")] and not preview.can_import
    with pytest.raises(ValueError):
        appendix_import(plan=empty_plan, preview=preview, user=users["phulam-admin"])
    assert empty_plan.indicators.count() == 0


def test_the_command_previews_with_dry_run_then_imports(empty_plan, users, tmp_path, capsys):
    path = tmp_path / "phu-luc-2.xlsx"
    path.write_bytes(appendix_bytes("tasks"))
    call_command("import_appendix", str(path), plan=empty_plan.slug, dry_run=True, user="phulam-admin")
    assert empty_plan.tasks.count() == 0 and "21 mới" in capsys.readouterr().out
    call_command("import_appendix", str(path), plan=empty_plan.slug, user="phulam-admin")
    assert empty_plan.tasks.count() == 21
