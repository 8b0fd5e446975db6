"""The warnings page: what each user sees, its filters, and who may start a run."""
import datetime

import pytest

from reports.models import Warning
from reports.services import warnings_raise

pytestmark = pytest.mark.django_db


@pytest.fixture
def raised(users):
    warnings_raise(today=datetime.date(2026, 11, 23))
    return Warning.objects.filter(closed_at__isnull=True)


def test_the_page_lists_item_and_unit_warnings_of_the_users_area(client, users, raised):
    client.force_login(users["phulam-officer"])
    response = client.get("/reports/warnings/")
    assert response.status_code == 200
    listed = list(response.context["page"])
    assert listed and {w.kind for w in listed} >= {"behind_schedule", "report_late"}
    areas = {(w.plan.area.slug if w.plan else w.unit.area.slug) for w in listed}
    assert areas <= {"phu-lam", "dong-nai"}


def test_filters_by_kind_and_unit(client, users, raised):
    client.force_login(users["phulam-officer"])
    by_kind = client.get("/reports/warnings/?kind=report_late").context["page"]
    assert by_kind.paginator.count and all(w.kind == "report_late" for w in by_kind)
    office = users["phulam-officer"].units.get()
    by_unit = client.get(f"/reports/warnings/?unit={office.pk}").context["page"]
    assert by_unit.paginator.count and all(
        w.unit_id == office.pk or office in (w.task or w.indicator).lead_units.all() for w in by_unit if w.unit_id or w.task_id or w.indicator_id)


def test_another_communes_warnings_are_not_shown(client, users, raised):
    client.force_login(users["daiphuoc-officer"])
    listed = list(client.get("/reports/warnings/?state=all").context["page"].paginator.object_list)
    assert all((w.plan.area.slug if w.plan else w.unit.area.slug) in {"dai-phuoc", "dong-nai"} for w in listed)


@pytest.mark.parametrize("username, status", [("phulam-admin", 302), ("phulam-officer", 403), ("phulam-leader", 403)])
def test_only_admins_start_a_run(client, users, username, status, django_capture_on_commit_callbacks):
    client.force_login(users[username])
    with django_capture_on_commit_callbacks() as enqueued:
        assert client.post("/reports/warnings/run/").status_code == status
    # The job is enqueued once the request commits; the browser journey runs it on a real worker.
    assert len(enqueued) == (1 if status == 302 else 0)
