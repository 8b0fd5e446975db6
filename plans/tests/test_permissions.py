"""Who may see and change plans: every role against every action, checked on the server."""
import pytest

from plans.models import Plan

pytestmark = pytest.mark.django_db

PHU_LAM = ["phulam-officer", "phulam-reviewer", "phulam-leader", "phulam-admin", "phulam-economic"]
DAI_PHUOC = ["daiphuoc-officer", "daiphuoc-reviewer", "daiphuoc-leader", "daiphuoc-admin"]
PROVINCE = ["dongnai-officer", "dongnai-leader", "dongnai-admin"]
DAN_TIEN = ["dantien-officer", "dantien-leader", "dantien-admin"]


def _get(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


@pytest.mark.parametrize("username, plan, status", [
    *[(u, "phu-lam-55kh", 200) for u in PHU_LAM],          # own commune's draft
    *[(u, "dai-phuoc-2026", 404) for u in PHU_LAM],        # another commune's draft
    *[(u, "phu-lam-55kh", 404) for u in DAI_PHUOC + DAN_TIEN],
    *[(u, "dong-nai-182", 200) for u in PHU_LAM + DAI_PHUOC],  # the province plan they carry out
    *[(u, "dong-nai-182", 404) for u in DAN_TIEN],         # another province's plan
    *[(u, "phu-lam-55kh", 200) for u in PROVINCE],         # the province follows its communes
    *[(u, "dan-tien-71nq", 404) for u in PROVINCE],
])
def test_plan_page_is_scoped_by_area(client, users, username, plan, status):
    assert _get(client, users[username], f"/plans/{plan}/") == status


def test_plan_list_shows_only_visible_plans(client, users):
    client.force_login(users["phulam-officer"])
    listed = {p.slug for p in client.get("/plans/").context["page"]}
    assert listed == {"dong-nai-182", "phu-lam-11nq", "phu-lam-55kh"}


@pytest.mark.parametrize("username, status", [
    ("phulam-officer", 200), ("phulam-reviewer", 200), ("daiphuoc-officer", 404), ("dantien-admin", 404),
])
def test_task_and_indicator_pages_follow_their_plan(client, users, username, status):
    plan = Plan.objects.get(slug="phu-lam-55kh")
    assert _get(client, users[username], f"/tasks/{plan.tasks.first().pk}/") == status
    assert _get(client, users[username], f"/indicators/{plan.indicators.first().pk}/") == status


def test_anonymous_users_are_sent_to_sign_in(client, demo):
    response = client.get("/plans/phu-lam-55kh/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_superuser_can_export_tasks_and_open_the_import_link_from_the_plan_form(client, users):
    plan = Plan.objects.get(slug="phu-lam-55kh")
    client.force_login(users["admin"])
    assert client.get("/admin/tasks/task/export/").status_code == 200
    form = client.get(f"/admin/plans/plan/{plan.pk}/change/").content.decode()
    assert f"/plans/{plan.slug}/import/" in form


def test_plan_changes_are_shown_with_who_and_when(client, users):
    plan = Plan.objects.get(slug="phu-lam-55kh")
    plan.signer_title = "Chủ tịch"
    plan._history_user = users["phulam-admin"]
    plan.save()
    client.force_login(users["phulam-officer"])
    history = client.get(f"/plans/{plan.slug}/").context["history"]
    assert history[0]["user_id"] == users["phulam-admin"].pk
    assert any(change["new"] == "Chủ tịch" for change in history[0]["changes"])


def test_the_per_plan_check_equals_membership_in_the_visible_queryset_for_every_demo_user_and_plan(
        users, django_user_model):
    """`Plan.is_visible_to` (one plan's pages) and `PlanQuerySet.visible_to` (every list) both read
    `plan_scope`: for every demo user (and an anonymous visitor) and every demo plan, drafts and another
    province's plans included, the check on the plan is membership in the queryset."""
    from django.contrib.auth.models import AnonymousUser

    from tasks.models import Task

    plans = list(Plan.objects.select_related("area"))
    assert {plan.status for plan in plans} >= {"draft", "issued"}
    people = [*users.values(), AnonymousUser()]
    seen = 0
    for user in people:
        visible = set(Plan.objects.visible_to(user).values_list("pk", flat=True))
        for plan in plans:
            assert plan.is_visible_to(user) == (plan.pk in visible), (getattr(user, "username", "anonymous"), plan.slug)
        seen += bool(visible) and len(visible) < len(plans)
        task = Task.objects.filter(plan__in=plans).exclude(plan__in=visible).first()
        if task is not None:
            with pytest.raises(Task.DoesNotExist):
                Task.objects.get_visible(user, task.pk)
    assert seen >= 5  # users who see some plans and not others: the rule was really tested
