"""List pages read the same queries, each named, as their data grows."""
import pytest
from django.utils import timezone

from plans.models import Section
from reports.models import Warning
from tasks.models import Task
from tasks.services import task_progress_report
from tests import files
from tests.query_counts import exact_queries

pytestmark = pytest.mark.django_db


def _count(client, url, named):
    with exact_queries(named, url) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


SIGNED_IN = [
    "the user, with the bell's count of unread notifications",
    "the user's units, their areas (what they may see) and names (which are finance offices)",
]

WARNINGS_PAGE = [
    *SIGNED_IN,
    "open warnings the user may see, counted for the pager",
    "the plans the user may see (the plan filter)",
    "the units of the user's areas (the unit filter)",
    "the page of warnings, with their items, plans, areas and units",
]

REVIEW_QUEUE = [
    *SIGNED_IN,
    "pending evidence in the reviewer's areas, counted for the pager",
    "the page of pending evidence, with its items, plans and updates",
    "their tasks, with their plans and areas",
    "those tasks' lead units",
    "evidence rejected before for those tasks",
]

PLAN_LIST = [
    *SIGNED_IN,
    "the plans the user may see, counted for the pager",
    "the page of plans, with their areas, provinces and the plans they carry out",
]


def _more_tasks(n, users):
    plan = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3").plan
    section = Section.objects.create(plan=plan, number="IX.", title="Thêm", position=50)
    office = users["phulam-officer"].units.get()
    tasks = Task.objects.bulk_create([Task(plan=plan, section=section, position=500 + i, ordinal=str(500 + i),
                                           title=f"Việc {i}", timeline_text="x") for i in range(n)])
    for task in tasks:
        task.lead_units.set([office])
    return tasks


def _submit(task, user, name):
    task_progress_report(task_id=task.pk, user=user, version=task.version, progress=100,
                         period=timezone.localdate().replace(day=1), achievements="Xong", difficulties="-",
                         proposals="-", uploads=[(files.upload(name, files.pdf_bytes()), "Quyết định")])


def test_warnings_page(client, users):
    client.force_login(users["phulam-officer"])
    Warning.objects.create(kind="overdue", task=Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3"),
                           raised_at=timezone.now())
    few = _count(client, "/reports/warnings/", WARNINGS_PAGE)
    now = timezone.now()
    Warning.objects.bulk_create([Warning(kind="overdue", task=t, raised_at=now) for t in _more_tasks(30, users)])
    Warning.objects.fill_areas()
    assert few == _count(client, "/reports/warnings/", WARNINGS_PAGE)


def test_review_queue(client, users):
    client.force_login(users["phulam-reviewer"])
    _submit(Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3"), users["phulam-officer"], "a.pdf")
    few = _count(client, "/evidence/review/", REVIEW_QUEUE)
    for index, task in enumerate(_more_tasks(8, users)):
        _submit(task, users["phulam-officer"], f"b{index}.pdf")
    assert few == _count(client, "/evidence/review/", REVIEW_QUEUE)


def test_plan_list(client, users):
    client.force_login(users["dongnai-leader"])
    few = _count(client, "/plans/", PLAN_LIST)
    from django.core.management import call_command
    call_command("generate_scale_data", communes=4, province="dong-nai", stdout=open("/dev/null", "w"))
    assert few == _count(client, "/plans/", PLAN_LIST)
