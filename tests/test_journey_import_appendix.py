"""Issue 3's journey: an admin imports both Phú Lâm appendices through the browser, previewing before writing."""
import pytest

from plans.models import Plan
from tests.workbooks import appendix_bytes, office_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_imports_both_appendices_with_preview_and_confirmation(demo, live_server, page, sign_in, tmp_path):
    area = Plan.objects.get(slug="phu-lam-55kh").area
    plan = Plan.objects.create(slug="phu-lam-2027", area=area, issuer="UBND xã Phú Lâm", title="Kế hoạch năm 2027",
                               issued_year=2026, status="draft")
    sign_in(page, "phulam-admin")
    for kind, expected in (("indicators", 25), ("tasks", 21)):
        path = tmp_path / f"phu-luc-{kind}.xlsx"
        path.write_bytes(appendix_bytes(kind))
        page.goto(f"{live_server.url}/plans/{plan.slug}/")
        page.get_by_role("link", name="Nhập phụ lục từ Excel").click()
        page.locator("input[name=file]").set_input_files(str(path))
        page.get_by_role("button", name="Tải lên và xem trước").click()
        page.locator("#import-counts").wait_for()
        assert f"{expected} mới" in page.locator("#import-counts").inner_text()
        assert page.locator("table.preview tbody tr.state-new").count() == expected
        assert plan.indicators.count() + plan.tasks.count() == (0 if kind == "indicators" else 25)  # nothing written yet
        if kind == "indicators":
            assert "≥ 80 → ≥ 80" in page.locator("table.preview").inner_text()
        else:
            assert "Giai đoạn 2026-2027 → 01/01/2026 – 31/12/2027 (Có thời hạn)" in page.locator("table.preview").inner_text()
        page.get_by_role("button", name="Xác nhận nhập").click()
        assert f"{expected} dòng mới" in page.locator(".message").first.inner_text()
    assert plan.indicators.count() == 25 and plan.tasks.count() == 21
    assert plan.sections.count() == 5
    page.get_by_role("link", name="Xem kế hoạch").click()
    assert page.locator("table.tasks tbody tr").count() == 21
    assert page.locator("table.indicators tbody tr").count() == 25


def _draft_plan_and_workbook(year, tmp_path):
    """A draft plan of Phú Lâm for `year`, and the office's workbook of both appendices on disk."""
    area = Plan.objects.get(slug="phu-lam-55kh").area
    plan = Plan.objects.create(slug=f"phu-lam-{year}", area=area, issuer="UBND xã Phú Lâm",
                               title=f"Kế hoạch năm {year}", issued_year=2026, status="draft")
    path = tmp_path / "phu-luc-i-ii.xlsx"
    path.write_bytes(office_workbook())
    return plan, path


def test_admin_imports_a_two_row_header_workbook_with_both_sheets_then_undoes_it(demo, live_server, page, sign_in,
                                                                                 tmp_path):
    plan, path = _draft_plan_and_workbook(2028, tmp_path)
    sign_in(page, "phulam-admin")
    page.goto(f"{live_server.url}/plans/{plan.slug}/")
    page.get_by_role("link", name="Nhập phụ lục từ Excel").click()
    page.locator("input[name=file]").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.locator("#import-counts").wait_for()
    assert "5 mới" in page.locator("#import-counts").inner_text()
    parts = page.locator("section.preview-part")
    assert parts.count() == 2
    assert "Phụ lục I – Chỉ tiêu" in parts.nth(0).inner_text() and "Phụ lục II – Nhiệm vụ" in parts.nth(1).inner_text()
    # The merged "Đơn vị thực hiện" header's units are read: lead and support columns filled.
    first_task = parts.nth(1).locator("tbody tr").first
    assert "Phòng Văn hóa - Xã hội" in first_task.locator("td.lead-units").inner_text()
    assert "Công an xã" in first_task.locator("td.support-units").inner_text()
    assert "không dưới 80% → ≥ 80 %" in parts.nth(0).inner_text()
    page.get_by_role("button", name="Xác nhận nhập").click()
    assert "5 dòng mới" in page.locator(".message").first.inner_text()
    assert plan.indicators.count() == 3 and plan.tasks.count() == 2
    page.get_by_role("button", name="Hoàn tác lần nhập").click()
    page.locator("#import-undone").wait_for()
    assert plan.indicators.count() == 0 and plan.tasks.count() == 0 and plan.sections.count() == 0
    page.get_by_role("link", name="Xem kế hoạch").click()
    assert page.locator("table.tasks tbody tr").count() == 0


@pytest.mark.worker
def test_an_import_that_is_not_tiny_is_previewed_imported_and_undone_by_jobs_the_page_follows(
        demo, live_server, page, sign_in, tmp_path, settings, celery_worker):
    from plans import jobs  # noqa: F401  registers the jobs by name in this process (see config/jobs.py)

    settings.IMPORT_INLINE_BYTES = 0  # every step goes to the worker; the page polls its state
    plan, path = _draft_plan_and_workbook(2029, tmp_path)
    sign_in(page, "phulam-admin")
    page.goto(f"{live_server.url}/plans/{plan.slug}/import/")
    page.locator("input[name=file]").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.locator("#import-counts").wait_for(timeout=60_000)
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.get_by_text("Đã nhập: 5 dòng mới").wait_for(timeout=60_000)
    assert plan.indicators.count() == 3 and plan.tasks.count() == 2
    page.get_by_role("button", name="Hoàn tác lần nhập").click()
    page.locator("#import-undone").wait_for(timeout=60_000)
    assert "phulam-admin" in page.locator("#import-undone").inner_text()
    assert plan.indicators.count() == 0 and plan.tasks.count() == 0 and plan.sections.count() == 0


def test_admin_uploads_a_table_with_its_total_note_and_signature_and_sees_what_was_left_out(demo, live_server, page,
                                                                                             sign_in, tmp_path):
    from tests.workbooks import footer_workbook_bytes

    area = Plan.objects.get(slug="phu-lam-55kh").area
    plan = Plan.objects.create(slug="phu-lam-2030", area=area, issuer="UBND xã Phú Lâm", title="Kế hoạch năm 2030",
                               issued_year=2026, status="draft")
    path = tmp_path / "phu-luc-ii-ban-ky.xlsx"
    path.write_bytes(footer_workbook_bytes("tasks"))
    sign_in(page, "phulam-admin")
    page.goto(f"{live_server.url}/plans/{plan.slug}/")
    page.get_by_role("link", name="Nhập phụ lục từ Excel").click()
    page.locator("input[name=file]").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.locator("#import-counts").wait_for()
    assert "21 mới" in page.locator("#import-counts").inner_text() and "0 lỗi" in page.locator("#import-counts").inner_text()
    skipped = page.locator(".skipped-rows li")
    assert skipped.count() == 4
    assert skipped.nth(0).inner_text() == "Dòng 39: dòng tổng cộng, không nhập: “Tổng cộng: 21 nhiệm vụ”."
    assert skipped.nth(1).inner_text().startswith("Dòng 41–43: ghi chú dưới bảng, không nhập: “Ghi chú:")
    assert skipped.nth(3).inner_text().startswith("Dòng 45–49: phần ký tên, không nhập: “Nơi nhận: | TM. ỦY BAN NHÂN DÂN")
    last = page.locator("table.preview tbody tr").last
    assert "Trung tâm điều hành tác chiến" in last.inner_text() and "Nguyễn Văn An" not in last.inner_text()
    page.get_by_role("button", name="Xác nhận nhập").click()
    assert "21 dòng mới" in page.locator(".message").first.inner_text()
    task = plan.tasks.get(ordinal="21")
    assert (task.title, task.product) == ("Triển khai Trung tâm điều hành tác chiến quản lý an ninh trật tự",
                                          "Hệ thống thông tin")
