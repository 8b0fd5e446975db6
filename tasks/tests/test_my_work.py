"""The officer's "My work" page: what it lists, in which order, and at a fixed query cost."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plans.models import Area, Plan, Section, Unit
from reports.services import warnings_raise
from tasks.models import Task, TimelineKind
from tasks.selectors import my_task_rows

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


def test_the_plan_filter_lists_the_plans_holding_the_officers_items_by_their_names(client, users):
    client.force_login(users["phulam-officer"])
    response = client.get("/tasks/my-work/?plan=phu-lam-55kh")
    plans = response.context["plans"]
    # Only plans holding the officer's own items (the province's plan, visible to them, holds none of theirs),
    # each by its own name: two numberless drafts never read the same.
    assert {plan.slug for plan in plans} == {"phu-lam-11nq", "phu-lam-55kh"}
    page = response.content.decode()
    for plan in plans:
        assert f'<option value="{plan.slug}"' in page and plan.display_name in page
    assert len({plan.display_name for plan in plans}) == 2 and "Số: /KH-UBND" not in page
    assert '<option value="phu-lam-55kh" selected>' in page
    assert {row.item.plan.slug for row in response.context["page"]} == {"phu-lam-55kh"}
    # Words of a plan typed into the address (an older link) still narrow the list, never beyond the user's scope.
    assert {row.item.plan.slug for row in client.get("/tasks/my-work/?plan=Kế hoạch số 55-KH").context["page"]} == {
        "phu-lam-55kh"}
    assert client.get("/tasks/my-work/?plan=Đại Phước").context["page"].paginator.count == 0  # not their plan
    assert client.get("/tasks/my-work/?plan=/KH-UBND").context["page"].paginator.count == 0


def test_the_search_box_finds_items_by_their_words(client, users):
    client.force_login(users["phulam-officer"])
    response = client.get("/tasks/my-work/?q=chuyển đổi số")
    titles = [row.item.title for row in response.context["page"]]
    assert titles and all("chuyển đổi số" in title.lower() for title in titles)
    assert 'name="q" value="chuyển đổi số"' in response.content.decode()


def _report(client, task, back, progress):
    return client.post(f"/tasks/{task.pk}/report/", {
        "version": task.version, "period": timezone.localdate().strftime("%Y-%m"), "progress": progress,
        "achievements": "Đã triển khai", "difficulties": "Thiếu kinh phí", "proposals": "Bổ sung kinh phí",
        "back": back})


def test_an_item_updated_during_a_visit_keeps_its_place_and_goes_last_on_the_next_visit(client, users):
    officer = users["phulam-officer"]
    client.force_login(officer)
    first = client.get("/tasks/my-work/")
    shown = [(row.kind, row.pk) for row in first.context["page"]]
    # A task whose update lifts it well above its schedule: ordered afresh, it would move down the list.
    row = next(r for r in first.context["page"] if r.may_report and not r.overdue and r.progress < 50
               and r.expected and not r.updated_this_period)
    task = Task.objects.get(pk=row.pk)
    saved = _report(client, task, first.context["back"], 95)
    assert saved.status_code == 302
    assert saved.url.startswith("/tasks/my-work/?") and saved.url.endswith(f"#work-task-{task.pk}")
    assert f"visit={first.context['visit']}" in saved.url

    again = client.get(saved.url.split("#")[0])
    assert [(r.kind, r.pk) for r in again.context["page"]] == shown  # the same order, the item in its place
    updated = next(r for r in again.context["page"] if r.pk == task.pk)
    assert updated.updated_this_period and updated.progress == 95
    assert "đã cập nhật kỳ này" in again.content.decode()
    assert "Đã lưu tiến độ 95%" in again.content.decode()
    visit = datetime.datetime.fromtimestamp(first.context["visit"] / 1000, tz=datetime.UTC)
    afresh = [r.pk for r in my_task_rows(officer, today=timezone.localdate(), visit=visit)]
    assert afresh.index(task.pk) > shown.index(("task", task.pk))  # ordered afresh it would have moved down

    fresh = client.get("/tasks/my-work/")  # the next visit: what was updated this period goes last
    assert fresh.context["visit"] != first.context["visit"]
    listed = fresh.context["page"].paginator.object_list
    updated = [r for r in listed if r.updated_before_visit]  # the demo's own early-month entries are among them
    assert task.pk in [r.pk for r in updated] and listed[-len(updated):] == updated
    assert listed.index(next(r for r in listed if r.pk == task.pk)) > shown.index(("task", task.pk))


def test_a_refused_or_foreign_back_address_stays_on_my_work(client, users):
    client.force_login(users["phulam-officer"])
    task = Task.objects.get(pk=next(r for r in client.get("/tasks/my-work/").context["page"] if r.may_report).pk)
    saved = _report(client, task, "//evil.example/?x=1&visit=1", max(task.progress, 10))
    assert saved.status_code == 302 and saved.url.startswith("/tasks/my-work/?")

def test_the_plan_list_finds_an_area_by_name(client, users):
    client.force_login(users["dongnai-leader"])
    response = client.get("/plans/?area=Phú Lâm")
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


def test_an_item_whose_evidence_came_back_stays_among_the_work_to_do(client, users):
    from evidence.services import evidence_review
    from tasks.services import task_progress_report
    from tests import files

    officer = users["phulam-officer"]
    client.force_login(officer)
    row = next(r for r in client.get("/tasks/my-work/").context["page"] if r.may_report and r.progress < 100)
    task = Task.objects.get(pk=row.pk)
    task_progress_report(task_id=task.pk, user=officer, version=task.version, progress=100,
                         period=timezone.localdate().replace(day=1), achievements="Xong", difficulties="-",
                         proposals="-", uploads=[(files.upload("qd.pdf", files.pdf_bytes()), "Quyết định")])
    rows = client.get("/tasks/my-work/").context["page"].paginator.object_list
    done = [r for r in rows if r.updated_before_visit]
    assert rows[-len(done):] == done and task.pk in {r.pk for r in done}  # updated before this visit: last

    evidence_review(evidence_id=task.evidence.get().pk, reviewer=users["phulam-reviewer"], accept=False,
                    reason="unsigned", note="Thiếu chữ ký")
    rows = client.get("/tasks/my-work/").context["page"].paginator.object_list
    again = next(r for r in rows if r.pk == task.pk)
    assert again.evidence_status == "rejected" and not again.updated_before_visit
    assert again not in rows[-(len(done) - 1):]  # back among the work to do
