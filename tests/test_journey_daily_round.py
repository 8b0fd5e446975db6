"""Issue 25's daily round in Chromium, at 390x844 and 1366x800: where each kind of user lands, My work on a
phone (20 cards in four screens, search, plan filter, an order that holds while the officer works), the header
folded into a drawer on the phone and unwrapped at a desk."""
import pytest
from django.utils import timezone

from conftest import screen_page
from tasks.models import Task
from tests import files
from tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = 844


def _cards(page):
    return page.locator("tbody.work-item")


def _order(page):
    return [card.get_attribute("id") for card in _cards(page).all()]


def test_my_work_fits_twenty_cards_in_four_phone_screens(demo, live_server, phone, sign_in):
    sign_in(phone, "phulam-officer")
    assert "/tasks/my-work/" in phone.url
    cards = _cards(phone)
    assert cards.count() == 20
    last = cards.nth(19).bounding_box()
    bottom = last["y"] + last["height"] + phone.evaluate("window.scrollY")
    assert bottom <= 4 * SCREEN, f"20 cards end {bottom:.0f} px down, more than four screens"
    heights = [card.bounding_box()["height"] for card in cards.all()]
    assert max(heights) <= 200, heights
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    first = cards.first.locator("a.update").bounding_box()
    assert first["y"] + first["height"] <= SCREEN and first["height"] >= 44  # the first update is on screen
    assert_accessible(phone)


def test_search_and_plan_filter_narrow_my_work_on_a_phone(demo, live_server, phone, sign_in):
    sign_in(phone, "phulam-officer")
    everything = int(phone.locator(".work-count").inner_text().split()[0])
    phone.get_by_placeholder("Tìm theo tên việc").fill("chuyển đổi số")
    phone.locator(".search-row").get_by_role("button", name="Lọc").tap()
    phone.wait_for_url(lambda url: "q=chuy" in url)
    found = [int(card.rsplit("-", 1)[1]) for card in _order(phone)]
    titles = Task.objects.filter(pk__in=found).values_list("title", flat=True)
    assert found and len(found) < everything and all("chuyển đổi số" in title.lower() for title in titles)

    phone.get_by_placeholder("Tìm theo tên việc").fill("")
    plan = phone.locator("select[name=plan]")
    options = plan.locator("option").all_inner_texts()
    assert len(options) == 3 and len(set(options)) == 3 and not any("Số: /" in option for option in options)
    plan.select_option("phu-lam-55kh")
    phone.locator(".search-row").get_by_role("button", name="Lọc").tap()
    phone.wait_for_url(lambda url: "plan=phu-lam-55kh" in url)
    shown = set(phone.locator("td.c-plan").all_inner_texts())
    assert len(shown) == 1 and next(iter(shown)).startswith("Triển khai Kế hoạch số 55-KH/TU")


def test_a_saved_card_stays_in_place_marked_and_goes_last_on_the_next_visit(demo, live_server, phone, sign_in):
    sign_in(phone, "phulam-officer")
    before = _order(phone)
    card = _cards(phone).filter(has=phone.locator("a.update")).nth(2)
    name = card.get_attribute("id")
    task = Task.objects.get(pk=int(name.rsplit("-", 1)[1]))
    card.locator("a.update").tap()
    form = card.locator("form.report-form")
    form.wait_for()
    form.locator("input[name=progress]").fill("95")
    form.locator("textarea[name=achievements]").fill("Đã hoàn thành dự thảo, trình UBND xã")
    if form.locator("textarea[name=difficulties]").is_visible():
        form.locator("textarea[name=difficulties]").fill("Thiếu kinh phí")
        form.locator("textarea[name=proposals]").fill("Bổ sung kinh phí")
    form.get_by_role("button", name="Lưu tiến độ").tap()
    saved = phone.locator(f"#{name}")
    saved.locator("[role=status]").wait_for()
    assert _order(phone) == before and "đã cập nhật kỳ này" in saved.inner_text()
    assert saved.locator(".badge.updated").is_visible()
    task.refresh_from_db()
    assert task.progress == 95

    assert "visit=" in phone.url  # the address carries the visit: reloading is the same visit
    phone.reload()
    assert _order(phone) == before

    phone.goto(f"{live_server.url}/")  # the next visit, from the portal's address
    phone.wait_for_url(lambda url: "/tasks/my-work/" in url)
    assert name not in _order(phone)[:before.index(name) + 1]
    # Items already updated this period go to the end: from the saved card on, every card is marked so, to the last
    # page (the demo's year of work may have updated another of the officer's items this month).
    cards, page_number = [], 1
    while True:
        cards += [(card.get_attribute("id"), "đã cập nhật kỳ này" in card.inner_text()) for card in _cards(phone).all()]
        next_page = phone.get_by_role("link", name="Sau »")
        if not next_page.count():
            break
        page_number += 1
        next_page.tap()
        phone.wait_for_url(lambda url, number=page_number: f"page={number}" in url)
    names = [card for card, _marked in cards]
    assert name in names and names.index(name) > before.index(name)
    assert all(marked for _card, marked in cards[names.index(name):])


def test_the_update_without_javascript_comes_back_to_the_card(demo, live_server, browser, sign_in):
    with screen_page(browser, "phone", java_script_enabled=False) as page:
        sign_in(page, "phulam-officer")
        before = _order(page)
        card = _cards(page).filter(has=page.locator("a.update")).nth(1)
        name = card.get_attribute("id")
        card.locator("a.update").click()
        page.wait_for_url(lambda url: "/report/?back=" in url)
        page.locator("input[name=progress]").fill("90")
        page.locator("textarea[name=achievements]").fill("Đã trình UBND xã")
        page.locator("textarea[name=difficulties]").fill("Thiếu kinh phí")
        page.locator("textarea[name=proposals]").fill("Bổ sung kinh phí")
        page.get_by_role("button", name="Lưu tiến độ").click()
        page.wait_for_url(lambda url: "/tasks/my-work/?" in url and url.endswith(f"#{name}"))
        assert _order(page) == before
        assert "Đã lưu tiến độ 90%" in page.locator("[role=status]").first.inner_text()
        assert "đã cập nhật kỳ này" in page.locator(f"#{name}").inner_text()


LANDINGS = [
    ("phulam-officer", "/tasks/my-work/", "Việc của tôi"),
    ("phulam-reviewer", "/evidence/review/", "Thẩm định minh chứng"),
    ("phulam-leader", "/reports/communes/phu-lam/", "Xã Phú Lâm"),
    ("dongnai-leader", "/reports/?province=dong-nai", "Tổng quan thực hiện: Tỉnh Đồng Nai"),
    ("phulam-admin", "/manage/", None),
]


@pytest.mark.parametrize("size", ["phone", "desk"])
@pytest.mark.parametrize(("username", "path", "heading"), LANDINGS)
def test_each_kind_of_user_lands_where_their_day_starts(demo, live_server, browser, sign_in, users, username,
                                                          path, heading, size):
    if username == "phulam-reviewer":  # evidence waits for the reviewer
        from tasks.services import task_progress_report

        task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
        task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=100,
                             period=timezone.localdate().replace(day=1), achievements="Xong",
                             uploads=[(files.upload("qd.pdf", files.pdf_bytes()), "Quyết định")])
    with screen_page(browser, size) as page:
        sign_in(page, username)
        # My work's address takes its visit once shown (static/js/phone.js): the page, not its query, is compared.
        assert page.url.split("?visit=")[0] == f"{live_server.url}{path}"
        if heading:
            assert page.locator("h1").inner_text() == heading
        if "leader" in username:  # warnings first: before the summary and the table
            warnings = page.locator("#warnings-first")
            assert warnings.is_visible()
            assert warnings.bounding_box()["y"] < page.locator("section.summary").bounding_box()["y"]


@pytest.mark.parametrize("screen", ["phone", "desk"])
def test_a_reviewer_with_nothing_waiting_lands_on_my_work(demo, live_server, browser, sign_in, screen):
    with screen_page(browser, screen) as page:
        sign_in(page, "phulam-reviewer")
        assert "/tasks/my-work/" in page.url


def test_the_phone_header_is_one_line_and_its_menu_opens_in_a_drawer(demo, live_server, phone, sign_in):
    sign_in(phone, "phulam-reviewer")
    header = phone.locator("header.topbar")
    assert header.bounding_box()["height"] <= 90
    menu = phone.get_by_role("navigation", name="Điều hướng chính")
    assert menu.is_hidden() and phone.locator(".bell").is_visible()
    toggle = phone.get_by_role("button", name="Menu")
    assert toggle.get_attribute("aria-expanded") == "false"
    box = toggle.bounding_box()
    assert box["height"] >= 44
    toggle.tap()
    assert toggle.get_attribute("aria-expanded") == "true" and menu.is_visible()
    for label in ("Việc của tôi", "Báo cáo", "Thẩm định minh chứng"):  # nothing hidden off to the side
        link = menu.get_by_role("link", name=label)
        link_box = link.bounding_box()
        assert link.is_visible() and link_box["x"] >= 0 and link_box["x"] + link_box["width"] <= 390
    assert phone.get_by_role("button", name="Đăng xuất").is_visible()
    assert_accessible(phone)
    menu.get_by_role("link", name="Báo cáo").tap()
    phone.wait_for_url(lambda url: "/reports/register/" in url)
    assert phone.locator("header.topbar").bounding_box()["height"] <= 90  # folded again on the next page


# The lines a label's text takes: its text's boxes, those more than half a line below the first on a new line.
LINES = """element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const tops = [...range.getClientRects()].filter(rect => rect.width > 0).map(rect => rect.top).sort((a, b) => a - b);
  const half = parseFloat(getComputedStyle(element).lineHeight || "20") / 2 || 10;
  return tops.reduce((lines, top, i) => lines + (i > 0 && top - tops[i - 1] > half ? 1 : 0), tops.length ? 1 : 0);
}"""


@pytest.mark.parametrize("username", ["admin", "phulam-reviewer", "phulam-officer"])
def test_menu_labels_keep_to_one_line_at_a_desk(demo, live_server, desk, sign_in, username):
    sign_in(desk, username)
    desk.goto(f"{live_server.url}/plans/")
    labels = desk.locator("header.topbar nav a, header.topbar .who a, header.topbar .who button, header.topbar .bell")
    assert labels.count() >= 6
    for label in labels.all():
        lines = label.evaluate(LINES)
        assert lines == 1, f"{label.inner_text()!r} is on {lines} lines"
    assert desk.get_by_role("button", name="Menu").is_hidden()


# Issue 25 found the warnings page five columns at 390 px (one word per line) and the dashboard cut off on the right.
WIDE_TABLES = [("/reports/warnings/", "table.warnings", "Việc / đơn vị"),
               ("/reports/?province=dong-nai", "table.dashboard", "Tình trạng")]


@pytest.mark.parametrize("screen", ["phone", "desk"])
@pytest.mark.parametrize(("path", "table", "label"), WIDE_TABLES, ids=["warnings", "dashboard"])
def test_wide_tables_are_cards_on_a_phone_and_tables_at_a_desk(demo, live_server, browser, sign_in, screen, path,
                                                               table, label):
    if table == "table.warnings":  # the day's warnings, as the nightly job raises them
        from reports.services import warnings_raise

        warnings_raise()
    with screen_page(browser, screen) as page:
        width = page.viewport_size["width"]
        sign_in(page, "dongnai-leader")
        page.goto(f"{live_server.url}{path}")
        rows = page.locator(f"{table} tbody tr")
        assert rows.count() >= 2
        cell = rows.first.locator(f"td[data-label='{label}']")
        shown = page.evaluate("cell => getComputedStyle(cell, '::before').content", cell.element_handle())
        header = page.locator(f"{table} thead")
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing cut off on the right
        if screen == "phone":  # a card per row, as wide as the screen, each cell saying what it is
            assert header.is_hidden() and label in shown
            card = rows.first.bounding_box()
            assert card["width"] >= 300 and card["x"] >= 0 and card["x"] + card["width"] <= width
            assert cell.bounding_box()["width"] >= 300  # not a column one word wide
            if table == "table.warnings":  # no filter set: the filters folded under their summary
                assert page.locator("details.filters-fold form").is_hidden()
        else:  # a table with its header; the cells need no labels of their own
            assert header.is_visible() and label in header.inner_text() and label not in shown
            assert rows.first.bounding_box()["height"] < 200  # a row, not a card
