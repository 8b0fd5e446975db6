"""Issue 25, point 4: a commune officer at a desk (1366x800) updates the month's figures of several tasks in one
table from the keyboard: Tab through a row and on to the next, Enter saves. A refused row says why on the row and
keeps what was typed; the others are saved and marked. On a 390 px phone the table becomes cards that fit."""
import re

import pytest
from django.utils import timezone

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
