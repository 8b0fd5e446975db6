"""The "Phân công nhiệm vụ" workbook's confirm as a Celery job (issue 21): the request answers at once with the
state page, the real worker applies it all or nothing, a failure shows why with a retry."""
import io
import threading
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans import assignment
from plans import jobs  # noqa: F401  registers the jobs by name before any worker starts (see config/jobs.py)
from plans.appendix import services
from plans.models import AssignmentImport
from plans.tests.test_appendix_jobs import _plan, _tasks, _wait
from tasks.models import Task
from tests.workbooks import workbook_bytes

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROWS = assignment.INLINE_CHANGES + 10  # more than a request applies itself


@pytest.fixture
def uploaded(client, media_root):
    """A plan of ROWS tasks led by Phòng Kinh tế, and a workbook handing them all to Công an xã, previewed."""
    plan, user = _plan()
    user.is_superuser = True
    user.save()
    record = services.import_upload(plan=plan, user=user, upload=SimpleUploadedFile("phu-luc.xlsx", _tasks(ROWS)))
    services.import_confirm(record, user)
    assert plan.tasks.count() == ROWS
    rows = [["STT", "Nội dung", "Đơn vị chủ trì", "Sản phẩm"],
            *[[str(n), "", "Công an xã", "Báo cáo quý"] for n in range(1, ROWS + 1)]]
    client.force_login(user)
    response = client.post(f"/plans/{plan.slug}/assignment/import/",
                           {"file": SimpleUploadedFile("phan-cong.xlsx", workbook_bytes(rows))})
    record = AssignmentImport.objects.get()
    assert response.status_code == 302 and record.status == "previewed" and len(record.summary["changes"]) == ROWS
    return plan, user, record


def _led_by_police(plan):
    return Task.objects.filter(plan=plan, lead_units__name="Công an xã", product="Báo cáo quý").count()


def _confirm(client, plan, record, reason="Giao lại theo bảng phân công"):
    return client.post(f"/plans/{plan.slug}/assignment/import/{record.pk}/confirm/", {"reason": reason})


def test_the_confirm_answers_at_once_and_the_worker_applies_it(celery_worker, monkeypatch, client, uploaded):
    plan, user, record = uploaded
    opened, run = threading.Event(), assignment.assignment_import_run

    def held(*args):
        assert opened.wait(30)
        return run(*args)

    monkeypatch.setattr(assignment, "assignment_import_run", held)
    response = _confirm(client, plan, record)
    assert response.status_code == 302 and response.url == f"/plans/{plan.slug}/assignment/import/{record.pk}/"
    record.refresh_from_db()
    assert record.status == "queued" and _led_by_police(plan) == 0  # nothing applied inside the request
    page = client.get(response.url).content.decode()
    assert "Đang chờ xử lý" in page and "hx-trigger" in page
    # A second confirm (a double click, another admin) finds it taken.
    again = client.post(f"/plans/{plan.slug}/assignment/import/{record.pk}/confirm/", follow=True)
    assert "đã được áp dụng hoặc không còn áp dụng được" in again.content.decode()

    opened.set()
    record = _wait(record, lambda r: r.status == "done")
    assert record.applied_count == ROWS and _led_by_police(plan) == ROWS
    latest = Task.objects.filter(plan=plan).first().history.first()
    assert (latest.history_user, latest.history_change_reason) == (user, "Giao lại theo bảng phân công")
    with CaptureQueriesContext(connection) as captured:
        partial = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="assignment-done"' in partial and "hx-trigger" not in partial and f"{ROWS} mục" in partial
    # user (the session is the cache's), the plan (editable), the record with its plan and uploader: polled every
    # second while it runs
    assert len(captured) == 3, [q["sql"][:80] for q in captured]


def test_a_failure_mid_way_applies_nothing_and_offers_a_retry(celery_worker, monkeypatch, client, uploaded):
    plan, user, record = uploaded
    apply = assignment._apply

    def fail_after_writing(changed, **kwargs):
        apply(changed, **kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(assignment, "_apply", fail_after_writing)
    _confirm(client, plan, record)
    record = _wait(record, lambda r: r.status == "failed")
    assert _led_by_police(plan) == 0 and not Task.history.filter(history_change_reason__startswith="Giao lại").exists()
    page = client.get(f"/plans/{plan.slug}/assignment/import/{record.pk}/").content.decode()
    assert "không thành công" in page and 'id="assignment-retry"' in page

    monkeypatch.setattr(assignment, "_apply", apply)
    client.post(f"/plans/{plan.slug}/assignment/import/{record.pk}/confirm/", {"reason": record.reason})
    record = _wait(record, lambda r: r.status == "done")
    assert _led_by_police(plan) == ROWS


def test_a_worker_that_died_while_applying_leaves_a_retry(client, uploaded, settings):
    from datetime import timedelta

    from django.utils import timezone

    plan, user, record = uploaded
    AssignmentImport.objects.filter(pk=record.pk).update(status="applying", heartbeat_at=timezone.now())
    assert assignment.assignment_import_sweep() == 0
    later = timezone.now() + timedelta(seconds=settings.IMPORT_HEARTBEAT_TIMEOUT + 1)
    assert assignment.assignment_import_sweep(now=later) == 1
    record.refresh_from_db()
    assert record.status == "failed" and "Thử lại" in record.message


def test_with_the_broker_down_the_confirm_says_so_and_offers_a_retry(client, uploaded, broker_down):
    plan, user, record = uploaded
    _confirm(client, plan, record)
    record.refresh_from_db()
    assert record.status == "queued" and "Hàng đợi xử lý nền đang tạm ngừng" in record.message
    page = client.get(f"/plans/{plan.slug}/assignment/import/{record.pk}/").content.decode()
    assert 'id="assignment-retry"' in page and "hx-trigger" not in page and _led_by_police(plan) == 0


def _with_sheet(data, sheet_xml):
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            body = sheet_xml.encode() if entry.filename == "xl/worksheets/sheet1.xml" else source.read(entry)
            target.writestr(entry, body)
    return out.getvalue()


def _read(record, seconds=60):
    for _ in range(seconds * 10):
        record.refresh_from_db()
        if record.status != "reading":
            return record
        time.sleep(0.1)
    raise AssertionError("the worker never read the workbook")


def test_a_workbook_over_the_inline_size_is_read_by_the_worker_not_the_request(
        celery_worker, monkeypatch, settings, client, uploaded):
    plan, user, first = uploaded
    settings.IMPORT_INLINE_BYTES = 1  # every workbook is large
    opened, run = threading.Event(), assignment.assignment_preview_run

    def held(*args):
        assert opened.wait(30)
        return run(*args)

    monkeypatch.setattr(assignment, "assignment_preview_run", held)
    rows = [["STT", "Nội dung", "Đơn vị chủ trì", "Sản phẩm"],
            *[[str(n), "", "Công an xã", "Báo cáo tháng"] for n in range(1, ROWS + 1)]]
    response = client.post(f"/plans/{plan.slug}/assignment/import/",
                           {"file": SimpleUploadedFile("phan-cong-lon.xlsx", workbook_bytes(rows))})
    record = AssignmentImport.objects.exclude(pk=first.pk).get()
    assert response.status_code == 302 and record.status == "reading" and record.summary == {}
    page = client.get(response.url).content.decode()
    assert "Đang đọc và xem trước tệp" in page and "?reading=1" in page and 'id="assignment-confirm"' not in page

    opened.set()
    record = _read(record)
    assert record.status == "previewed" and len(record.summary["changes"]) == ROWS
    # The polling block asks for the whole page once the preview is there; a delivery again reads nothing twice.
    assert client.get(f"{response.url}?reading=1", HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    assert 'id="assignment-confirm"' in client.get(response.url).content.decode()
    assert assignment.assignment_preview_run(record.pk) is None


def test_a_large_workbook_the_worker_cannot_read_says_why_and_writes_nothing(celery_worker, settings, client, uploaded):
    plan, user, first = uploaded
    settings.IMPORT_INLINE_BYTES = 1
    broken = _with_sheet(workbook_bytes([["STT", "Nội dung"], ["1", "x"]]),  # text past the last column (XFD)
                         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                         '<row r="1"><c r="ZZZZZ1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')
    response = client.post(f"/plans/{plan.slug}/assignment/import/",
                           {"file": SimpleUploadedFile("hong.xlsx", broken)})
    record = _read(AssignmentImport.objects.exclude(pk=first.pk).get())
    assert response.status_code == 302 and record.status == "invalid" and "Chưa đọc được tệp" in record.message
    page = client.get(response.url).content.decode()
    assert 'id="assignment-unread"' in page and 'id="assignment-confirm"' not in page
    assert _led_by_police(plan) == 0


def test_the_worker_preview_refuses_what_the_confirm_would_refuse(celery_worker, settings, client, uploaded):
    """Issue 25: a large workbook read by the worker applies the save's rules too: a date that does not exist is
    an error of its row, and the file can never be confirmed."""
    plan, user, first = uploaded
    settings.IMPORT_INLINE_BYTES = 1
    rows = [["STT", "Nội dung", "Đơn vị chủ trì", "Thời gian"],
            *[[str(n), "", "Công an xã", "31/02/2026" if n == 7 else "Năm 2026"] for n in range(1, ROWS + 1)]]
    response = client.post(f"/plans/{plan.slug}/assignment/import/",
                           {"file": SimpleUploadedFile("phan-cong.xlsx", workbook_bytes(rows))})
    record = _read(AssignmentImport.objects.exclude(pk=first.pk).get())
    assert record.status == "invalid"
    assert [error["row"] for error in record.summary["errors"]] == ["Trang “Phụ lục”, dòng 8"]
    assert "không có thật" in record.summary["errors"][0]["message"]
    assert 'id="assignment-confirm"' not in client.get(response.url).content.decode()


def test_the_worker_says_an_unchanged_workbook_has_no_change(celery_worker, settings, client, uploaded):
    plan, user, first = uploaded
    settings.IMPORT_INLINE_BYTES = 1
    exported = client.get(f"/plans/{plan.slug}/assignment/export.xlsx").content
    response = client.post(f"/plans/{plan.slug}/assignment/import/",
                           {"file": SimpleUploadedFile("phan-cong.xlsx", exported)})
    record = _read(AssignmentImport.objects.exclude(pk=first.pk).get())
    assert record.status == "unchanged" and record.summary["errors"] == []
    page = client.get(response.url).content.decode()
    assert 'id="assignment-unchanged"' in page and "Có lỗi" not in page
