"""An appendix import through HTTP, as an office runs it: gunicorn as docker-compose.yml runs it (3 workers) and a
Celery worker on Redis, an admin who uploads a workbook, waits for the preview, confirms and waits for the import.
Printed: the seconds of each step, the peak memory of the web worker and of the Celery worker, and beside it the
tuned stock import (django-import-export, tests/bench_import.py `stock`) of the same rows.

    DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://… python -m tests.bench_import_http [ROWS]   # 100,000
    COMPARE=main make bench-import      # the same, then the same bench of another git ref (default main; none: no)

It works on a throw-away database made from DATABASE_URL's name; everything started here is stopped here. The ref
compared is checked out into a temporary git worktree (sharing this checkout's .venv) and its own bench run right
after this checkout's, on the same machine, with the same rows: the figures of both are printed side by side.
"""
import http.cookiejar
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from tests import bench_officers  # sets Django up on DATABASE_URL
from tests.bench_officers import Server, _field

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from tests.bench_import import UNITS, base_compare, load_text, run, workbook  # noqa: E402
from tests.processes import worker_start  # noqa: E402

PASSWORD = "bench-import-2026"
GOAL_SECONDS, GOAL_MB = 30, 200


class _LoopbackCookies(http.cookiejar.DefaultCookiePolicy):
    """Secure cookies sent over the loopback's plain HTTP, as the TLS proxy in front of gunicorn would."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """Cookies, CSRF and redirects, with the standard library's HTTP client."""

    def __init__(self, base):
        self.base = base
        jar = http.cookiejar.CookieJar(policy=_LoopbackCookies())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, path):
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.geturl(), response.read().decode()

    def post(self, path, fields, files=None):
        if files:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in fields.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
            for name, (filename, data) in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                             f'Content-Type: application/octet-stream\r\n\r\n'.encode() + data + b"\r\n")
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            kind = f"multipart/form-data; boundary={boundary}"
        else:
            body, kind = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=body, headers={"Content-Type": kind})
        with self.opener.open(request, timeout=120) as response:
            return response.geturl(), response.read().decode()


def memory_mb(pid, field):
    """VmHWM (peak) or VmRSS (now) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid):
    """User and system CPU seconds a process has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class PostgresCPU:
    """CPU seconds of the PostgreSQL backends connected to the bench's database, sampled while the bench waits
    (the Celery worker closes its connections after each job: a backend's last tenth of a second is lost)."""

    def __init__(self):
        self.first, self.last = {}, {}
        self.sample(started=True)

    def sample(self, started=False):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid()")
            for (pid,) in cursor.fetchall():
                cpu = cpu_seconds(pid)
                self.first.setdefault(pid, cpu if started else 0.0)
                if cpu:
                    self.last[pid] = cpu

    @property
    def seconds(self):
        return sum(cpu - self.first[pid] for pid, cpu in self.last.items())


def wait(record, statuses, seconds=600, sample=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if sample:
            sample()
        record.refresh_from_db()
        if record.status in statuses:
            return record
        time.sleep(0.1)
    raise SystemExit(f"import {record.pk} still {record.status} after {seconds} s: {record.message}")


def main(rows):
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        sys.exit("the import bench needs PostgreSQL and a Celery broker: set DATABASE_URL and CELERY_BROKER_URL")
    from config.celery import app
    from plans import jobs  # noqa: F401  the jobs by name, for the purge below to know them
    from plans.models import AppendixImport, Area, Plan, Unit

    connection.settings_dict["TEST"]["NAME"] = f"bench_import_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    media = tempfile.mkdtemp(prefix="bench-import-media-")
    server = worker = None
    try:
        area = Area.objects.create(slug="bench-import", kind="commune", name="Bench import")
        for index, name in enumerate(UNITS):
            Unit.objects.create(area=area, name=name, slug=f"bench-import-u{index}")
        get_user_model().objects.create_superuser("bench-importer", password=PASSWORD)
        plan = Plan.objects.create(slug="bench-import-http", area=area, issuer="UBND", title="Bench", issued_year=2026)
        data = workbook(rows)
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        connection.close()
        server = Server(url, MEDIA_ROOT=media)
        app.control.purge()
        worker = worker_start(**{key: server.env[key] for key in ("SECRET_KEY", "ALLOWED_HOSTS", "MEDIA_ROOT",
                                                                   "EMAIL_BACKEND", "LOG_LEVEL")})
        for _ in range(60):
            if app.control.ping(timeout=1):
                break
        else:
            raise SystemExit("the Celery worker did not answer")
        browser = Browser(server.url)
        _, page = browser.get("/accounts/login/")
        browser.post("/accounts/login/", {"username": "bench-importer", "password": PASSWORD,
                                          "csrfmiddlewaretoken": _field(page, "csrfmiddlewaretoken")})
        _, page = browser.get(f"/plans/{plan.slug}/import/")
        at_rest = {"web": max(memory_mb(pid, "VmRSS") for pid in server.workers()),
                   "worker": memory_mb(worker.pid, "VmRSS")}
        load_before = os.getloadavg()
        cpu_before, postgres = cpu_seconds(worker.pid), PostgresCPU()
        started = time.perf_counter()
        landed, page = browser.post(f"/plans/{plan.slug}/import/", {"kind": "", "csrfmiddlewaretoken": _field(
            page, "csrfmiddlewaretoken")}, files={"file": ("phu-luc-ii.xlsx", data)})
        upload = time.perf_counter() - started
        found = re.search(r"/import/(\d+)/$", landed)
        if not found:
            raise SystemExit(f"the upload was not taken: {landed}")
        record = wait(AppendixImport.objects.get(pk=found.group(1)), ("previewed", "failed"), sample=postgres.sample)
        previewed = time.perf_counter() - started
        if record.status != "previewed" or not record.summary.get("can_import"):
            raise SystemExit(f"preview: {record.status} {record.message} {record.summary.get('errors', [])[:3]}")
        confirming = time.perf_counter()
        browser.post(f"/plans/{plan.slug}/import/{record.pk}/confirm/", {"csrfmiddlewaretoken": _field(
            page, "csrfmiddlewaretoken")})
        confirm_request = time.perf_counter() - confirming
        record = wait(record, ("done", "failed"), sample=postgres.sample)
        done = time.perf_counter()
        worker_cpu = cpu_seconds(worker.pid) - cpu_before
        postgres_used = postgres.seconds
        if record.status != "done":
            raise SystemExit(f"import failed: {record.message}")
        peaks = {"web": max(memory_mb(pid, "VmHWM") for pid in server.workers()),
                 "worker": memory_mb(worker.pid, "VmHWM")}
        stored = plan.tasks.count()
        links = plan.tasks.model.lead_units.through.objects.filter(task__plan=plan).count()
        total = (previewed + (done - confirming))
        print(f"import through HTTP, {rows} rows (gunicorn {bench_officers.GUNICORN_WORKERS} workers, a Celery worker "
              f"--pool=solo, PostgreSQL, Redis): {total:.1f} s of upload, preview and import "
              f"(goal ≤ {GOAL_SECONDS} s: {'met' if total <= GOAL_SECONDS else 'NOT met'})")
        print(f"  upload request {upload:.1f} s ({len(data) / 1e6:.1f} MB), preview done {previewed:.1f} s after the "
              f"upload started; confirm request {confirm_request * 1000:.0f} ms, import done "
              f"{done - confirming:.1f} s after the confirm; {stored} tasks and {links} lead links stored")
        print(f"  peak memory (VmHWM): web worker {peaks['web']:.0f} MB (at rest {at_rest['web']:.0f} MB), Celery "
              f"worker {peaks['worker']:.0f} MB (at rest {at_rest['worker']:.0f} MB); together "
              f"{peaks['web'] + peaks['worker']:.0f} MB (goal ≤ {GOAL_MB} MB for each process: "
              f"{'met' if max(peaks.values()) <= GOAL_MB else 'NOT met'})")
        print(f"  CPU seconds, less sensitive to the machine's load than the seconds above: Celery worker {worker_cpu:.1f} "
              f"s (preview and import), PostgreSQL backends {postgres_used:.1f} s")
        print(f"  load average (1, 5, 15 min) when the upload started {load_text(load_before)}, when the import was done "
              f"{load_text()} ({os.cpu_count()} cores)")
        stock_seconds, stock_peak, stock_read = (float(figure) for figure in run("stock", rows, url)[:3])
        print(f"  tuned stock django-import-export on the same rows, in one process (use_bulk, batch_size 1000, "
              f"skip_diff, CachedInstanceLoader, the plan set by its id, not looked up a row; writes no history and no "
              f"unit links, checks nothing): {stock_seconds:.1f} s (reading {stock_read:.1f} s), peak "
              f"{stock_peak:.0f} MB; stock takes {stock_seconds / total:.2f}x the portal's time")
        if record.summary.get("imported", {}).get("new") != rows:
            raise SystemExit(f"imported {record.summary.get('imported')}, not {rows} new rows")
        return {"seconds": total, "web": peaks["web"], "worker": peaks["worker"], "stock": stock_seconds,
                "worker_cpu": worker_cpu, "postgres_cpu": postgres_used}
    finally:
        for process in (worker, server):
            if process is not None:
                process.terminate() if process is worker else process.stop()
        if worker is not None:
            worker.wait(30)
        if server is not None:
            shutil.rmtree(server.static_root, ignore_errors=True)
        shutil.rmtree(media, ignore_errors=True)
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        os.environ.pop("BENCH_WORKBOOK", None)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    figures = main(count)
    base = os.environ.get("COMPARE", "main")
    if base and base != "none":
        base_compare(base, count, figures)
