"""Writing funding: a task's planned amount and its periods, a plan's budget share, an area's yearly base figure.
Each is all or nothing, checks who may enter it (`access.can_enter_funding`) and records who and when."""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans.models import Area, Plan
from plans.writes import text_lengths_check
from tasks.models import Task

from .access import can_enter_funding
from .models import BaseKind, BudgetShare, FundingBase, FundingPeriod, FundingSource, TaskFunding

REFUSED = gettext_lazy("Chỉ Phòng Kinh tế (Sở Tài chính ở cấp tỉnh) và quản trị của địa bàn mới được nhập kinh phí.")


@dataclass(frozen=True)
class PeriodEntry:
    kind: str
    starts_on: datetime.date
    allocated: int
    disbursed: int


def _stamp(obj, user, now):
    obj.updated_by, obj.updated_at = user, now
    obj._history_user = user


def task_funding_save(*, task_id, user, planned_amount, source, note="", periods=()):
    """Save a task's planned amount and source, and the periods `periods` names (added, or changed where the
    task already has one starting that day), all or nothing. Raises PermissionDenied, or ValidationError in
    Vietnamese (by field where it is a field's) with nothing changed."""
    note = (note or "").strip()
    text_lengths_check(TaskFunding, note=note)
    if source and source not in FundingSource.values:
        raise ValidationError({"source": _("Nguồn kinh phí không hợp lệ.")})
    if planned_amount is not None and planned_amount < 0:
        raise ValidationError({"planned_amount": _("Số tiền không được âm.")})
    now = timezone.now()
    with transaction.atomic():
        # The task's row is the lock: two saves of one task's funding take turns, so the running totals hold.
        task = Task.objects.select_for_update(of=("self",)).select_related("plan__area").get(pk=task_id)
        if not can_enter_funding(user, task.plan.area):
            raise PermissionDenied(REFUSED)
        current = {period.starts_on: period for period in task.funding_periods.all()}
        changed, seen = [], set()
        for entry in periods:
            if entry.starts_on in seen:
                raise ValidationError(_("Một kỳ được nhập hai lần."))
            seen.add(entry.starts_on)
            if entry.allocated < 0 or entry.disbursed < 0:
                raise ValidationError(_("Số tiền không được âm."))
            period = current.get(entry.starts_on) or FundingPeriod(task=task, starts_on=entry.starts_on, created_at=now)
            if period.pk and (period.kind, period.allocated, period.disbursed) == (
                    entry.kind, entry.allocated, entry.disbursed):
                continue
            period.kind, period.allocated, period.disbursed = entry.kind, entry.allocated, entry.disbursed
            period.clean()
            current[entry.starts_on] = period
            changed.append(period)
        FundingPeriod.running_totals_check(current.values())
        funding = TaskFunding.objects.filter(task=task).first() or TaskFunding(task=task)
        if funding.pk is None or (funding.planned_amount, funding.source, funding.note) != (planned_amount, source, note):
            funding.planned_amount, funding.source, funding.note = planned_amount, source, note
            _stamp(funding, user, now)
            funding.save()
        for period in changed:
            _stamp(period, user, now)
            period.save()
    return funding


def budget_share_save(*, plan_id, user, percent, base_kind, purpose=""):
    """Set the plan's budget share (a percentage of GRDP or of the budget), or remove it when `percent` is None."""
    purpose = (purpose or "").strip()
    text_lengths_check(BudgetShare, purpose=purpose)
    percent = None if percent is None else Decimal(str(percent))
    if percent is not None and not 0 < percent <= 100:
        raise ValidationError({"percent": _("Tỷ lệ phải lớn hơn 0 và không quá 100%.")})
    if base_kind not in BaseKind.values:
        raise ValidationError({"base_kind": _("Hãy chọn GRDP hoặc tổng chi ngân sách.")})
    with transaction.atomic():
        plan = Plan.objects.select_for_update(of=("self",)).select_related("area").get(pk=plan_id)
        if not can_enter_funding(user, plan.area):
            raise PermissionDenied(REFUSED)
        share = BudgetShare.objects.filter(plan=plan).first()
        if percent is None:
            if share:
                share._history_user = user
                share.delete()
            return None
        share = share or BudgetShare(plan=plan)
        share.percent, share.base_kind, share.purpose = percent, base_kind, purpose
        _stamp(share, user, timezone.now())
        share.save()
    return share


def funding_base_save(*, area_id, user, year, kind, amount):
    """Set an area's base figure (GRDP or total budget spending) for a year."""
    errors = {}
    if not 2000 <= year <= 2100:
        errors["year"] = _("Năm phải từ 2000 đến 2100.")
    if kind not in BaseKind.values:
        errors["kind"] = _("Hãy chọn GRDP hoặc tổng chi ngân sách.")
    if amount is None or amount <= 0:
        errors["amount"] = _("Hãy nhập giá trị lớn hơn 0.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        area = Area.objects.select_for_update().get(pk=area_id)
        if not can_enter_funding(user, area):
            raise PermissionDenied(REFUSED)
        base = FundingBase.objects.filter(area=area, year=year, kind=kind).first() or FundingBase(
            area=area, year=year, kind=kind)
        base.amount = amount
        _stamp(base, user, timezone.now())
        base.save()
    return base
