"""The busiest pages read exactly the queries named here, on the demo, for a demo user.

A page that reads one query more (or less) fails here, its SQL listed beside the names below, so whoever
changes it sees which query came or went and updates the list. Each page is asked twice and the second
answer counted (tests/query_counts.py).
"""
import pytest

from tasks.models import Task
from tests.query_counts import pinned_get

pytestmark = pytest.mark.django_db


# Read by every signed-in page below (the session itself comes from the cache: Django's cached_db sessions).
SIGNED_IN = [
    "the user, with the bell's count of unread notifications",
]
SCOPE = "the user's units, their areas (what they may see) and names (which are finance offices: who enters funding)"

MY_WORK = [
    *SIGNED_IN,
    SCOPE,
    "the page of the officer's tasks: ids, lead or support, the figures they are ordered by",
    "those tasks, with their plans and areas",
    "their open warnings",
    "the plans holding the officer's items, with their areas (the plan filter; issue 25)",
]

TASK_PAGE = [
    *SIGNED_IN,
    "the task, with its section, officer, the task it carries out and its funding; whether it has sub-items and "
    "whether a commune's task carries it out (issue 24, the cascade panel: what follows is read only when so)",
    SCOPE,
    "the task's lead units",
    "the task's support units",
    "the page of its history",
    "lead and support units in those history records (one UNION)",
    "the names of the units changed in them",
    "its progress updates, with their authors",
    "its evidence, with who uploaded and reviewed it",
    "its comments, with their authors",
    "its open warnings",
    "its funding periods",
]

PLAN_PAGE = [
    *SIGNED_IN,
    "the plan, with its area and province, the plan it carries out, the document it replaces and its budget share",
    SCOPE,
    "the documents it implements",
    "the documents it is based on",
    "the plans carrying it out, among those the user may see",
    "open warnings of its items",
    "its targets' lead units and its tasks' lead and support units (one UNION)",
    "its targets' targets by year (indicators.selectors.year_targets_of)",
    "its targets",
    "its tasks",
    "its sections",
    "the plan's history",
    "documents implemented and based on, in those history records (one UNION)",
    "the documents named in those changes",
    "the latest changes of its sections, targets and tasks (one UNION)",
    "its funded tasks with their funding (the funding section)",
    "their allocated and disbursed amounts, by task and year",
    "its area's base figures (GRDP, budget) by year",
]

DASHBOARD = [
    *SIGNED_IN,
    SCOPE,
    "the leader's province",
    "its communes counted, for the pager",
    "warnings by commune",
    "items completed with accepted evidence, by commune",
    "tasks by status, by commune",
    "targets by status, by commune",
    "tasks' monthly updates, by commune",
    "targets' reports, by commune",
    "targets fully described (the six clear points), by commune",
    "tasks fully described (the six clear points), by commune",
    "the page of communes",
    "the provinces the user may see (the province picker)",
    "the province's own plans",
    "planned funding of the page's communes",
    "allocated and disbursed funding of the page's communes",
]

REGISTER = [
    *SIGNED_IN,
    SCOPE,
    "reports the user may see, counted for the pager",
    "areas with a plan of their own (preparable_areas)",
    "provinces whose communes have an issued plan (preparable_areas)",
    "the areas the user may prepare reports for",
    "the area's reporting rules, with their plans and recipients (read only: a GET writes none)",
    "the page of reports, with their areas, plans and recipients",
    "the recipients of the page's reports, with their units (each receives on its own)",
]


def test_my_work(client, users):
    client.force_login(users["phulam-officer"])
    response = pinned_get(client, "/tasks/my-work/", MY_WORK)
    assert len(response.context["page"].object_list) > 0


def test_task_page(client, users):
    client.force_login(users["phulam-officer"])
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    response = pinned_get(client, f"/tasks/{task.pk}/", TASK_PAGE)
    assert len(response.context["history"].object_list) > 0


def test_plan_page(client, users):
    client.force_login(users["phulam-leader"])
    pinned_get(client, "/plans/phu-lam-55kh/", PLAN_PAGE)


def test_dashboard(client, users):
    client.force_login(users["dongnai-leader"])
    response = pinned_get(client, "/reports/", DASHBOARD)
    assert len(response.context["page"].object_list) > 0


def test_report_register(client, users):
    client.force_login(users["phulam-leader"])
    response = pinned_get(client, "/reports/register/", REGISTER)
    assert len(response.context["page"].object_list) > 0
