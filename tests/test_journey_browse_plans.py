"""A commune officer signs in, opens the commune's plan and reads its tasks, in a real Chromium."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_opens_commune_plan_and_sees_its_tasks(demo, live_server, page, sign_in):
    sign_in(page, "phulam-officer")
    assert page.locator("h1").inner_text() == "Việc của tôi"  # officers land on their own work
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Kế hoạch").click()
    assert page.locator("h1").inner_text() == "Danh sách kế hoạch"
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 3  # the province plan and Phú Lâm's two plans, nothing of Đại Phước

    # Two numberless drafts, each named by its title and date (Plan.display_name), never "Số: /KH-UBND" twice.
    assert page.get_by_role("link", name="Số: /KH-UBND").count() == 0
    page.get_by_role("link", name="Triển khai Kế hoạch số 55-KH/TU").click()
    page.wait_for_url("**/plans/phu-lam-55kh/")
    assert "KẾ HOẠCH" in page.locator("h1").inner_text()
    tasks = page.locator("table.tasks tbody tr")
    assert tasks.count() == 26  # 21 tasks and the five sub-items seed 002 lists inside task 15's cell
    assert page.get_by_text("Triển khai hệ thống điều hành giao thông thông minh").is_visible()
    assert page.locator("table.indicators tbody tr").count() == 25

    page.get_by_role("link", name="Triển khai hệ thống điều hành giao thông thông minh").click()
    assert page.locator("h1").inner_text() == "Nhiệm vụ 9"
    assert "Công an xã" in page.locator("dl.facts").first.inner_text()
    assert "Tạo mới" in page.locator("#history").inner_text()


def test_officer_of_another_commune_cannot_open_the_plan(demo, live_server, page, sign_in):
    sign_in(page, "daiphuoc-officer")
    response = page.goto(f"{live_server.url}/plans/phu-lam-55kh/")
    assert response.status == 404
