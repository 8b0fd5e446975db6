"""The header of every page (templates/inc/topbar.html) as people see it: the menu their kind of user gets, in
their language, their own name and unread count even though the menu is kept in the cache."""
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory
from django.utils.translation import get_language_info
from django.views import defaults

from people.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]

EVERYONE = {"vi": ["Việc của tôi", "Kế hoạch", "Tổng quan", "Cảnh báo", "Báo cáo"],
            "en": ["My work", "Plans", "Overview", "Warnings", "Report"]}
REVIEW = {"vi": "Thẩm định minh chứng", "en": "Evidence review"}
MANAGE = {"vi": "Quản trị", "en": "Admin"}
SYSTEM = {"vi": "Quản trị hệ thống", "en": "System administration"}


class _Header(HTMLParser):
    """The header's links ((text, href) of the menu, the other links), its texts by class, its buttons."""

    def __init__(self):
        super().__init__()
        self.menu, self.links, self.texts, self.buttons = [], [], {}, []
        self._open = []  # (tag, attrs) of the elements we are inside
        self._inside_header = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "header" and attrs.get("class") == "topbar":
            self._inside_header = True
        if self._inside_header and tag != "input":
            self._open.append((tag, attrs))

    def handle_endtag(self, tag):
        if not self._inside_header:
            return
        if tag == "header":
            self._inside_header = False
        element, attrs = self._open.pop()
        assert element == tag, f"</{tag}> closes <{element}>"

    def handle_data(self, data):
        if not self._inside_header or not data.strip():
            return
        tag, attrs = self._open[-1]
        for _tag, outer in self._open:
            if outer.get("class"):
                self.texts.setdefault(outer["class"], "")
        if tag == "a":
            in_menu = any(outer == "nav" for outer, _attrs in self._open)
            (self.menu if in_menu else self.links).append((data.strip(), attrs["href"]))
        elif tag == "button":
            self.buttons.append((data.strip(), attrs.get("class", ""), attrs.get("title")))
        if attrs.get("class"):
            self.texts[attrs["class"]] += data


def _header(client, user=None, language="vi", path="/tasks/my-work/"):
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code in (200, 404)
    header = _Header()
    header.feed(response.content.decode())
    return header


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_kind_of_user_sees_its_menu_in_its_language(client, users, language):
    cache.clear()
    kinds = {"phulam-officer": [], "phulam-leader": [], "phulam-reviewer": [REVIEW],
             "phulam-admin": [MANAGE], "admin": [REVIEW, MANAGE, SYSTEM]}
    for _round in range(2):  # the second round reads the menus from the cache
        for username, extra in kinds.items():
            header = _header(client, users[username], language)
            assert [text for text, _href in header.menu] == EVERYONE[language] + [words[language] for words in extra]
            assert dict(header.menu)[EVERYONE[language][0]] == "/tasks/my-work/"
            client.logout()


def test_the_name_and_unread_count_are_each_users_own(client, users):
    cache.clear()
    officer, reviewer = users["phulam-officer"], users["phulam-reviewer"]
    Notification.objects.create(recipient=officer, message="x")
    Notification.objects.create(recipient=officer, message="y")
    officer.first_name = "Nguyễn Văn A"
    officer.save()
    seen = _header(client, officer)
    assert seen.texts["name"].strip() == "Nguyễn Văn A · Cán bộ" and seen.texts["count"] == "2"
    other_officer = users["phulam-economic"]
    seen = _header(client, other_officer)  # same kind of user: the menu from the cache, the rest their own
    assert seen.texts["name"].startswith(other_officer.first_name) and "count" not in seen.texts
    seen = _header(client, reviewer)
    assert seen.texts["name"].startswith(reviewer.first_name) and "count" not in seen.texts


def test_language_buttons_mark_the_current_language_and_come_back_to_the_page(client, users):
    header = _header(client, users["phulam-officer"], "en", path="/tasks/my-work/?kind=indicators")
    assert [(text, css) for text, css, _title in header.buttons[-2:]] == [("VI", "link"), ("EN", "link current")]
    assert [title for _text, _css, title in header.buttons[-2:]] == [get_language_info(code)["name_local"]
                                                                     for code in ("vi", "en")]
    assert ("Sign out", "link", None) in header.buttons


def test_visitors_and_the_500_page_see_the_brand_and_languages_only(client):
    header = _header(client, path="/accounts/login/")
    assert header.menu == [] and header.links == [("Cổng theo dõi NQ 57", "/")] and len(header.buttons) == 2
    page = _Header()
    page.feed(defaults.server_error(RequestFactory().get("/x/")).content.decode())
    assert page.menu == [] and page.links == [("Cổng theo dõi NQ 57", "/")] and len(page.buttons) == 2


def test_the_menu_the_user_and_the_languages_fold_into_a_drawer_the_menu_button_opens(client, users):
    client.force_login(users["phulam-reviewer"])
    page = client.get("/tasks/my-work/").content.decode()
    header = _Header()
    header.feed(page)
    assert ("Menu", "menu-toggle", None) in header.buttons
    assert 'aria-controls="topbar-drawer" aria-expanded="false"' in page or (
        'aria-expanded="false" aria-controls="topbar-drawer"' in page)
    drawer = page[page.index('<div class="drawer" id="topbar-drawer">'):page.index("</header>")]
    assert 'aria-label="Điều hướng chính"' in drawer and "Đăng xuất" in drawer and 'name="language"' in drawer
    assert "Thông báo" not in drawer  # the bell stays in the bar, beside the menu button
    assert dict(header.menu)["Thẩm định minh chứng"] == "/evidence/review/"
