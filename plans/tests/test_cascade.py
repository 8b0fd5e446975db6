"""Cascade links: by hand and by confirmed suggestion, shown on the province item, summed up per province plan."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.models import Indicator
from plans.cascade import item_link, link_suggestions
from tasks.models import Task

pytestmark = pytest.mark.django_db


def _task(plan, section, ordinal):
    return Task.objects.get(plan__slug=plan, section__number=section, ordinal=ordinal)


def test_a_province_item_lists_the_commune_items_carrying_it_out_with_their_progress(client, users):
    lower = _task("phu-lam-11nq", "3.", "6")
    Task.objects.filter(pk=lower.pk).update(progress=35, status="in_progress")
    client.force_login(users["dongnai-leader"])
    page = client.get(f"/tasks/{_task('dong-nai-182', '3.', 'e)').pk}/")
    assert [t.pk for t in page.context["cascade"]["lower"]] == [lower.pk]
    html = page.content.decode()
    assert "Triển khai hiệu quả chương trình, kế hoạch phát triển kinh tế số" in html and "35%" in html
    assert not page.context["cascade"]["can_link"]


def test_another_communes_users_do_not_see_phu_lams_items_on_the_province_item(client, users):
    client.force_login(users["daiphuoc-officer"])
    page = client.get(f"/tasks/{_task('dong-nai-182', '3.', 'e)').pk}/")
    assert page.status_code == 200 and page.context["cascade"]["lower"] == []


def test_admins_link_by_hand_within_the_plan_it_implements_with_history(users):
    task = _task("phu-lam-11nq", "1.", "1")
    other = _task("dong-nai-182", "1.", "b)")
    item_link(model=Task, item_id=task.pk, user=users["phulam-admin"], version=task.version, target_id=other.pk)
    task.refresh_from_db()
    assert task.carries_out == other and task.history.first().history_user == users["phulam-admin"]
    foreign = Task.objects.filter(plan__slug="phu-lam-55kh").first()
    with pytest.raises(ValidationError):
        item_link(model=Task, item_id=task.pk, user=users["phulam-admin"], version=task.version, target_id=foreign.pk)
    with pytest.raises(PermissionDenied):
        item_link(model=Task, item_id=task.pk, user=users["phulam-officer"], version=task.version, target_id=None)
    task.refresh_from_db()
    assert task.carries_out == other


def test_suggestions_put_the_mirror_first_and_change_nothing_until_confirmed(client, users):
    task = _task("phu-lam-11nq", "3.", "6")
    mirror = task.carries_out
    Task.objects.filter(pk=task.pk).update(carries_out=None)
    task.refresh_from_db()
    score, best = link_suggestions(task)[0]
    assert best == mirror and score > 0.9
    client.force_login(users["phulam-admin"])
    page = client.get(f"/tasks/{task.pk}/")
    assert page.context["cascade"]["suggestions"][0][1] == mirror
    task.refresh_from_db()
    assert task.carries_out is None  # shown, not applied
    response = client.post(f"/items/task/{task.pk}/link/", {"version": task.version, "target": mirror.pk})
    task.refresh_from_db()
    assert response.status_code == 302 and task.carries_out == mirror


def test_an_indicator_contributes_to_the_province_indicator(users):
    from plans.models import Plan, Section

    province = Plan.objects.get(slug="dong-nai-182")
    section = Section.objects.create(plan=province, number="III.", title="Chỉ tiêu", position=50)
    higher = Indicator.objects.create(plan=province, section=section, position=1, ordinal="1",
                                      content="Tỷ lệ dân số trưởng thành có chữ ký số")
    lower = Indicator.objects.create(plan=Plan.objects.get(slug="phu-lam-11nq"), position=1, ordinal="1",
                                     content="Tỷ lệ người trưởng thành có chữ ký số trên địa bàn xã")
    assert link_suggestions(lower)[0][1] == higher
    item_link(model=Indicator, item_id=lower.pk, user=users["phulam-admin"], version=1, target_id=higher.pk)
    assert list(higher.contributions.all()) == [lower]


def test_coverage_names_uncovered_items_and_communes_carrying_out_none_of_a_group(client, users):
    client.force_login(users["dongnai-leader"])
    page = client.get("/plans/dong-nai-182/coverage/")
    uncovered = {(item.section.number, item.ordinal) for item in page.context["uncovered"]}
    assert uncovered == {("2.", "e)"), ("6.", "d)"), ("7.", "b)")}
    groups = page.context["groups"]
    assert len(groups) == 7
    assert all([a.slug for a in g["missing"]] == ["dai-phuoc"] for g in groups)
    assert all([a.slug for a in g["carrying"]] == ["phu-lam"] for g in groups)
