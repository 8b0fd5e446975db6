"""config/jobs.py: jobs are sent by name from any process; a broker that is down or a job that does not
exist costs a request a recorded failure and a sentence, never a 500 or minutes."""
import subprocess
import sys
import time

import pytest
from celery import shared_task
from django.conf import settings as django_settings
from django.db import transaction

from config.jobs import enqueue, enqueue_after_commit
from reports.models import WarningRun
from tests.processes import ROOT, process_env

CALLS = []


@shared_task(name="tests.record_call")
def record_call(value):
    CALLS.append(value)


def test_broker_down_is_reported_quickly(broker_down, settings):
    # "Quickly" is the configured bound (seconds to connect, one quick retry), not a timed assertion.
    CALLS.clear()
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 5 and settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] <= 1
    sent = enqueue("tests.record_call", 1)
    assert not sent and "Redis" in sent.message and CALLS == []


@pytest.mark.django_db(transaction=True)
def test_after_commit_outside_a_transaction_publishes_at_once_and_calls_back_on_refusal(broker_down):
    refused = []
    assert not enqueue_after_commit("tests.record_call", 2, on_refused=refused.append)
    assert len(refused) == 1 and "không phản hồi" in refused[0]
    # A caller that records its own words takes no argument.
    assert not enqueue_after_commit("tests.record_call", 2, on_refused=lambda: refused.append("own words"))
    assert refused[1:] == ["own words"]


@pytest.mark.django_db(transaction=True)
def test_after_commit_waits_for_the_commit_and_nothing_is_published_on_rollback(broker_down):
    refused = []
    with pytest.raises(RuntimeError), transaction.atomic():
        assert enqueue_after_commit("tests.record_call", 3, on_refused=refused.append) is None
        raise RuntimeError("rolled back")
    assert refused == []
    with transaction.atomic():
        enqueue_after_commit("tests.record_call", 4, on_refused=refused.append)
        assert refused == []
    assert len(refused) == 1


@pytest.mark.worker
def test_a_live_broker_accepts_and_the_worker_runs_it(celery_worker):
    CALLS.clear()
    assert enqueue_after_commit("tests.record_call", 5)
    for _ in range(100):
        if CALLS:
            break
        time.sleep(0.1)
    assert CALLS == [5]


@shared_task(name="tests.fail")
def fail():
    raise RuntimeError("the job's own failure, which it records on its own record")


def test_in_eager_mode_a_failing_job_is_logged_not_raised_into_the_request(caplog):
    from config.celery import app

    saved, app.conf.task_always_eager = app.conf.task_always_eager, True
    try:
        assert enqueue("tests.fail")
    finally:
        app.conf.task_always_eager = saved
    assert "the job's own failure" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_after_commit_tells_the_caller_when_the_broker_took_the_job():
    from config.celery import app

    sent, refused = [], []
    saved, app.conf.task_always_eager = app.conf.task_always_eager, True
    try:
        with transaction.atomic():
            enqueue_after_commit("tests.record_call", 6, on_sent=lambda: sent.append(6), on_refused=refused.append)
            assert sent == []
    finally:
        app.conf.task_always_eager = saved
    assert (sent, refused) == ([6], [])


def test_every_job_is_sent_by_name_after_commit_through_config_jobs():
    """No module publishes a job itself (`.delay`, `.apply_async`, `jobs.enqueue` in a service): one function
    sends them all, after the data they need is committed."""
    found = subprocess.run(["git", "grep", "-n", "-E", r"\.delay\(|\.apply_async\(|jobs\.enqueue\(|import enqueue\b",
                            "--", "*.py", ":!tests/*", ":!*/tests/*", ":!config/jobs.py"],
                           cwd=ROOT, capture_output=True, text=True).stdout
    assert found == ""


def test_an_unknown_job_is_refused_with_a_sentence_not_an_exception():
    sent = enqueue("reports.no_such_job", 1)
    assert not sent and "reports.no_such_job" in sent.message and "quản trị hệ thống" in sent.message


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_superuser("operator", "op@localhost", "x", role="admin")


@pytest.mark.django_db(transaction=True)
def test_an_unknown_job_leaves_a_failed_run_and_the_page_answers(client, operator, monkeypatch):
    monkeypatch.setattr("reports.services.RUN_WARNINGS_JOB", "reports.no_such_job")
    client.force_login(operator)
    response = client.post("/reports/warnings/run/", follow=True)
    assert response.status_code == 200
    run = WarningRun.objects.get()
    assert run.state == WarningRun.State.FAILED and "reports.no_such_job" in run.error
    assert "Chạy lại" in response.content.decode()


# As the web process runs: a fresh interpreter that sets Django up and imports no job module itself
# (pytest imports them all, which is how the suite missed the web process's NotRegistered).
WEB_PROCESS = """
import sys, django
django.setup()
assert not [name for name in sys.modules if name.endswith(".jobs") and name != "config.jobs"], "a job module imported"
from config.jobs import enqueue
sent = enqueue("reports.run_warnings", int(sys.argv[1]))
print("SENT" if sent else "REFUSED " + sent.message)
"""


def _web_process_enqueues(run, **environment):
    done = subprocess.run([sys.executable, "-c", WEB_PROCESS, str(run.pk)], cwd=ROOT, env=process_env(**environment),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def _wait_finished(run):
    for _ in range(150):
        run.refresh_from_db()
        if run.state in (WarningRun.State.DONE, WarningRun.State.FAILED):
            break
        time.sleep(0.2)
    return run.state


@pytest.mark.django_db(transaction=True)
def test_the_web_process_runs_a_job_by_name_in_eager_mode(operator):
    """The newcomer's configuration: no broker, the job runs in the process that sends it."""
    run = WarningRun.objects.create(requested_by=operator)
    assert _web_process_enqueues(run, CELERY_BROKER_URL="") == "SENT"
    assert _wait_finished(run) == WarningRun.State.DONE


@pytest.mark.worker
def test_the_web_process_sends_a_job_by_name_to_the_worker(operator, celery_worker):
    """Production's configuration: the web process publishes to Redis, a worker runs it."""
    assert not django_settings.CELERY_TASK_ALWAYS_EAGER
    run = WarningRun.objects.create(requested_by=operator)
    assert _web_process_enqueues(run) == "SENT"
    assert _wait_finished(run) == WarningRun.State.DONE
