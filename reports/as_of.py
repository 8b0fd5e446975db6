"""Figures as they stood at the end of a day, read from django-simple-history, in a fixed number of queries.

A report for a past period must say what was known at its cut-off, not what is known when it is
drafted: a status, a progress figure, an indicator's value, an evidence decision or a warning
changed since then is read back from the history (or from the timestamps a row keeps). A day not
yet over reads the live rows, which are the state at its end as far as anyone knows.

`area_figures(area_ids, as_of=day)` is the one function for an area's totals: a report's snapshot uses it at
its cut-off (for its own area and for communes without a report); its item counts are the province view's
`item_figures`, which the view asks for today.
"""
import datetime
from collections import defaultdict

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from evidence.models import Evidence
from indicators.models import Indicator
from plans.models import Plan
from tasks.models import Task

from .models import Warning


def day_end(day):
    """The first instant after `day` in the portal's time zone: what happened before it happened by `day`."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def is_past(day):
    return day < timezone.localdate()


def _history_id_then(model, end):
    """The history row that held the item at `end`: the latest before it, or (for an item created after `end`)
    the first one, so an item added later reads as it was first recorded."""
    history = model.history.model.objects.filter(id=OuterRef("pk"))
    return Coalesce(
        Subquery(history.filter(history_date__lt=end).order_by("-history_date", "-history_id").values("history_id")[:1]),
        Subquery(history.order_by("history_date", "history_id").values("history_id")[:1]))


def items_then(queryset, fields, day):
    """{pk: {field: value}} for every item of the queryset as at the end of `day`; two queries.

    Items without any history (rows written around the models) keep their live values."""
    rows = {row["pk"]: row for row in queryset.values("pk", *fields)}
    if not is_past(day):
        return rows
    model = queryset.model
    then = dict(queryset.order_by().annotate(then=_history_id_then(model, day_end(day))).values_list("pk", "then"))
    history = model.history.model.objects.filter(history_id__in=[h for h in then.values() if h is not None])
    for row in history.values("id", *fields):
        rows[row["id"]] = {"pk": row["id"], **{name: row[name] for name in fields}}
    return rows


def evidence_then(field, ids, day):
    """{item id: {status: count}} of the evidence uploaded by the end of `day`, each with its decision then."""
    evidence = Evidence.objects.filter(**{f"{field}__in": ids})
    status = F("status")
    if is_past(day):
        end = day_end(day)
        history = Evidence.history.model.objects.filter(id=OuterRef("pk"))
        evidence = evidence.filter(uploaded_at__lt=end)
        status = Coalesce(
            Subquery(history.filter(history_date__lt=end).order_by("-history_date", "-history_id").values("status")[:1]),
            Subquery(history.order_by("history_date", "history_id").values("status")[:1]), F("status"))
    counts = defaultdict(lambda: defaultdict(int))
    for item_id, state, n in (evidence.annotate(state=status).values_list(field, "state")
                              .annotate(n=Count("id")).order_by()):
        counts[item_id][state] += n
    return counts


def evidence_state(counts):
    for status, state in ((Evidence.Status.ACCEPTED, "accepted"), (Evidence.Status.PENDING, "pending"),
                          (Evidence.Status.REJECTED, "rejected")):
        if counts.get(status):
            return state
    return "none"


def warnings_open(day):
    """Warnings open at the end of `day`: raised by then and not closed by then."""
    if not is_past(day):
        return Warning.objects.filter(closed_at__isnull=True)
    end = day_end(day)
    return Warning.objects.filter(raised_at__lt=end).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))


def _live_plans(area_ids):
    return Plan.objects.filter(area__in=area_ids).exclude(status=Plan.Status.REPLACED)


def area_figures(area_ids, *, as_of, plan_ids=None, lead_unit_id=None):
    """{area id: totals} at the end of `as_of`: tasks and how many completed, indicators met / not met / without
    data, items by evidence state, open warnings and the completion rate; of the areas' plans, or of `plan_ids`
    alone (a report on one plan); of the items `lead_unit_id` leads alone (a unit's report). A bounded number of
    queries whatever the number of areas.

    The item counts are `reports.province.item_figures`, the province view's own, asked for `as_of`."""
    from .province import item_figures

    totals = {area_id: {"tasks": 0, "tasks_completed": 0, "indicators": 0, "indicators_completed": 0,
                        "indicators_met": 0, "indicators_not_met": 0, "indicators_no_data": 0,
                        "evidence_accepted": 0, "evidence_pending": 0, "evidence_rejected": 0, "warnings": 0,
                        "completion": 0} for area_id in area_ids}
    plans = _live_plans(area_ids) if plan_ids is None else Plan.objects.filter(pk__in=plan_ids)
    tasks = Task.objects.filter(plan__in=plans)
    indicators = Indicator.objects.filter(plan__in=plans)
    if lead_unit_id:
        tasks = tasks.filter(pk__in=Task.objects.filter(lead_units=lead_unit_id).values("pk"))
        indicators = indicators.filter(pk__in=Indicator.objects.filter(lead_units=lead_unit_id).values("pk"))
    for area_id, row in item_figures(tasks=tasks, indicators=indicators, key="plan__area", as_of=as_of).items():
        totals[area_id].update({
            "tasks": row["tasks"], "tasks_completed": row["tasks_completed"], "indicators": row["indicators"],
            "indicators_completed": row["indicators_completed"], "indicators_met": row["met"],
            "indicators_not_met": row["measured"] - row["met"],
            "indicators_no_data": row["indicators"] - row["measured"], "completion": row["completion"]})
    for field, items in (("task_id", tasks), ("indicator_id", indicators)):
        model = items.model
        counts = evidence_then(field, items.values("pk"), as_of)
        areas = dict(model.objects.filter(pk__in=list(counts)).values_list("pk", "plan__area"))
        for item_id, item_counts in counts.items():
            state = evidence_state(item_counts)
            if state != "none":
                totals[areas[item_id]][f"evidence_{state}"] += 1
    concerns = Q(task__plan__in=plans) | Q(indicator__plan__in=plans) | Q(unit__area__in=area_ids)
    if lead_unit_id:
        concerns = Q(task__in=tasks) | Q(indicator__in=indicators) | Q(unit=lead_unit_id)
    warnings = warnings_open(as_of).filter(concerns).values("area").annotate(n=Count("id")).order_by()
    for row in warnings:
        totals[row["area"]]["warnings"] = row["n"]
    return totals
