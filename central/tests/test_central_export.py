"""The export in the central system's structure: every item, every required field, as of the period's end, built
by the real worker and read back from the files it stored."""
import copy
import datetime
import io
import json
import time

import jsonschema
import openpyxl
import pytest
from django.utils import timezone

from central import mapping
from central.models import CentralExport
from indicators.models import Indicator
from plans.models import Area, Plan
from tasks.models import Task
from tasks.services import task_progress_report

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _live(area_ids):
    return Plan.objects.filter(area__in=area_ids).exclude(status=Plan.Status.REPLACED)


@pytest.mark.parametrize("slug", ["dong-nai", "phu-lam", "dai-phuoc", "dan-tien"])
def test_the_demo_export_validates_and_counts_every_item(demo, slug):
    area = Area.objects.get(slug=slug)
    data = mapping.export(area, kind="quarterly", year=TODAY.year, number=(TODAY.month - 1) // 3 + 1)
    mapping.validate(data)
    subjects = [area.pk, *Area.objects.filter(parent=area).values_list("pk", flat=True)]
    tasks = Task.objects.filter(plan__in=_live(subjects))
    indicators = Indicator.objects.filter(plan__in=_live(subjects))
    assert [a["code"] for a in data["areas"]][0] == slug
    assert sum(len(a["tasks"]) for a in data["areas"]) == tasks.count()
    assert tasks.exists()  # every area of the demo has tasks: an empty export cannot pass for a full one
    assert {t["code"] for a in data["areas"] for t in a["tasks"]} == {
        f"{slug}/NV/{position}" for slug, position in tasks.values_list("plan__slug", "position")}
    assert sum(len(a["indicators"]) for a in data["areas"]) == indicators.count()
    assert data["summary"]["items"] == {"exported": tasks.count() + indicators.count(),
                                        "total": tasks.count() + indicators.count()}


def test_a_province_exports_its_communes_in_one_file(demo):
    data = mapping.export(Area.objects.get(slug="dong-nai"), kind="monthly", year=TODAY.year, number=TODAY.month)
    communes = set(Area.objects.filter(parent__slug="dong-nai").values_list("slug", flat=True))
    assert communes and communes <= {a["code"] for a in data["areas"]}


def _small_export(demo_area="phu-lam"):
    """The demo's export cut to one task and one indicator with a value, a result and a target: every field
    of the structure is present in it, and validating it is quick."""
    data = mapping.export(Area.objects.get(slug=demo_area), kind="annual", year=TODAY.year, number=1)
    area = data["areas"][0]
    area["tasks"] = [next(t for t in area["tasks"] if t["results"])]
    area["indicators"] = [next(i for i in area["indicators"] if i["values"])]
    area["plans"] = area["plans"][:1]
    return data


def _paths(node, path=()):
    """Every key of every object in the document, as a path of keys and list indexes."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key)
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def test_dropping_any_field_fails_validation(demo):
    data = _small_export()
    mapping.validate(data)
    paths = list(_paths(data))
    assert len(paths) > 100
    for path in paths:
        broken = copy.deepcopy(data)
        holder = broken
        for step in path[:-1]:
            holder = holder[step]
        del holder[path[-1]]
        with pytest.raises(jsonschema.ValidationError):
            mapping.validate(broken)


def test_a_field_the_structure_does_not_name_fails_validation(demo):
    data = _small_export()
    data["areas"][0]["tasks"][0]["note"] = "thêm"
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        mapping.validate(data)


def test_a_past_period_reads_its_figures_at_its_end(demo, users):
    """A task reported after the quarter ended shows the quarter's progress, not today's."""
    task = Task.objects.filter(plan__slug="phu-lam-55kh", progress__lt=90).exclude(
        status=Task.Status.COMPLETED).order_by("position").first()
    past = datetime.date(TODAY.year, 3, 31) if TODAY.month > 3 else datetime.date(TODAY.year - 1, 12, 31)
    quarter = (past.month - 1) // 3 + 1
    before = mapping.export(Area.objects.get(slug="phu-lam"), kind="quarterly", year=past.year, number=quarter)
    row_before = next(t for t in before["areas"][0]["tasks"] if t["code"] == f"phu-lam-55kh/NV/{task.position}")
    task.lead_units.add(*users["phulam-officer"].units.all())
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=95,
                         period=TODAY.replace(day=1), achievements="Báo cáo hôm nay", difficulties="-",
                         proposals="-")
    after = mapping.export(Area.objects.get(slug="phu-lam"), kind="quarterly", year=past.year, number=quarter)
    row_after = next(t for t in after["areas"][0]["tasks"] if t["code"] == f"phu-lam-55kh/NV/{task.position}")
    assert row_after["progress"] == row_before["progress"] != 95
    assert "Báo cáo hôm nay" not in row_after["results"]
    now = mapping.export(Area.objects.get(slug="phu-lam"), kind="annual", year=TODAY.year, number=1)
    row_now = next(t for t in now["areas"][0]["tasks"] if t["code"] == f"phu-lam-55kh/NV/{task.position}")
    assert row_now["progress"] == 95 and "Báo cáo hôm nay" in row_now["results"]


def test_centrally_assigned_tasks_are_counted_n_of_n(demo):
    plan = Plan.objects.get(slug="dong-nai-182")
    Task.objects.filter(plan=plan).update(centrally_assigned=False)
    marked = list(Task.objects.filter(plan=plan).order_by("position").values_list("pk", flat=True)[:3])
    Task.objects.filter(pk__in=marked).update(centrally_assigned=True)
    data = mapping.export(plan.area, kind="annual", year=TODAY.year, number=1)
    assert data["summary"]["centrally_assigned_tasks"] == {"exported": 3, "total": 3}
    assert sum(t["centrally_assigned"] for a in data["areas"] for t in a["tasks"]) == 3


@pytest.mark.django_db(transaction=True)
def test_a_leader_asks_and_the_worker_builds_both_files(client, demo, users, celery_worker):
    client.force_login(users["phulam-leader"])
    area = Area.objects.get(slug="phu-lam")
    response = client.post("/central/", {"area": area.pk, "kind": "quarterly", "year": TODAY.year,
                                         "number": (TODAY.month - 1) // 3 + 1})
    assert response.status_code == 302
    record = CentralExport.objects.get()
    for _ in range(300):
        record.refresh_from_db()
        if not record.is_running:
            break
        time.sleep(0.1)
    assert record.status == CentralExport.Status.DONE, record.message
    page = client.get("/central/").content.decode()
    assert f"{record.summary['items']['total']}/{record.summary['items']['total']} mục" in page
    data = json.loads(b"".join(client.get(f"/central/{record.pk}/json/").streaming_content))
    mapping.validate(data)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(f"/central/{record.pk}/xlsx/").streaming_content)))
    tasks = Task.objects.filter(plan__in=_live([area.pk])).count()
    assert book["Nhiệm vụ"].max_row == tasks + 1
    assert book["Chỉ tiêu"].max_row == Indicator.objects.filter(plan__in=_live([area.pk])).count() + 1

    # Bytes changed on disk are never served as the export.
    with open(record.xlsx_file.path, "ab") as handle:
        handle.write(b"tampered")
    altered = client.get(f"/central/{record.pk}/xlsx/")
    assert altered.status_code == 500 and "SHA-256" in altered.content.decode()


def test_a_period_that_does_not_exist_is_refused_and_nothing_recorded(client, demo, users):
    client.force_login(users["phulam-leader"])
    area = Area.objects.get(slug="phu-lam")
    response = client.post("/central/", {"area": area.pk, "kind": "quarterly", "year": TODAY.year, "number": 5})
    assert response.status_code == 200
    assert "chỉ có 4 kỳ trong năm" in response.content.decode()
    assert not CentralExport.objects.exists()


@pytest.mark.parametrize("username, page, own_area", [
    ("phulam-officer", 403, False), ("phulam-reviewer", 403, False), ("phulam-economic", 403, False),
    ("phulam-leader", 200, True), ("phulam-admin", 200, True), ("daiphuoc-officer", 403, False),
    ("dongnai-leader", 200, True), ("dongnai-admin", 200, True),
])
def test_who_may_export(client, demo, users, username, page, own_area):
    """Leaders and admins of the area (the province's for its communes); another commune's export is a 404."""
    area = Area.objects.get(slug="phu-lam")
    record = CentralExport.objects.create(area=area, period_kind="annual", year=TODAY.year, number=1,
                                          schema_version="1", requested_by=users["phulam-leader"])
    client.force_login(users[username])
    assert client.get("/central/").status_code == page
    response = client.post("/central/", {"area": area.pk, "kind": "annual", "year": TODAY.year, "number": 1})
    assert response.status_code == (302 if own_area else 403)
    assert CentralExport.objects.count() == (2 if own_area else 1)
    assert client.get(f"/central/{record.pk}/").status_code == (200 if own_area else 404)
    CentralExport.objects.all().delete()


def test_another_provinces_leader_gets_nothing(client, demo, users):
    record = CentralExport.objects.create(area=Area.objects.get(slug="phu-lam"), period_kind="annual",
                                          year=TODAY.year, number=1, schema_version="1",
                                          requested_by=users["phulam-leader"])
    client.force_login(users["minhhoa-leader"])
    assert client.get(f"/central/{record.pk}/").status_code == 404
    response = client.post("/central/", {"area": record.area_id, "kind": "annual", "year": TODAY.year, "number": 1})
    assert response.status_code == 200 and CentralExport.objects.count() == 1  # not a choice in the form


def test_the_schema_is_public(client):
    response = client.get("/central/schema/v1.json")
    assert response.status_code == 200
    jsonschema.Draft202012Validator.check_schema(json.loads(b"".join(response.streaming_content)))
