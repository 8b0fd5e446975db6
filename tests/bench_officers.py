"""Officers at the month-end rush, for `make bench` (issue 13): figures printed, never a timed test.

    python -m tests.bench_officers load    # 50 officers on gunicorn (3 workers, as docker-compose.yml), 60 s
    python -m tests.bench_officers phone   # paced walks: a phone's updates (390x844), the month at a desk (1366x800)
    python -m tests.bench_officers pages   # the plan page at 1,000 items, the task page with a long history
    python -m tests.bench_officers cpu     # server CPU a page, one gunicorn worker, requests one after another
    python -m tests.bench_officers all

Both run against a throw-away PostgreSQL database made from DATABASE_URL, and a gunicorn bound to
127.0.0.1 only; every loop is bounded in time and count, and everything started here is stopped here.
"""
import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only address this benchmark ever talks to
PASSWORD = "bench-2026"
OFFICERS = 50
DURATION_S = 60
THINK_S = (0.5, 1.5)
ARRIVALS_S = 15  # the officers sign in one after another over this many seconds
MAX_REQUESTS = 20_000  # a hard bound on top of the duration
REQUEST_TIMEOUT_S = 30
GUNICORN_WORKERS = 3  # docker-compose.yml's web service

QUIET = open(os.devnull, "w")


# The database: a province of communes shaped like the seeds, one officer per commune's culture-social office.

def database_create():
    connection.settings_dict["TEST"]["NAME"] = f"bench_officers_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    call_command("generate_scale_data", communes=OFFICERS, province="bench-officers", stdout=QUIET)
    from plans.models import Unit

    password = make_password(PASSWORD)  # Django's own hasher, as sign-in uses it; hashed once, shared
    User = get_user_model()
    officers = []
    for index, unit in enumerate(Unit.objects.filter(area__parent__slug="bench-officers", is_culture_social_office=True)
                                 .order_by("area__slug")[:OFFICERS]):
        officer = User.objects.create(username=f"bench-officer-{index:02d}", password=password, role="officer",
                                      first_name="Cán bộ", last_name=unit.area.name)
        officer.units.set([unit])
        officers.append(officer.username)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or HOST}:{db['PORT'] or 5432}/{db['NAME']}"
    return old_name, url, officers


def stored_updates():
    from tasks.models import ProgressUpdate

    return ProgressUpdate.objects.filter(task__plan__area__parent__slug="bench-officers").count()


REFERENCE_LOOP = """
import sys, time
def once():
    started, total = time.process_time(), 0
    for number in range(1_000_000):
        total += number % 7
    return (time.process_time() - started) * 1000
if sys.argv[1] == "once":
    print(min(once() for _ in range(3)))
else:
    while True:
        print(once(), flush=True)
        time.sleep(2)
"""


def reference_ms():
    """CPU time of a fixed pure-Python loop (best of three, in a process of its own): how fast this machine
    runs Python right now.

    The 2-core virtual machine these benchmarks run on has run the same code at speeds 1.7 to 1.9 times apart:
    fast at rest, slow after a minute of load (its host rations the CPU), and CPU time counted inside the
    machine grows with it. CPU figures printed beside this one can be compared across runs.
    """
    return float(subprocess.run([sys.executable, "-c", REFERENCE_LOOP, "once"], capture_output=True, text=True,
                                check=True).stdout)


class ReferenceSampler:
    """The reference loop once every 2 s while a load runs (about 3% of one core), to see the machine's speed
    during the run, not only before and after it."""

    def __enter__(self):
        self.process = subprocess.Popen([sys.executable, "-c", REFERENCE_LOOP, "every"], stdout=subprocess.PIPE,
                                        text=True)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.samples = [float(line) for line in self.process.communicate(timeout=10)[0].split()]


# gunicorn, as the compose file runs it, on this machine's loopback.

class Server:
    """`root`: the checkout whose code it runs (tests/bench_load.py runs another git ref's beside this one's)."""

    def __init__(self, database_url, workers=GUNICORN_WORKERS, root=ROOT, **environment):
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            self.port = probe.getsockname()[1]
        self.static_root = tempfile.mkdtemp(prefix="bench-static-")
        self.env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench-only-" + "x" * 50,
                    "ALLOWED_HOSTS": HOST, "SECURE_SSL_REDIRECT": "false", "STATIC_ROOT": self.static_root,
                    "LOG_LEVEL": "WARNING", "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                    **environment}
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=root, env=self.env,
                       check=True)
        # --timeout 30 as docker-compose.yml's web service.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"{HOST}:{self.port}",
             "--workers", str(workers), "--timeout", "30", "--log-level", "warning"], cwd=root, env=self.env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            raise SystemExit("gunicorn did not start")
        self.url = f"http://{HOST}:{self.port}"

    def workers(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def cpu_times(self):
        """User and system (kernel) CPU time of gunicorn's workers, read from /proc."""
        ticks = os.sysconf("SC_CLK_TCK")
        user = system = 0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            user, system = user + int(fields[11]), system + int(fields[12])  # utime, stime
        return user / ticks, system / ticks

    def cpu_by_worker(self):
        """CPU seconds (utime+stime) of each worker by pid: a worker gunicorn replaces mid-run is not lost."""
        ticks = os.sysconf("SC_CLK_TCK")
        figures = {}
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            figures[pid] = (int(fields[11]) + int(fields[12])) / ticks
        return figures

    def cpu_seconds(self):
        return sum(self.cpu_times())

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# A small HTTP/1.1 client on asyncio streams: gunicorn's sync workers close each connection after answering.

class Officer:
    def __init__(self, port, username, log, rng):
        self.port, self.username, self.log, self.rng = port, username, log, rng
        self.cookies = {}
        self.signed_in = False

    async def request(self, name, method, path, data=None):
        body = urlencode(data).encode() if data is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "Connection: close", "User-Agent: bench-officers"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if data is not None:
            head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection(HOST, self.port)
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            await writer.drain()
            # Sign-in hashes the password as Django sets it (hundreds of ms of CPU): let it queue.
            raw = await asyncio.wait_for(reader.read(), REQUEST_TIMEOUT_S * (4 if name == "sign-in" else 1))
            writer.close()
        except (OSError, asyncio.TimeoutError) as error:
            self.log.append((name, time.perf_counter() - started, 0, self.signed_in, str(error)))
            return 0, {}, ""
        elapsed = time.perf_counter() - started
        header_bytes, _, content = raw.partition(b"\r\n\r\n")
        lines = header_bytes.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            key, _, value = line.partition(":")
            headers.setdefault(key.strip().lower(), []).append(value.strip())
        for cookie in headers.get("set-cookie", []):
            key, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[key] = value
        self.log.append((name, elapsed, status, self.signed_in, ""))
        return status, headers, content.decode("utf-8", "replace")

    async def think(self):
        await asyncio.sleep(self.rng.uniform(*THINK_S))

    async def sign_in(self, arrival):
        await asyncio.sleep(arrival)  # officers arrive over the first seconds, not all in the same millisecond
        status, _, html = await self.request("sign-in page", "GET", "/accounts/login/")
        if status != 200:  # no CSRF cookie to sign in with: the caller may try again
            return False
        status, _, _ = await self.request("sign-in", "POST", "/accounts/login/", {
            "username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(html)})
        self.signed_in = status == 302
        return self.signed_in

    async def work(self, deadline, counts):
        # Every request follows a moment's thought, the first one too: officers who start together do not all click
        # in the same millisecond (a burst that no office produces, and that would set the p95 of a short run alone).
        await self.think()
        while time.monotonic() < deadline and len(self.log) < MAX_REQUESTS:
            status, _, html = await self.request("my work", "GET", "/tasks/my-work/")
            rows = work_rows(html)
            rows = [(pk, value) for pk, value in rows if value < 100 and f"/tasks/{pk}/report/" in html]
            if status != 200 or not rows:
                counts["nothing to do"] += 1
                return
            pk, _ = self.rng.choice(rows)
            await self.think()
            _, _, task_html = await self.request("task page", "GET", f"/tasks/{pk}/")
            plan = PLAN_LINK.search(task_html)
            await self.think()
            status, _, form = await self.request("report form", "GET", f"/tasks/{pk}/report/")
            if status != 200:
                continue
            current = int(re.search(r'data-current="(\d+)"', form).group(1))
            expected = re.search(r'data-expected="(\d*)"', form).group(1)
            figure = min(99, max(current + 5, int(expected or 0)))
            await self.think()
            status, headers, _ = await self.request("save", "POST", f"/tasks/{pk}/report/", {
                "csrfmiddlewaretoken": _csrf(form), "version": _field(form, "version"),
                "period": _field(form, "period"), "progress": figure,
                "achievements": "Đã triển khai theo kế hoạch", "difficulties": "Thiếu kinh phí",
                "proposals": "Bố trí kinh phí"})
            counts["accepted" if status == 302 else f"refused {status}"] += 1
            await self.think()
            if plan:
                await self.request("plan page", "GET", plan.group(1))
                await self.think()


# What the officers read from the pages, whatever order a template writes the attributes in.
WORK_ROW = re.compile(r'id="work-task-(\d+)".*?<progress\b[^>]*?\bvalue="(\d+)"', re.S)
PLAN_LINK = re.compile(r'class="crumbs"[^>]*>\s*<a\b[^>]*?\bhref="(/plans/[^"]+/)"')


def work_rows(html):
    return [(int(pk), int(value)) for pk, value in WORK_ROW.findall(html)]


def _field(html, name):
    """The value of the form's input named `name`, or "" when the form has none."""
    for tag in re.findall(rf'<input\b[^>]*\bname="{re.escape(name)}"[^>]*>', html):
        found = re.search(r'\bvalue="([^"]*)"', tag)
        if found:
            return unescape(found.group(1))
    return ""


def _csrf(html):
    return _field(html, "csrfmiddlewaretoken")


def _p(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def _load(server, officers):
    from collections import Counter

    log, counts = [], Counter()
    people = [Officer(server.port, name, log, random.Random(index))  # noqa: S311 - reproducible pacing, no secret
              for index, name in enumerate(officers)]
    signed = await asyncio.gather(*(person.sign_in(ARRIVALS_S * index / len(people))
                                    for index, person in enumerate(people)))
    cpu_before, started = server.cpu_times(), time.monotonic()
    deadline = started + DURATION_S
    await asyncio.gather(*(person.work(deadline, counts) for person in people if person.signed_in))
    elapsed = time.monotonic() - started
    cpu = [now - before for now, before in zip(server.cpu_times(), cpu_before, strict=True)]
    return log, counts, sum(signed), elapsed, cpu


def bench_load(database_url, officers):
    reference_before = reference_ms()
    before = stored_updates()
    server = Server(database_url)
    try:
        with ReferenceSampler() as during:
            log, counts, signed, elapsed, (cpu_user, cpu_system) = asyncio.run(_load(server, officers))
    finally:
        server.stop()
    saved = stored_updates() - before
    after = [entry for entry in log if entry[3]]
    errors = [entry for entry in log if entry[2] == 0 or entry[2] >= 500 or entry[4]]
    unexpected = [entry for entry in after if entry[2] not in (200, 302)]
    sign_in = [entry[1] for entry in log if entry[0] == "sign-in"]
    print(f"load, {len(officers)} officers on gunicorn ({GUNICORN_WORKERS} workers, PostgreSQL), "
          f"{DURATION_S} s of My work -> task page -> report form -> save -> plan page, think time "
          f"{THINK_S[0]}-{THINK_S[1]} s:")
    print(f"  signed in: {signed}/{len(officers)}, sign-in p95 {_p(sign_in, .95) * 1000:.0f} ms "
          f"(password hashing as Django sets it)")
    latencies = [entry[1] for entry in after]
    print(f"  after sign-in: {len(after)} requests in {elapsed:.0f} s ({len(after) / elapsed:.1f}/s), "
          f"p50 {_p(latencies, .5) * 1000:.0f} ms, p95 {_p(latencies, .95) * 1000:.0f} ms, "
          f"max {max(latencies, default=0) * 1000:.0f} ms")
    for name in ("my work", "task page", "report form", "save", "plan page"):
        times = [entry[1] for entry in after if entry[0] == name]
        if times:
            print(f"    {name:<12} {len(times):>5} requests, p50 {_p(times, .5) * 1000:>5.0f} ms, "
                  f"p95 {_p(times, .95) * 1000:>5.0f} ms")
    print(f"  errors: {len(errors)} (connection failures or 5xx), other unexpected statuses: {len(unexpected)}")
    print(f"  saves: {counts['accepted']} accepted, {sum(v for k, v in counts.items() if k.startswith('refused'))} "
          f"refused; progress updates stored: {saved} ({'all' if saved == counts['accepted'] else 'NOT all'} "
          f"accepted saves stored)")
    print(f"  machine load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          f"(other work on the machine slows every figure above)")
    cpu = cpu_user + cpu_system
    print(f"  server CPU: {cpu:.1f} s over {len(after)} requests = {cpu / max(len(after), 1) * 1000:.1f} ms a request "
          f"(gunicorn workers' utime+stime from /proc), of which in the kernel (sockets, files) "
          f"{cpu_system / max(len(after), 1) * 1000:.1f} ms")
    speed, after_run = statistics.median(during.samples) if during.samples else float("nan"), reference_ms()
    fastest = min([reference_before, after_run, *during.samples])
    per_request = cpu / max(len(after), 1) * 1000
    print(f"  machine speed: reference loop {reference_before:.0f} ms before the run, {speed:.0f} ms during it "
          f"(median of {len(during.samples)}), {after_run:.0f} ms after (lower is faster; CPU counted inside this "
          f"machine grows with it)")
    print(f"  server CPU in reference loops: {per_request / speed:.2f} a request; at the fastest this machine ran "
          f"during the bench (reference {fastest:.0f} ms): {per_request * fastest / speed:.1f} ms a request")


# Server CPU a page: one gunicorn worker, one officer, the same request many times in a row.

CPU_REPEATS = 40


async def _cpu_by_page(server, officer):
    from collections import Counter

    person = Officer(server.port, officer, [], random.Random(0))  # noqa: S311 - reproducible pacing, no secret
    if not await person.sign_in(0):
        raise SystemExit("the officer could not sign in")
    _, _, html = await person.request("my work", "GET", "/tasks/my-work/")
    pk = re.search(r'id="work-task-(\d+)"', html).group(1)
    _, _, task_html = await person.request("task page", "GET", f"/tasks/{pk}/")
    plan = PLAN_LINK.search(task_html).group(1)
    pages = [("sign-in page", "/accounts/login/"), ("my work", "/tasks/my-work/"), ("task page", f"/tasks/{pk}/"),
             ("report form", f"/tasks/{pk}/report/"), ("plan page", plan)]
    figures = {}
    for name, path in pages:
        for _ in range(3):  # warm the worker's caches
            await person.request(name, "GET", path)
        before = server.cpu_seconds()
        for _ in range(CPU_REPEATS):
            await person.request(name, "GET", path)
        figures[name] = (server.cpu_seconds() - before) / CPU_REPEATS
    saved = Counter()
    before = server.cpu_seconds()
    for index in range(CPU_REPEATS):
        _, _, form = await person.request("report form", "GET", f"/tasks/{pk}/report/")
        cpu_form = server.cpu_seconds()
        status, _, _ = await person.request("save", "POST", f"/tasks/{pk}/report/", {
            "csrfmiddlewaretoken": _csrf(form), "version": _field(form, "version"),
            "period": _field(form, "period"), "progress": index % 99 + 1,
            "achievements": "Đã triển khai theo kế hoạch", "difficulties": "Thiếu kinh phí",
            "proposals": "Bố trí kinh phí"})
        saved["save"] += server.cpu_seconds() - cpu_form
        saved[status] += 1
    figures["save"] = saved["save"] / CPU_REPEATS
    return figures, saved


def bench_cpu(database_url, officer):
    reference_before = reference_ms()
    server = Server(database_url, workers=1)
    try:
        figures, saved = asyncio.run(_cpu_by_page(server, officer))
    finally:
        server.stop()
    print(f"server CPU a request, one gunicorn worker, {CPU_REPEATS} requests in a row a page "
          f"(utime+stime from /proc, {os.sysconf('SC_CLK_TCK')} ticks a second):")
    for name, seconds in figures.items():
        print(f"  {name:<12} {seconds * 1000:5.1f} ms")
    loop = ("my work", "task page", "report form", "save", "plan page")
    print(f"  the load run's loop averages {sum(figures[name] for name in loop) / len(loop) * 1000:.1f} ms a request "
          f"(goal under 20 ms); saves answered {saved[302]} redirects of {CPU_REPEATS}")
    print(f"  machine speed: reference loop {reference_before:.0f} ms before, {reference_ms():.0f} ms after "
          f"(lower is faster; CPU figures scale with it)")


# The paced walks (issue 25): what a person does, counted, each step at a person's pace. The pace is the issue's:
# 1.2 s to think before each tap or each box typed, 1.1 s a tap (a click at a desk), 1 s a swipe (a wheel turn at a
# desk), a key 0.6 s on a phone and 0.28 s at a desk, 4 s to read an error or to pick a file. The server's answers
# are waited for in the browser and printed beside, not added: the figures leave them out too.
PACE_THINK_S, TAP_S, SWIPE_S, PHONE_KEY_S, DESK_KEY_S, READ_S = 1.2, 1.1, 1.0, 0.6, 0.28, 4.0
# The walk's texts (the issue's): a 30-character achievement, 59 characters of difficulties and proposals.
ACHIEVEMENTS = "Đã tổ chức hội nghị triển khai"
DIFFICULTIES, PROPOSALS = "Thiếu kinh phí, thiếu nhân lực", "Đề nghị bổ sung kinh phí 2027"
DESK_ITEMS = 10


class Walk:
    """One person's walk on one page: taps, swipes, keys, reads, each counted at the pace above."""

    def __init__(self, page, *, key_s, touch):
        self.page, self.key_s, self.touch = page, key_s, touch
        self.height = page.viewport_size["height"]
        self.taps = self.swipes = self.keys = self.thoughts = self.reads = 0
        self.waited = 0.0

    def reach(self, locator):
        for _ in range(30):  # bounded: a page longer than 30 screens is a finding in itself
            locator.wait_for(state="visible")
            box = locator.bounding_box()
            if box and 0 <= box["y"] and box["y"] + box["height"] <= self.height:
                if self._uncovered(locator, box):
                    return box
                # Under a sticky bar (the desk's save button, the header): a little further.
                self.page.mouse.wheel(0, 0.3 * self.height * (1 if box["y"] > self.height / 2 else -1))
                self.page.wait_for_timeout(60)
                self.swipes += 1
                continue
            self.page.mouse.wheel(0, 0.6 * self.height * (1 if not box or box["y"] > 0 else -1))
            self.page.wait_for_timeout(60)
            self.swipes += 1
        raise RuntimeError("control never came into view")

    @staticmethod
    def _uncovered(locator, box):
        return locator.evaluate("(element, [x, y]) => element.contains(document.elementFromPoint(x, y))",
                                [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])

    def tap(self, locator, *, then=None, at=None):
        """Reach the control, think, tap it (at `at` of its width), and wait for `then` to be true."""
        box = self.reach(locator)
        self.thoughts += 1
        self.taps += 1
        x, y = box["x"] + (at if at is not None else box["width"] / 2), box["y"] + box["height"] / 2
        started = time.perf_counter()
        if self.touch:
            self.page.touchscreen.tap(x, y)
        else:
            self.page.mouse.click(x, y)
        if then:
            then()
            self.waited += time.perf_counter() - started

    def type(self, text):
        """Think, then type into the focused box."""
        self.thoughts += 1
        self.keys += len(text)
        self.page.keyboard.type(text)

    def key(self, name, *, then=None):
        self.keys += 1
        started = time.perf_counter()
        self.page.keyboard.press(name)
        if then:
            then()
            self.waited += time.perf_counter() - started

    def pick(self, locator, path):
        """Tap the file box and pick a file: a tap and a read."""
        self.reach(locator)
        self.thoughts += 1
        self.taps += 1
        self.reads += 1
        locator.set_input_files(str(path))

    def read(self):
        self.reads += 1

    @property
    def seconds(self):
        return (self.thoughts * PACE_THINK_S + self.taps * TAP_S + self.swipes * SWIPE_S + self.keys * self.key_s
                + self.reads * READ_S)

    def line(self):
        return (f"{self.taps} taps, {self.swipes} swipes, {self.keys} keys, {self.reads} reads: {self.seconds:.1f} s "
                f"(+{self.waited:.1f} s waiting for the server)")


def bench_phone(database_url, officer):
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM, SCREENS  # the journeys' own two screens

    walker = _walks_prepare(officer)
    server = Server(database_url, workers=1)
    figures = []
    try:
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as folder:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            pdf = Path(folder) / "bien-ban-nghiem-thu.pdf"
            pdf.write_bytes(walker["pdf"])
            try:
                for label, goal, walk in (
                        ("plain update of the 12th item from a fresh landing (phone)", "≤ 30 s, ≤ 3 taps, ≤ 2 swipes",
                         lambda page: _plain_walk(page, from_position=12)),
                        ("behind-schedule update with difficulties and proposals (phone)", "≤ 45 s",
                         lambda page: _behind_walk(page, walker["carried"], carried=True)),
                        ("the same, difficulties written for the first time: nothing from last month to confirm "
                         "(phone)", "none: nothing to prefill (the issue measured 54.8 s)",
                         lambda page: _behind_walk(page, walker["carried"], carried=False)),
                        ("100% update with one PDF (phone)", "≤ 50 s", lambda page: _complete_walk(page, pdf)),
                        ("100% update with one PDF, refused once (the coming month picked), then fixed (phone)",
                         "no second file pick", lambda page: _complete_walk(page, pdf, refused_once=True)),
                        ("rejected evidence: notification to resubmitted file (phone)", "≤ 50 s",
                         lambda page: _resubmit_walk(page, pdf, walker["rejected"])),
                        (f"desk, one at a time: {DESK_ITEMS} items, each in its own form (1366x800)", "about 165 s",
                         _desk_single_walk),
                        (f"desk: {DESK_ITEMS} items updated in the table (1366x800)", "≤ 135 s", _desk_table_walk)):
                    desk = label.startswith("desk")
                    context = browser.new_context(**SCREENS["desk" if desk else "phone"])
                    page = context.new_page()
                    page.set_default_timeout(15_000)
                    _land(page, server.url, officer)
                    figures.append((label, goal, walk(page)))
                    context.close()
            finally:
                browser.close()
    finally:
        server.stop()
    print(f"paced walks (issue 25's pace: think {PACE_THINK_S} s before each tap or box typed, tap {TAP_S} s, swipe "
          f"{SWIPE_S} s, key {PHONE_KEY_S} s on a phone and {DESK_KEY_S} s at a desk, {READ_S} s to read an error or "
          f"pick a file); phone 390x844:")
    for label, goal, (walk, note) in figures:
        print(f"  {label}: {walk.line()}; goal {goal}{'; ' + note if note else ''}")


def _walks_prepare(officer):
    """The walking officer's office leads every task of its commune (a commune office's 42), and one of them has
    its evidence rejected by the commune's reviewer, with a note: the resubmit walk starts from that notification."""
    from django.utils import timezone

    from evidence.services import evidence_review
    from tasks.models import Task
    from tasks.services import task_progress_report
    from tests import files

    User = get_user_model()
    person = User.objects.get(username=officer)
    unit = person.units.get()
    tasks = Task.objects.filter(plan__area=unit.area)
    Task.lead_units.through.objects.bulk_create(
        [Task.lead_units.through(task=task, unit=unit) for task in tasks.exclude(lead_units=unit)])
    reviewer = User.objects.create(username="bench-reviewer", password=make_password(PASSWORD), role="reviewer",
                                   first_name="Thẩm định", last_name=unit.area.name)
    reviewer.units.set([unit])
    rejected = tasks.filter(progress__lt=100).order_by("-position").first()
    pdf = files.pdf_bytes()
    task_progress_report(task_id=rejected.pk, user=person, version=rejected.version, progress=100,
                         period=timezone.localdate().replace(day=1), achievements=ACHIEVEMENTS,
                         uploads=[(files.upload("bien-ban.pdf", pdf), "")])
    evidence_review(evidence_id=rejected.evidence.get().pk, reviewer=reviewer, accept=False, reason="unsigned",
                    note="Biên bản chưa có chữ ký và dấu của UBND xã")
    connection.close()
    return {"pdf": pdf, "rejected": rejected.pk, "carried": _last_month_reported(person, tasks)}


def _last_month_reported(person, tasks):
    """Last month, the office reported on the items then behind their schedule, with the walk's difficulties and
    proposals; all but one (the second in My work's order: an item that fell behind since, whose difficulties are
    written for the first time). Stored as made last month, so My work does not count them as this period's."""
    import datetime

    from django.utils import timezone

    from tasks.models import ProgressUpdate
    from tasks.selectors import my_task_rows

    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    behind = [row.pk for row in my_task_rows(person, today=today)[:20]  # My work's first page
              if row.may_report and _behind_fits(row.progress, row.expected)]
    if len(behind) < 2:
        raise RuntimeError("the walks need two items behind their schedule on My work's first page")
    carried = list(tasks.filter(pk__in=behind).exclude(pk=behind[1]))
    updates = ProgressUpdate.objects.bulk_create([
        ProgressUpdate(task=task, author=person, period=last_month, progress_before=max(0, task.progress - 5),
                       progress_after=task.progress, achievements=ACHIEVEMENTS, difficulties=DIFFICULTIES,
                       proposals=PROPOSALS) for task in carried])
    made = timezone.make_aware(datetime.datetime.combine(last_month.replace(day=28), datetime.time(15)))
    ProgressUpdate.objects.filter(pk__in=[update.pk for update in updates]).update(created_at=made)
    connection.close()
    return {task.pk for task in carried}


def _land(page, url, officer):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", officer)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(lambda address: "/tasks/my-work/" in address)


def _row_figures(row):
    """A My work row's figure and the schedule it shows (None for continuous work)."""
    found = re.search(r"(\d+)%", row.locator(".c-progress .muted").inner_text())
    return int(row.locator("progress").get_attribute("value")), int(found.group(1)) if found else None


def _plain_fits(current, expected):
    return current < 95 and (expected is None or expected <= 95)


def _all_rows(page):
    rows = page.locator("tbody.work-item")
    return [rows.nth(index) for index in range(rows.count())]


def _first(rows, fits, failure, *, start=1, evidence=True):
    """The first row (and its place on the page, from 1) at `start` or after whose figures fit, that offers an
    update (and, evidence=False, has no evidence yet)."""
    for position, row in enumerate(rows, start=1):
        if position < start or not row.locator("a.update").count():
            continue
        if not evidence and row.locator(".c-evidence .badge").count():
            continue
        if fits(*_row_figures(row)):
            return position, row
    raise RuntimeError(failure)


def _slide(walk, form, figure):
    slider = form.locator("input[type=range]")
    box = walk.reach(slider)
    for _ in range(5):  # a tap lands where it lands; each correction is one more tap
        walk.tap(slider, at=8 + (box["width"] - 16) * figure / 100)
        if slider.input_value() == str(figure):
            return
    raise RuntimeError("the slider never reached the figure")


def _focus_words(walk, form, name):
    words = form.locator(f"textarea[name={name}]")
    if not words.evaluate("element => element === document.activeElement"):
        walk.tap(words)


def _inline_open(walk, row):
    walk.tap(row.locator("a.update"), then=lambda: row.locator("form.report-form").wait_for())
    return row.locator("form.report-form")


def _inline_save(walk, page, row_id, form):
    before = form.element_handle()  # the row is swapped whole: the form saved detaches, a refused one comes back

    def answered():
        before.wait_for_element_state("hidden")
        page.locator(f"#{row_id} [role=status], #{row_id} .error").first.wait_for()

    walk.tap(form.get_by_role("button", name="Lưu tiến độ"), then=answered)
    if page.locator(f"#{row_id} .error").count():
        walk.read()
        return "REFUSED: " + page.locator(f"#{row_id} .error").first.inner_text()
    return ""


def _plain_walk(page, *, from_position):
    walk = Walk(page, key_s=PHONE_KEY_S, touch=True)
    position, row = _first(_all_rows(page), _plain_fits, "no item a plain update fits", start=from_position)
    row_id = row.get_attribute("id")
    form = _inline_open(walk, row)
    current, expected = int(form.get_attribute("data-current")), form.get_attribute("data-expected")
    figure = min(95, -(-max(current + 5, int(expected or 0)) // 5) * 5)
    _slide(walk, form, figure)
    _focus_words(walk, form, "achievements")
    walk.type(ACHIEVEMENTS)
    if form.locator("textarea[name=difficulties]").is_visible():
        raise RuntimeError("the plain update should not ask for difficulties")
    note = _inline_save(walk, page, row_id, form)
    return walk, f"item {position} of My work{'; ' + note if note else ''}"


def _behind_fits(current, expected):
    return expected is not None and current + 10 <= expected and current <= 85


def _behind_walk(page, reported_last_month, *, carried):
    """A behind-schedule update. `carried`: of an item whose last month's report gave difficulties and proposals
    (the form prefills them, marked; still true, the officer reads and keeps them); otherwise of one reported for
    the first time, where the officer types them."""
    walk = Walk(page, key_s=PHONE_KEY_S, touch=True)
    rows = [row for row in _all_rows(page)
            if (int(row.get_attribute("id").rsplit("-", 1)[1]) in reported_last_month) == carried]
    position, row = _first(rows, _behind_fits, "no item behind its schedule")
    current = _row_figures(row)[0]
    row_id = row.get_attribute("id")
    position = [row.get_attribute("id") for row in _all_rows(page)].index(row_id) + 1
    form = _inline_open(walk, row)
    _slide(walk, form, -(-(current + 5) // 5) * 5)
    _focus_words(walk, form, "achievements")
    walk.type(ACHIEVEMENTS)
    confirmed = []
    for name, words in (("difficulties", DIFFICULTIES), ("proposals", PROPOSALS)):
        box = form.locator(f"textarea[name={name}]")
        if box.input_value() == words:  # prefilled from last month, marked so
            walk.reach(box)
            confirmed.append(name)
            continue
        if box.input_value():
            raise RuntimeError(f"the form prefilled {name} with words the officer did not write")
        _focus_words(walk, form, name)
        walk.type(words)
    if carried and len(confirmed) != 2:
        raise RuntimeError("last month's difficulties and proposals were not prefilled")
    if confirmed:
        walk.read()  # the two prefilled lines, read and kept
    note = _inline_save(walk, page, row_id, form)
    typed = len(DIFFICULTIES) * ("difficulties" not in confirmed) + len(PROPOSALS) * ("proposals" not in confirmed)
    return walk, (f"item {position} of My work; difficulties and proposals "
                  f"{'prefilled from last month, read and kept' if confirmed else 'typed'}: {typed} of "
                  f"{len(DIFFICULTIES) + len(PROPOSALS)} characters typed{'; ' + note if note else ''}")


def _month_pick(walk, form, month):
    """Tap the period box and pick a month in the phone's picker: the month, then "Đặt" (two taps more)."""
    box = form.locator("input[name=period]")
    walk.tap(box)
    walk.taps += 2
    box.fill(f"{month:%Y-%m}")


def _complete_walk(page, pdf, *, refused_once=False):
    """The 100% update with one PDF. `refused_once`: the officer slips on the period (the coming month, as in
    tests/test_journey_evidence_kept.py), so the server refuses the save; the refusal is read and the period fixed.
    The file picks are counted: a refused save should never ask for the file again. (Forgotten achievements would
    not reach the server: the browser asks for the required box itself.)"""
    import datetime

    from django.utils import timezone

    walk = Walk(page, key_s=PHONE_KEY_S, touch=True)
    position, row = _first(_all_rows(page), lambda current, _expected: current < 100, "no item to complete",
                           evidence=False)
    row_id = row.get_attribute("id")
    form = _inline_open(walk, row)
    _slide(walk, form, 100)
    _focus_words(walk, form, "achievements")
    walk.type(ACHIEVEMENTS)
    this_month = timezone.localdate().replace(day=1)
    if refused_once:
        _month_pick(walk, form, (this_month + datetime.timedelta(days=32)).replace(day=1))
    picks = 1
    walk.pick(form.locator("input[name=file_1]"), pdf)  # its description is optional: the file's name serves
    note = _inline_save(walk, page, row_id, form)
    if not refused_once:
        return walk, f"item {position} of My work{'; ' + note if note else ''}"
    if not note:
        raise RuntimeError("the save for the coming month should have been refused")
    refusal = note.removeprefix("REFUSED: ")
    form = page.locator(f"#{row_id} form.report-form")
    if not form.locator("[data-attached]").count():
        picks += 1  # the file asked for again: the finding the issue names
        walk.pick(form.locator("input[name=file_1]"), pdf)
    _month_pick(walk, form, this_month)
    note = _inline_save(walk, page, row_id, form)
    return walk, (f"item {position} of My work; the first save refused ({refusal!r}), read, the period fixed; "
                  f"file picks: {picks}{'; ' + note if note else ''}")


def _resubmit_walk(page, pdf, task_pk):
    walk = Walk(page, key_s=PHONE_KEY_S, touch=True)
    walk.tap(page.locator(".topbar a.bell"), then=lambda: page.wait_for_url(lambda url: "/notifications/" in url))
    walk.read()  # the reviewer's note, in the notification
    walk.tap(page.locator(f"main a[href='/tasks/{task_pk}/']").first,
             then=lambda: page.wait_for_url(lambda url: f"/tasks/{task_pk}/" in url))
    walk.tap(page.locator(f"main a[href='/tasks/{task_pk}/report/']").first,
             then=lambda: page.locator("form.report-form").wait_for())
    form = page.locator("form.report-form")
    if form.locator("input[name=progress]").input_value() != "100":
        _slide(walk, form, 100)
    if not form.locator("textarea[name=achievements]").input_value():  # prefilled from the rejected report
        _focus_words(walk, form, "achievements")
        walk.type(ACHIEVEMENTS)
    walk.pick(form.locator("input[name=file_1]"), pdf)
    walk.tap(form.get_by_role("button", name="Lưu tiến độ"),
             then=lambda: page.locator("[role=status], .error").first.wait_for())
    note = "" if page.locator("[role=status]").count() else "REFUSED: " + page.locator(".error").first.inner_text()
    return walk, note


def _desk_plain_rows(rows, count):
    """The first `count` rows a plain update fits, with the figure it gives."""
    chosen = []
    for index, row in enumerate(rows):
        current, expected = row["current"], row["expected"]
        if _plain_fits(current, expected):
            chosen.append((index, min(95, -(-max(current + 5, expected or 0) // 5) * 5)))
        if len(chosen) == count:
            return chosen
    raise RuntimeError(f"fewer than {count} items a plain update fits")


def _desk_single_walk(page):
    """The same month at a desk the way there was: each item's form opened in its row of My work, saved, the next."""
    walk = Walk(page, key_s=DESK_KEY_S, touch=False)
    rows = _all_rows(page)
    figures = [dict(zip(("current", "expected"), _row_figures(row), strict=True)) if row.locator("a.update").count()
               else {"current": 100, "expected": 100} for row in rows]
    refused = 0
    for index, figure in _desk_plain_rows(figures, DESK_ITEMS):
        row = rows[index]
        row_id = row.get_attribute("id")
        form = _inline_open(walk, row)
        _slide(walk, form, figure)  # the slider's figure set, the achievements box has the focus (report_form.js)
        _focus_words(walk, form, "achievements")
        walk.type(ACHIEVEMENTS)
        refused += bool(_inline_save(walk, page, row_id, form))
    return walk, f"{DESK_ITEMS - refused} saved, {refused} refused"


def _desk_table_walk(page):
    """The month at a desk in the table: from My work to "Cập nhật nhiều mục", each row's figure, Tab, its
    achievements; Enter saves them all."""
    walk = Walk(page, key_s=DESK_KEY_S, touch=False)
    walk.tap(page.get_by_role("link", name="Cập nhật nhiều mục cùng lúc"),
             then=lambda: page.locator("tbody.desk-row").first.wait_for())
    locators = page.locator("tbody.desk-row")
    rows = [locators.nth(index) for index in range(locators.count())]
    figures = [{"current": int(row.get_attribute("data-current")),
                "expected": int(row.get_attribute("data-expected")) if row.get_attribute("data-expected") else None}
               for row in rows]
    previous = None
    for index, figure in _desk_plain_rows(figures, DESK_ITEMS):
        box = rows[index].locator("input[name$='-progress']")
        if previous is not None and index == previous + 1:
            walk.key("Tab")  # from the last row's achievements to this row's figure
        else:
            walk.tap(box)
        if not box.evaluate("element => element === document.activeElement"):
            raise RuntimeError("Tab did not reach the next row's figure")
        walk.type(str(figure))
        walk.key("Tab")
        walk.type(ACHIEVEMENTS)
        previous = index
    walk.thoughts += 1  # then Enter saves the table
    walk.key("Enter", then=lambda: page.locator(".desk-summary").wait_for())
    summary = page.locator(".desk-summary").inner_text().strip()
    return walk, summary


def bench_pages():
    """The plan page with 1,000 tasks and 1,000 indicators, and the task page with a long history, in-process."""
    import datetime

    from django.db.models import Max
    from django.test import Client
    from django.utils import timezone

    from indicators.models import Indicator
    from plans.models import Area, Plan, Section, Unit
    from tasks.models import Task

    area = Area.objects.create(kind="commune", name="Bench pages", slug="bench-pages")
    units = [Unit.objects.create(area=area, name=name, slug=f"bench-pages-{i}") for i, name in
             enumerate(["Phòng Văn hóa - Xã hội", "Phòng Kinh tế"])]
    plan = Plan.objects.create(slug="bench-pages-plan", area=area, issuer="UBND", title="Bench", status="draft")
    sections = Section.objects.bulk_create(
        [Section(plan=plan, number=f"{i}.", title=f"Nhóm {i}", position=i) for i in range(1, 6)])
    tasks = Task.objects.bulk_create([
        Task(plan=plan, section=sections[i % 5], position=i, ordinal=str(i), title=f"Nhiệm vụ {i} " + "nội dung " * 12,
             product="Báo cáo", timeline_text="Năm 2026", starts_on=datetime.date(2026, 1, 1),
             ends_on=datetime.date(2026, 12, 31), progress=i % 100) for i in range(1000)])
    indicators = Indicator.objects.bulk_create([
        Indicator(plan=plan, section=sections[i % 5], position=i, ordinal=str(i), content=f"Chỉ tiêu {i}",
                  unit_of_measure="%", target_text="≥ 80", target_comparator=">=", target_value=80)
        for i in range(1000)])
    Task.lead_units.through.objects.bulk_create([Task.lead_units.through(task=t, unit=units[0]) for t in tasks])
    Task.support_units.through.objects.bulk_create([Task.support_units.through(task=t, unit=units[1]) for t in tasks])
    Indicator.lead_units.through.objects.bulk_create(
        [Indicator.lead_units.through(indicator=i, unit=units[0]) for i in indicators])
    History = Task.history.model
    now, task = timezone.now(), tasks[0]
    start = (History.objects.aggregate(n=Max("history_id"))["n"] or 0) + 1
    History.objects.bulk_create([
        History(history_id=start + m, id=task.id, plan_id=plan.id, section_id=task.section_id, position=task.position,
                ordinal=task.ordinal, title=task.title, timeline_text=task.timeline_text, status=task.status,
                progress=m, version=m + 1, history_date=now - datetime.timedelta(days=30 * (60 - m)),
                history_type="+" if m == 0 else "~") for m in range(60)])
    reader = get_user_model().objects.create_user("bench-pages-reader", password="x", role="leader")
    reader.units.set(units[:1])
    client = Client()
    client.force_login(reader)
    settings.ALLOWED_HOSTS = ["*"]
    for label, path in (("plan page, 1,000 tasks and 1,000 indicators", f"/plans/{plan.slug}/"),
                        ("task page, 60 history rows (20 a page)", f"/tasks/{task.pk}/")):
        executed = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            size = len(client.get(path).content)
        query_count = len(executed)
        durations = []
        for _ in range(7):
            started = time.perf_counter()
            client.get(path)
            durations.append(time.perf_counter() - started)
        print(f"{label}: {statistics.median(durations) * 1000:.0f} ms median over 7, {query_count} queries, "
              f"{size / 1024:.0f} KB")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["pages", "load", "cpu", "phone", "all"], nargs="?", default="all")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("the officers' benchmarks need PostgreSQL: set DATABASE_URL")
    settings.DEBUG = False
    old_name, database_url, officers = database_create()
    try:
        if args.what in ("pages", "all"):
            bench_pages()
        connection.close()  # the gunicorn workers hold the connections now
        if args.what in ("load", "all"):
            bench_load(database_url, officers)
        if args.what in ("cpu", "all"):
            bench_cpu(database_url, officers[0])
        if args.what in ("phone", "all"):
            bench_phone(database_url, officers[-1])
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
