"""Issue 13: axe-core finds no violation on the main pages, on a desktop and on a phone, and they are all Vietnamese."""
import pytest
from django.utils import timezone

from evidence.models import Evidence
from indicators.models import Indicator
from people.models import Notification
from reports.models import Warning
from tasks.models import Task
from tasks.services import task_progress_report
from tests import files
from tests.a11y import axe_report, english_words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
}


def _pages(users):
    """Each main page, with someone who may see it, and content in every block the page can show."""
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    officer = users["phulam-officer"]
    task_progress_report(task_id=task.pk, user=officer, version=task.version, progress=100,
                         period=timezone.localdate().replace(day=1), achievements="Đề án đã được phê duyệt",
                         difficulties="Không", proposals="Không",
                         uploads=[(files.upload("quyet-dinh.pdf", files.pdf_bytes()), "Quyết định phê duyệt")])
    Warning.objects.create(kind="overdue", task=Task.objects.get(plan__slug="phu-lam-55kh", ordinal="9"),
                           raised_at=timezone.now())
    Notification.objects.create(recipient=officer, message="Minh chứng đang chờ thẩm định", url=task.get_absolute_url())
    indicator = Indicator.objects.filter(plan__slug="phu-lam-55kh").first()
    assert Evidence.objects.filter(task=task).exists()
    return [
        ("phulam-officer", "/tasks/my-work/", "Việc của tôi"),
        ("phulam-officer", "/plans/", "Danh sách kế hoạch"),
        ("phulam-officer", "/plans/phu-lam-55kh/", "KẾ HOẠCH"),
        ("phulam-officer", f"/tasks/{task.pk}/", f"Nhiệm vụ {task.ordinal}"),
        ("phulam-officer", f"/tasks/{task.pk}/report/", "Cập nhật tiến độ"),
        ("phulam-officer", "/tasks/my-work/desk/", "Cập nhật nhiều mục"),
        ("phulam-officer", f"/indicators/{indicator.pk}/", None),
        ("phulam-reviewer", "/evidence/review/", None),
        ("phulam-leader", "/reports/", None),
        ("phulam-officer", "/reports/warnings/", None),
        ("phulam-officer", "/notifications/", None),
    ]


@pytest.mark.parametrize("screen", SCREENS)
def test_main_pages_have_no_axe_violation_and_no_english(demo, users, live_server, browser, sign_in, screen):
    context = browser.new_context(**SCREENS[screen])
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = []

    def check(path):
        width = SCREENS[screen]["viewport"]["width"]
        wider = page.evaluate("""width => Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > width + 1).slice(-3).map(e => e.outerHTML.slice(0, 200))""", width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{path} is wider than the screen: {wider}"
        problems.append(axe_report(page))
        if english_words(page):
            problems.append(f"English on {path}: {english_words(page)}")

    try:
        page.goto(f"{live_server.url}/accounts/login/")
        check("/accounts/login/")
        signed_in = None
        for username, path, heading in _pages(users):
            if username != signed_in:
                context.clear_cookies()
                sign_in(page, username)
                signed_in = username
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            if heading:
                assert heading in page.locator("h1").first.inner_text()
            check(path)
    finally:
        context.close()
    problems = [problem for problem in problems if problem]
    assert not problems, "\n".join(problems)
