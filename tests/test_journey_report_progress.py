"""Issue 4's journey: an officer reports progress from "My work"; no update is lost; support units only read."""
import pytest

from conftest import screen_page
from tasks.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TASK_TITLE = "Xây dựng Đề án thí điểm cơ chế đặt hàng công nghệ"


def _task():
    return Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")


def _fill_report(scope, progress, note):
    scope.locator("input[name=progress]").fill(str(progress))
    scope.locator("textarea[name=achievements]").fill(note)
    if scope.locator("textarea[name=difficulties]").is_visible():  # shown only when the figure is behind schedule
        scope.locator("textarea[name=difficulties]").fill("Chưa bố trí được kinh phí")
        scope.locator("textarea[name=proposals]").fill("Đề nghị Phòng Kinh tế bố trí kinh phí")


@pytest.mark.parametrize("screen", ["phone", "desk"])
def test_officer_reports_40_percent_inline_and_sees_bar_schedule_and_history(demo, live_server, browser, sign_in,
                                                                             screen):
    with screen_page(browser, screen) as page:
        sign_in(page, "phulam-officer")
        assert "/tasks/my-work/" in page.url  # officers land on their own work
        row = page.locator("tbody.work-item", has_text=TASK_TITLE)
        assert "0%" in row.locator("tr").first.inner_text()
        row.get_by_role("link", name="Cập nhật").click()
        form = row.locator("form.report-form")
        form.wait_for()
        _fill_report(form, 40, "Đã xây dựng dự thảo đề án")
        save = form.get_by_role("button", name="Lưu tiến độ")
        box = save.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]  # in reach, not off the side
        save.click()

        row = page.locator("tbody.work-item", has_text=TASK_TITLE)
        row.locator("progress[value='40']").wait_for()
        assert "40%" in row.inner_text() and "Lộ trình" in row.inner_text()
        assert row.locator("form").count() == 0  # the inline form closed after saving
        assert "Đã lưu tiến độ 40%" in row.locator("[role=status]").inner_text()  # confirmed in place
        assert "/tasks/my-work/" in page.url  # no page change: htmx swapped the row

        row.get_by_role("link", name=TASK_TITLE).click()
        assert page.locator("#task-progress progress").get_attribute("value") == "40"
        assert "Lộ trình hôm nay" in page.locator("#task-progress").inner_text()
        updates = page.locator("#updates")
        assert "0% → 40%" in updates.inner_text() and "Đã xây dựng dự thảo đề án" in updates.inner_text()
        history = page.locator("#history")
        history.scroll_into_view_if_needed()
        assert history.is_visible()  # the history is there on a phone too, not cut off
        assert "Cán bộ Phòng VH-XH xã Phú Lâm" in history.inner_text()
        assert "Tiến độ (%): 0 → 40" in history.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_second_session_saving_the_same_task_is_refused(demo, live_server, browser, sign_in):
    first = browser.new_context().new_page()
    second = browser.new_context().new_page()
    sign_in(first, "phulam-officer")
    sign_in(second, "phulam-admin")
    url = f"{live_server.url}/tasks/{_task().pk}/report/"
    first.goto(url)
    second.goto(url)
    _fill_report(first, 40, "Bản của cán bộ")
    _fill_report(second, 70, "Bản của quản trị")
    first.get_by_role("button", name="Lưu tiến độ").click()
    first.wait_for_url("**/tasks/*/")
    with second.expect_response(url) as response:
        second.get_by_role("button", name="Lưu tiến độ").click()
    assert response.value.status == 409
    alert = second.locator("[role=alert]").inner_text()
    assert "vừa cập nhật nhiệm vụ này" in alert and "40%" in alert
    assert second.locator("input[name=progress]").input_value() == "40"  # the newer figure is shown
    assert second.locator("textarea[name=achievements]").input_value() == "Bản của quản trị"  # their text kept
    task = _task()
    assert task.progress == 40 and task.updates.count() == 1


def test_support_unit_officer_reads_but_cannot_change(demo, live_server, page, sign_in):
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="9")  # led by the police, supported by Economics
    sign_in(page, "phulam-economic")
    page.goto(f"{live_server.url}/tasks/my-work/?role=support")
    row = page.locator("tbody.work-item", has_text="Triển khai hệ thống điều hành giao thông thông minh")
    assert "Phối hợp" in row.inner_text()
    assert row.get_by_role("link", name="Cập nhật").count() == 0
    response = page.goto(f"{live_server.url}/tasks/{task.pk}/report/")
    assert response.status == 403
    forged = page.request.post(f"{live_server.url}/tasks/{task.pk}/report/", form={
        "version": "1", "period": "2026-11", "progress": "90", "achievements": "Giả mạo"},
        headers={"X-CSRFToken": next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")})
    assert forged.status == 403
    task.refresh_from_db()
    assert task.progress == 0
