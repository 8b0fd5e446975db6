"""Results in public: anyone reads them, nothing personal is in them, one cached response serves everyone."""
import csv
import io
import json

import pytest
from django.core.cache import cache
from django.test.utils import CaptureQueriesContext
from django.db import connection

from evidence.models import Evidence
from people.models import User
from plans.models import Area, Plan
from reports.models import Difficulty
from tasks.models import ProgressUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_cleared():
    cache.clear()
    yield
    cache.clear()


def _issue_phu_lam():
    """Phú Lâm's plans as the demo loads them are drafts (the seeds print no number): issue one."""
    plan = Plan.objects.filter(area__slug="phu-lam").exclude(status=Plan.Status.REPLACED).order_by("slug").first()
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ISSUED, number="55")
    return plan


def test_an_anonymous_visitor_reads_the_pages(client, demo):
    for url in ("/cong-khai/", "/cong-khai/dong-nai/", "/cong-khai/phu-lam/", "/cong-khai/dong-nai/du-lieu.json",
                "/cong-khai/dong-nai/du-lieu.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "182/KH-UBND" in client.get("/cong-khai/dong-nai/").content.decode()


def test_nothing_personal_and_no_draft_is_published(client, demo):
    _issue_phu_lam()
    draft = Plan.objects.filter(area__slug="phu-lam", status=Plan.Status.DRAFT).first()
    texts = []
    for url in ("/cong-khai/phu-lam/", "/cong-khai/phu-lam/du-lieu.json", "/cong-khai/phu-lam/du-lieu.csv",
                "/cong-khai/dong-nai/", "/cong-khai/dong-nai/du-lieu.json"):
        texts.append(client.get(url).content.decode())
    published = "\n".join(texts)
    names = [n for n in User.objects.values_list("first_name", flat=True) if n] + list(
        User.objects.exclude(last_name="").values_list("last_name", flat=True))
    assert names and not [name for name in names if name in published]
    evidence = list(Evidence.objects.values_list("file", "description")[:50])
    assert evidence and not [f for f, d in evidence if f.rsplit("/", 1)[-1] in published or (d and d in published)]
    private = [t for t in ProgressUpdate.objects.exclude(difficulties="").values_list("difficulties", flat=True)
               if len(t) > 12] + [d for d in Difficulty.objects.values_list("difficulties", flat=True) if len(d) > 12]
    assert private and not [text for text in private if text in published]
    if draft is not None:
        assert draft.title[:80] not in published
    assert "/media/" not in published and "/evidence/" not in published  # no link to an evidence file


def test_the_heat_map_and_the_share_of_green_communes(client, demo):
    _issue_phu_lam()
    page = client.get("/cong-khai/dong-nai/").content.decode()
    data = json.loads(client.get("/cong-khai/dong-nai/du-lieu.json").content)
    communes = {row["slug"]: row for row in data["communes"]}
    assert set(communes) == set(Area.objects.filter(parent__slug="dong-nai").values_list("slug", flat=True))
    assert communes["phu-lam"]["tasks"] > 0 and communes["dai-phuoc"]["tasks"] == 0  # its plan is a draft
    green = sum(1 for row in communes.values() if row["tasks"] + row["indicators"] and row["health"] == "green")
    counted = sum(1 for row in communes.values() if row["tasks"] + row["indicators"])
    assert data["green_communes"]["green"] == green and data["green_communes"]["counted"] == counted == 1
    assert f"{green}/{counted} xã đúng tiến độ (xanh)" in page
    assert 'id="heatmap"' in page and f'class="health {communes["phu-lam"]["health"]}"' in page


def test_open_data_lists_the_items_as_the_page_does(client, demo):
    plan = _issue_phu_lam()
    rows = list(csv.DictReader(io.StringIO(client.get("/cong-khai/phu-lam/du-lieu.csv").content.decode("utf-8-sig"))))
    assert len(rows) == plan.tasks.count() + plan.indicators.count()
    assert {row["plan"] for row in rows} == {"55/" + plan.symbol}
    assert set(rows[0]) == {"plan", "kind", "ordinal", "text", "lead_units", "timeline", "progress_percent", "status",
                            "unit_of_measure", "target", "value", "met"}


def test_a_page_costs_the_same_queries_for_more_communes_and_none_once_cached(client, demo):
    with CaptureQueriesContext(connection) as first:
        client.get("/cong-khai/dong-nai/")
    cache.clear()
    province = Area.objects.get(slug="dong-nai")
    for n in range(5):
        Area.objects.create(kind=Area.Kind.COMMUNE, name=f"Xã thử {n}", slug=f"xa-thu-{n}", parent=province)
    with CaptureQueriesContext(connection) as more:
        page = client.get("/cong-khai/dong-nai/").content.decode()
    assert "Xã thử 4" in page
    assert len(more) == len(first)
    with CaptureQueriesContext(connection) as cached:
        again = client.get("/cong-khai/dong-nai/").content.decode()
    assert len(cached) == 0 and again == page
