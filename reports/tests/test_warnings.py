"""Warnings on a fixture with known dates: each kind raised for exactly the right items, never twice."""
import datetime
import io
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evidence.services import evidence_review
from plans.models import ItemStatus, Plan, Section, Unit
from reports.models import Warning
from reports.services import warnings_raise
from tasks.models import Task, TimelineKind
from tasks.services import task_progress_report
from tests import files

# Workflows from a clean slate: the demo's year of work is left out.
pytestmark = pytest.mark.usefixtures("without_year")

D = datetime.date
TODAY = D(2026, 11, 23)


def _make_tasks():
    plan = Plan.objects.get(slug="phu-lam-55kh")
    section = Section.objects.create(plan=plan, number="VI.", title="Nhóm thử cảnh báo", position=99)
    unit = Unit.objects.get(area__slug="phu-lam", name="Phòng Văn hóa - Xã hội")
    specs = {
        "overdue": dict(starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30), progress=50),
        "behind": dict(starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31), progress=20),
        "on_track": dict(starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31), progress=60),
        "just_started": dict(starts_on=D(2026, 11, 20), ends_on=D(2027, 12, 31), progress=0),
        "annual_behind": dict(starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31), progress=10,
                              timeline_kind=TimelineKind.ANNUAL),
        "completed_late": dict(starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30), progress=100,
                               status=ItemStatus.COMPLETED),
    }
    tasks = {}
    for position, (name, values) in enumerate(specs.items(), start=900):
        task = Task.objects.create(plan=plan, section=section, position=position, ordinal=str(position),
                                   title=name, timeline_text="thử", **values)
        task.lead_units.set([unit])
        tasks[name] = task
    return tasks


def _open(kind, **item):
    return Warning.objects.filter(kind=kind, closed_at__isnull=True, **item)


@pytest.mark.django_db
def test_each_kind_is_raised_for_exactly_the_right_items(users):
    tasks = _make_tasks()
    warnings_raise(today=TODAY)
    mine = {t.pk: name for name, t in tasks.items()}
    overdue = {mine[w.task_id] for w in _open(Warning.Kind.OVERDUE, task__in=mine)}
    behind = {mine[w.task_id] for w in _open(Warning.Kind.BEHIND_SCHEDULE, task__in=mine)}
    assert overdue == {"overdue"}
    assert behind == {"behind", "annual_behind"}  # the overdue task's 50% is half of its 100% schedule: not behind
    assert _open(Warning.Kind.BEHIND_SCHEDULE, task=tasks["behind"]).get().details == {"progress": 20, "expected": 90}


@pytest.mark.django_db
def test_running_twice_raises_nothing_twice_and_clears_what_no_longer_holds(users):
    tasks = _make_tasks()
    first = warnings_raise(today=TODAY)
    second = warnings_raise(today=TODAY)
    assert second["raised"] == 0 and second["closed"] == 0 and second["open"] == first["open"]
    Task.objects.filter(pk=tasks["behind"].pk).update(progress=90)
    Task.objects.filter(pk=tasks["overdue"].pk).update(status=ItemStatus.COMPLETED, progress=100)
    third = warnings_raise(today=TODAY)
    assert third["closed"] == 2  # the caught-up task's behind, the completed task's overdue
    closed = Warning.objects.get(task=tasks["behind"], kind=Warning.Kind.BEHIND_SCHEDULE)
    assert closed.closed_at is not None and closed.raised_at < closed.closed_at
    assert not _open(Warning.Kind.OVERDUE, task=tasks["overdue"]).exists()


@pytest.mark.django_db
def test_rejected_evidence_warns_until_new_evidence_is_accepted(users):
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")

    def submit(name):
        task.refresh_from_db()
        task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=100,
                             period=timezone.localdate().replace(day=1), achievements="Xong", difficulties="-",
                             proposals="-", uploads=[(files.upload(name, files.pdf_bytes()), "Quyết định")])
        return task.evidence.latest("id")

    first = submit("v1.pdf")
    evidence_review(evidence_id=first.pk, reviewer=users["phulam-reviewer"], accept=False, reason="unsigned", note="Ký")
    warnings_raise(today=TODAY)
    assert _open(Warning.Kind.EVIDENCE_REJECTED, task=task).get().details["reason"] == "unsigned"
    second = submit("v2.pdf")
    warnings_raise(today=TODAY)
    assert _open(Warning.Kind.EVIDENCE_REJECTED, task=task).exists()  # resubmitted, not yet accepted
    evidence_review(evidence_id=second.pk, reviewer=users["phulam-reviewer"], accept=True)
    warnings_raise(today=TODAY)
    assert not _open(Warning.Kind.EVIDENCE_REJECTED, task=task).exists()
    assert Warning.objects.filter(kind=Warning.Kind.EVIDENCE_REJECTED, task=task).count() == 1


def _issue(user, kind, year, number):
    from plans.models import Area
    from reports.documents import report_snapshot_take
    from reports.register import report_draft, report_issue

    report = report_draft(user=user, area=Area.objects.get(slug="phu-lam"), kind=kind, year=year, number=number)
    report_snapshot_take(report.pk)
    return report_issue(report_id=report.pk, user=user)


@pytest.mark.django_db
def test_report_late_and_due_come_from_the_register(users):
    office = Unit.objects.get(area__slug="phu-lam", name="Phòng Văn hóa - Xã hội")
    warnings_raise(today=TODAY)  # Q3 was due by 09/09; Q4 is due by 09/12 ("trước ngày 10"), more than a week away
    assert _open(Warning.Kind.REPORT_LATE, unit=office, period=D(2026, 7, 1)).exists()
    assert not _open(Warning.Kind.REPORT_DUE, unit=office).exists()
    _issue(users["phulam-leader"], "quarterly", 2026, 3)
    warnings_raise(today=TODAY)
    assert not _open(Warning.Kind.REPORT_LATE, unit=office, period=D(2026, 7, 1)).exists()
    warnings_raise(today=D(2026, 12, 5))
    assert _open(Warning.Kind.REPORT_DUE, unit=office, period=D(2026, 10, 1)).get().details["deadline"] == "2026-12-09"
    warnings_raise(today=D(2026, 12, 10))
    assert _open(Warning.Kind.REPORT_LATE, unit=office, period=D(2026, 10, 1)).exists()
    assert not _open(Warning.Kind.REPORT_DUE, unit=office, period=D(2026, 10, 1)).exists()


@pytest.mark.django_db
def test_a_run_costs_a_bounded_number_of_queries(users):
    _make_tasks()
    with CaptureQueriesContext(connection) as small:
        warnings_raise(today=TODAY)
    from django.core.management import call_command
    call_command("generate_scale_data", communes=5, province="thu-canh-bao", stdout=open("/dev/null", "w"))
    # Its plans are written in bulk, around plan issuing, which makes an area's reporting rules: made here instead.
    from reports.register import reporting_rules_defaults_create

    reporting_rules_defaults_create()
    # Someone there to notify, as in the small run: the bell's queries are counted too.
    users["phulam-leader"].units.add(Unit.objects.filter(area__slug__startswith="thu-canh-bao-xa-").first())
    with CaptureQueriesContext(connection) as large:
        warnings_raise(today=TODAY)
    assert 0 < len(large) == len(small)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_never_duplicate_an_open_warning(demo, monkeypatch):
    """Both runs decide what to raise before either inserts; the database keeps one of each."""
    _make_tasks()
    barrier = threading.Barrier(2, timeout=20)
    from reports import services

    original = services._insert_skipping_open

    def insert_after_both_decided(*args, **kwargs):
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_insert_skipping_open", insert_after_both_decided)
    results, errors = [], []

    def run():
        try:
            results.append(warnings_raise(today=TODAY))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    open_keys = list(Warning.objects.filter(closed_at__isnull=True).values_list("kind", "task", "indicator", "unit", "period_key"))
    assert len(open_keys) == len(set(open_keys)) == results[0]["open"] > 0
    # both tried to raise the same set; each reports only the rows it really inserted
    assert results[0]["raised"] + results[1]["raised"] == len(open_keys)


@pytest.mark.worker
def test_the_job_runs_on_a_real_worker(demo, celery_worker):
    from reports.jobs import raise_warnings

    _make_tasks()
    result = raise_warnings.delay(TODAY.isoformat())
    summary = result.get(timeout=60)
    assert summary["raised"] > 0 and summary["today"] == "2026-11-23"
    assert Warning.objects.filter(closed_at__isnull=True).count() == summary["open"]
    again = raise_warnings.delay(TODAY.isoformat()).get(timeout=60)
    assert again["raised"] == 0


@pytest.mark.django_db
def test_daily_digest_goes_to_the_lead_units_officers_and_heads_only(users, mailoutbox):
    from reports.services import warning_digest_send

    assert warning_digest_send() == 0 and mailoutbox == []  # nothing open, nothing sent
    for name in ("phulam-officer", "phulam-economic", "daiphuoc-officer"):
        users[name].email = f"{name}@example.test"
        users[name].save()
    tasks = _make_tasks()
    Warning.objects.create(kind=Warning.Kind.OVERDUE, task=tasks["overdue"], raised_at=timezone.now())
    assert warning_digest_send() == 1
    (mail,) = mailoutbox
    assert mail.to == ["phulam-officer@example.test"] and "Quá hạn: " in mail.body and "overdue" in mail.body


@pytest.mark.django_db
def test_raised_counts_only_the_rows_really_inserted(users, monkeypatch):
    """A warning raised by another run between deciding and inserting is skipped, and not counted."""
    from django.core.management import call_command

    from reports import services

    tasks = _make_tasks()
    original = services._insert_skipping_open

    def another_run_got_there_first(*args, **kwargs):
        Warning.objects.create(kind=Warning.Kind.OVERDUE, task=tasks["overdue"], raised_at=timezone.now())
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_insert_skipping_open", another_run_got_there_first)
    result = warnings_raise(today=TODAY)
    opened = Warning.objects.filter(closed_at__isnull=True).count()
    assert result["raised"] == opened - 1 == result["open"] - 1

    monkeypatch.setattr(services, "_insert_skipping_open", original)
    Warning.objects.filter(kind=Warning.Kind.BEHIND_SCHEDULE, task=tasks["behind"]).delete()
    out = io.StringIO()
    call_command("raise_warnings", today=TODAY, stdout=out)
    assert out.getvalue().startswith("Ngày 2026-11-23: 1 cảnh báo mới, 0 đã đóng")
