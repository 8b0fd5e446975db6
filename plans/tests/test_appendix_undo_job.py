"""Undoing an appendix import as a Celery job (issue 21): the request answers at once with the state page, the
real worker removes what the import created and restores what it changed, set-based, all or nothing, with the
items' history saying who undid it and why; refused while something is reported on its items."""
import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans import jobs  # noqa: F401  registers the jobs by name before any worker starts (see config/jobs.py)
from plans.appendix import services, write
from plans.models import AppendixImport
from plans.tests.test_appendix_jobs import _plan, _wait
from tasks.models import ProgressUpdate, Task
from tests.workbooks import office_workbook

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _edit(book):
    """Task 1 gets another timeline and lead unit, and a task 3 is added."""
    for row in book["Phụ lục II"].iter_rows():
        if row[0].value == "1.":
            row[5].value = "Quý IV/2026"
            row[2].value = "Công an xã"
    book["Phụ lục II"].append(["3.", "Lắp camera giám sát giao thông", "Công an xã", None, "Hệ thống camera",
                              "Năm 2027"])


@pytest.fixture
def second_import(media_root):
    """A plan with one import, then a second that changes task 1 and adds task 3: the second is undone."""
    plan, user = _plan()
    user.is_superuser = True
    user.save()
    for data in (office_workbook(), office_workbook(edit=_edit)):
        record = services.import_upload(plan=plan, user=user, upload=SimpleUploadedFile("phu-luc.xlsx", data))
        services.import_confirm(record, user)
        record.refresh_from_db()
        assert record.status == "done"
    assert plan.tasks.count() == 3 and plan.tasks.get(ordinal="1").timeline_text == "Quý IV/2026"
    return plan, user, record


def _state(plan):
    first = plan.tasks.get(ordinal="1")
    return (plan.tasks.count(), plan.indicators.count(), first.timeline_text,
            sorted(first.lead_units.values_list("name", flat=True)),
            Task.history.filter(history_type="-").count())


def _undo(client, plan, user, record, settings):
    settings.IMPORT_INLINE_BYTES = 0  # the undo goes to the worker, as any import that is not tiny does
    client.force_login(user)
    response = client.post(f"/plans/{plan.slug}/import/{record.pk}/undo/")
    assert response.status_code == 302 and response.url == f"/plans/{plan.slug}/import/{record.pk}/"
    return response


@pytest.fixture
def gate(monkeypatch):
    """Holds the undo job at its start until the test opens it: what the request left is seen before the worker
    moves on."""
    opened, undo = threading.Event(), services.import_undo_run

    def held(*args, **kwargs):
        assert opened.wait(30)
        return undo(*args, **kwargs)

    monkeypatch.setattr(services, "import_undo_run", held)
    return opened


def test_the_undo_answers_at_once_and_the_worker_undoes_it_with_history(celery_worker, gate, client, second_import,
                                                                        settings):
    plan, user, record = second_import
    _undo(client, plan, user, record, settings)
    record.refresh_from_db()
    # Nothing undone inside the request: the page shows the job's state and polls.
    assert record.status == "undoing" and record.job == services.UNDO_JOB and record.queued_at is not None
    assert plan.tasks.count() == 3
    with CaptureQueriesContext(connection) as captured:
        page = client.get(f"/plans/{plan.slug}/import/{record.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "Đang hoàn tác lần nhập" in page and "hx-trigger" in page and "<progress" in page
    # user (the session is the cache's), the plan (editable), the record with its plan, uploader and undoer, the
    # plan's area: polled every second while the job runs
    assert len(captured) == 4, [q["sql"][:80] for q in captured]

    gate.set()
    record = _wait(record, lambda r: r.status == "undone")
    assert _state(plan) == (2, 3, "Quý III/2026", ["Phòng Văn hóa - Xã hội"], 1)
    reason = "Hoàn tác nhập phụ lục “phu-luc.xlsx”"
    removed = Task.history.get(history_type="-")
    assert (removed.title, removed.history_user, removed.history_change_reason) == (
        "Lắp camera giám sát giao thông", user, reason)
    restored = plan.tasks.get(ordinal="1").history.first()
    assert (restored.history_type, restored.history_user, restored.history_change_reason) == ("~", user, reason)
    page = client.get(f"/plans/{plan.slug}/import/{record.pk}/").content.decode()
    assert 'id="import-undone"' in page and "hx-trigger" not in page
    # Undone once: a second request is refused and changes nothing.
    client.post(f"/plans/{plan.slug}/import/{record.pk}/undo/")
    record.refresh_from_db()
    assert record.status == "undone" and plan.tasks.count() == 2


def test_a_failure_mid_way_undoes_nothing_and_offers_a_retry(celery_worker, client, second_import, settings,
                                                             monkeypatch):
    plan, user, record = second_import
    before = _state(plan)
    deleted = write._delete_items

    def fail_after_deleting(model, ids, **kwargs):
        deleted(model, ids, **kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(write, "_delete_items", fail_after_deleting)  # after the restore and one delete
    _undo(client, plan, user, record, settings)
    record = _wait(record, lambda r: r.status == "done" and r.message)
    assert _state(plan) == before and not Task.history.filter(history_change_reason__startswith="Hoàn tác").exists()
    page = client.get(f"/plans/{plan.slug}/import/{record.pk}/").content.decode()
    assert "Hoàn tác không thành công" in page and 'id="undo-import">Thử lại' in page

    monkeypatch.setattr(write, "_delete_items", deleted)
    client.post(f"/plans/{plan.slug}/import/{record.pk}/undo/")
    record = _wait(record, lambda r: r.status == "undone")
    assert _state(plan)[:4] == (2, 3, "Quý III/2026", ["Phòng Văn hóa - Xã hội"]) and not record.message


def _report(plan, user):
    ProgressUpdate.objects.create(task=plan.tasks.get(ordinal="3"), author=user, period=datetime.date(2026, 5, 1),
                                  progress_before=0, progress_after=10, achievements="Đã khảo sát")


def test_refused_at_once_when_something_was_reported_on_its_items(client, second_import, settings):
    plan, user, record = second_import
    _report(plan, user)
    before = _state(plan)
    response = _undo(client, plan, user, record, settings)
    record.refresh_from_db()
    assert record.status == "done" and _state(plan) == before
    assert "đã có báo cáo tiến độ" in client.get(response.url).content.decode()


def test_refused_by_the_job_when_a_report_came_in_while_it_waited(celery_worker, gate, client, second_import,
                                                                  settings):
    plan, user, record = second_import
    before = _state(plan)
    _undo(client, plan, user, record, settings)
    _report(plan, user)  # between the request and the worker
    gate.set()
    record = _wait(record, lambda r: r.status == "done")
    assert "đã có báo cáo tiến độ" in record.message and _state(plan) == before


def test_a_worker_that_died_during_the_undo_leaves_the_import_with_a_retry(client, second_import, settings):
    from django.utils import timezone

    plan, user, record = second_import
    _undo(client, plan, user, record, settings)
    # The worker claimed it, then died: its heartbeat stops.
    AppendixImport.objects.filter(pk=record.pk).update(heartbeat_at=timezone.now())
    later = timezone.now() + datetime.timedelta(seconds=settings.IMPORT_HEARTBEAT_TIMEOUT + 1)
    assert services.sweep_imports(now=later) == (0, 1)
    record.refresh_from_db()
    assert record.status == "done" and "Thử lại" in record.message and plan.tasks.count() == 3


def test_with_the_broker_down_the_undo_says_so_and_the_retry_sends_it(client, second_import, settings, broker_down):
    plan, user, record = second_import
    _undo(client, plan, user, record, settings)
    record.refresh_from_db()
    assert record.status == "undoing" and "Hàng đợi xử lý nền đang tạm ngừng" in record.message
    page = client.get(f"/plans/{plan.slug}/import/{record.pk}/").content.decode()
    assert 'id="retry-import"' in page and "hx-trigger" not in page  # no spinner polling forever
    assert plan.tasks.count() == 3
