"""The plan page costs the same number of queries however many items the plan has."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator
from plans.models import Area, Plan, Section, Unit
from tasks.models import Task

pytestmark = pytest.mark.django_db


def _plan(slug, area, units, size):
    plan = Plan.objects.create(slug=slug, area=area, issuer="UBND xã", title="Kế hoạch thử", status="draft")
    sections = Section.objects.bulk_create(
        [Section(plan=plan, number=f"{i}.", title=f"Nhóm {i}", position=i) for i in range(1, 6)])
    tasks = Task.objects.bulk_create([
        Task(plan=plan, section=sections[i % 5], position=i, ordinal=str(i), title=f"Nhiệm vụ {i}",
             product="Báo cáo", timeline_text="Năm 2026") for i in range(size)])
    indicators = Indicator.objects.bulk_create([
        Indicator(plan=plan, section=sections[i % 5], position=i, ordinal=str(i), content=f"Chỉ tiêu {i}",
                  target_text="≥ 80%", target_comparator=">=", target_value=80) for i in range(size)])
    Task.lead_units.through.objects.bulk_create([Task.lead_units.through(task=t, unit=units[0]) for t in tasks])
    Task.support_units.through.objects.bulk_create([Task.support_units.through(task=t, unit=units[1]) for t in tasks])
    Indicator.lead_units.through.objects.bulk_create(
        [Indicator.lead_units.through(indicator=i, unit=units[0]) for i in indicators])
    return plan


def _queries(client, plan, page=""):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/plans/{plan.slug}/{page}")
    assert response.status_code == 200
    return len(queries)


def _small_and_large(client, django_user_model, role):
    area = Area.objects.create(kind="commune", name="Thử", slug="thu")
    units = [Unit.objects.create(area=area, name=n, slug=f"thu-{i}") for i, n in enumerate(["Phòng A", "Phòng B"])]
    user = django_user_model.objects.create_user("reader", password="x", role=role)
    user.units.set(units[:1])
    client.force_login(user)
    return _plan("small", area, units, 10), _plan("large", area, units, 1000)


def test_plan_page_queries_do_not_grow_with_items(client, django_user_model):
    small, large = _small_and_large(client, django_user_model, "leader")
    assert 0 < _queries(client, small) == _queries(client, large)


def test_plan_administration_page_queries_do_not_grow_with_items(client, django_user_model):
    small, large = _small_and_large(client, django_user_model, "admin")
    assert 0 < _queries(client, small, "structure/") == _queries(client, large, "structure/")
