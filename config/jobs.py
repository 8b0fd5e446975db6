"""Enqueueing Celery jobs by name, the one way every process sends them.

Services call `enqueue_after_commit("app.job_name", ...)`; the job is published once the data
it needs is committed, and the caller learns whether it was taken, so it can tell the user and
leave a record to retry instead of a spinner that never ends. A web process never imports the
job modules itself (Celery's autodiscovery runs in the worker only): a name not registered yet
imports every installed app's `jobs` module once, here, so the same call works in gunicorn, in
`manage.py` commands and in eager mode (no broker, the job runs in this process).
"""
import datetime
import inspect
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from celery.exceptions import NotRegistered
from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from config.celery import app

logger = logging.getLogger(__name__)

# What a broker (or result backend) that is down or unreachable raises when publishing.
BROKER_ERRORS = (OperationalError, RedisError, ConnectionError, TimeoutError, OSError)


@dataclass(frozen=True)
class Sent:
    """What became of a job sent: truthy when taken; otherwise `message` says why, in words for the user."""

    accepted: bool
    message: str = ""

    def __bool__(self):
        return self.accepted


def job_get(name):
    """The registered job called `name`, importing the job modules of every installed app if needed."""
    if name not in app.tasks:
        autodiscover_modules("jobs")
    return app.tasks[name]


def enqueue(name, *args, countdown=None, **kwargs):
    """Publish the job called `name` now (to run `countdown` seconds later, if given); a falsy `Sent` with its
    reason if it could not be.

    The broker timeouts and the publish retry policy in settings bound how long this takes.
    Jobs keep their state in the database, not in Celery's result store, so the web process
    never subscribes to (and waits on) the result backend. In eager mode the job runs here:
    it records its own failure, which is logged, never raised into the request that sent it.
    """
    name = getattr(name, "name", name)  # a job passed instead of its name
    try:
        job = job_get(name)
    except NotRegistered:
        logger.error("no job is registered as %r", name)
        return Sent(False, _("Hệ thống không có công việc xử lý nền “%(name)s”; đã ghi lại lỗi, hãy báo quản trị "
                             "hệ thống.") % {"name": name})
    eager = app.conf.task_always_eager
    try:
        result = job.apply_async(args=args, kwargs=kwargs, ignore_result=True, **({"throw": False} if eager else {}),
                                 **({"countdown": countdown} if countdown else {}))
    except BROKER_ERRORS:
        logger.warning("broker refused job %s", name, exc_info=True)
        return Sent(False, _("Không gửi được yêu cầu tới hàng đợi xử lý nền (Redis): máy chủ hàng đợi không phản "
                             "hồi. Yêu cầu đã được lưu, hãy thử lại sau ít phút."))
    if eager and result.failed():
        logger.error("job %s failed: %r\n%s", name, result.result, result.traceback)
    return Sent(True)


def enqueue_after_commit(name, *args, on_refused=None, on_sent=None, **kwargs):
    """Publish the job called `name` once the current transaction commits (at once outside one): the one way
    services, views, the admin, commands and sweeps send a job.

    Returns the `Sent` when published at once, None when the publish waits for the commit.
    `on_refused` is called whenever the job could not be sent: with the reason (a sentence for the user)
    when it takes an argument, so a record can say why; with none when it records its own words.
    `on_sent` (no argument) is called once the broker took it, for a record that notes when it was queued.
    """
    outcome = {}

    def publish():
        outcome["sent"] = sent = enqueue(name, *args, **kwargs)
        if sent:
            if on_sent is not None:
                on_sent()
            return
        if on_refused is None:
            return
        if inspect.signature(on_refused).parameters:
            on_refused(sent.message)
        else:
            on_refused()

    transaction.on_commit(publish)
    return outcome.get("sent")


# Jobs with a record (a warnings run, a report job): a worker killed under one must not leave it
# "running" for the button to refuse. The job beats a heartbeat on its record while it runs; a
# sweep (beat's `sweep-jobs`, and the pages themselves) fails the records whose heartbeat stopped,
# or that no worker took, and a late redelivery finds nothing to claim.

def heartbeat_timeout():
    """Seconds without a heartbeat after which the worker is taken for dead."""
    return datetime.timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT)


def queued_timeout():
    """Seconds a job may wait for a worker before it is given up (its message lost with a killed worker)."""
    return datetime.timedelta(seconds=settings.JOB_QUEUED_TIMEOUT)


def job_is_lost(*, queued, running, sent_at, heartbeat_at, now=None):
    """Whether a job record in this state will never be finished by a worker."""
    now = now or timezone.now()
    if running:
        return heartbeat_at is None or heartbeat_at < now - heartbeat_timeout()
    return queued and sent_at is not None and sent_at < now - queued_timeout()


def lost_jobs_fail(queryset, *, state, sent_at, error, stopped, never_taken, now=None):
    """Fail the records of `queryset` no worker will finish: running with a stopped heartbeat (message
    `stopped`), or queued and never taken (`never_taken`). Returns how many.

    `state`, `sent_at` and `error` name the record's fields; its states are "queued", "running" and
    "failed", and it has `heartbeat_at` and `finished_at`.
    """
    now = now or timezone.now()
    stopped_jobs = queryset.filter(Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - heartbeat_timeout()),
                                   **{state: "running"})
    never_taken_jobs = queryset.filter(**{state: "queued", f"{sent_at}__lt": now - queued_timeout()})
    return sum(lost.update(**{state: "failed", error: str(message)[:500]}, finished_at=now)
               for lost, message in ((stopped_jobs, stopped), (never_taken_jobs, never_taken)))


@contextmanager
def heartbeat(queryset):
    """Write `heartbeat_at` on `queryset`'s records every quarter of the timeout while the block runs.

    From a thread with its own database connection, committed at once: the job's own transactions
    never hold it back, and it stops with the process, which is how a killed worker shows.
    """
    stop = threading.Event()
    every = heartbeat_timeout().total_seconds() / 4

    def beat():
        try:
            while not stop.wait(every):
                try:
                    queryset.update(heartbeat_at=timezone.now())
                except DatabaseError as error:
                    # SQLite (the newcomer's portal) has one writer: while the job's own transaction writes, the
                    # beat waits for it and is skipped; the next one lands once the transaction ends.
                    if connections[queryset.db].vendor != "sqlite":
                        logger.warning("heartbeat not written", exc_info=True)
                    else:
                        logger.info("heartbeat skipped: %s", error)
                except Exception:  # a missed beat is retried; the job goes on
                    logger.warning("heartbeat not written", exc_info=True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name="job-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        # A beat already under way is let finish (bounded, should the database hang), so no beat lands after
        # the job has ended.
        thread.join(timeout=max(every, 10))
