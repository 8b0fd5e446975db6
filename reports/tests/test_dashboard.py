import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import ItemStatus
from reports.services import warnings_raise
from tasks.models import Task

# Workflows from a clean slate: the demo's year of work is left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]


def _rows(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/reports/")
    assert response.status_code == 200
    return {row.subject.slug: row for row in response.context["page"]}, len(queries)


def test_the_province_leader_sees_each_commune_with_completion_counted_from_accepted_evidence(client, users):
    Task.objects.filter(plan__slug="phu-lam-55kh", ordinal__in=["1", "2"]).update(status=ItemStatus.COMPLETED, progress=100)
    Task.objects.filter(plan__slug="phu-lam-55kh", ordinal="3").update(status=ItemStatus.AWAITING_REVIEW, progress=100)
    warnings_raise(today=datetime.date(2026, 11, 23))
    client.force_login(users["dongnai-leader"])
    rows, queries = _rows(client)
    assert set(rows) == {"phu-lam", "dai-phuoc"}  # not Dân Tiến, another province
    phu_lam = rows["phu-lam"]
    assert phu_lam.tasks == 69 and phu_lam.completed == 2  # 44 + 25: row 15 of 55-KH counted by its 5 sub-items
    assert phu_lam.awaiting_review == 1  # reported complete, not yet counted as completed
    assert phu_lam.completion == round(100 * 2 / (69 + 25))
    assert phu_lam.warnings.get("behind_schedule", 0) > 0
    assert phu_lam.warnings.get("report_late", 0) > 0  # the Culture-Social office: no report for the last quarter
    client.force_login(users["phulam-officer"])
    assert set(_rows(client)[0]) == {"phu-lam"}
    client.force_login(users["dongnai-leader"])
    call_command("generate_scale_data", communes=3, province="dong-nai", stdout=open("/dev/null", "w"))
    rows, more = _rows(client)
    assert len(rows) == 5 and more == queries  # more communes, same queries


def test_the_dashboard_shows_the_share_of_items_naming_all_six_clears(client, users, targets_unassigned):
    from config.numbers import percent
    from indicators.models import Indicator

    client.force_login(users["daiphuoc-leader"])
    before = _rows(client)[0]["dai-phuoc"].clears  # the demo assignment's tasks; no target yet
    assert before["items"] == 50 and before["clear"] <= 6
    target = Indicator.objects.filter(plan__slug="dai-phuoc-2026").first()
    target.lead_units.set(users["daiphuoc-officer"].units.all())
    Indicator.objects.filter(pk=target.pk).update(officer=users["daiphuoc-officer"], product="Báo cáo",
                                                  authority="Chủ tịch UBND xã")
    after = _rows(client)[0]["dai-phuoc"].clears
    assert after == {"clear": before["clear"] + 1, "items": 50, "percent": percent(before["clear"] + 1, 50)}
    page = client.get("/reports/?sort=clears").content.decode()
    assert "Đủ 6 rõ" in page and f"{after['percent']}%" in page
    assert client.get("/reports/communes/dai-phuoc/?sort=clears").status_code == 200  # units have no such column
