"""Issue 3's journey: an admin imports both Phú Lâm appendices through the browser, previewing before writing."""
import pytest

from plans.models import Plan
from tests.workbooks import appendix_bytes

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
            assert "≥ 80 → >= 80" in page.locator("table.preview").inner_text()
        else:
            assert "Giai đoạn 2026-2027 → 2026-01-01 – 2027-12-31 (Có thời hạn)" in page.locator("table.preview").inner_text()
        page.get_by_role("button", name="Xác nhận nhập").click()
        assert f"{expected} dòng mới" in page.locator(".message").first.inner_text()
    assert plan.indicators.count() == 25 and plan.tasks.count() == 21
    assert plan.sections.count() == 5
    page.get_by_role("link", name="Xem kế hoạch").click()
    assert page.locator("table.tasks tbody tr").count() == 21
    assert page.locator("table.indicators tbody tr").count() == 25
