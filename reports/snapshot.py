"""The frozen figures of a report, gathered when it is drafted, in a fixed number of queries.

The snapshot is plain JSON: documents render from it alone, so an issued report reads the
same forever, and the province's consolidated report reads its communes' snapshots.
"""
import calendar
import datetime
from collections import defaultdict

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from config.numbers import percent
from funding.report import funding_snapshot
from indicators.models import Indicator
from plans.models import Area, Plan
from tasks.models import ProgressUpdate, Task, has_sub_items
from tasks.schedule import expected_progress

from .as_of import area_figures, day_end, evidence_state, evidence_then, items_then, warnings_open
from .models import Difficulty, LockedPeriodChange, Report, ReportingRule
from .periods import MONTHS, PER_YEAR, period_label

LIVE = (Report.Status.ISSUED, Report.Status.RECEIVED)


def _units(item):
    return "; ".join(unit.name for unit in item.lead_units.all())


def _plans(report):
    plans = Plan.objects.filter(pk=report.plan_id) if report.plan_id else Plan.objects.filter(area=report.area_id)
    return list(plans.exclude(status=Plan.Status.REPLACED).order_by("slug"))


def _status_label(model, status):
    return str(dict(model._meta.get_field("status").flatchoices).get(status, status))


def _led(queryset, unit_id):
    """The items a unit leads, for its own report; all of them for the area's."""
    return queryset.filter(pk__in=queryset.model.objects.filter(lead_units=unit_id).values("pk")) if unit_id else queryset


def _tasks(plan_ids, cutoff, window, unit_id=None):
    items = _led(Task.objects.filter(plan__in=plan_ids), unit_id)
    tasks = list(items.select_related("section").prefetch_related("lead_units")
                 .annotate(has_sub_items=has_sub_items()).order_by("plan", "position"))
    then = items_then(items, ["status", "progress"], cutoff)
    results = defaultdict(list)
    for task_id, achievements in (ProgressUpdate.objects.filter(task__in=items.values("pk"),
                                                                created_at__date__range=window)
                                  .order_by("created_at", "id").values_list("task_id", "achievements")):
        results[task_id].append(achievements)
    evidence = evidence_then("task_id", [t.id for t in tasks], cutoff)
    rows = defaultdict(list)
    for task in tasks:
        expected = expected_progress(timeline_kind=task.timeline_kind, starts_on=task.starts_on,
                                     ends_on=task.ends_on, today=cutoff)
        status = then[task.id]["status"]
        rows[task.plan_id].append({
            "section": str(task.section) if task.section_id else "", "ordinal": task.ordinal, "title": task.title,
            "lead": _units(task), "timeline": task.timeline_text, "progress": then[task.id]["progress"],
            "expected": expected, "status": status, "status_label": _status_label(Task, status),
            "ends_on": task.ends_on.isoformat() if task.ends_on else None,
            "evidence": evidence_state(evidence[task.id]), "results": results.get(task.id, []),
            # counted by its sub-items, as `reports.province.item_figures` counts it in the totals
            "has_sub_items": task.has_sub_items,
        })
    return rows


def _indicators(plan_ids, cutoff, unit_id=None):
    items = _led(Indicator.objects.filter(plan__in=plan_ids), unit_id)
    indicators = list(items.select_related("section").prefetch_related("lead_units", "targets").order_by("plan", "position"))
    then = items_then(items, ["status", "current_value", "is_met"], cutoff)
    evidence = evidence_then("indicator_id", [i.id for i in indicators], cutoff)
    rows = defaultdict(list)
    for indicator in indicators:
        figures = then[indicator.id]
        value = figures["current_value"]
        rows[indicator.plan_id].append({
            "section": str(indicator.section) if indicator.section_id else "", "ordinal": indicator.ordinal,
            "content": indicator.content, "unit_of_measure": indicator.unit_of_measure,
            "target": indicator.target_for(cutoff).target_text, "lead": _units(indicator),
            "targets": [[target.label or str(target.year), target.target_text] for target in indicator.targets.all()],
            "baseline": [indicator.baseline_label, indicator.baseline] if indicator.baseline else None,
            "current": None if value is None else f"{value.normalize():f}",
            "met": figures["is_met"], "status": figures["status"],
            "status_label": _status_label(Indicator, figures["status"]),
            "evidence": evidence_state(evidence[indicator.id]),
        })
    return rows


def _warnings(area_id, plan_ids, cutoff, unit_id=None):
    rows = warnings_open(cutoff).filter(Q(task__plan__in=plan_ids) | Q(indicator__plan__in=plan_ids)
                                        | Q(unit__area=area_id))
    if unit_id:  # a unit's report: its own items' warnings and its own
        rows = rows.filter(Q(task__lead_units=unit_id) | Q(indicator__lead_units=unit_id) | Q(unit=unit_id))
    rows = rows.select_related("task", "indicator", "unit").order_by("kind", "id").distinct()
    return [{"kind": w.kind, "label": str(w.get_kind_display()), "item": str(w.task or w.indicator or w.unit),
             "raised": w.raised_at.date().isoformat()} for w in rows]


def difficulties_collect(area_ids, window):
    """Turn the difficulties and proposals of the window's updates into rows that can be answered."""
    updates = (ProgressUpdate.objects.filter(task__plan__area__in=area_ids, created_at__date__range=window,
                                             difficulty__isnull=True)
               .exclude(difficulties="", proposals="").select_related("task__plan").prefetch_related("task__lead_units"))
    Difficulty.objects.bulk_create([
        Difficulty(area_id=u.task.plan.area_id, unit=next(iter(u.task.lead_units.all()), None), task=u.task,
                   progress_update=u, difficulties=u.difficulties, proposals=u.proposals, raised_at=u.created_at)
        for u in updates], ignore_conflicts=True)


def _difficulty_row(d, end=None):
    """A difficulty as it stood at `end`: one answered later reads as still open, without the answer."""
    if end is not None and (d.answered_at is None or d.answered_at >= end):
        status, answer, answered_by = Difficulty.Status.OPEN, "", ""
    else:
        status, answer = d.status, d.answer
        answered_by = d.answered_by.get_full_name() if d.answered_by_id else ""
    return {"id": d.id, "unit": d.unit.name if d.unit_id else "", "item": str(d.task) if d.task_id else "",
            "difficulties": d.difficulties, "proposals": d.proposals, "status": status,
            "status_label": _status_label(Difficulty, status), "answer": answer, "answered_by": answered_by}


def _direction_row(d, area_id):
    row = _difficulty_row(d)
    if d.area_id != area_id:  # a commune's proposal the Sở answered: say whose
        row["unit"] = f"{d.area}: {row['unit']}" if row["unit"] else str(d.area)
    return row


def _previous_issue(report):
    previous = (Report.objects.filter(area=report.area_id, unit=report.unit_id, status__in=LIVE).exclude(pk=report.pk)
                .filter(issued_at__isnull=False).order_by("-issued_at").values_list("issued_at", flat=True).first())
    return previous or datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)


def _late_changes(report, since):
    """Changes made since the issuer's previous report inside a period one of its own reports had locked: the
    area's reports flag what the area's reports locked, a unit's what the unit's reports locked."""
    changes = (LockedPeriodChange.objects.filter(report__area=report.area_id, report__unit=report.unit_id,
                                                 created_at__gt=since)
               .exclude(report=report).select_related("report", "progress_update__task", "author"))
    rows = [{"report": c.report.reference, "period": c.progress_update.period.strftime("%m/%Y"),
             "item": str(c.progress_update.task), "progress_before": c.progress_update.progress_before,
             "progress_after": c.progress_update.progress_after, "reason": c.reason,
             "author": c.author.display_name, "at": c.created_at.date().isoformat()}
            for c in changes]
    return rows + _late_indicator_changes(report, since)


def _late_indicator_changes(report, since):
    """Indicator figures entered since the previous report for a day an issued report had already covered.

    Their reason is the history's change reason of the save that recorded them (the first one after it)."""
    from indicators.models import IndicatorReport

    from .register import update_day

    locking = list(Report.objects.filter(area=report.area_id, unit=report.unit_id, status__in=LIVE,
                                         issued_at__isnull=False).exclude(pk=report.pk).order_by("-issued_at"))
    if not locking:
        return []
    reason = Subquery(Indicator.history.model.objects.filter(id=OuterRef("indicator_id"),
                                                             history_date__gte=OuterRef("created_at"))
                      .order_by("history_date").values("history_change_reason")[:1])
    rows = []
    figures = IndicatorReport.objects.filter(indicator__plan__area=report.area_id, created_at__gt=since)
    if report.unit_id:
        figures = figures.filter(indicator__lead_units=report.unit_id)
    for figure in (figures.select_related("indicator", "author").annotate(reason=reason).order_by("created_at")):
        day = update_day(figure.period, timezone.localtime(figure.created_at).date())
        locked = next((r for r in locking if r.issued_at < figure.created_at and r.window_start <= day <= r.window_end
                       and r.plan_id in (None, figure.indicator.plan_id)), None)
        if locked:
            value = figure.qualitative_state or (None if figure.value is None else f"{figure.value.normalize():f}")
            rows.append({"report": locked.reference, "period": figure.period.strftime("%m/%Y"),
                         "item": str(figure.indicator), "value": value, "reason": figure.reason or "",
                         "author": figure.author.display_name,
                         "at": figure.created_at.date().isoformat()})
    return rows


def snapshot_gather(report, *, today=None):
    """Everything the report's documents show, as JSON."""
    today = today or timezone.localdate()
    cutoff = min(report.window_end, today)
    window = (report.window_start, cutoff)
    area = Area.objects.get(pk=report.area_id)
    plans = _plans(report)
    plan_ids = [p.id for p in plans]
    difficulties_collect([report.area_id], window)
    end = day_end(cutoff)
    unit_id = report.unit_id
    tasks, indicators = _tasks(plan_ids, cutoff, window, unit_id), _indicators(plan_ids, cutoff, unit_id)
    warnings = _warnings(report.area_id, plan_ids, cutoff, unit_id)
    since = _previous_issue(report)
    # Raised in the window, or raised before it and still unanswered at the cut-off; a unit's, for its report.
    difficulties = (Difficulty.objects.filter(area=report.area_id, raised_at__lt=end)
                    .filter(**({"unit": unit_id} if unit_id else {}))
                    .filter(Q(raised_at__date__gte=window[0]) | Q(answered_at__isnull=True) | Q(answered_at__gte=end))
                    .select_related("unit", "task", "answered_by").order_by("unit__name", "raised_at"))
    answered = Q(area=report.area_id)
    if area.kind == Area.Kind.PROVINCE:  # and the answers the Sở gave to its communes' proposals
        answered |= Q(area__parent=report.area_id, answered_by__units__area=report.area_id)
    if unit_id:
        answered &= Q(unit=unit_id)
    directions = (Difficulty.objects.filter(answered, answered_at__gt=since, answered_at__lt=end).distinct()
                  .select_related("unit", "task", "answered_by", "area").order_by("answered_at"))
    snapshot = {
        "taken_at": timezone.now().isoformat(), "cutoff": cutoff.isoformat(),
        "window": [report.window_start.isoformat(), cutoff.isoformat()],
        "plans": [{"reference": p.reference, "number": p.number, "title": p.title, "status": p.status,
                   "issued": [p.issued_year, p.issued_month, p.issued_day],
                   "tasks": tasks[p.id], "indicators": indicators[p.id]} for p in plans],
        "totals": area_figures([report.area_id], as_of=cutoff, plan_ids=plan_ids, lead_unit_id=unit_id)[report.area_id],
        "warnings": warnings,
        "difficulties": [_difficulty_row(d, end) for d in difficulties],
        "directions": [_direction_row(d, report.area_id) for d in directions],
        "late_changes": _late_changes(report, since),
        "funding": funding_snapshot(plan_ids, cutoff),
        "communes": None,
        # The leader's own words for each section, written on the report page: kept when figures are taken again.
        "narrative": (report.snapshot or {}).get("narrative", {}),
    }
    if area.kind == Area.Kind.PROVINCE and not report.plan_id and not unit_id:
        snapshot["communes"] = communes_gather(report, window)
        snapshot["communes_totals"] = totals_add([row["totals"] for row in snapshot["communes"]])
    return snapshot


def owed_period(kind, last_month):
    """(year, number, last month) of the latest period of `kind` that ends by `last_month`."""
    if kind == Report.Kind.NINE_MONTH:
        year = last_month.year if last_month.month >= 9 else last_month.year - 1
        return year, 1, datetime.date(year, 9, 1)
    months = MONTHS[kind]
    year, number = last_month.year, last_month.month // months
    if number == 0:
        year, number = year - 1, PER_YEAR[kind]
    return year, number, datetime.date(year, months * number, 1)


def _owed(rules, report, issued_on=None):
    """The period a commune owed for the province's report: of its own kinds, the one of the province's kind
    ending with the province's period, else the latest ending by it (the shorter kind on a tie). None for a
    commune whose periods all ended before its first plan was issued (`issued_on`): it owed nothing yet."""
    periods = [(kind, *owed_period(kind, report.last_month)) for kind in rules]
    periods = [p for p in periods if issued_on is not None and _month_end(p[3]) > issued_on]
    same = [p for p in periods if p[0] == report.kind and p[3] == report.last_month]
    if same:
        return same[0]
    return max(periods, key=lambda p: (p[3], -MONTHS[p[0]])) if periods else None


def _month_end(month):
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _commune_rules(commune_ids):
    from .register import reporting_rules_defaults_create

    reporting_rules_defaults_create(area_ids=commune_ids)
    kinds = defaultdict(list)
    for area_id, kind in (ReportingRule.objects.filter(area__in=commune_ids, plan__isnull=True, is_active=True,
                                                       issuing_unit__isnull=True)
                          .exclude(kind=Report.Kind.AD_HOC).values_list("area", "kind")):
        kinds[area_id].append(kind)
    return kinds


TOTAL_KEYS = ("tasks", "tasks_completed", "indicators", "indicators_completed", "indicators_met", "indicators_not_met",
              "indicators_no_data", "evidence_accepted", "evidence_pending", "evidence_rejected", "warnings")


def totals_add(rows):
    """The sum of several areas' totals, the completion rate worked out again from the sums."""
    total = {key: sum(row.get(key, 0) for row in rows) for key in TOTAL_KEYS}
    total["completion"] = percent(total["tasks_completed"] + total["indicators_completed"],
                                  total["tasks"] + total["indicators"]) or 0
    return total


def communes_gather(report, window):
    """One row per commune of the province, from the report it issued for the period it owed (by its own
    reporting rules), or its figures at the province's cut-off where it has none ("chưa báo cáo").

    A commune's difficulties are read as they stood at the province's cut-off, so an answer the Sở gave
    after the commune reported shows with them."""
    communes = list(Area.objects.filter(parent=report.area_id).order_by("name"))
    from .register import plans_issued_on

    rules = _commune_rules([c.id for c in communes])
    issued_on = plans_issued_on([c.id for c in communes])
    owed = {c.id: _owed(rules[c.id], report, issued_on.get((c.id, None))) for c in communes}
    earliest = min((o[3] for o in owed.values() if o), default=report.last_month)
    issued = {}
    for commune_report in (Report.objects.filter(area__parent=report.area_id, status__in=LIVE, plan__isnull=True,
                                                 unit__isnull=True,
                                                 last_month__range=(earliest, report.last_month))
                           .order_by("-issued_at")):
        issued.setdefault((commune_report.area_id, commune_report.kind, commune_report.year,
                           commune_report.period_number), commune_report)
    latest = {}
    for commune in communes:
        if owed[commune.id] and (source := issued.get((commune.id, *owed[commune.id][:3]))):
            latest[commune.id] = source
    cutoff = window[1]
    end = day_end(cutoff)
    live = _unreported_figures([c.id for c in communes if c.id not in latest], window)
    reported_ids = [d["id"] for source in latest.values() for d in source.snapshot.get("difficulties", [])]
    then = {d.id: _difficulty_row(d, end) for d in Difficulty.objects.filter(pk__in=reported_ids)
            .select_related("unit", "task", "answered_by")}
    rows = []
    for commune in communes:
        source = latest.get(commune.id)
        kind_owed = owed[commune.id]
        row = {"owed": str(period_label(*kind_owed[:3])) if kind_owed else ""}
        if source:
            totals = source.snapshot.get("totals", {})
            difficulties = [then.get(d["id"], d) for d in source.snapshot.get("difficulties", [])
                            if d["difficulties"] or d["proposals"]]
            row.update({"reported": True, "reference": source.reference, "period": str(source.period_label),
                        "on_time": source.is_on_time, "issued": source.issued_at.date().isoformat()})
        else:
            totals, difficulties = live["totals"][commune.id], live["difficulties"][commune.id]
            row.update({"reported": False, "reference": "", "period": "", "on_time": None, "issued": ""})
        row.update({"area": str(commune), "totals": totals, "difficulties": difficulties})
        rows.append(row)
    rows.sort(key=lambda r: (-r["totals"].get("completion", 0), -r["totals"].get("indicators_met", 0), r["area"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def _unreported_figures(area_ids, window):
    """Figures per commune at the cut-off (`area_figures`) and its difficulties then, for communes that have not
    reported."""
    cutoff = window[1]
    end = day_end(cutoff)
    totals = area_figures(area_ids, as_of=cutoff)
    difficulties_collect(area_ids, window)
    by_area = defaultdict(list)
    for d in (Difficulty.objects.filter(area__in=area_ids, raised_at__lt=end)
              .filter(Q(answered_at__isnull=True) | Q(answered_at__gte=end))
              .select_related("unit", "task", "answered_by").order_by("raised_at")):
        by_area[d.area_id].append(_difficulty_row(d, end))
    return {"totals": totals, "difficulties": by_area}
