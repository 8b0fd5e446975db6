"""A worker killed under a warnings run or a report job: the sweep shows the failure with a retry within
two minutes, the button works again, and a late delivery of the same message does nothing twice."""
import os
import signal
import time

import pytest
from django.db import connections
from django.utils import timezone

from config.jobs import enqueue, heartbeat_timeout
from plans.models import Area
from reports.models import ReportJob, WarningRun
from reports.services import warning_runs_sweep
from tests.processes import worker_start


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_superuser("operator", "op@localhost", "x", role="admin")


def _wait(run, *states):
    for _ in range(300):
        run.refresh_from_db()
        if run.state in states:
            return run.state
        time.sleep(0.2)
    return run.state


def _after_the_heartbeat_timeout():
    """The sweep as beat runs it once the timeout has passed (the sweep itself runs every 30 s)."""
    return timezone.now() + heartbeat_timeout() + timezone.timedelta(seconds=1)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_shows_a_failure_with_a_retry_and_blocks_no_press(client, operator, settings):
    from config.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("needs a real broker and worker (set CELERY_BROKER_URL, as `make test` does)")
    app.control.purge()
    client.force_login(operator)
    # The run stops mid-way on a lock of the warnings table, so the worker is killed while running it.
    locker = connections.create_connection("default")
    with locker.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("LOCK TABLE reports_warning IN ACCESS EXCLUSIVE MODE")
        worker = worker_start()
        try:
            client.post("/reports/warnings/run/")
            run = WarningRun.objects.get()
            assert _wait(run, WarningRun.State.RUNNING) == WarningRun.State.RUNNING and run.heartbeat_at
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
        # The killed worker's session still waits on the lock: end it as PostgreSQL would once it noticed.
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock'")
        cursor.execute("ROLLBACK")
    locker.close()

    assert warning_runs_sweep() == 0  # its heartbeat is still fresh: a run that may be alive is left alone
    assert warning_runs_sweep(now=_after_the_heartbeat_timeout()) == 1
    run.refresh_from_db()
    assert run.state == WarningRun.State.FAILED and "bị dừng giữa chừng" in run.error
    page = client.get("/reports/warnings/").content.decode()
    assert "Thất bại" in page and "Chạy lại" in page
    app.control.purge()
    client.post("/reports/warnings/run/")  # the retry is not refused as "already running"
    assert WarningRun.objects.filter(state=WarningRun.State.QUEUED).count() == 1
    app.control.purge()


@pytest.mark.worker
def test_a_late_or_second_delivery_of_a_message_does_nothing_twice(operator, celery_worker, monkeypatch):
    from reports import services

    executed = []
    original = services.warnings_raise
    monkeypatch.setattr(services, "warnings_raise", lambda **kwargs: executed.append(1) or original(**kwargs))
    failed = WarningRun.objects.create(requested_by=operator, state=WarningRun.State.FAILED, error="killed")
    queued = WarningRun.objects.create(requested_by=operator)
    for run_id in (failed.pk, queued.pk, queued.pk):  # the dead run's message redelivered; a message sent twice
        assert enqueue("reports.run_warnings", run_id)
    assert _wait(queued, WarningRun.State.DONE) == WarningRun.State.DONE
    last = WarningRun.objects.create(requested_by=operator)
    assert enqueue("reports.run_warnings", last.pk)  # taken after the three above: they have all been handled
    assert _wait(last, WarningRun.State.DONE) == WarningRun.State.DONE
    failed.refresh_from_db()
    assert failed.state == WarningRun.State.FAILED and failed.error == "killed"
    assert len(executed) == 2  # the queued run once, the last one once


@pytest.mark.django_db
def test_a_report_job_whose_worker_died_fails_with_a_retry_and_its_late_delivery_is_skipped(users):
    from reports.documents import report_job_run, report_jobs_sweep

    job = _any_report(users).jobs.get()
    beaten = timezone.now()
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.RUNNING, started_at=beaten, heartbeat_at=beaten)
    job.refresh_from_db()
    assert not job.is_stuck and not job.can_retry and report_jobs_sweep() == 0
    assert report_jobs_sweep(now=_after_the_heartbeat_timeout()) == 1
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and job.can_retry and "Thử lại" in job.message
    assert report_job_run(job.pk) == "skipped"


@pytest.mark.django_db
def test_a_run_or_job_no_worker_took_is_given_up_and_the_page_offers_the_retry(users, settings):
    from reports.documents import report_jobs_sweep

    settings.JOB_QUEUED_TIMEOUT = 0
    run = WarningRun.objects.create(requested_by=users["phulam-admin"])
    job = ReportJob.objects.create(report=_any_report(users), action=ReportJob.Action.RENDER,
                                   requested_by=users["phulam-leader"])
    assert job.is_stuck and job.can_retry  # before the sweep already
    assert warning_runs_sweep() == 1 and report_jobs_sweep() >= 1
    run.refresh_from_db()
    assert run.state == WarningRun.State.FAILED and "không có tiến trình" in run.error.lower()


def _any_report(users):
    from reports.register import report_draft

    today = timezone.localdate()
    return report_draft(user=users["phulam-leader"], area=Area.objects.get(slug="phu-lam"), kind="quarterly",
                        year=today.year, number=(today.month - 1) // 3 + 1)


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_beats_while_the_job_runs_and_stops_with_it(operator, settings):
    from config.jobs import heartbeat

    settings.JOB_HEARTBEAT_TIMEOUT = 0.2  # a beat every 0.05 s
    started = timezone.now() - timezone.timedelta(minutes=5)
    run = WarningRun.objects.create(requested_by=operator, state=WarningRun.State.RUNNING, heartbeat_at=started)
    with heartbeat(WarningRun.objects.filter(pk=run.pk)):
        for _ in range(100):
            run.refresh_from_db()
            if run.heartbeat_at > started:
                break
            time.sleep(0.05)
    assert run.heartbeat_at > started
    run.refresh_from_db()
    last = run.heartbeat_at  # read after the block: a beat under way when it ended is finished by then
    time.sleep(0.3)
    run.refresh_from_db()
    assert run.heartbeat_at == last


def test_beat_sweeps_the_jobs_every_30_seconds():
    from config.celery import app
    from config.jobs import job_get

    entry = app.conf.beat_schedule["sweep-jobs"]
    assert entry["task"] == "reports.sweep_jobs" and entry["schedule"] <= 30 and entry["options"]["expires"] < 30
    assert job_get("reports.sweep_jobs").name == "reports.sweep_jobs"
