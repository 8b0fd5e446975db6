"""The frozen figures of a report, gathered when it is drafted, in a fixed number of queries.

The snapshot is plain JSON: documents render from it alone, so an issued report reads the
same forever, and the province's consolidated report reads its communes' snapshots.
"""
import datetime
from collections import defaultdict

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from config.numbers import percent
from evidence.models import Evidence
from indicators.models import Indicator
from plans.models import Area, ItemStatus, Plan
from tasks.models import ProgressUpdate, Task
from tasks.schedule import expected_progress

from .models import Difficulty, LockedPeriodChange, Report, Warning
from .periods import add_months

LIVE = (Report.Status.ISSUED, Report.Status.RECEIVED)


def _units(item):
    return "; ".join(unit.name for unit in item.lead_units.all())


def _evidence_counts(field, ids):
    counts = defaultdict(lambda: defaultdict(int))
    for item_id, status, n in (Evidence.objects.filter(**{f"{field}__in": ids}).values_list(field, "status")
                               .annotate(n=Count("id")).order_by()):
        counts[item_id][status] = n
    return counts


def _evidence_state(counts):
    if counts.get(Evidence.Status.ACCEPTED):
        return "accepted"
    if counts.get(Evidence.Status.PENDING):
        return "pending"
    if counts.get(Evidence.Status.REJECTED):
        return "rejected"
    return "none"


def _plans(report):
    plans = Plan.objects.filter(pk=report.plan_id) if report.plan_id else Plan.objects.filter(area=report.area_id)
    return list(plans.exclude(status=Plan.Status.REPLACED).order_by("slug"))


def _tasks(plan_ids, cutoff, window):
    progress_then = Coalesce(Subquery(
        ProgressUpdate.objects.filter(task=OuterRef("pk"), created_at__date__lte=cutoff)
        .order_by("-created_at", "-id").values("progress_after")[:1]), 0)
    tasks = list(Task.objects.filter(plan__in=plan_ids).select_related("section").prefetch_related("lead_units")
                 .annotate(progress_then=progress_then).order_by("plan", "position"))
    results = defaultdict(list)
    for task_id, achievements in (ProgressUpdate.objects.filter(task__plan__in=plan_ids,
                                                                created_at__date__range=window)
                                  .order_by("created_at", "id").values_list("task_id", "achievements")):
        results[task_id].append(achievements)
    evidence = _evidence_counts("task_id", [t.id for t in tasks])
    rows = defaultdict(list)
    for task in tasks:
        expected = expected_progress(timeline_kind=task.timeline_kind, starts_on=task.starts_on,
                                     ends_on=task.ends_on, today=cutoff)
        rows[task.plan_id].append({
            "section": str(task.section) if task.section_id else "", "ordinal": task.ordinal, "title": task.title,
            "lead": _units(task), "timeline": task.timeline_text, "progress": task.progress_then,
            "expected": expected, "status": task.status, "status_label": str(task.get_status_display()),
            "evidence": _evidence_state(evidence[task.id]), "results": results.get(task.id, []),
        })
    return rows


def _indicators(plan_ids):
    indicators = list(Indicator.objects.filter(plan__in=plan_ids).select_related("section")
                      .prefetch_related("lead_units").order_by("plan", "position"))
    evidence = _evidence_counts("indicator_id", [i.id for i in indicators])
    rows = defaultdict(list)
    for indicator in indicators:
        rows[indicator.plan_id].append({
            "section": str(indicator.section) if indicator.section_id else "", "ordinal": indicator.ordinal,
            "content": indicator.content, "unit_of_measure": indicator.unit_of_measure,
            "target": indicator.target_text, "lead": _units(indicator),
            "current": None if indicator.current_value is None else f"{indicator.current_value.normalize():f}",
            "met": indicator.is_met, "status": indicator.status, "status_label": str(indicator.get_status_display()),
            "evidence": _evidence_state(evidence[indicator.id]),
        })
    return rows


def _totals(tasks, indicators, warnings):
    completed_tasks = sum(1 for t in tasks if t["status"] == ItemStatus.COMPLETED)
    completed_indicators = sum(1 for i in indicators if i["status"] == ItemStatus.COMPLETED)
    items = len(tasks) + len(indicators)
    evidence = defaultdict(int)
    for row in tasks + indicators:
        evidence[row["evidence"]] += 1
    return {
        "tasks": len(tasks), "tasks_completed": completed_tasks, "indicators": len(indicators),
        "indicators_completed": completed_indicators, "indicators_met": sum(1 for i in indicators if i["met"]),
        "indicators_not_met": sum(1 for i in indicators if i["met"] is False),
        "evidence_accepted": evidence["accepted"], "evidence_pending": evidence["pending"],
        "evidence_rejected": evidence["rejected"], "warnings": warnings,
        "completion": percent(completed_tasks + completed_indicators, items) or 0,
    }


def _warnings(area_id, plan_ids):
    rows = (Warning.objects.filter(closed_at__isnull=True)
            .filter(Q(task__plan__in=plan_ids) | Q(indicator__plan__in=plan_ids) | Q(unit__area=area_id))
            .select_related("task", "indicator", "unit").order_by("kind", "id"))
    return [{"kind": w.kind, "label": str(w.get_kind_display()), "item": str(w.task or w.indicator or w.unit)[:300],
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


def _difficulty_row(d):
    return {"id": d.id, "unit": d.unit.name if d.unit_id else "", "item": str(d.task)[:300] if d.task_id else "",
            "difficulties": d.difficulties, "proposals": d.proposals, "status": d.status,
            "status_label": str(d.get_status_display()), "answer": d.answer,
            "answered_by": d.answered_by.get_full_name() if d.answered_by_id else ""}


def _previous_issue(report):
    previous = (Report.objects.filter(area=report.area_id, status__in=LIVE).exclude(pk=report.pk)
                .filter(issued_at__isnull=False).order_by("-issued_at").values_list("issued_at", flat=True).first())
    return previous or datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)


def _late_changes(report, since):
    changes = (LockedPeriodChange.objects.filter(report__area=report.area_id, created_at__gt=since)
               .exclude(report=report).select_related("report", "progress_update__task", "author"))
    return [{"report": c.report.reference, "period": c.progress_update.period.strftime("%m/%Y"),
             "item": str(c.progress_update.task)[:300], "progress_before": c.progress_update.progress_before,
             "progress_after": c.progress_update.progress_after, "reason": c.reason,
             "author": c.author.get_full_name() or c.author.username, "at": c.created_at.date().isoformat()}
            for c in changes]


def snapshot_gather(report, *, today=None):
    """Everything the report's documents show, as JSON."""
    today = today or timezone.localdate()
    cutoff = min(report.window_end, today)
    window = (report.window_start, cutoff)
    plans = _plans(report)
    plan_ids = [p.id for p in plans]
    difficulties_collect([report.area_id], window)
    tasks, indicators = _tasks(plan_ids, cutoff, window), _indicators(plan_ids)
    warnings = _warnings(report.area_id, plan_ids)
    all_tasks = [t for p in plans for t in tasks[p.id]]
    all_indicators = [i for p in plans for i in indicators[p.id]]
    since = _previous_issue(report)
    difficulties = (Difficulty.objects.filter(area=report.area_id)
                    .filter(Q(raised_at__date__range=window) | Q(status=Difficulty.Status.OPEN))
                    .select_related("unit", "task", "answered_by").order_by("unit__name", "raised_at"))
    directions = (Difficulty.objects.filter(area=report.area_id, answered_at__gt=since)
                  .select_related("unit", "task", "answered_by").order_by("answered_at"))
    snapshot = {
        "taken_at": timezone.now().isoformat(), "cutoff": cutoff.isoformat(),
        "window": [report.window_start.isoformat(), cutoff.isoformat()],
        "plans": [{"reference": p.reference, "title": p.title, "status": p.status,
                   "tasks": tasks[p.id], "indicators": indicators[p.id]} for p in plans],
        "totals": _totals(all_tasks, all_indicators, len(warnings)),
        "warnings": warnings,
        "difficulties": [_difficulty_row(d) for d in difficulties],
        "directions": [_difficulty_row(d) for d in directions],
        "late_changes": _late_changes(report, since),
        "communes": None,
    }
    area = Area.objects.get(pk=report.area_id)
    if area.kind == Area.Kind.PROVINCE and not report.plan_id:
        snapshot["communes"] = communes_gather(report, window)
    return snapshot


def communes_gather(report, window):
    """One row per commune of the province, from its latest issued report, or live where it has none."""
    communes = list(Area.objects.filter(parent=report.area_id).order_by("name"))
    since = add_months(report.last_month, -5)
    latest = {}
    for commune_report in (Report.objects.filter(area__parent=report.area_id, status__in=LIVE, plan__isnull=True,
                                                 last_month__range=(since, report.last_month))
                           .exclude(kind=Report.Kind.AD_HOC).order_by("area", "-last_month", "-issued_at")):
        latest.setdefault(commune_report.area_id, commune_report)
    live = _live_figures([c.id for c in communes if c.id not in latest], window)
    rows = []
    for commune in communes:
        source = latest.get(commune.id)
        if source:
            totals = source.snapshot.get("totals", {})
            difficulties = [d for d in source.snapshot.get("difficulties", []) if d["difficulties"] or d["proposals"]]
            row = {"reported": True, "reference": source.reference, "period": str(source.period_label),
                   "on_time": source.is_on_time, "issued": source.issued_at.date().isoformat()}
        else:
            totals, difficulties = live["totals"][commune.id], live["difficulties"][commune.id]
            row = {"reported": False, "reference": "", "period": "", "on_time": None, "issued": ""}
        row.update({"area": str(commune), "totals": totals, "difficulties": difficulties})
        rows.append(row)
    rows.sort(key=lambda r: (-r["totals"].get("completion", 0), -r["totals"].get("indicators_met", 0), r["area"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def _live_figures(area_ids, window):
    """Grouped figures per commune straight from the plans, for communes that have not reported."""
    totals = defaultdict(lambda: {"tasks": 0, "tasks_completed": 0, "indicators": 0, "indicators_completed": 0,
                                  "indicators_met": 0, "warnings": 0, "completion": 0})
    completed = Count("id", filter=Q(status=ItemStatus.COMPLETED))
    for row in (Task.objects.filter(plan__area__in=area_ids).exclude(plan__status=Plan.Status.REPLACED)
                .values("plan__area").annotate(n=Count("id"), done=completed).order_by()):
        totals[row["plan__area"]].update(tasks=row["n"], tasks_completed=row["done"])
    for row in (Indicator.objects.filter(plan__area__in=area_ids).exclude(plan__status=Plan.Status.REPLACED)
                .values("plan__area").annotate(n=Count("id"), done=completed, met=Count("id", filter=Q(is_met=True)))
                .order_by()):
        totals[row["plan__area"]].update(indicators=row["n"], indicators_completed=row["done"], indicators_met=row["met"])
    warnings = (Warning.objects.filter(closed_at__isnull=True)
                .filter(Q(task__plan__area__in=area_ids) | Q(indicator__plan__area__in=area_ids)
                        | Q(unit__area__in=area_ids))
                .annotate(area=Coalesce("task__plan__area", "indicator__plan__area", "unit__area"))
                .values("area").annotate(n=Count("id")).order_by())
    for row in warnings:
        totals[row["area"]]["warnings"] = row["n"]
    for figures in totals.values():
        items = figures["tasks"] + figures["indicators"]
        figures["completion"] = percent(figures["tasks_completed"] + figures["indicators_completed"], items) or 0
    difficulties_collect(area_ids, window)
    by_area = defaultdict(list)
    for d in (Difficulty.objects.filter(area__in=area_ids, status=Difficulty.Status.OPEN)
              .select_related("unit", "task", "answered_by").order_by("raised_at")):
        by_area[d.area_id].append(_difficulty_row(d))
    return {"totals": totals, "difficulties": by_area}
