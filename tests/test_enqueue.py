"""config/jobs.py: a job needing the broker, with the broker down, costs a request seconds, not minutes."""
import time

import pytest
from celery import shared_task
from django.db import transaction

from config.jobs import enqueue, enqueue_after_commit

CALLS = []


@shared_task(name="tests.record_call")
def record_call(value):
    CALLS.append(value)


def test_broker_down_is_reported_quickly(broker_down, settings):
    # "Quickly" is the configured bound (seconds to connect, one quick retry), not a timed assertion.
    CALLS.clear()
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 5 and settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] <= 1
    assert enqueue(record_call, 1) is False and CALLS == []


@pytest.mark.django_db(transaction=True)
def test_after_commit_outside_a_transaction_publishes_at_once_and_calls_back_on_refusal(broker_down):
    refused = []
    assert enqueue_after_commit(record_call, 2, on_refused=lambda: refused.append(True)) is False
    assert refused == [True]


@pytest.mark.django_db(transaction=True)
def test_after_commit_waits_for_the_commit_and_nothing_is_published_on_rollback(broker_down):
    refused = []
    with pytest.raises(RuntimeError), transaction.atomic():
        assert enqueue_after_commit(record_call, 3, on_refused=lambda: refused.append(3)) is None
        raise RuntimeError("rolled back")
    assert refused == []
    with transaction.atomic():
        enqueue_after_commit(record_call, 4, on_refused=lambda: refused.append(4))
        assert refused == []
    assert refused == [4]


@pytest.mark.worker
def test_a_live_broker_accepts_and_the_worker_runs_it(celery_worker):
    CALLS.clear()
    assert enqueue_after_commit(record_call, 5) is True
    for _ in range(100):
        if CALLS:
            break
        time.sleep(0.1)
    assert CALLS == [5]
