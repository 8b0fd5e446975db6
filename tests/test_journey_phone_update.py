"""Issue 13's journey: an officer on a phone signs in, lands on "My work" and updates a task without scrolling."""
import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.utils import timezone

from conftest import SCREENS, screen_page
from tasks.models import ProgressUpdate, Task
from tests.a11y import assert_accessible

User = get_user_model()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_officer_updates_the_first_task_on_a_phone_without_scrolling(demo, live_server, phone, sign_in):
    sign_in(phone, "phulam-officer")
    assert "/tasks/my-work/" in phone.url
    update = phone.locator("tbody.work-item a.update").first
    box = update.bounding_box()
    assert box["y"] + box["height"] <= 844, f"the first update control is {box['y']:.0f} px down"
    assert box["height"] >= 44 and box["width"] >= 44
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no page wider than the screen
    assert not Axe().run(phone).violations_count

    row = phone.locator("tbody.work-item").first
    task = Task.objects.get(pk=int(row.get_attribute("id").rsplit("-", 1)[1]))
    update.tap()
    form = row.locator("form.report-form")
    form.wait_for()
    slider = form.locator("input[type=range]")
    assert slider.input_value() == str(task.progress)  # prefilled from the last figure
    expected = int(form.get_attribute("data-expected") or 0)
    figure = min(95, max(task.progress, -(-expected // 5) * 5))  # on schedule where a plain update can be
    slider.fill(str(figure))
    assert form.locator("input[name=progress]").input_value() == str(figure)
    form.locator("textarea[name=achievements]").fill("Đã hoàn thành dự thảo, trình UBND xã")
    if figure >= expected:
        assert form.locator("textarea[name=difficulties]").is_hidden()  # on schedule: nothing more is asked
    else:  # late in the year the schedule passes 95%
        form.locator("textarea[name=difficulties]").fill("Thiếu kinh phí")
        form.locator("textarea[name=proposals]").fill("Bổ sung kinh phí")
    form.get_by_role("button", name="Lưu tiến độ").tap()

    row = phone.locator(f"#work-task-{task.pk}")
    row.locator("[role=status]").wait_for()
    assert f"Đã lưu tiến độ {figure}%" in row.locator("[role=status]").inner_text()
    assert row.locator(f"progress[value='{figure}']").count() == 1
    assert "/tasks/my-work/" in phone.url
    task.refresh_from_db()
    assert task.progress == figure and task.updates.count() == 1
    assert not Axe().run(phone).violations_count


def test_the_fields_a_rule_requires_appear_as_the_figure_calls_for_them(demo, live_server, page, sign_in):
    sign_in(page, "phulam-officer")
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    task.progress = 50
    task.save()
    page.goto(f"{live_server.url}/tasks/{task.pk}/report/")
    form = page.locator("form.report-form")
    expected = int(form.get_attribute("data-expected"))
    assert 5 < expected < 100, "the seed task should be part way through its schedule"
    difficulties, reason = form.locator("textarea[name=difficulties]"), form.locator("textarea[name=reason]")
    evidence = form.locator("input[name=file_1]")

    form.locator("input[name=progress]").fill(str(max(expected, 55)))
    assert difficulties.is_hidden() and reason.is_hidden() and evidence.is_hidden()
    form.locator("input[name=progress]").fill(str(expected - 1))  # under the schedule
    assert difficulties.is_visible() and form.locator("textarea[name=proposals]").is_visible()
    form.locator("input[name=progress]").fill("40")  # under the last figure too
    assert reason.is_visible()
    form.locator("input[name=progress]").fill("100")
    assert evidence.is_visible() and difficulties.is_hidden() and reason.is_hidden()

    form.locator("input[name=progress]").fill("40")
    form.locator("textarea[name=achievements]").fill("Rà soát lại")
    form.locator("textarea[name=difficulties]").fill("Thiếu kinh phí")
    form.locator("textarea[name=proposals]").fill("Bổ sung kinh phí")
    form.get_by_role("button", name="Lưu tiến độ").click()  # no reason given: the server still refuses
    assert "hãy nêu lý do" in page.locator("main").inner_text()
    assert reason.is_visible()
    task.refresh_from_db()
    assert task.progress == 50


# The behind-schedule update at both widths; caught up (the fields hiding) only on the phone: the same page
# logic, the second width would add time and nothing new.
@pytest.mark.parametrize(("screen", "still_behind"), [("phone", True), ("phone", False), ("desk", True)],
                         ids=["phone-still-behind", "phone-caught-up", "desk-still-behind"])
def test_last_months_difficulties_are_prefilled_and_sent_only_where_the_figure_asks(
        demo, live_server, browser, sign_in, screen, still_behind):
    """Issue 25: typing less where the page legitimately asks less. Last month's difficulties and proposals come
    prefilled, marked, while the figure stays behind the schedule; caught up, they hide and are not saved."""
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    officer = User.objects.get(username="phulam-officer")
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    task.updates.all().delete()
    Task.objects.filter(pk=task.pk).update(progress=0)
    ProgressUpdate.objects.create(task=task, author=officer, period=last_month, progress_before=0, progress_after=0,
                                  achievements="Đã khảo sát", difficulties="Thiếu kinh phí, thiếu nhân lực",
                                  proposals="Đề nghị bổ sung kinh phí 2027")
    with screen_page(browser, screen) as page:
        sign_in(page, "phulam-officer")
        page.goto(f"{live_server.url}/tasks/{task.pk}/report/")
        form = page.locator("form.report-form")
        expected = int(form.get_attribute("data-expected"))
        assert 5 < expected < 100, "the seed task should be part way through its schedule"
        difficulties, proposals = form.locator("textarea[name=difficulties]"), form.locator("textarea[name=proposals]")
        assert difficulties.is_visible() and difficulties.input_value() == "Thiếu kinh phí, thiếu nhân lực"
        assert proposals.input_value() == "Đề nghị bổ sung kinh phí 2027"
        marked = f"từ báo cáo tháng {last_month:%m/%Y} — sửa nếu đã khác"
        assert marked in form.locator(f"label[for={difficulties.get_attribute('id')}]").inner_text()
        assert marked in form.locator(f"label[for={proposals.get_attribute('id')}]").inner_text()
        assert_accessible(page)
        width = SCREENS[screen]["viewport"]["width"]
        for box in (difficulties.bounding_box(), proposals.bounding_box()):  # whole on the screen, not cut off
            assert box["x"] >= 0 and box["x"] + box["width"] <= width

        figure = (expected - 1) // 5 * 5 if still_behind else -(-expected // 5) * 5  # the figure's step is 5
        form.locator("input[name=progress]").fill(str(figure))
        assert difficulties.is_visible() == still_behind
        form.locator("textarea[name=achievements]").fill("Đã tổ chức hội nghị triển khai")
        form.get_by_role("button", name="Lưu tiến độ").click()
        page.wait_for_url(lambda url: f"/tasks/{task.pk}/" in url and "/report/" not in url)
        update = task.updates.get(period=today.replace(day=1))
        assert update.progress_after == figure
        if still_behind:  # confirmed: this month's report says so too
            assert (update.difficulties, update.proposals) == ("Thiếu kinh phí, thiếu nhân lực",
                                                               "Đề nghị bổ sung kinh phí 2027")
        else:  # not asked, not sent
            assert (update.difficulties, update.proposals) == ("", "")


def test_cancel_closes_the_inline_form_and_saves_nothing(demo, live_server, page, sign_in):
    sign_in(page, "phulam-officer")
    row = page.locator("tbody.work-item").first
    row.locator("a.update").click()
    row.locator("form.report-form").wait_for()
    row.get_by_role("link", name="Hủy").click()
    assert row.locator("form").count() == 0
    assert "/tasks/my-work/" in page.url


def test_import_preview_on_a_phone_keeps_its_labels_and_the_screen_width(demo, live_server, phone, sign_in, tmp_path):
    from plans.models import Plan
    from tests.a11y import assert_accessible
    from tests.workbooks import appendix_bytes

    path = tmp_path / "phu-luc-1.xlsx"
    path.write_bytes(appendix_bytes("indicators"))
    sign_in(phone, "phulam-admin")
    phone.goto(f"{live_server.url}{Plan.objects.get(slug='phu-lam-55kh').get_absolute_url()}")
    phone.get_by_role("link", name="Nhập phụ lục từ Excel").tap()
    phone.locator("input[name=file]").set_input_files(str(path))
    phone.get_by_role("button", name="Tải lên và xem trước").tap()
    phone.locator("table.preview").wait_for()
    header = phone.locator("table.preview thead th").first
    assert header.is_visible() and header.inner_text()  # the column labels stay on the phone
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls, not the page
    assert_accessible(phone)


@pytest.mark.parametrize("screen", ["phone", "desk"])
def test_plan_page_shows_cards_on_a_phone_and_a_table_at_a_desk(demo, live_server, browser, sign_in, screen):
    with screen_page(browser, screen) as page:
        sign_in(page, "phulam-officer")
        page.goto(f"{live_server.url}/plans/phu-lam-55kh/")
        cell = page.locator("table.tasks tbody tr").first.locator("td[data-label]").first
        label = page.evaluate("cell => getComputedStyle(cell, '::before').content", cell.element_handle())
        header = page.locator("table.tasks thead").first
        if screen == "phone":  # below 600 px each row is a card, each cell with its label
            assert "Cơ quan chủ trì" in label
            assert header.is_hidden()
        else:  # at a desk the table keeps its header, and the cells carry no labels of their own
            assert "Cơ quan chủ trì" not in label
            assert header.is_visible() and "Cơ quan chủ trì" in header.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["viewport"]["width"]


def test_the_update_works_without_javascript(demo, live_server, browser, sign_in):
    with screen_page(browser, "phone", java_script_enabled=False) as page:
        sign_in(page, "phulam-officer")
        row = page.locator("tbody.work-item").first
        task = Task.objects.get(pk=int(row.get_attribute("id").rsplit("-", 1)[1]))
        row.locator("a.update").click()
        page.wait_for_url(lambda url: f"/tasks/{task.pk}/report/" in url)
        assert page.locator("textarea[name=difficulties]").is_visible()  # every field shows; the server checks
        page.locator("input[name=progress]").fill("95")
        page.locator("textarea[name=achievements]").fill("Đã trình UBND xã")
        page.locator("textarea[name=difficulties]").fill("Thiếu kinh phí")  # whatever the schedule says today
        page.locator("textarea[name=proposals]").fill("Bổ sung kinh phí")
        page.get_by_role("button", name="Lưu tiến độ").click()
        # Back on My work at the row, in the visit's order (tests/test_journey_daily_round.py).
        page.wait_for_url(lambda url: "/tasks/my-work/?" in url and url.endswith(f"#work-task-{task.pk}"))
        assert "Đã lưu tiến độ 95%" in page.locator("[role=status]").first.inner_text()
        task.refresh_from_db()
        assert task.progress == 95
