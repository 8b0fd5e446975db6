"""The task page: a bounded number of queries however long its history, the history paged."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plans.models import Unit
from tasks.models import Task
from tasks.services import task_progress_report

# About items nobody has reported on yet: the demo's year of work is left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]


def _task():
    return Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")


def _grow_history(task, officer, months):
    """Monthly updates, and now and then a change of support units (a many-to-many change in the history)."""
    others = list(Unit.objects.filter(area=task.plan.area).exclude(pk__in=task.lead_units.all())[:3])
    for month in range(months):
        task.refresh_from_db()
        task_progress_report(task_id=task.pk, user=officer, version=task.version, progress=min(99, task.progress + 1),
                             period=timezone.localdate().replace(day=1), achievements=f"Tháng {month}",
                             difficulties="-", proposals="-")
        if month % 4 == 0:
            task.support_units.set(others[: month % 3 + 1])


def _get(client, task, query=""):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/tasks/{task.pk}/{query}")
    assert response.status_code == 200
    return response, len(queries)


def test_task_page_queries_do_not_grow_with_history(client, users):
    officer = users["phulam-officer"]
    client.force_login(officer)
    task = _task()
    _grow_history(task, officer, 27)
    short, short_count = _get(client, task)
    _grow_history(task, officer, 27)
    long, long_count = _get(client, task)
    assert task.history.count() > 60
    assert 0 < long_count == short_count <= 25
    assert len(long.context["history"].object_list) == 20
    assert "Đơn vị phối hợp" in long.content.decode()  # the many-to-many changes are shown, by name

    older, older_count = _get(client, task, "?history_page=2")
    assert older_count == long_count
    assert older.context["history"].number == 2
    assert "history_page=3" in older.content.decode()


def test_history_rows_show_unit_changes_by_name(client, users):
    officer = users["phulam-officer"]
    client.force_login(officer)
    task = _task()
    unit = Unit.objects.filter(area=task.plan.area).exclude(pk__in=task.lead_units.all()).first()
    task.support_units.add(unit)
    response, _ = _get(client, task)
    history = response.context["history"].object_list
    changes = [change for row in history for change in row["changes"] if str(change["field"]) == "đơn vị phối hợp"]
    assert changes and unit.name in changes[0]["new"] and unit.name not in changes[0]["old"]


def test_history_reads_unit_names_only_when_units_changed(client, users):
    officer = users["phulam-officer"]
    client.force_login(officer)
    task = _task()
    for progress in range(1, 23):  # a first page of history with no change of units
        task.refresh_from_db()
        task_progress_report(task_id=task.pk, user=officer, version=task.version, progress=progress,
                             period=timezone.localdate().replace(day=1), achievements="Đã làm", difficulties="-",
                             proposals="-")

    def unit_name_reads():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/tasks/{task.pk}/").status_code == 200
        return [q["sql"] for q in queries if q["sql"].startswith('SELECT "plans_unit"."id"')
                and 'WHERE "plans_unit"."id" IN' in q["sql"]]

    reads = unit_name_reads()
    assert reads == [], reads
    task.support_units.add(Unit.objects.filter(area=task.plan.area).exclude(pk__in=task.lead_units.all()).first())
    assert len(unit_name_reads()) == 1
    # Lead and support units both changed on the page: their names are still read in one query.
    task.lead_units.add(Unit.objects.filter(area=task.plan.area).exclude(pk__in=task.lead_units.all())
                        .exclude(pk__in=task.support_units.all()).first())
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert len(unit_name_reads()) == 1 and page.count("<del>") >= 2
