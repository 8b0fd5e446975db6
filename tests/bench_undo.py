"""Jobs that used to run inside a request, for `make bench` (issue 21): the undo of a 10,000-row appendix import
and the confirm of a 1,000-row assignment workbook. Each is measured through its service with a real Celery
worker (the request's part: seconds and statements; then the wall time until the worker is done), and its job's
own statements counted by running it once more in this process.

    DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://… python -m tests.bench_undo [ROWS] [ASSIGNMENTS]
runs it alone against the database DATABASE_URL names; `python -m tests.bench` runs it after the imports.
"""
import os
import subprocess
import sys
import time


def child(rows, assignments):
    """Inside a fresh process against the benchmark database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plans import assignment
    from plans import jobs  # noqa: F401  the web process's jobs, by name
    from plans.appendix import services
    from plans.models import AppendixImport, AssignmentImport, Area, Plan, Unit
    from tests.bench_import import UNITS, workbook
    from tests.workbooks import workbook_bytes

    area, _ = Area.objects.get_or_create(slug="bench-undo", defaults={"kind": "commune", "name": "Bench undo"})
    for index, name in enumerate(UNITS):
        Unit.objects.get_or_create(area=area, name=name, defaults={"slug": f"bench-undo-u{index}"})
    user, _ = get_user_model().objects.get_or_create(username="bench-undoer", defaults={"is_superuser": True})
    worker = _worker() if not settings.CELERY_TASK_ALWAYS_EAGER else None
    if worker is None:
        print("(no CELERY_BROKER_URL: jobs run eagerly, inside the request's figures)")
    try:
        def plan():
            return Plan.objects.create(slug=f"bench-undo-{time.time_ns()}", area=area, issuer="UBND", title="Bench",
                                       issued_year=2026)

        def imported(target, data):
            record = services.import_upload(plan=target, user=user, upload=SimpleUploadedFile("bench.xlsx", data))
            _until(record, lambda r: r.status == "previewed")
            services.import_confirm(record, user)
            return _until(record, lambda r: r.status == "done")

        data = workbook(rows)
        # The real path: the request enqueues, the worker undoes.
        target = plan()
        record = imported(target, data)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            services.import_undo(record, user)
            request = time.perf_counter() - started
        _until(record, lambda r: r.status == "undone")
        total = time.perf_counter() - started
        assert target.tasks.count() == 0
        statements = len(queries)
        # The job itself, in this process, on the same import done again.
        target = plan()
        record = imported(target, data)
        AppendixImport.objects.filter(pk=record.pk).update(status="undoing", run_token="bench", heartbeat_at=None,
                                                           undone_by=user)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            services.import_undo_run(record.pk, "bench", background=False)
            job = time.perf_counter() - started
        assert target.tasks.count() == 0
        print(f"undo, {rows} rows: request {request * 1000:.0f} ms ({statements} statements), done by the worker "
              f"{total:.2f} s after the request; the job alone {job:.2f} s ({len(queries)} statements)")

        # The assignment workbook: every item gets another lead unit and a product.
        target = plan()
        imported(target, workbook(assignments))
        header, sheet, section = ["STT", "Nội dung", "Đơn vị chủ trì", "Sản phẩm"], [], None
        for item in target.tasks.select_related("section").order_by("position"):
            if item.section_id != section:
                section = item.section_id
                sheet.append([item.section.number, item.section.title])
            sheet.append([item.ordinal, "", UNITS[(item.position + 5) % len(UNITS)], "Báo cáo quý"])
        data = workbook_bytes([header, *sheet])

        def confirmed():
            record = assignment.assignment_upload(plan=target, user=user,
                                                  upload=SimpleUploadedFile("phan-cong.xlsx", data))
            record = _until(record, lambda r: r.status != "reading", model=AssignmentImport)  # a large one: a job
            assert len(record.summary["changes"]) == assignments, record.summary["errors"][:3]
            return record

        record = confirmed()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            assignment.assignment_import_confirm(record=record, user=user)
            request = time.perf_counter() - started
        record = _until(record, lambda r: r.status == "done", model=AssignmentImport)
        total = time.perf_counter() - started
        statements = len(queries)
        assert record.applied_count == assignments
        data = workbook_bytes([header, *[row[:2] + [UNITS[0], "Báo cáo năm"] if len(row) == 4 else row
                                         for row in sheet]])
        record = confirmed()
        AssignmentImport.objects.filter(pk=record.pk).update(status="queued", run_token="bench", confirmed_by=user)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            assert assignment.assignment_import_run(record.pk, "bench") == assignments
            job = time.perf_counter() - started
        print(f"assignment workbook confirm, {assignments} items: request {request * 1000:.0f} ms ({statements} "
              f"statements), done by the worker {total:.2f} s after the request; the job alone {job:.2f} s "
              f"({len(queries)} statements)")
    finally:
        if worker:
            worker.terminate()
            worker.wait(30)


def _until(record, done, *, model=None, seconds=600):
    model = model or type(record)
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        current = model.objects.get(pk=record.pk)
        if done(current):
            return current
        time.sleep(0.05)
    raise SystemExit(f"{model.__name__} {record.pk} still {current.status}: {getattr(current, 'message', '')}")


def _worker():
    """A Celery worker in a process of its own, as docker-compose runs it; returns once it answers a ping."""
    from config.celery import app

    app.control.purge()
    process = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
                                "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "warning"],
                               env=os.environ.copy(), stdout=subprocess.DEVNULL)
    for _ in range(60):
        if app.control.ping(timeout=1):
            return process
    process.terminate()
    raise SystemExit("the Celery worker did not start")


def bench(database_url, rows=10_000, assignments=1000):
    output = subprocess.run([sys.executable, "-m", "tests.bench_undo", str(rows), str(assignments)],
                            env={**os.environ, "DATABASE_URL": database_url}, capture_output=True, text=True)
    if output.returncode:
        sys.exit(f"bench_undo: {output.stdout[-1000:]}{output.stderr[-3000:]}")
    print(output.stdout.strip())


if __name__ == "__main__":
    child(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000, int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
