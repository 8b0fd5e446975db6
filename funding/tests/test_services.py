"""Funding's invariants and services: non-negative amounts, periods that neither overlap nor pay out more than was
allocated so far, all or nothing, entered only by the area's Economic office or admins, with history."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from funding.access import can_enter_funding, is_finance_office
from funding.models import BudgetShare, FundingBase, FundingPeriod, FundingSource, TaskFunding
from funding.services import PeriodEntry, budget_share_save, funding_base_save, task_funding_save
from plans.models import Area
from tasks.models import Task

pytestmark = pytest.mark.django_db

Q1, Q2 = datetime.date(2026, 1, 1), datetime.date(2026, 4, 1)


@pytest.fixture
def task(demo):
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    TaskFunding.objects.filter(task=task).delete()
    FundingPeriod.objects.filter(task=task).delete()
    return task


def _save(task, user, periods=(), planned=1_000_000_000):
    return task_funding_save(task_id=task.pk, user=user, planned_amount=planned,
                             source=FundingSource.COMMUNE_BUDGET, note="", periods=periods)


def test_the_economic_office_enters_a_tasks_funding_with_history(task, users):
    economic = users["phulam-economic"]
    _save(task, economic, [PeriodEntry("quarterly", Q1, 400_000_000, 100_000_000)])
    funding = TaskFunding.objects.get(task=task)
    assert (funding.planned_amount, funding.source, funding.updated_by) == (1_000_000_000, "commune_budget", economic)
    period = task.funding_periods.get()
    assert (period.label, period.allocated, period.disbursed) == ("Quý I/2026", 400_000_000, 100_000_000)
    assert period.history.get().history_user == economic and funding.history.get().history_user == economic
    # changed later: a second history record, the period changed in place
    _save(task, economic, [PeriodEntry("quarterly", Q1, 500_000_000, 100_000_000)])
    assert task.funding_periods.get().allocated == 500_000_000 and period.history.count() == 2
    assert funding.history.count() == 1  # the planned amount did not change: no new record


def test_disbursed_may_exceed_a_periods_allocation_but_never_what_was_allocated_so_far(task, users):
    economic = users["phulam-economic"]
    # Q2 pays out money allocated in Q1: allowed
    _save(task, economic, [PeriodEntry("quarterly", Q1, 400, 100), PeriodEntry("quarterly", Q2, 0, 300)])
    with pytest.raises(ValidationError) as error:
        _save(task, economic, [PeriodEntry("quarterly", Q2, 0, 301)], planned=5)
    assert "vượt số đã phân bổ" in error.value.messages[0] and "Quý II/2026" in error.value.messages[0]
    # all or nothing: neither the planned amount nor the period changed
    assert TaskFunding.objects.get(task=task).planned_amount == 1_000_000_000
    assert task.funding_periods.get(starts_on=Q2).disbursed == 300


def test_periods_of_a_task_never_overlap(task, users):
    _save(task, users["phulam-economic"], [PeriodEntry("quarterly", Q1, 400, 0)])
    with pytest.raises(ValidationError) as error:
        _save(task, users["phulam-economic"], [PeriodEntry("monthly", datetime.date(2026, 2, 1), 10, 0)])
    assert "Tháng 2/2026 trùng thời gian với Quý I/2026" in error.value.messages[0]
    with pytest.raises(ValidationError):  # a quarter starts on its first month
        _save(task, users["phulam-economic"], [PeriodEntry("quarterly", datetime.date(2026, 5, 1), 10, 0)])
    assert task.funding_periods.count() == 1


def test_amounts_are_never_negative(task, users):
    with pytest.raises(ValidationError):
        _save(task, users["phulam-economic"], [PeriodEntry("quarterly", Q1, -1, 0)])
    with pytest.raises(ValidationError):
        _save(task, users["phulam-economic"], planned=-1)
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        FundingPeriod.objects.create(task=task, kind="monthly", starts_on=Q1, allocated=-5, disbursed=0,
                                     created_at=now, updated_at=now, updated_by=users["phulam-economic"])


@pytest.mark.parametrize("username, allowed", [
    ("phulam-economic", True), ("phulam-admin", True), ("dongnai-admin", True), ("admin", True),
    ("phulam-officer", False), ("phulam-reviewer", False), ("phulam-leader", False),
    ("daiphuoc-economic", False), ("daiphuoc-admin", False), ("dongnai-leader", False),
])
def test_who_enters_a_communes_funding(task, users, username, allowed):
    assert can_enter_funding(users[username], task.plan.area) is allowed
    if allowed:
        _save(task, users[username])
    else:
        with pytest.raises(PermissionDenied):
            _save(task, users[username])
        assert not TaskFunding.objects.filter(task=task).exists()


def test_the_provinces_finance_office_enters_the_provinces_funding(users, django_user_model):
    province = Area.objects.get(slug="dong-nai")
    finance = django_user_model.objects.create(username="dongnai-taichinh", role="officer")
    finance.units.set([province.units.get(name="Sở Tài chính")])
    assert can_enter_funding(finance, province)
    assert not can_enter_funding(finance, Area.objects.get(slug="phu-lam"))  # a commune's budget is its own
    assert not can_enter_funding(users["dongnai-officer"], province)  # Sở KH&CN


@pytest.mark.parametrize("name, office", [
    ("Phòng Kinh tế", True), ("Phòng Kinh tế xã", True), ("Phòng Kinh tế, Hạ tầng và Đô thị", True),
    ("Sở Tài chính", True), ("Phòng Văn hóa - Xã hội", False), ("Sở Khoa học và Công nghệ", False),
])
def test_finance_offices_are_known_by_name(name, office):
    assert is_finance_office(name) is office


def test_budget_share_and_base_figure(users):
    plan = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3").plan
    economic = users["phulam-economic"]
    share = budget_share_save(plan_id=plan.pk, user=economic, percent=1, base_kind="grdp", purpose="KH, CN")
    assert share.label == "1% GRDP" and share.target(500 * 10 ** 9) == 5 * 10 ** 9
    base = funding_base_save(area_id=plan.area_id, user=economic, year=2026, kind="grdp", amount=600 * 10 ** 9)
    assert FundingBase.objects.get(area=plan.area, year=2026, kind="grdp").amount == 600 * 10 ** 9
    assert base.history.first().history_user == economic
    with pytest.raises(ValidationError):
        budget_share_save(plan_id=plan.pk, user=economic, percent=0, base_kind="grdp")
    with pytest.raises(ValidationError):
        funding_base_save(area_id=plan.area_id, user=economic, year=2026, kind="grdp", amount=0)
    with pytest.raises(PermissionDenied):
        budget_share_save(plan_id=plan.pk, user=users["phulam-leader"], percent=2, base_kind="grdp")
    assert BudgetShare.objects.get(plan=plan).percent == 1
    budget_share_save(plan_id=plan.pk, user=economic, percent=None, base_kind="grdp")
    assert not BudgetShare.objects.filter(plan=plan).exists()
