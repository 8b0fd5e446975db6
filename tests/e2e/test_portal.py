"""The portal as people run it, in both configurations: real processes driven over HTTP (see stacks.py).

Every demo user signs in through the form and follows the portal's own links breadth first (bounded: a few
pages of each URL pattern, a cap per user); no answer may be a 5xx, and every answer that is not 200 must be
in ALLOWED with its reason. Then the work that crosses processes: appendix uploads (one large enough to be
previewed and imported by a job, and a plan's own .docx), a report drafted, issued and received, the
warnings check. At the end, the share of GET URL patterns reached, and those that were not.
"""
import os
import re
import time
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from people.services import DEMO_PASSWORD, DEMO_USERS

from . import files
from .browser import Browser
from .stacks import Newcomer, Production, broker_url_for_e2e, database_url_for_e2e

pytestmark = pytest.mark.e2e

USERS = [username for username, *_ in DEMO_USERS] + ["admin"]
PAGES_PER_USER = 60  # keeps the stage within its 10 minutes on a busy 2-core machine
PAGES_PER_PATTERN = 2  # per user: breadth over the patterns rather than depth in one list
JOB_TIMEOUT = 240  # seconds: previews, imports, reports and warning runs done by the worker
NOT_CRAWLED = ("/admin/", "/accounts/logout/", "/i18n/")  # Django's admin (superusers), sign-out, the language form
# Answers other than 200 the crawl may meet, by URL pattern and status, each with why it is right.
ALLOWED = {
    ("reports:period_report_list", 302): "the old periodic reports address sends on to the report register",
    ("landing", 302): "the portal's address sends each user where their day starts (people.views.landing_url)",
    ("favicon", 301): "/favicon.ico, which browsers ask for by themselves, is the static favicon.svg",
}
COVERAGE_TARGET = 0.9
JOB_DONE = re.compile(r'id="job-state">[^<]*<span class="badge done"')


@pytest.fixture(scope="module", params=["newcomer", "production"])
def portal(request, tmp_path_factory, run_folder):
    folder = tmp_path_factory.mktemp(f"e2e-{request.param}")
    # E2E_PORT: the newcomer's port, the production stack's the next one (else any free ones).
    port = int(os.environ["E2E_PORT"]) + (request.param == "production") if os.environ.get("E2E_PORT") else None
    if request.param == "newcomer":
        stack = Newcomer(folder, port, demo_folder=run_folder)
    else:
        stack = Production(folder, port, database_url=database_url_for_e2e(), broker_url=broker_url_for_e2e())
    try:
        stack.up()
        yield stack
    finally:
        stack.stop()
        print(f"\n{stack.name}: logs in {folder}")


@pytest.fixture(autouse=True)
def logs_on_failure(request, portal):
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print(portal.log_tails())


def pattern_of(url):
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name or match.route


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _methods(view):
    """The methods a view answers: a class-based view's handlers, or require_http_methods' list."""
    if view_class := getattr(view, "view_class", None):
        return {name.upper() for name in view_class.http_method_names if hasattr(view_class, name)}
    while view is not None:
        code = getattr(view, "__code__", None)
        if code and "request_method_list" in code.co_freevars:
            return set(view.__closure__[code.co_freevars.index("request_method_list")].cell_contents)
        view = getattr(view, "__wrapped__", None)
    return {"GET", "POST"}


def get_patterns():
    """The portal's URL patterns a GET reaches (Django's admin aside), by name."""
    names = {}
    for route, entry in _walk(get_resolver().url_patterns):
        # The read API (api/v1/) answers bearer tokens, not a signed-in browser: api/tests tries every endpoint.
        if route.startswith(("admin/", "api/v1/")) or "GET" not in _methods(entry.callback):
            continue
        name = pattern_of("/" + re.sub(r"<(?:(\w+):)?(\w+)>", _sample, route))
        names.setdefault(name or route, route)
    return names


def _sample(match):
    """A value the route's converter takes: a number for `<int:…>` and the keys, a word otherwise."""
    converter, name = match.groups()
    return "1" if converter == "int" or name.endswith("pk") else "x"


def crawl(stack, browser, landing):
    """Breadth first from the landing page along <a href> links, a few pages of each pattern, capped; links to
    a pattern this user has not reached yet go first, so the cap buys breadth."""
    fresh, more = deque([(landing.url, "")]), deque()
    seen, per_pattern, assets = {landing.url}, Counter(), set()
    pages = 0
    while (fresh or more) and pages < PAGES_PER_USER:
        url, browser.via = (fresh or more).popleft()
        page = browser.get(url, follow=False)
        pages += 1
        if page.status in (301, 302, 303) and (location := page.headers.get("Location", "")):
            found = [location]
        else:
            found = page.links if page.status == 200 and page.is_html else []
            assets.update(a for a in page.assets if a.startswith("/static/"))
        for link in found:
            parts = urlsplit(link)
            if parts.netloc and parts.netloc != stack.host:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if not parts.path.startswith("/") or target in seen or parts.path.startswith(NOT_CRAWLED):
                continue
            seen.add(target)
            pattern = pattern_of(target)
            if per_pattern[pattern] < PAGES_PER_PATTERN:
                (more if per_pattern[pattern] else fresh).append((target, url))
                per_pattern[pattern] += 1
    browser.via = ""
    return assets


def problems(stack, who=None, since=0):
    """Answers of 5xx (with what the server logged), and other non-200 answers not in ALLOWED: of `who`'s
    requests from the `since`th on."""
    found = []
    for user, method, url, status, server_said, via in stack.visits[since:]:
        if who and user != who or status == 200:
            continue
        key = (pattern_of(url), status)
        linked = f", linked from {via}" if via else ""
        if status >= 500:
            found.append(f"{status} {method} {url} as {user}{linked}\n{traceback_summary(server_said)}")
        elif key not in ALLOWED and not (method == "POST" and status in (302, 303)) and not (
                url.startswith("/accounts/login/") and status == 302):
            found.append(f"{status} {method} {url} as {user}{linked} (pattern {key[0]}): not in ALLOWED")
    return found


def traceback_summary(log):
    lines = log.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback")]
    if not starts:
        return "\n".join(lines[-15:])
    trace = lines[starts[-1]:]
    frames = [line.strip() for line in trace if line.strip().startswith("File ") and "site-packages" not in line]
    end = next((line for line in trace[1:] if line and not line.startswith((" ", "Traceback"))), "")
    return "  " + "\n  ".join(frames[-4:] + [end])


def last_said(browser):
    """What the server logged about the browser's last request, when it answered 5xx."""
    return traceback_summary(browser.stack.visits[-1].server_said)


def test_the_sign_in_page_its_files_and_the_vietnamese_404(portal):
    browser = Browser(portal)
    page = browser.get("/accounts/login/")
    assert page.status == 200 and "Đăng nhập" in page.text
    for asset in page.assets:
        answer = browser.get(asset)
        assert answer.status == 200, f"{asset}: {answer.status}"
    missing = browser.get("/khong-co/")
    assert missing.status == 404 and "Không tìm thấy trang (404)" in missing.text
    assert "Traceback" not in missing.text and "Page not found" not in missing.text  # not Django's debug page
    assert browser.get("/favicon.ico").status in (200, 301)  # what every browser asks for by itself
    assert browser.get("/healthz/").status == 200  # what the container's healthcheck asks
    portal.visits = [visit for visit in portal.visits if visit.url != "/khong-co/"]  # a 404 asked for on purpose


@pytest.mark.parametrize("username", USERS)
def test_every_page_a_demo_user_reaches_answers(portal, username):
    browser = Browser(portal)
    landing = browser.sign_in(username, DEMO_PASSWORD)
    assert landing.status in (200, 500) and "sessionid" in browser.cookies, f"{username} not signed in"
    assets = crawl(portal, browser, landing)
    for asset in sorted(assets):
        assert browser.get(asset).status == 200, asset
    found = problems(portal, username)
    assert not found, f"{portal.name}, {username}:\n" + "\n".join(found)


@pytest.fixture
def since(portal):
    """Where this test's requests start in the record."""
    return len(portal.visits)


def signed_in(portal, username):
    browser = Browser(portal)
    browser.sign_in(username, DEMO_PASSWORD)
    return browser


def _wait(browser, url, done, what):
    deadline = time.monotonic() + JOB_TIMEOUT
    while True:
        page = browser.get(url)
        assert page.status == 200, f"{what}: {url} answered {page.status}"
        if done(page):
            return page
        assert time.monotonic() < deadline, f"{what}: not done after {JOB_TIMEOUT} s:\n{page.text[-3000:]}"
        time.sleep(1)


def _new_plan(browser, title):
    """An area admin creates a draft plan through the form; its address (not followed: its page is checked
    by the crawl)."""
    page = browser.get("/manage/plans/new/")
    assert page.status == 200
    form = page.form(field="title")
    created = browser.submit(page, form, follow=False, values={
        "issuer": "UBND xã Phú Lâm", "title": title, "issued_year": str(time.localtime().tm_year),
        "number": "", "symbol": "KH-UBND"})
    assert created.status == 302, f"plan not created ({created.status}):\n{created.text[-3000:]}"
    return re.match(r"/plans/[\w-]+/", urlsplit(created.headers["Location"]).path).group(0)


def _upload(browser, plan_url, name, data):
    """Upload one appendix file; its preview once ready."""
    upload = browser.get(plan_url + "import/")
    assert upload.status == 200
    form = upload.form(button="Tải lên và xem trước")
    sent = browser.post(plan_url + "import/", form.fields, files={"file": (name, data)}, follow=False)
    assert sent.status == 302, f"{name}: upload answered {sent.status}\n{last_said(browser)}"
    record_url = urlsplit(sent.headers["Location"]).path
    return _wait(browser, record_url, lambda p: 'id="import-counts"' in p.text or 'class="error"' in p.text,
                 f"{name}: preview")


def _import(browser, plan_url, name, data):
    """Upload, preview, confirm and undo one appendix file: the preview."""
    preview = _upload(browser, plan_url, name, data)
    record_url = preview.url
    assert 'id="confirm-import"' in preview.text, f"{name}: cannot be imported:\n{preview.text[-4000:]}"
    browser.submit(preview, preview.form(button="confirm-import"))
    done = _wait(browser, record_url, lambda p: 'id="undo-import"' in p.text or 'role="alert"' in p.text,
                 f"{name}: import")
    assert 'id="undo-import"' in done.text, f"{name}: import failed:\n{done.text[-4000:]}"
    browser.submit(done, done.form(button="undo-import"))
    undone = _wait(browser, record_url, lambda p: 'id="import-undone"' in p.text or 'role="alert"' in p.text,
                   f"{name}: undo")
    assert 'id="import-undone"' in undone.text, f"{name}: undo failed:\n{undone.text[-4000:]}"
    return preview


def test_an_officer_saves_two_rows_of_the_desk_table(portal, since):
    """The month at a desk over HTTP: two task rows changed in the table, saved by one submit, each on its own;
    the task pages then show the new figures. Before the commune's report below is issued: once it is, this
    month's figures up to its cut-off (today) are locked and each row would need a reason."""
    officer = signed_in(portal, "phulam-officer")
    desk = officer.get("/tasks/my-work/desk/?kind=tasks")
    assert desk.status == 200
    form = desk.form(field="period")
    current = {int(found[1]): int(value or 0) for name, value in form.fields
               if (found := re.fullmatch(r"task-(\d+)-progress", name))}
    rows = [pk for pk, progress in current.items() if progress <= 90][:2]
    assert len(rows) == 2, current
    values = {}
    for pk in rows:
        values.update({f"task-{pk}-progress": str(current[pk] + 10),
                       f"task-{pk}-achievements": "Đã triển khai thêm trong tháng (kiểm thử đầu cuối)",
                       f"task-{pk}-difficulties": "Thiếu kinh phí cho phần mềm dùng chung",
                       f"task-{pk}-proposals": "Đề nghị tỉnh hỗ trợ"})
    saved = officer.submit(desk, form, values=values)
    assert saved.status == 200 and "Đã lưu 2 mục." in saved.text, last_said(officer) or saved.text[-3000:]
    for pk in rows:
        task = officer.get(f"/tasks/{pk}/")
        assert task.status == 200 and f"{current[pk] + 10}%" in task.text
        assert "Đã triển khai thêm trong tháng (kiểm thử đầu cuối)" in task.text
    assert not problems(portal, since=since), problems(portal, since=since)


def test_an_admin_imports_a_large_workbook_and_the_plans_word_file_then_undoes_both(portal, since):
    browser = signed_in(portal, "phulam-admin")
    plan_url = _new_plan(browser, f"Kế hoạch kiểm thử đầu cuối ({portal.name})")
    large = files.large_task_workbook()
    assert files.unpacked_size(large) > settings.IMPORT_INLINE_BYTES  # previewed and imported by a job
    preview = _import(browser, plan_url, "phu-luc-ii-day-du.xlsx", large)
    assert "400 mới" in preview.text
    preview = _import(browser, plan_url, "ke-hoach.docx", files.plan_docx())
    assert "5 mới" in preview.text
    # The jobs wrote their progress as they went: on the newcomer's SQLite (one writer) a second connection waited
    # out the busy timeout at each step, then gave up (plans.appendix.services.Progress).
    unwritten = [name for name, log in portal.logs.items() if b"progress not written" in log.read_bytes()]
    assert not unwritten, "\n".join(portal.log_tail(name) for name in unwritten)
    # A file with a mistake: its errors are listed, with the file annotated row by row to download.
    wrong = _upload(browser, plan_url, "phu-luc-co-loi.xlsx", files.task_workbook_with_a_mistake())
    assert 'id="import-errors"' in wrong.text and 'id="confirm-import"' not in wrong.text, wrong.text[-3000:]
    annotated = [link for link in wrong.links if link.endswith("errors.xlsx")]
    assert annotated and all(browser.get(link).status == 200 for link in annotated)
    assert not problems(portal, since=since), problems(portal, since=since)


def test_a_commune_report_is_drafted_issued_and_received(portal, since):
    leader = signed_in(portal, "phulam-leader")
    register = leader.get("/reports/register/")
    assert register.status == 200
    form = register.form(button="draft-submit")
    # The commune's own quarterly report, which goes to the province's focal office (Sở KH&CN).
    period = next(value for value, label in form.selects["period"] if label.startswith("Xã Phú Lâm · Báo cáo quý"))
    drafted = leader.submit(register, form, values={"period": period}, follow=False)
    assert drafted.status == 302, f"draft answered {drafted.status}:\n{last_said(leader)}"
    report_url = urlsplit(drafted.headers["Location"]).path
    ready = _wait(leader, report_url, lambda p: JOB_DONE.search(p.text) and 'id="issue-report"' in p.text, "drafting")
    leader.submit(ready, ready.form(button="issue-report"))
    issued = _wait(leader, report_url, lambda p: JOB_DONE.search(p.text) and 'class="badge issued"' in p.text,
                   "issuing")
    number = re.search(r'id="report-number">Số: ([^<]+)<', issued.text).group(1)
    for kind in ("pdf", "docx"):
        assert leader.get(f"{report_url}{kind}/").status == 200

    office = signed_in(portal, "dongnai-officer")
    inbox = office.get("/reports/register/inbox/")
    assert inbox.status == 200 and f'href="{report_url}"' in inbox.text and number in inbox.text
    page = office.get(report_url)
    received = office.submit(page, page.form(button="receive-report"), button="receive-report")
    assert received.status == 200 and "Đã tiếp nhận" in received.text
    assert not problems(portal, since=since), problems(portal, since=since)


def test_a_units_report_is_confirmed_by_its_head_issued_and_received(portal, since):
    """Dân Tiến's economic office drafts its monthly report, the office's head confirms the figures, the office
    issues it to the commune's People's Committee (its own register's number) and the Culture-Social office
    receives it."""
    office = signed_in(portal, "dantien-economic")
    register = office.get("/reports/register/")
    form = register.form(button="draft-submit")
    period = next(value for value, label in reversed(form.selects["period"])
                  if label.startswith("Phòng Kinh tế · Báo cáo tháng"))
    drafted = office.submit(register, form, values={"period": period}, follow=False)
    assert drafted.status == 302, f"draft answered {drafted.status}:\n{last_said(office)}"
    report_url = urlsplit(drafted.headers["Location"]).path
    ready = _wait(office, report_url, lambda p: JOB_DONE.search(p.text), "drafting")
    assert 'id="issue-report"' not in ready.text and "Chờ thủ trưởng đơn vị xác nhận số liệu" in ready.text

    head = signed_in(portal, "dantien-truong-kinhte")
    page = head.get(report_url)
    confirmed = head.submit(page, page.form(button="confirm-report"))
    assert confirmed.status == 200 and "đã xác nhận số liệu" in confirmed.text, last_said(head)

    ready = office.get(report_url)
    office.submit(ready, ready.form(button="issue-report"))
    issued = _wait(office, report_url, lambda p: JOB_DONE.search(p.text) and 'class="badge issued"' in p.text,
                   "issuing")
    number = re.search(r'id="report-number">Số: ([^<]+)<', issued.text).group(1)
    assert number.endswith("/BC-PKT"), number
    assert office.get(f"{report_url}pdf/").status == 200

    clerk = signed_in(portal, "dantien-officer")
    inbox = clerk.get("/reports/register/inbox/")
    assert f'href="{report_url}"' in inbox.text and number in inbox.text
    page = clerk.get(report_url)
    received = clerk.submit(page, page.form(button="receive-report"), button="receive-report")
    assert received.status == 200 and "Đã tiếp nhận" in received.text
    assert not problems(portal, since=since), problems(portal, since=since)


def test_an_admin_runs_the_warnings_check(portal, since):
    browser = signed_in(portal, "dongnai-admin")
    page = browser.get("/reports/warnings/")
    asked = browser.submit(page, page.form(button="Chạy kiểm tra cảnh báo ngay"))
    assert asked.status == 200 and "Đã yêu cầu kiểm tra cảnh báo" in asked.text, asked.text[-3000:]
    done = _wait(browser, "/reports/warnings/", lambda p: re.search(r'class="run-state">(Đã xong|Thất bại)<', p.text),
                 "warnings check")
    assert 'class="run-state">Đã xong<' in done.text, done.text[-3000:]
    assert not problems(portal, since=since), problems(portal, since=since)


def test_a_user_changes_language_and_password_and_asks_for_a_reset(portal, since):
    anonymous = Browser(portal)
    sign_in = anonymous.get("/accounts/login/")
    forgot = anonymous.get(next(link for link in sign_in.links if "password_reset" in link))
    sent = anonymous.submit(forgot, forgot.form(field="email"), values={"email": "khong-co@example.vn"})
    assert sent.status == 200 and sent.url == "/accounts/password_reset/done/"

    browser = Browser(portal)
    landing = browser.sign_in("dantien-economic", DEMO_PASSWORD)
    switch = landing.form(action="/i18n/setlang/")
    english = browser.submit(landing, switch, values={"language": "en", "next": landing.url})
    assert english.status == 200 and 'lang="en"' in english.text, english.text[:500]
    back = browser.submit(english, english.form(action="/i18n/setlang/"), values={"language": "vi", "next": "/"})
    assert back.status == 200 and 'lang="vi"' in back.text
    assert browser.get("/reports/periodic/").url == "/reports/register/"  # the old address of the reports

    form_page = browser.get("/accounts/password_change/")
    changed = browser.submit(form_page, form_page.form(field="old_password"), values={
        "old_password": DEMO_PASSWORD, "new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"})
    assert changed.status == 200 and changed.url == "/accounts/password_change/done/"
    assert not problems(portal, since=since), problems(portal, since=since)


def test_a_province_leader_exports_for_the_central_system(portal, since):
    """Asked for on the page, built by the worker (eagerly in the newcomer's process), followed on the export's row
    and downloaded: Đồng Nai with its communes in one file, every item counted."""
    import json

    leader = signed_in(portal, "dongnai-leader")
    page = leader.get("/central/")
    form = page.form(button="export-submit")
    area = next(value for value, label in form.selects["area"] if "Đồng Nai" in label)
    asked = leader.submit(page, form, follow=False, values={
        "area": area, "kind": "quarterly", "year": str(time.localtime().tm_year),
        "number": str((time.localtime().tm_mon - 1) // 3 + 1)})
    assert asked.status == 302, f"export answered {asked.status}:\n{last_said(leader)}"
    pk = max(int(found) for found in re.findall(r'id="export-(\d+)"', leader.get("/central/").text))
    row = _wait(leader, f"/central/{pk}/", lambda p: re.search(r'class="badge (done|failed)"', p.text), "export")
    assert 'class="badge done"' in row.text, row.text[-3000:]
    exported = leader.get(f"/central/{pk}/json/")
    assert exported.status == 200 and exported.headers["Content-Type"].startswith("application/json")
    data = json.loads(exported.body)
    assert data["areas"][0]["code"] == "dong-nai" and len(data["areas"]) > 1  # the province, then its communes
    assert data["summary"]["items"]["exported"] == data["summary"]["items"]["total"] > 0
    workbook = leader.get(f"/central/{pk}/xlsx/")
    assert workbook.status == 200 and workbook.body[:2] == b"PK"  # an .xlsx is a zip
    assert not problems(portal, since=since), problems(portal, since=since)


def test_the_share_of_url_patterns_reached(portal, capsys, record_property):
    patterns = get_patterns()
    reached = {pattern_of(visit.url) for visit in portal.visits}
    missed = sorted(name for name in patterns if name not in reached)
    share = (len(patterns) - len(missed)) / len(patterns)
    answers = Counter((pattern_of(visit.url), visit.status, visit.method) for visit in portal.visits
                      if visit.status != 200)
    reached_line = (f"{portal.name}: {len(patterns) - len(missed)} of {len(patterns)} GET URL patterns reached "
                    f"({share:.0%}, target {COVERAGE_TARGET:.0%}); {len(portal.visits)} requests")
    record_property("e2e_coverage", reached_line)  # under xdist, printed at the end by conftest.py
    with capsys.disabled():  # printed in every run, passing or not
        print(f"\n{reached_line}")
        for name in missed:
            print(f"  not reached: {name} ({patterns[name]})")
        print("  answers other than 200:")
        for (name, status, method), count in sorted(answers.items(), key=str):
            why = ALLOWED.get((name, status)) or (
                "the redirect after a form is sent" if method == "POST" and status in (302, 303) else "not in ALLOWED")
            print(f"  {status} × {count}: {method} {name} — {why}")
    assert not problems(portal), "\n".join(problems(portal))
    assert share >= COVERAGE_TARGET, f"{share:.0%} of the GET URL patterns reached: " + ", ".join(missed)
