"""Imports that are not tiny run as Celery jobs that never stick (issue 9): the broker down on upload, a worker
killed in the middle, progress read from another connection, the errors workbook built by the job, and failed
uploads that keep no file. Against the real PostgreSQL, Redis and Celery workers."""
import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from plans.appendix import services
from plans.appendix.readers import read_sheets
from plans.models import AppendixImport, Area, Plan, Unit
from tests.workbooks import TASK_HEADER, office_sheet, office_workbook


def _plan(username="importer"):
    """A commune with the units the office workbooks name, an admin and an empty plan: quick to build
    in transactional tests, which empty the database when they end."""
    from django.contrib.auth import get_user_model

    area = Area.objects.create(kind="commune", name="Thử nghiệm", slug="thu-nghiem")
    for index, name in enumerate(["Phòng Văn hóa - Xã hội", "Phòng Kinh tế", "Công an xã", "Văn phòng HĐND& UBND xã"]):
        Unit.objects.create(area=area, name=name, slug=f"thu-nghiem-{index}")
    user = get_user_model().objects.create_user(username, password="x", is_staff=True)
    plan = Plan.objects.create(slug="thu-nghiem-2026", area=area, issuer="UBND", title="Kế hoạch", issued_year=2026)
    return plan, user


def _tasks(count, *, error_at=None):
    rows = []
    for n in range(1, count + 1):
        rows.append([str(n), f"Nhiệm vụ số {n}: triển khai nền tảng số dùng chung cho các cơ quan của xã",
                     "" if n == error_at else "Phòng Kinh tế", "Phòng Văn hóa - Xã hội, Công an xã", "Báo cáo",
                     "Quý III/2026"])
    book = Workbook()
    office_sheet(book.active, TASK_HEADER, rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _wait(record, done, seconds=60):
    for _ in range(int(seconds * 10)):
        record.refresh_from_db()
        if done(record):
            return record
        time.sleep(0.1)
    raise AssertionError(f"still {record.status} {record.progress}% {record.message}")


# Failed uploads keep no file; a sheet without a declared size goes to a job and is capped while streaming.

@pytest.mark.django_db
def test_a_failed_upload_keeps_no_stored_file(media_root, users):
    plan = Plan.objects.get(slug="phu-lam-55kh")
    book = Workbook()
    book.active.append(["Báo cáo tổng hợp, không có bảng phụ lục"])
    buffer = io.BytesIO()
    book.save(buffer)
    record = services.import_upload(plan=plan, user=users["phulam-admin"],
                                    upload=SimpleUploadedFile("bao-cao.xlsx", buffer.getvalue()))
    assert record.status == "failed" and "Không trang nào" in record.message
    assert not record.file and not any(path.is_file() for path in media_root.rglob("*"))
    with pytest.raises(ValidationError):
        services.import_upload(plan=plan, user=users["phulam-admin"], upload=SimpleUploadedFile("x.xlsx", b"PK\x03\x04zz"))
    assert AppendixImport.objects.count() == 1 and not any(path.is_file() for path in media_root.rglob("*"))


def _without_dimension(data):
    """The same workbook with no <dimension> in its sheets, as some programs write them."""
    import re
    import zipfile

    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename.startswith("xl/worksheets/"):
                content = re.sub(rb"<dimension[^>]*/>", b"", content)
            out.writestr(entry, content)
    return target.getvalue()


@pytest.mark.django_db
def test_a_sheet_without_declared_size_is_previewed_by_a_job_and_capped_while_streaming(
        users, settings, django_capture_on_commit_callbacks):
    data = _without_dimension(_tasks(3000))
    assert b"<dimension" not in data
    plan = Plan.objects.get(slug="phu-lam-55kh")
    with django_capture_on_commit_callbacks() as sent:
        record = services.import_upload(plan=plan, user=users["phulam-admin"],
                                        upload=SimpleUploadedFile("lon.xlsx", data))
    assert record.status == "previewing" and record.job == services.PREVIEW_JOB and len(sent) == 1
    assert record.summary == {}  # nothing was read inside the request
    settings.IMPORT_MAX_ROWS = 500  # counted while streaming: refused at row 501, the sheet never read whole
    with pytest.raises(ValidationError, match="vượt giới hạn"):
        read_sheets(data, "lon.xlsx")


# Progress is written outside the import's transaction, on a connection of its own.

def test_progress_on_sqlite_is_written_in_the_jobs_own_transaction(monkeypatch):
    """SQLite has one writer: a connection of its own would wait 5 s for the import's transaction at each step."""
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    assert services.Progress(1).connection is None


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_from_another_connection_while_the_import_runs(monkeypatch, media_root):
    from plans.appendix import write

    plan, user = _plan()
    record = services.import_upload(plan=plan, user=user, upload=SimpleUploadedFile("nho.xlsx", _tasks(40)))
    assert record.status == "previewed"
    monkeypatch.setattr(write, "BATCH", 10)
    reader = type(connections["default"])(dict(connection.settings_dict), "default")
    seen = []
    progress = services.Progress(record.pk)

    def report(done, total):
        progress(done, total)
        with reader.cursor() as cursor:
            cursor.execute("SELECT progress FROM plans_appendiximport WHERE id = %s", [record.pk])
            shown = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM tasks_task WHERE plan_id = %s", [plan.pk])
            seen.append((shown, cursor.fetchone()[0]))

    _sheets, preview = services._load(record)
    with transaction.atomic():
        write.appendix_import(plan=plan, preview=preview, user=user, on_progress=report)
        assert connection.in_atomic_block
    progress.close()
    reader.close()
    # Every step was seen by the other connection while no task of the import was visible to it yet.
    assert seen == [(25, 0), (50, 0), (75, 0), (99, 0)]
    assert plan.tasks.count() == 40


# The broker down on upload: said plainly, kept, picked up when the broker is back.

def _broker_down(app):
    app.conf.broker_write_url = "redis://127.0.0.1:6399/0"  # nothing listens there
    app._pool = None
    app.amqp._producer_pool = None


def _broker_back(app):
    app.conf.broker_write_url = None
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_upload_says_so_and_is_sent_when_it_is_back(client, celery_worker, settings,
                                                                             media_root):
    settings.IMPORT_INLINE_BYTES = 0
    plan, user = _plan()
    client.force_login(user)
    user.is_superuser = True
    user.save()
    _broker_down(celery_worker)
    try:
        response = client.post(f"/plans/{plan.slug}/import/", {"file": SimpleUploadedFile("phu-luc.xlsx", office_workbook())})
    finally:
        _broker_back(celery_worker)
    assert response.status_code == 302
    record = AppendixImport.objects.get()
    assert record.status == "previewing" and record.queued_at is None and record.file
    page = client.get(response.url).content.decode()
    assert "Hàng đợi xử lý nền đang tạm ngừng" in page and "Thử lại" in page
    assert "hx-trigger" not in page  # no spinner polling forever
    # The sweep leaves a record alone for its first seconds (its own send may still be under way).
    sent, failed = services.sweep_imports(now=timezone.now() + timezone.timedelta(seconds=6))
    assert (sent, failed) == (1, 0)
    record = _wait(record, lambda r: r.status == "previewed")
    assert record.summary["counts"]["new"] == 5 and record.queued_at is not None


# A worker killed with SIGKILL in the middle of a job: failed with a retry within the heartbeat timeout,
# the retry runs, and the killed run's message, if it ever comes back, does nothing.

@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_is_marked_failed_and_the_retry_imports(request, settings, media_root, client):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("no broker configured")
    from config.celery import app

    settings.IMPORT_INLINE_BYTES = 0
    plan, user = _plan()
    user.is_superuser = True
    user.save()
    app.control.purge()
    database = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
           "MEDIA_ROOT": str(media_root), "CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
                               "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "warning"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        record = services.import_upload(plan=plan, user=user, upload=SimpleUploadedFile("lon.xlsx", _tasks(6000)))
        record = _wait(record, lambda r: r.status == "previewed", seconds=120)
        services.import_confirm(record, user)
        record = _wait(record, lambda r: r.heartbeat_at is not None, seconds=60)  # the worker holds the job
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    killed_token = record.run_token
    record.refresh_from_db()
    assert record.status == "importing" and plan.tasks.count() == 0  # all or nothing: nothing written
    # Within the heartbeat timeout nothing is declared dead; after it the sweep fails the job.
    assert services.sweep_imports() == (0, 0)
    later = timezone.now() + timedelta(seconds=settings.IMPORT_HEARTBEAT_TIMEOUT + 1)
    assert services.sweep_imports(now=later) == (0, 1)
    record.refresh_from_db()
    assert record.status == "failed" and record.can_retry and "Thử lại" in record.message
    assert settings.IMPORT_HEARTBEAT_TIMEOUT + 30 <= 120  # sweep every 30 s: failed within 2 minutes
    client.force_login(user)
    assert "retry-import" in client.get(f"/plans/{plan.slug}/import/{record.pk}/").content.decode()
    request.getfixturevalue("celery_worker")
    client.post(f"/plans/{plan.slug}/import/{record.pk}/retry/")
    record = _wait(record, lambda r: r.status == "done", seconds=120)
    assert plan.tasks.count() == 6000 and record.attempts == 3  # the preview, the killed run, the retry
    # The killed run's message, redelivered after the visibility timeout, cannot claim the record again.
    assert services.import_apply_run(record.pk, killed_token) is None
    assert plan.tasks.count() == 6000


# The errors workbook of a large upload is built by the job, not the request.

@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_errors_workbook_of_a_large_upload_is_built_by_the_job(client, celery_worker, settings, media_root):
    settings.IMPORT_INLINE_BYTES = 0
    plan, user = _plan()
    user.is_superuser = True
    user.save()
    record = services.import_upload(plan=plan, user=user, upload=SimpleUploadedFile("loi.xlsx", _tasks(300, error_at=7)))
    record = _wait(record, lambda r: r.status == "previewed")
    assert record.errors_file and not record.summary["can_import"]
    client.force_login(user)
    response = client.get(f"/plans/{plan.slug}/import/{record.pk}/errors.xlsx")
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    messages = {row[0].value: row[-1].value for row in sheet.iter_rows() if row[-1].value}
    assert messages["7"] == "Dòng 12 thiếu cơ quan chủ trì (“6 rõ”: rõ trách nhiệm)."
    assert messages["STT"] == "Lỗi cần sửa"
