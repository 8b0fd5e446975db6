"""Issue 25 (8): axe-core finds no violation on any page the end-to-end crawl reaches, at 390 and 1366 px, in
Vietnamese (the default) and in English; and the Vietnamese pages have no English left in them.

The crawl is tests/e2e's, in a browser: no one, then each kind of demo user signs in and follows the portal's links
breadth first; a URL pattern is checked once, as the first user (the least privileged first) whose links reach it,
and the crawl ends once every pattern that answers a page is checked. One test a language; in each, two contexts,
one per width, take each user's cookies in turn and check each page side by side. Every axe-core rule runs (none is
disabled).
"""
import datetime
import time
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from api.services import token_create
from central.models import CentralExport
from central.services import export_request
from people.models import Delivery
from people.services import DEMO_PASSWORD
from plans.appendix.services import import_upload
from plans.assignment import assignment_upload
from plans.clears import lead_units_without_officer
from plans.models import Plan, Unit
from reports.models import ReportKind
from tests import files, workbooks
from tests.a11y import axe_finish, axe_preload, axe_start, english_words
from tests.e2e.browser import Page
from tests.e2e.test_portal import NOT_CRAWLED, get_patterns, pattern_of

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# No one (the public pages), then one of each kind of demo user (the e2e crawl signs in as all of them; the communes'
# users differ only in data), the least privileged first, so that each checks the pages of its own day; the crawl
# ends once every page is checked.
KINDS = [None, "phulam-officer", "phulam-reviewer", "phulam-economic", "phulam-supervisor", "phulam-leader",
         "phulam-admin", "dongnai-officer", "dongnai-leader", "dongnai-admin", "admin"]
WIDTHS = {
    390: {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
    1366: {"viewport": {"width": 1366, "height": 800}},
}
LANGUAGES = ["vi", "en"]
# URL patterns that answer no page: each with what it answers.
NOT_PAGES = {
    "healthz": "a plain-text health check",
    "favicon": "a redirect to the static icon",
    "landing": "a redirect to where each user's day starts",
    "reports:period_report_list": "a redirect to the report register",
    "set_language": "the language form's POST",
    "plans:appendix_errors": "a workbook", "plans:appendix_export": "a workbook",
    "plans:appendix_template": "a workbook", "plans:assignment_export": "a workbook",
    "reports:scorecards_xlsx": "a workbook", "reports:report_file": "a PDF or Word file",
    "evidence:download": "the evidence file", "evidence:preview": "the evidence file, inline",
    "central:export_file": "a JSON or workbook file", "central:schema": "a JSON schema",
    "public:area_json": "JSON", "public:area_csv": "CSV",
    "central:export_status": "the row of a running export, which the export list (checked) asks for by htmx",
}


def _content(users):
    """What the e2e stage's load_demo and its other tests leave for the crawl to reach (the demo's year of work is
    the demo_year fixture's): an appendix and an assignment workbook uploaded, a failed delivery, an API token, a
    central export built by the worker; and the pages a form leads to (the e2e tests send those forms). Per user:
    where their crawl starts beside their landing."""
    admin, province_admin = users["phulam-admin"], users["dongnai-admin"]
    plan = Plan.objects.get(slug="phu-lam-55kh")
    appendix = import_upload(plan=plan, user=admin, upload=files.upload("phu-luc.xlsx", workbooks.appendix_bytes("tasks")))
    workbook = Path(settings.BASE_DIR) / "fixtures" / "demo" / f"demo-phan-cong-nhiem-vu-{plan.slug}.xlsx"
    assignment = assignment_upload(plan=plan, user=admin, upload=files.upload(workbook.name, workbook.read_bytes()))
    Delivery.objects.create(user=users["phulam-officer"], channel="email", message="Minh chứng bị trả lại",
                            status=Delivery.Status.FAILED, attempts=4, last_error="550 mailbox unavailable")
    token_create(user=province_admin, area_id=province_admin.units.first().area_id, name="Bảng điều khiển Sở KH&CN")
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    export = export_request(user=province_admin, area=province_admin.units.first().area, kind=ReportKind.MONTHLY,
                            year=last_month.year, number=last_month.month)
    for _ in range(600):  # the worker (celery_worker) builds it
        export.refresh_from_db()
        if not export.is_running:
            break
        time.sleep(0.1)
    assert export.status == CentralExport.Status.DONE, export.message
    # A lead unit with no officer account, for the six-clears page to offer one (every demo unit of Phú Lâm has one).
    without_officer = Unit.objects.create(area=plan.area, name="Ban Chỉ huy Quân sự xã", slug="phu-lam-quan-su")
    plan.tasks.order_by("position").first().lead_units.add(without_officer)
    assert lead_units_without_officer(plan).filter(pk=without_officer.pk).exists()
    reset = f"/accounts/reset/{urlsafe_base64_encode(force_bytes(admin.pk))}/{default_token_generator.make_token(admin)}/"
    return {
        # The six-clears page is first reached by a leader, who is offered no account to create: the admin starts there.
        "phulam-admin": [f"/plans/{plan.slug}/import/{appendix.pk}/", f"/plans/{plan.slug}/assignment/import/{assignment.pk}/",
                         f"/plans/{plan.slug}/six-clears/officer/{without_officer.pk}/"],
        # The e2e crawl reads two pages of each pattern, and so meets the province plan's coverage page too.
        "phulam-officer": ["/plans/dong-nai-182/coverage/"],
        "phulam-economic": ["/accounts/password_change/done/"],
        None: ["/accounts/login/", "/accounts/password_reset/", "/accounts/password_reset/done/", reset,
               "/accounts/reset/done/", "/cong-khai/"],
    }


def _crawl(context, base, starts, checked, wanted, timings):
    """Breadth first from `starts` along the links (tests/e2e's crawl, over the browser's own connection, one
    page per URL pattern), until every `wanted` pattern is `checked`: yields each page of a pattern not checked yet.
    Between two pages yielded it reads the pages that lead on, while the browser checks the page yielded before."""
    host = urlsplit(base).netloc
    queue, seen = deque(starts), set(starts)
    patterns = {pattern_of(url) for url in starts}
    while queue and not wanted <= checked:
        url = queue.popleft()
        moment = time.monotonic()
        response = context.request.get(base + url, max_redirects=0)
        timings["crawl"] += time.monotonic() - moment
        kind = response.headers.get("content-type", "")
        if response.status in (301, 302, 303):
            links, redirect = [response.headers.get("location", "")], True
        elif response.status == 200 and "text/html" in kind:
            links, redirect = Page("GET", url, 200, {"Content-Type": kind}, response.body()).links, False
            if pattern_of(url) not in checked:
                checked.add(pattern_of(url))
                yield url
        else:
            links, redirect = [], False
        for link in links:
            parts = urlsplit(link)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if (parts.netloc and parts.netloc != host) or not parts.path.startswith("/") or target in seen \
                    or parts.path.startswith(NOT_CRAWLED):
                continue
            seen.add(target)
            if (pattern := pattern_of(target)) not in patterns or redirect:
                patterns.add(pattern)
                queue.append(target)


def _contexts(browser, language):
    """One context per width in the language, kept from user to user (_sign_in_pages): a context for each user
    would start new renderers and fetch the static files again, for every user. The portal keeps nothing of a
    user in the browser but its cookies."""
    contexts = {}
    for width, screen in WIDTHS.items():
        context = browser.new_context(**screen)
        axe_preload(context)
        context.set_default_timeout(30_000)
        contexts[width, language] = context.new_page()
    return contexts


def _sign_in_pages(pages, base, state):
    """The pages' contexts signed in as the crawl's user (its cookies, and only them), each in its language."""
    for (_width, language), page in pages.items():
        page.context.clear_cookies()
        page.context.add_cookies([*state["cookies"],
                                  {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])


# One test a language, each crawling and checking every page at both widths: the two halves run side by side on
# two of the suite's workers, where one test checking both languages ran alone for five minutes.
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_the_crawl_reaches_has_no_axe_violation(language, demo_year, users, live_server, browser, sign_in,
                                                           celery_worker):
    started = time.monotonic()
    starts = _content(users)
    wanted = set(get_patterns()) - set(NOT_PAGES)
    checked, problems, by_kind = set(), [], {}
    timings = {"content": time.monotonic() - started, "crawl": 0, "axe": 0}

    def check(url, pages):
        moment = time.monotonic()
        for (width, language), page in pages.items():
            problems.extend(f"{url} as {who}, {width} px, {language}: {line}" for line in axe_finish(page))
            if language == "vi" and (found := english_words(page)):
                problems.append(f"{url} as {who}, {width} px: English on a Vietnamese page {found}")
        timings["axe"] += time.monotonic() - moment

    pages = _contexts(browser, language)
    for username in KINDS:
        if wanted <= checked:
            break
        who = username or "anonymous"
        crawler = browser.new_context()
        if username:
            sign_in(crawler.new_page(), username, DEMO_PASSWORD)
        landing = [urlsplit(crawler.pages[0].url).path] if username else []
        _sign_in_pages(pages, live_server.url, crawler.storage_state())
        by_kind[who], last = [], None
        for url in _crawl(crawler, live_server.url, landing + starts.get(username, []), checked, wanted, timings):
            if last:
                check(last, pages)
            moment = time.monotonic()
            for page in pages.values():
                page.goto(live_server.url + url)
                axe_start(page)
            timings["axe"] += time.monotonic() - moment
            by_kind[who].append(url)
            last = url
        if last:
            check(last, pages)
        crawler.close()
    for page in pages.values():
        page.context.close()
    checks = sum(len(urls) for urls in by_kind.values()) * len(WIDTHS)
    print(f"\naxe-core: {checks} pages checked ({len(checked)} URL patterns × {len(WIDTHS)} widths, in "
          f"{language}) in {time.monotonic() - started:.0f} s (" +
          ", ".join(f"{name} {seconds:.0f} s" for name, seconds in timings.items()) + ")")
    for who, urls in by_kind.items():
        print(f"  as {who}: {' '.join(urls) or '-'}")
    assert not problems, f"{len(problems)} violations:\n" + "\n".join(problems)
    assert wanted <= checked, f"pages the crawl did not reach: {sorted(wanted - checked)}"
