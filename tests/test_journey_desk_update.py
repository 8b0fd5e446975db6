"""Issue 25, point 4: a commune officer at a desk (1366x800) updates the month's figures of several tasks in one
table from the keyboard: Tab through a row and on to the next, Enter saves. A refused row says why on the row and
keeps what was typed; the others are saved and marked. On a 390 px phone the table becomes cards that fit. The
indicators' table does the same with their values, at both widths."""
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import SCREENS, screen_page
from indicators.models import Indicator, IndicatorReport
from tasks.models import Task
from tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def _rows(page):
    rows = page.locator("tbody.desk-row")
    return [rows.nth(index) for index in range(rows.count())]


def _task(row):
    return Task.objects.get(pk=int(row.get_attribute("id").rsplit("-", 1)[1]))


def _focused(page):
    return page.evaluate("document.activeElement.name")


def test_officer_updates_several_tasks_from_the_keyboard(demo, live_server, desk, sign_in):
    sign_in(desk, "phulam-officer")
    desk.get_by_role("link", name="Cập nhật nhiều mục cùng lúc").click()
    desk.wait_for_url(lambda url: "/tasks/my-work/desk/" in url)
    assert_accessible(desk)
    rows = _rows(desk)
    assert len(rows) >= 4
    plain = [row for row in rows if int(row.get_attribute("data-expected") or 0) <= 90][:3]
    behind = next(row for row in rows if int(row.get_attribute("data-expected") or 0) >= 20 and row not in plain)
    first, refused, third = plain
    tasks = {name: _task(row) for name, row in (("first", first), ("refused", refused), ("third", third),
                                                 ("behind", behind))}

    def figure(row):
        return str(min(95, max(int(row.get_attribute("data-current")) + 5,
                               -(-int(row.get_attribute("data-expected") or 0) // 5) * 5)))

    # Row one: the figure, Tab, the achievements, Tab: on to the next row's figure (nothing more is asked).
    first.locator("input[name$='-progress']").focus()
    desk.keyboard.type(figure(first))
    desk.keyboard.press("Tab")
    assert _focused(desk) == f"task-{tasks['first'].pk}-achievements"
    desk.keyboard.type("Đã tổ chức hội nghị triển khai")
    assert first.locator("input[name$='-difficulties']").is_hidden()
    # A figure with no achievements: refused on its row, the rest saved.
    refused.locator("input[name$='-progress']").focus()
    refused_figure = figure(refused)
    desk.keyboard.type(refused_figure)
    third.locator("input[name$='-progress']").focus()
    desk.keyboard.type(figure(third))
    desk.keyboard.press("Tab")
    desk.keyboard.type("Đã ban hành kế hoạch")
    # Behind the schedule: the row asks for difficulties and proposals, and Tab goes through them.
    behind.locator("input[name$='-progress']").focus()
    desk.keyboard.type("5")
    desk.keyboard.press("Tab")
    desk.keyboard.type("Đã khảo sát")
    assert behind.locator("input[name$='-difficulties']").is_visible()
    desk.keyboard.press("Tab")
    assert _focused(desk) == f"task-{tasks['behind'].pk}-difficulties"
    desk.keyboard.type("Thiếu kinh phí")
    desk.keyboard.press("Tab")
    desk.keyboard.type("Bổ sung kinh phí")
    desk.keyboard.press("Enter")  # saves the table

    desk.locator(".desk-summary").wait_for()
    assert "Đã lưu 3 mục." in desk.locator(".desk-summary").inner_text()
    assert "1 mục chưa lưu được" in desk.locator(".desk-summary").inner_text()
    for name in ("first", "third", "behind"):
        row = desk.locator(f"#desk-task-{tasks[name].pk}")
        assert "saved" in row.get_attribute("class")
        assert "Đã lưu" in row.locator(".c-state").inner_text()
        tasks[name].refresh_from_db()
        assert tasks[name].updates.count() == 1
        assert tasks[name].history.first().history_user.username == "phulam-officer"
    assert tasks["behind"].progress == 5 and tasks["behind"].updates.get().difficulties == "Thiếu kinh phí"
    row = desk.locator(f"#desk-task-{tasks['refused'].pk}")
    assert "refused" in row.get_attribute("class")
    assert "Hãy nêu kết quả đã thực hiện trong kỳ." in row.inner_text()
    assert row.locator("input[name$='-progress']").input_value() == figure(refused)  # what was typed is kept
    tasks["refused"].refresh_from_db()
    assert not tasks["refused"].updates.exists()
    assert_accessible(desk)

    # The refused row fixed: Enter saves it alone; the rows stay where they were.
    order = [row.get_attribute("id") for row in _rows(desk)]
    row.locator("input[name$='-achievements']").focus()
    desk.keyboard.type("Đã trình UBND xã")
    desk.keyboard.press("Enter")
    desk.locator(".desk-summary").wait_for()
    assert desk.locator(".desk-summary").inner_text().strip() == "Đã lưu 1 mục."
    assert [row.get_attribute("id") for row in _rows(desk)] == order
    tasks["refused"].refresh_from_db()
    assert tasks["refused"].progress == int(refused_figure)
    assert tasks["refused"].updates.get().achievements == "Đã trình UBND xã"
    assert tasks["refused"].updates.get().period == timezone.localdate().replace(day=1)


def test_the_table_becomes_cards_on_a_phone(demo, live_server, phone, sign_in):
    sign_in(phone, "phulam-officer")
    phone.goto(f"{live_server.url}/tasks/my-work/desk/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no page wider than the screen
    row = _rows(phone)[0]
    assert row.locator("td.c-title").bounding_box()["width"] >= 300  # a card as wide as the screen, not a column
    for name in ("progress", "achievements"):
        box = row.locator(f"input[name$='-{name}']").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 30, name
    label = phone.evaluate("cell => getComputedStyle(cell, '::before').content",
                           row.locator("td.c-words").element_handle())
    assert "Kết quả thực hiện" in label  # each box says what it is without the table's header
    save = phone.get_by_role("button", name="Lưu các dòng đã nhập")
    assert save.is_visible()
    assert_accessible(phone)
    task = _task(row)
    row.locator("input[name$='-progress']").fill(str(min(95, task.progress + 5)))
    row.locator("input[name$='-achievements']").fill("Đã triển khai")
    if row.locator("input[name$='-difficulties']").is_visible():
        row.locator("input[name$='-difficulties']").fill("Thiếu kinh phí")
        row.locator("input[name$='-proposals']").fill("Bổ sung kinh phí")
    save.tap()
    phone.locator(".desk-summary").wait_for()
    assert re.search(r"Đã lưu 1 mục", phone.locator(".desk-summary").inner_text())
    assert "saved" in phone.locator(f"#desk-task-{task.pk}").get_attribute("class")
    task.refresh_from_db()
    assert task.updates.count() == 1


def _indicator(row):
    return Indicator.objects.get(pk=int(row.get_attribute("id").rsplit("-", 1)[1]))


def _unmet(indicator):
    """A figure, as typed, that does not meet the indicator's target: a met one would also ask for evidence."""
    today = timezone.localdate()
    return next(typed for typed in ("12,5", "0", "1000", "3") if
                indicator.judge(Decimal(typed.replace(",", ".")), today) is not True)


def _tab_to(page, name, limit=8):
    """Press Tab until the box named `name` has the focus: through the boxes of the rows between."""
    for _ in range(limit):
        if _focused(page) == name:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {name}: the focus is on {_focused(page)}")


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_officer_updates_several_indicators_from_the_keyboard(demo, live_server, browser, sign_in, screen):
    """The desk's indicator rows: values typed from the keyboard, Tab from row to row, Enter saves; each saved row
    is an indicator report with its history, and a refused row says why on its row while the others save."""
    with screen_page(browser, screen) as page:
        sign_in(page, "phulam-officer")
        page.goto(f"{live_server.url}/tasks/my-work/desk/")
        page.locator("nav.tabs").get_by_role("link", name="Chỉ tiêu").click()
        page.wait_for_url(lambda url: "kind=indicators" in url)
        assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["viewport"]["width"]
        assert_accessible(page)
        measured = [row for row in _rows(page) if row.locator("input[name$='-value']").count()]
        assert len(measured) >= 3, "the demo officer should lead three measured indicators"
        first, refused, third = measured[:3]
        items = {name: _indicator(row) for name, row in (("first", first), ("refused", refused), ("third", third))}
        figures = {name: _unmet(item) for name, item in items.items()}
        histories = {name: item.history.count() for name, item in items.items()}

        first.locator("input[name$='-value']").focus()
        page.keyboard.type(figures["first"])
        page.keyboard.press("Tab")
        assert _focused(page) == f"indicator-{items['first'].pk}-description"
        page.keyboard.type("Số liệu của phòng Thống kê")
        _tab_to(page, f"indicator-{items['refused'].pk}-value")
        page.keyboard.type("nhiều")  # words, not a figure: refused on its row
        _tab_to(page, f"indicator-{items['third'].pk}-value")
        page.keyboard.type(figures["third"])
        page.keyboard.press("Tab")
        page.keyboard.type("Theo báo cáo của các thôn")
        page.keyboard.press("Enter")  # saves the table

        page.locator(".desk-summary").wait_for()
        summary = page.locator(".desk-summary").inner_text()
        assert "Đã lưu 2 mục." in summary and "1 mục chưa lưu được" in summary
        for name, words in (("first", "Số liệu của phòng Thống kê"), ("third", "Theo báo cáo của các thôn")):
            row = page.locator(f"#desk-indicator-{items[name].pk}")
            assert "saved" in row.get_attribute("class") and "✓ Đã lưu" in row.locator(".c-state").inner_text()
            report = IndicatorReport.objects.get(indicator=items[name])
            assert report.value == Decimal(figures[name].replace(",", "."))
            assert (report.author.username, report.description) == ("phulam-officer", words)
            assert report.period == timezone.localdate().replace(day=1)
            items[name].refresh_from_db()
            assert items[name].current_value == report.value
            assert items[name].history.count() == histories[name] + 1  # the same history as the single form's
            latest = items[name].history.first()
            assert latest.history_user.username == "phulam-officer" and latest.current_value == report.value
        row = page.locator(f"#desk-indicator-{items['refused'].pk}")
        assert "refused" in row.get_attribute("class")
        assert "Hãy nhập giá trị đo được" in row.inner_text()  # on its own row
        assert "Hãy nhập giá trị đo được" not in page.locator(f"#desk-indicator-{items['first'].pk}").inner_text()
        assert row.locator("input[name$='-value']").input_value() == "nhiều"  # what was typed is kept
        assert not IndicatorReport.objects.filter(indicator=items["refused"]).exists()
        assert items["refused"].history.count() == histories["refused"]
        assert_accessible(page)

        # The refused row fixed from the keyboard: Enter saves it alone.
        row.locator("input[name$='-value']").focus()
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.type(figures["refused"])
        page.keyboard.press("Enter")
        page.locator(".desk-summary").wait_for()
        assert page.locator(".desk-summary").inner_text().strip() == "Đã lưu 1 mục."
        report = IndicatorReport.objects.get(indicator=items["refused"])
        assert report.value == Decimal(figures["refused"].replace(",", "."))
        assert IndicatorReport.objects.filter(indicator__in=items.values()).count() == 3
