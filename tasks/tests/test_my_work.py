"""The officer's "My work" page: what it lists, in which order, and at a fixed query cost."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Area, Plan, Section, Unit
from reports.services import warnings_raise
from tasks.models import Task, TimelineKind

pytestmark = pytest.mark.django_db


def _officer_with_tasks(django_user_model, count, slug):
    area = Area.objects.create(kind="commune", name=slug, slug=slug)
    unit = Unit.objects.create(area=area, name="Phòng VH-XH", slug=f"{slug}-vhxh")
    other = Unit.objects.create(area=area, name="Phòng Kinh tế", slug=f"{slug}-kt")
    plan = Plan.objects.create(slug=f"{slug}-plan", area=area, issuer="UBND", title="KH", status="draft")
    section = Section.objects.create(plan=plan, number="I.", title="Nhóm", position=1)
    tasks = Task.objects.bulk_create([
        Task(plan=plan, section=section, position=i, ordinal=str(i), title=f"Nhiệm vụ {i}", timeline_text="Năm 2020",
             starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2020 + i % 10, 12, 31), progress=i % 100)
        for i in range(count)])
    Task.lead_units.through.objects.bulk_create([Task.lead_units.through(task=t, unit=unit) for t in tasks])
    Task.support_units.through.objects.bulk_create([Task.support_units.through(task=t, unit=other) for t in tasks])
    officer = django_user_model.objects.create_user(f"{slug}-officer", password="x", role="officer")
    officer.units.set([unit])
    return officer


def _queries(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/tasks/my-work/")
    assert response.status_code == 200
    return len(queries)


def test_my_work_costs_the_same_queries_for_5_or_300_items(client, django_user_model):
    small = _officer_with_tasks(django_user_model, 5, "xa-nho")
    large = _officer_with_tasks(django_user_model, 300, "xa-lon")
    small_count, large_count = _queries(client, small), _queries(client, large)
    assert 0 < small_count == large_count


def test_overdue_items_come_first_then_those_behind(client, users, without_year):
    Task.objects.filter(plan__slug="phu-lam-55kh", ordinal="4").update(
        starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2020, 12, 31), timeline_kind=TimelineKind.ONE_OFF)
    warnings_raise()
    client.force_login(users["phulam-officer"])
    rows = list(client.get("/tasks/my-work/").context["page"])
    overdue = [row for row in rows if row.overdue]  # the demo assignment's ended timelines are overdue too
    assert rows[:len(overdue)] == overdue
    row = next(row for row in overdue if row.item.plan.slug == "phu-lam-55kh" and row.item.ordinal == "4")
    assert row.warnings[0].kind == "overdue"  # red marks come first


def test_filters_narrow_the_list(client, users):
    client.force_login(users["phulam-officer"])
    everything = client.get("/tasks/my-work/").context["page"].paginator.count
    lead_only = client.get("/tasks/my-work/?role=lead").context["page"]
    support_only = client.get("/tasks/my-work/?role=support").context["page"]
    assert lead_only.paginator.count + support_only.paginator.count == everything
    assert all(row.is_lead for row in lead_only) and not any(row.is_lead for row in support_only)
    searched = client.get("/tasks/my-work/?q=DTI").context["page"]
    assert [row.item.ordinal for row in searched] == ["12"]
    overdue = client.get("/tasks/my-work/?overdue=1").context["page"]
    assert all(row.overdue for row in overdue)


def test_indicators_tab_lists_the_officers_indicators(client, users):
    client.force_login(users["phulam-officer"])
    page = client.get("/tasks/my-work/?kind=indicators").context["page"]
    ordinals = {row.item.ordinal for row in page}
    assert {"1", "16", "25"} <= ordinals and "15" not in ordinals  # 15 is led by the police


def test_sections_of_the_chosen_plan_filter_the_list(client, users):
    from plans.models import Section

    client.force_login(users["phulam-officer"])
    section = Section.objects.get(plan__slug="phu-lam-55kh", title__startswith="Phát triển hạ tầng số")
    page = client.get(f"/tasks/my-work/?plan=phu-lam-55kh&section={section.pk}")
    assert section in page.context["sections"]
    assert {row.item.section_id for row in page.context["page"]} == {section.pk}


def test_the_plan_filter_is_a_search_field_not_a_list_of_every_plan(client, users):
    client.force_login(users["phulam-officer"])
    response = client.get("/tasks/my-work/?plan=Kế hoạch số 55-KH")
    assert 'name="plan" value="Kế hoạch số 55-KH"' in response.content.decode()
    assert '<select name="plan"' not in response.content.decode()
    plans = {row.item.plan.slug for row in response.context["page"]}
    assert plans == {"phu-lam-55kh"}
    assert client.get("/tasks/my-work/?plan=Đại Phước").context["page"].paginator.count == 0  # not their plan
    assert client.get("/tasks/my-work/?plan=/KH-UBND").context["page"].paginator.count == 0


def test_the_plan_list_finds_an_area_by_name(client, users):
    client.force_login(users["dongnai-leader"])
    response = client.get("/?area=Phú Lâm")
    assert {plan.area.name for plan in response.context["page"]} == {"Phú Lâm"}
    assert '<select name="area"' not in response.content.decode()


def test_a_reviewer_of_a_lead_unit_sees_its_items_without_an_update_they_would_be_refused(client, django_user_model):
    officer = _officer_with_tasks(django_user_model, 3, "xa-thu")
    reviewer = django_user_model.objects.create_user("xa-thu-reviewer", password="x", role="reviewer")
    reviewer.units.set(officer.units.all())
    task = Task.objects.filter(plan__slug="xa-thu-plan").first()

    client.force_login(reviewer)
    page = client.get("/tasks/my-work/").content.decode()
    assert task.title in page
    assert f"/tasks/{task.pk}/report/" not in page
    assert client.get(f"/tasks/{task.pk}/report/").status_code == 403

    client.force_login(officer)
    assert f"/tasks/{task.pk}/report/" in client.get("/tasks/my-work/").content.decode()
