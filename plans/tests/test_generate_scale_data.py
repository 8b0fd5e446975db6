import pytest
from django.core.management import call_command

from plans.models import Area, Plan
from tasks.models import Task

pytestmark = pytest.mark.django_db


def test_it_builds_communes_with_seed_shaped_plans_and_monthly_history():
    call_command("generate_scale_data", communes=3, province="thu-quy-mo", stdout=open("/dev/null", "w"))
    province = Area.objects.get(slug="thu-quy-mo")
    assert province.children.count() == 3
    plans = Plan.objects.filter(area__parent=province)
    assert plans.count() == 6
    tasks = Task.objects.filter(plan__in=plans)
    assert tasks.count() == 6 * 21
    assert all(task.lead_units.exists() for task in tasks[:5])
    task = tasks.first()
    history = list(task.history.order_by("history_date").values_list("progress", flat=True))
    assert len(history) == 24 and history == sorted(history) and history[-1] == task.progress
    call_command("generate_scale_data", communes=3, province="thu-quy-mo", stdout=open("/dev/null", "w"))
    assert Task.objects.filter(plan__area__parent=province).count() == 6 * 21  # running again adds nothing
