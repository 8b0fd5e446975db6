"""The list pages' rows are written by `RowSerializer`'s plain loop and the items' units read as arrays in the items'
own query (`selectors._items`), for speed: the JSON stays what DRF's own loop, and the fields as the API first
declared them, wrote."""
import inspect

import pytest
import yaml
from django.test import RequestFactory
from rest_framework import serializers as drf

from api import serializers, views
from api.models import ApiToken
from api.principal import TokenPrincipal
from api.services import token_create
from indicators.models import Indicator, IndicatorTarget
from indicators.services import indicator_targets_replace
from indicators.targets import year_target_values
from plans.models import Plan
from tasks.models import Task

pytestmark = pytest.mark.django_db

VIEWSETS = [views.AreaViewSet, views.UnitViewSet, views.PlanViewSet, views.TaskViewSet, views.IndicatorViewSet,
            views.ProgressUpdateViewSet, views.IndicatorReportViewSet, views.ReportViewSet, views.WarningViewSet]


@pytest.fixture
def province_token(users):
    """Đồng Nai's token: it reads the province's rows and every commune's."""
    admin = users["dongnai-admin"]
    return token_create(user=admin, area_id=admin.units.get(area__slug="dong-nai").area_id, name="Khóa")[1]


def _walk(client, url, token):
    rows = []
    while url:
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        url = response.json()["next"]
    return rows


def _stock(serializer_class, **fields):
    """`serializer_class` writing its rows with DRF's own `to_representation`, with `fields` declared instead."""
    return type(f"Stock{serializer_class.__name__}", (serializer_class,),
                {"to_representation": drf.ModelSerializer.to_representation, **fields})


@pytest.mark.parametrize("viewset", VIEWSETS, ids=lambda viewset: viewset.__name__)
def test_rows_are_drfs_own(client, province_token, viewset):
    basename = viewset.__name__.removesuffix("ViewSet")
    resource = {"Area": "areas", "Unit": "units", "Plan": "plans", "Task": "tasks", "Indicator": "indicators",
                "ProgressUpdate": "progress-updates", "IndicatorReport": "indicator-reports",
                "Report": "reports", "Warning": "warnings"}[basename]
    listed = _walk(client, f"/api/v1/{resource}/?page_size=500", province_token)
    principal = TokenPrincipal(ApiToken.objects.select_related("area").get(area__slug="dong-nai"))
    rows = viewset.select(principal).order_by("id")
    assert listed and len(listed) == rows.count()
    stock = _stock(viewset.serializer_class)(rows, many=True, context={"request": RequestFactory().get("/")})
    assert listed == stock.data


class FirstIndicatorSerializer(serializers.IndicatorSerializer):
    """The indicators' fields as the API first declared them: units through their managers, the section through
    its `__str__`, every row through DRF's own loop."""

    section = drf.CharField(source="section.__str__", default=None, read_only=True)
    lead_units = drf.SlugRelatedField(many=True, slug_field="slug", read_only=True)
    support_units = drf.SlugRelatedField(many=True, slug_field="slug", read_only=True)
    to_representation = drf.ModelSerializer.to_representation


def test_indicators_json_unchanged(client, province_token):
    # a demo plan's indicators, given targets of several years (the demo's seeds have one), and units to lead and
    # to support, two or more so that their order counts
    plan = Plan.objects.select_related("area").get(slug="dai-phuoc-2026")
    indicators = Indicator.objects.filter(plan=plan).select_related("plan__area", "section").order_by("id")
    indicator_targets_replace({indicator.pk: [
        year_target_values(indicator.target_text or "≥ 80%", year=2026, label="Năm 2026"),
        year_target_values("≥ 90%", year=2027, label="Năm 2027"),
        year_target_values("≥ 95%", year=2030, label="Đến năm 2030")] for indicator in indicators})
    for indicator in indicators:
        if indicator.lead_units.count() < 2:
            indicator.lead_units.add(*plan.area.units.all()[:3])
    assert indicators.filter(support_units__isnull=False).exists()
    assert indicators.filter(section__isnull=False).exists()
    assert IndicatorTarget.objects.filter(indicator__plan=plan).values("year").distinct().count() == 3
    first = FirstIndicatorSerializer(indicators, many=True).data
    listed = _walk(client, f"/api/v1/indicators/?plan={plan.slug}&page_size=7", province_token)
    assert len(listed) > 7 and listed == first
    assert all(len(row["lead_units"]) > 1 for row in listed)
    assert any(row["target_value"] for row in listed) and any(row["current_value"] for row in listed)


def test_item_without_section_shows_none(client, province_token):
    # the first declaration showed "<method-wrapper '__str__' of NoneType object ...>" for an item without section
    task = Task.objects.filter(plan__area__slug="phu-lam", section__isnull=False).order_by("pk").first()
    Task.objects.filter(pk=task.pk).update(section=None)
    row = client.get(f"/api/v1/tasks/{task.pk}/", HTTP_AUTHORIZATION=f"Bearer {province_token}").json()
    assert row["section"] is None
    assert row["lead_units"] == list(task.lead_units.values_list("slug", flat=True))


def test_unit_slugs_are_empty_lists_not_null(client, province_token):
    task = Task.objects.filter(plan__area__slug="phu-lam").order_by("pk").first()
    task.lead_units.clear()
    task.support_units.clear()
    row = client.get(f"/api/v1/tasks/{task.pk}/", HTTP_AUTHORIZATION=f"Bearer {province_token}").json()
    assert row["lead_units"] == [] and row["support_units"] == []



def test_schema_unchanged_but_for_the_section_being_nullable(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)["components"]["schemas"]
    for viewset in VIEWSETS:
        serializer = viewset.serializer_class
        component = schema[serializer.__name__.removesuffix("Serializer")]
        # a resource is described by its serializer's own docstring, never by a base class's
        assert component.get("description") == (inspect.cleandoc(serializer.__doc__) if serializer.__doc__ else None)
    for name in ("Task", "Indicator"):
        fields = schema[name]["properties"]
        assert fields["section"] == {"type": "string", "nullable": True, "readOnly": True}
        for units in ("lead_units", "support_units"):
            assert fields[units] == {"type": "array", "items": {"type": "string"}, "readOnly": True}
