"""Funding shaped for the pages that show it, each in a fixed number of queries."""
import datetime
from collections import defaultdict

from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from config.numbers import percent
from tasks.models import Task

from .access import can_enter_funding
from .models import BudgetShare, FundingBase, FundingPeriod, FundingSource, TaskFunding


def share_years(share, allocated_by_year, bases, today):
    """For a plan's budget share: each year with allocations (and the current one), what was allocated against
    the share of that year's base figure ("Đã phân bổ 3,2 tỷ / 1% GRDP = 5,0 tỷ (64%)")."""
    years = sorted(set(allocated_by_year) | {today.year})
    rows = []
    for year in years:
        base = bases.get((year, share.base_kind))
        target = share.target(base) if base is not None else None
        allocated = allocated_by_year.get(year, 0)
        rows.append({"year": year, "allocated": allocated, "base": base, "target": target,
                     "percent": percent(allocated, target) if target else None})
    return rows


def plan_funding(plan, user, *, today=None):
    """The plan page's funding section: the tasks with funding, the plan's budget share (unless read with the
    plan), and when there is either the periods' sums by task and year, and against a share the area's base
    figures: one to four queries."""
    today = today or timezone.localdate()
    tasks = list(Task.objects.filter(plan=plan, funding__isnull=False).select_related("funding")
                 .order_by("position").only("id", "ordinal", "title", "position", "funding"))
    if type(plan).budget_share.is_cached(plan):  # read with the plan (plans.selectors.plan_with_references)
        share = getattr(plan, "budget_share", None)
    else:
        share = BudgetShare.objects.filter(plan=plan).first()
    per_task = defaultdict(lambda: {"allocated": 0, "disbursed": 0})
    by_year = defaultdict(int)
    # The periods' sums are shown beside the funded tasks and against the share: with neither, they are not read
    # (and the section's totals, shown only with the tasks, stay 0).
    periods = (FundingPeriod.objects.filter(task__plan=plan).annotate(year=ExtractYear("starts_on"))
               .values("task_id", "year").annotate(allocated=Sum("allocated"), disbursed=Sum("disbursed"))
               .order_by().values_list("task_id", "year", "allocated", "disbursed")) if tasks or share else ()
    for task_id, year, allocated, disbursed in periods:
        per_task[task_id]["allocated"] += allocated
        per_task[task_id]["disbursed"] += disbursed
        by_year[year] += allocated
    # The base figures are only read against a budget share: most plans have none.
    bases = {(year, kind): amount for year, kind, amount in
             FundingBase.objects.filter(area=plan.area_id).order_by()  # into a dict: no order, no join for it
             .values_list("year", "kind", "amount")} if share else {}
    rows, planned_by_source = [], defaultdict(int)
    for task in tasks:
        funding = task.funding
        sums = per_task.get(task.id, {"allocated": 0, "disbursed": 0})
        rows.append({"task": task, "planned": funding.planned_amount, "source": funding.get_source_display(),
                     **sums, "disbursed_percent": percent(sums["disbursed"], sums["allocated"])})
        planned_by_source[funding.source] += funding.planned_amount or 0
    allocated = sum(r["allocated"] for r in per_task.values())
    disbursed = sum(r["disbursed"] for r in per_task.values())
    labels = dict(FundingSource.choices)
    return {
        "rows": rows, "planned": sum(planned_by_source.values()), "allocated": allocated, "disbursed": disbursed,
        "disbursed_percent": percent(disbursed, allocated),
        "by_source": [(labels.get(source, "—"), amount) for source, amount in planned_by_source.items() if amount],
        "share": share, "share_years": share_years(share, by_year, bases, today) if share else [],
        "can_enter": can_enter_funding(user, plan.area),
    }


def task_funding(task, user):
    """The task page's block: its planned funding and its periods (two queries; one when the task was read with
    its funding and who entered it, `select_related("funding__updated_by")`)."""
    if Task.funding.is_cached(task):
        funding = getattr(task, "funding", None)  # None when the task has none: no query either way
    else:
        funding = TaskFunding.objects.filter(task=task).select_related("updated_by").first()
    periods = list(FundingPeriod.objects.filter(task=task).select_related("updated_by").order_by("starts_on"))
    allocated = sum(p.allocated for p in periods)
    disbursed = sum(p.disbursed for p in periods)
    return {"funding": funding, "periods": periods, "allocated": allocated, "disbursed": disbursed,
            "disbursed_percent": percent(disbursed, allocated), "can_enter": can_enter_funding(user, task.plan.area)}


def area_funding(area_ids, *, as_of=None):
    """{area id: {planned, allocated, disbursed}} over the live plans of the areas (two queries); with `as_of`,
    only periods begun by that day."""
    from plans.models import Plan

    totals = {area_id: {"planned": 0, "allocated": 0, "disbursed": 0} for area_id in area_ids}
    live = {"task__plan__area__in": list(area_ids)}
    excluded = {"task__plan__status": Plan.Status.REPLACED}
    for area_id, planned in (TaskFunding.objects.filter(**live).exclude(**excluded)
                             .values("task__plan__area").annotate(planned=Sum("planned_amount")).order_by()
                             .values_list("task__plan__area", "planned")):
        totals[area_id]["planned"] = planned or 0
    periods = FundingPeriod.objects.filter(**live).exclude(**excluded)
    if as_of is not None:
        periods = periods.filter(starts_on__lte=as_of)
    for area_id, allocated, disbursed in (periods.values("task__plan__area")
                                          .annotate(allocated=Sum("allocated"), disbursed=Sum("disbursed"))
                                          .order_by().values_list("task__plan__area", "allocated", "disbursed")):
        totals[area_id].update(allocated=allocated or 0, disbursed=disbursed or 0)
    for row in totals.values():
        row["disbursed_percent"] = percent(row["disbursed"], row["allocated"])
    return totals


def period_choices(years):
    """("monthly-2026-3", "Tháng 3/2026"), ("quarterly-2026-1", "Quý I/2026")... for the years given, quarters
    first in each year."""
    choices = []
    for year in years:
        probe = FundingPeriod(kind=FundingPeriod.KINDS[1][0], starts_on=datetime.date(year, 1, 1))
        for quarter in range(4):
            probe.starts_on = datetime.date(year, quarter * 3 + 1, 1)
            choices.append((period_key(probe), probe.label))
        probe.kind = FundingPeriod.KINDS[0][0]
        for month in range(1, 13):
            probe.starts_on = datetime.date(year, month, 1)
            choices.append((period_key(probe), probe.label))
    return choices


def period_key(period):
    return f"{period.kind}-{period.starts_on.year}-{period.number}"


def period_from_key(key):
    """(kind, first day) of a key from `period_choices`; ValueError for anything else."""
    kind, year, number = key.split("-")
    months = FundingPeriod.MONTHS[kind]
    year, number = int(year), int(number)
    if not 1 <= number <= 12 // months:
        raise ValueError(key)
    return kind, datetime.date(year, (number - 1) * months + 1, 1)
