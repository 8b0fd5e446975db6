"""The "run now" button: one run at a time, a record of each, and a quick clear answer when the broker is down."""
import datetime
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from reports.models import WarningRun
from reports.services import WarningRunBusy, warning_run_execute, warning_run_request


@pytest.fixture
def operator(django_user_model):
    """A superuser made here, so the transactional tests need no seed data."""
    return django_user_model.objects.create_superuser("operator", "op@localhost", "x", role="admin")


def _messages(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db(transaction=True)
def test_broker_down_answers_quickly_and_leaves_a_failed_run_to_retry(client, operator, broker_down):
    client.force_login(operator)
    response = client.post("/reports/warnings/run/", follow=True)
    assert any("máy chủ hàng đợi không phản" in m and "Chạy lại" in m for m in _messages(response))
    run = WarningRun.objects.get()
    assert run.state == WarningRun.State.FAILED and "Redis" in run.error
    page = response.content.decode()
    assert "Thất bại" in page and "Chạy lại" in page

    client.post("/reports/warnings/run/")  # the retry claims a new run: the failed one blocks nothing
    assert list(WarningRun.objects.values_list("state", flat=True)) == ["failed", "failed"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_later_presses_while_one_is_queued_say_one_is_running(client, operator, settings):
    from config.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("needs a real broker, where the first run waits in the queue (no worker runs here)")
    client.force_login(operator)
    first = client.post("/reports/warnings/run/", follow=True)
    assert any("Đã yêu cầu kiểm tra cảnh báo" in m for m in _messages(first))
    for _ in range(19):
        later = client.post("/reports/warnings/run/", follow=True)
        assert any("đang chạy" in m for m in _messages(later))
    assert WarningRun.objects.count() == 1
    assert "Chạy kiểm tra cảnh báo ngay" not in later.content.decode()
    app.control.purge()


@pytest.mark.django_db(transaction=True)
def test_concurrent_presses_claim_one_run(operator):
    outcomes = []
    barrier = threading.Barrier(8)

    def press():
        barrier.wait()
        try:
            outcomes.append(warning_run_request(user=operator).pk)
        except WarningRunBusy:
            outcomes.append("busy")
        finally:
            connection.close()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("config.jobs.enqueue", lambda job, *a, **k: True)  # claim only, publish nothing
        threads = [threading.Thread(target=press) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert outcomes.count("busy") == 7 and WarningRun.objects.count() == 1


@pytest.mark.django_db
def test_a_run_executes_once_however_often_it_is_delivered(operator):
    run = WarningRun.objects.create(requested_by=operator)
    result = warning_run_execute(run_id=run.pk)
    assert result is not None and warning_run_execute(run_id=run.pk) is None
    run.refresh_from_db()
    assert run.state == WarningRun.State.DONE and run.result == result and run.finished_at


@pytest.mark.django_db
def test_a_failing_run_is_marked_failed(operator, monkeypatch):
    run = WarningRun.objects.create(requested_by=operator)
    monkeypatch.setattr("reports.services.warnings_raise", lambda **kw: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        warning_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.state == WarningRun.State.FAILED and "division" in run.error


@pytest.mark.django_db
def test_a_run_killed_past_the_time_limit_no_longer_blocks(operator, settings):
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    WarningRun.objects.create(requested_by=operator, state=WarningRun.State.RUNNING, started_at=long_ago)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("config.jobs.enqueue", lambda job, *a, **k: True)
        run = warning_run_request(user=operator)
    assert run.state == WarningRun.State.QUEUED
    assert WarningRun.objects.filter(state=WarningRun.State.FAILED).count() == 1


@pytest.mark.worker
def test_the_run_completes_on_a_real_worker_and_the_page_shows_it(client, operator, celery_worker):
    client.force_login(operator)
    client.post("/reports/warnings/run/")
    for _ in range(100):
        run = WarningRun.objects.get()
        if run.state in (WarningRun.State.DONE, WarningRun.State.FAILED):
            break
        time.sleep(0.2)
    assert run.state == WarningRun.State.DONE and set(run.result) >= {"raised", "closed", "open"}
    page = client.get("/reports/warnings/").content.decode()
    assert "Đã xong" in page and "Chạy kiểm tra cảnh báo ngay" in page
