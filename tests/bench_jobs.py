"""Jobs in production's layout, printed figures.

A worker killed -9 under a warnings run (a Celery worker and beat on Redis): how many seconds after the kill
the run shows its failure, (a) swept by beat once a worker is back and (b) with no worker at all, when the next
press of "run now" is taken. Needs a migrated database (any data); it leaves its runs failed or done.

    DATABASE_URL=postgres://... CELERY_BROKER_URL=redis://... python -m tests.bench_jobs

What the bell costs a first warnings run (every warning new), on a scale data set (`manage.py
generate_scale_data --communes 500 --province quy-mo-500`), with an officer per unit and a leader per commune
made for it; all in a transaction rolled back:

    DATABASE_URL=postgres://... python -m tests.bench_jobs --bell quy-mo-500
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connections  # noqa: E402

from config.celery import app  # noqa: E402
from reports.models import WarningRun  # noqa: E402
from reports.services import WarningRunBusy, warning_run_request  # noqa: E402
from tests.processes import ROOT  # noqa: E402

CELERY = [sys.executable, "-m", "celery", "-A", "config"]


def start(*arguments):
    return subprocess.Popen([*CELERY, *arguments, "-l", "WARNING"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def wait(run, state, limit=300):
    started = time.monotonic()
    while time.monotonic() - started < limit:
        run.refresh_from_db()
        if run.state == state:
            return True
        time.sleep(0.5)
    return False


def killed_mid_run(operator):
    """A run claimed by a worker, held on a lock of the warnings table, and the worker killed -9 under it."""
    worker = start("worker", "--pool=solo", "--without-gossip", "--without-mingle")
    locker = connections.create_connection("default")
    with locker.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("LOCK TABLE reports_warning IN ACCESS EXCLUSIVE MODE")
        run = warning_run_request(user=operator)
        assert wait(run, WarningRun.State.RUNNING, 60), "no worker took the run"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        killed_at = time.monotonic()
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock'")
        cursor.execute("ROLLBACK")
    locker.close()
    return run, killed_at


def main():
    operator = get_user_model().objects.filter(is_superuser=True).first()
    WarningRun.objects.filter(state__in=WarningRun.ACTIVE).update(state=WarningRun.State.FAILED, error="bench")
    app.control.purge()
    with tempfile.TemporaryDirectory() as folder:
        beat = start("beat", "-s", os.path.join(folder, "schedule"))
        try:
            run, killed_at = killed_mid_run(operator)
            worker = start("worker", "--pool=solo", "--without-gossip", "--without-mingle")  # as a restart policy would
            try:
                failed = wait(run, WarningRun.State.FAILED)
                print(f"worker killed, another started: failure shown by beat's sweep after "
                      f"{time.monotonic() - killed_at:.0f} s ({run.error if failed else 'not within 300 s'})")
            finally:
                worker.terminate()
                worker.wait()
        finally:
            beat.terminate()
            beat.wait()
    app.control.purge()
    run, killed_at = killed_mid_run(operator)
    while True:  # no worker, no beat: the press itself sweeps
        try:
            warning_run_request(user=operator)
            break
        except WarningRunBusy:
            time.sleep(1)
    run.refresh_from_db()
    print(f"no worker left: the next press taken after {time.monotonic() - killed_at:.0f} s (the dead run: {run.state})")
    WarningRun.objects.filter(state__in=WarningRun.ACTIVE).update(state=WarningRun.State.FAILED, error="bench")
    app.control.purge()


def bell(province):
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    from people.models import Notification
    from plans.models import Unit
    from reports import services
    from reports.models import Warning

    User = get_user_model()
    with transaction.atomic():
        units = list(Unit.objects.filter(area__parent__slug=province).values_list("id", "area_id"))
        officers = User.objects.bulk_create([User(username=f"bench-officer-{unit}", role="officer") for unit, _ in units])
        first_units = {}
        for unit, area in units:
            first_units.setdefault(area, unit)
        leaders = User.objects.bulk_create([User(username=f"bench-leader-{area}", role="leader") for area in first_units])
        Member = User.units.through
        Member.objects.bulk_create([Member(user_id=user.pk, unit_id=unit) for user, (unit, _) in zip(officers, units, strict=True)]
                                   + [Member(user_id=user.pk, unit_id=unit)
                                      for user, unit in zip(leaders, first_units.values(), strict=True)])
        notify = services._new_warnings_notify
        for label, with_bell in (("without the bell", False), ("with the bell", True)):
            Warning.objects.all().delete()
            Notification.objects.all().delete()
            services._new_warnings_notify = notify if with_bell else (lambda **kwargs: None)
            with CaptureQueriesContext(connections["default"]) as queries:
                started = time.perf_counter()
                result = services.warnings_raise()
                elapsed = time.perf_counter() - started
            print(f"{label}: a first run over {len(units)} units {elapsed:.2f} s, {len(queries)} queries, "
                  f"{result['raised']} warnings raised, {Notification.objects.count()} notices")
        services._new_warnings_notify = notify
        transaction.set_rollback(True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--bell"]:
        bell(sys.argv[2])
    else:
        main()
