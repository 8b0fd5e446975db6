"""Enqueueing Celery jobs so that a broker outage never hangs a request.

Services call `enqueue_after_commit`; the job is published once the data it needs is
committed, and the caller learns whether the broker took it, so it can tell the user
and leave a record to retry instead of a spinner that never ends.
"""
import logging

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a broker (or result backend) that is down or unreachable raises when publishing.
BROKER_ERRORS = (OperationalError, RedisError, ConnectionError, TimeoutError, OSError)


def enqueue(job, *args, **kwargs):
    """Publish `job` (a Celery task, or its registered name) now; True if the broker accepted it,
    False (logged) if it is unreachable.

    The broker timeouts and the publish retry policy in settings bound how long this takes.
    Jobs enqueued this way keep their state in the database, not in Celery's result store,
    so the web process never subscribes to (and waits on) the result backend.
    """
    try:
        if isinstance(job, str):  # by name: the registered job, so that eager mode (no broker) runs it here
            job = current_app.tasks[job]
        job.apply_async(args=args, kwargs=kwargs, ignore_result=True)
    except BROKER_ERRORS:
        logger.warning("broker refused job %s", getattr(job, "name", job), exc_info=True)
        return False
    return True


def enqueue_after_commit(job, *args, on_refused=None, **kwargs):
    """Publish `job` once the current transaction commits (at once outside a transaction).

    Returns whether the broker accepted it when it was published at once, None when the
    publish waits for the commit. `on_refused()` is called whenever the broker refuses.
    """
    outcome = {}

    def publish():
        outcome["accepted"] = enqueue(job, *args, **kwargs)
        if not outcome["accepted"] and on_refused is not None:
            on_refused()

    transaction.on_commit(publish)
    return outcome.get("accepted")
