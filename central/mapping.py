"""The central monitoring system's structure, version 1: every task and indicator of an area for a period.

Quy chế 08-QC/TW names the data the central system holds for a task (the assigning document, the assigned
agencies, progress, results, products, evaluation reports) and for an indicator (quantitative or qualitative,
with its target and value). No import template has been published; this mapping is our reading of those
names, kept as one versioned module with its JSON Schema (`central/schemas/v1.json`). The official template,
once issued, becomes `mapping_v2`, not a rewrite of this one.

Figures are as of the period's last day (or today, for the period under way), read from history as reports
read them (`reports.as_of`), so an export of a past quarter says what was known at its end.
"""
import datetime
import json
from collections import defaultdict
from functools import cache
from pathlib import Path

import jsonschema

from django.db.models import Prefetch
from django.utils import timezone

from evidence.models import Evidence
from indicators.models import Indicator, IndicatorReport
from plans.clears import CLEARS, missing_keys
from plans.models import Area, Plan, Unit
from reports.as_of import evidence_then, items_then
from reports.periods import period_of
from reports.province import health
from tasks.models import ProgressUpdate, Task
from tasks.schedule import expected_progress, is_overdue

VERSION = "1"


def _date(value):
    return value.isoformat() if value else None


def _decimal(value):
    return None if value is None else f"{value.normalize():f}"


def _document(plan):
    """The assigning document: the plan that assigns the item, by its number or, unnumbered, its title."""
    issued = (datetime.date(plan.issued_year, plan.issued_month or 1, plan.issued_day or 1)
              if plan.issued_year else None)
    return {"reference": plan.reference if plan.number else "", "title": plan.title, "issued_on": _date(issued),
            "issuer": plan.issuer}


def _units(units):
    return [unit.name for unit in units]


def _evidence_counts(counts):
    return {"accepted": counts.get(Evidence.Status.ACCEPTED, 0), "pending": counts.get(Evidence.Status.PENDING, 0),
            "rejected": counts.get(Evidence.Status.REJECTED, 0)}


def _clears(item, officer_name):
    missing = missing_keys(item)
    return {
        "person": officer_name, "task": getattr(item, item.TEXT_FIELD),
        "time": item.timeline_text or _date(getattr(item, item.END_FIELD)) or "",
        "responsibility": _units(item.lead_units.all()), "product": item.product, "authority": item.authority,
        "complete": not missing, "missing": [key for key in CLEARS if key in missing],
    }


def _items(model, plan_ids, *more):
    units = Prefetch("lead_units", queryset=Unit.objects.order_by("name"))
    support = Prefetch("support_units", queryset=Unit.objects.order_by("name"))
    return list(model.objects.filter(plan__in=plan_ids).select_related("plan", "officer", "section")
                .prefetch_related(units, support, *more).order_by("plan__slug", "position"))


def _tasks(plan_ids, period, as_of):
    tasks = _items(Task, plan_ids)
    then = items_then(Task.objects.filter(plan__in=plan_ids), ["status", "progress"], as_of)
    evidence = evidence_then("task_id", [task.pk for task in tasks], as_of)
    results = defaultdict(list)
    for task_id, achievements in (ProgressUpdate.objects.filter(
            task__plan__in=plan_ids, created_at__date__range=(period.first_month, as_of))
            .order_by("created_at", "id").values_list("task_id", "achievements")):
        if achievements:
            results[task_id].append(achievements)
    rows = []
    for task in tasks:
        status, progress = then[task.pk]["status"], then[task.pk]["progress"]
        expected = expected_progress(timeline_kind=task.timeline_kind, starts_on=task.starts_on,
                                     ends_on=task.ends_on, today=as_of)
        overdue = is_overdue(timeline_kind=task.timeline_kind, ends_on=task.ends_on,
                             completed=status == Task.Status.COMPLETED, today=as_of)
        rows.append({
            "code": f"{task.plan.slug}/NV/{task.position}", "ordinal": task.ordinal,
            "section": str(task.section) if task.section_id else "",
            "assigning_document": _document(task.plan), "assigned_agency": task.plan.issuer,
            "centrally_assigned": task.centrally_assigned, "title": task.title,
            "lead_units": _units(task.lead_units.all()), "support_units": _units(task.support_units.all()),
            "six_clears": _clears(task, task.officer.display_name if task.officer_id else ""),
            "timeline": {"text": task.timeline_text, "kind": task.timeline_kind, "starts_on": _date(task.starts_on),
                         "ends_on": _date(task.ends_on)},
            "progress": progress, "expected_progress": expected, "status": status,
            "results": results.get(task.pk, []), "product": task.product,
            "evidence": _evidence_counts(evidence[task.pk]),
            "evaluation": health(progress=progress, expected=expected, overdue=overdue),
        })
    return rows


def _targets(indicator):
    """The targets by year (`Năm 2026`, `Đến năm 2030`) where the plan sets them, else its one target."""
    by_year = [{"text": t.target_text, "comparator": t.comparator, "value": _decimal(t.value),
                "value_upper": _decimal(t.value_upper), "unit": t.unit, "year": t.year}
               for t in indicator.targets.all()]
    return by_year or [{"text": indicator.target_text, "comparator": indicator.target_comparator,
                        "value": _decimal(indicator.target_value), "value_upper": _decimal(indicator.target_value_upper),
                        "unit": indicator.target_unit, "year": indicator.deadline.year if indicator.deadline else None}]


def _indicators(plan_ids, period, as_of):
    indicators = _items(Indicator, plan_ids, "targets")
    then = items_then(Indicator.objects.filter(plan__in=plan_ids), ["status", "current_value", "is_met"], as_of)
    evidence = evidence_then("indicator_id", [indicator.pk for indicator in indicators], as_of)
    values = defaultdict(list)
    reported = (IndicatorReport.objects.filter(indicator__plan__in=plan_ids,
                                               period__range=(period.first_month, period.last_month),
                                               created_at__lt=timezone.make_aware(
                                                   datetime.datetime.combine(as_of, datetime.time.max)))
                .order_by("indicator_id", "period", "created_at", "id"))
    latest = {}
    for report in reported:
        latest[(report.indicator_id, report.period)] = report  # the month's last word counts
    for (indicator_id, month), report in sorted(latest.items()):
        values[indicator_id].append({"month": month.strftime("%Y-%m"), "value": _decimal(report.value),
                                     "qualitative_state": report.qualitative_state, "met": report.is_met})
    rows = []
    for indicator in indicators:
        figures = then[indicator.pk]
        met = figures["is_met"]
        rows.append({
            "code": f"{indicator.plan.slug}/CT/{indicator.position}", "ordinal": indicator.ordinal,
            "section": str(indicator.section) if indicator.section_id else "",
            "assigning_document": _document(indicator.plan), "assigned_agency": indicator.plan.issuer,
            "content": indicator.content, "kind": "qualitative" if indicator.is_qualitative else "quantitative",
            "unit_of_measure": indicator.unit_of_measure, "baseline": indicator.baseline,
            "targets": _targets(indicator),
            "lead_units": _units(indicator.lead_units.all()),
            "support_units": _units(indicator.support_units.all()),
            "six_clears": _clears(indicator, indicator.officer.display_name if indicator.officer_id else ""),
            "status": figures["status"], "value": _decimal(figures["current_value"]),
            "values": values.get(indicator.pk, []),
            "verdict": "no_data" if met is None else ("met" if met else "not_met"),
            "evidence": _evidence_counts(evidence[indicator.pk]),
        })
    return rows


def export_areas(area):
    """The area alone, or a province with its communes: a province exports its communes in one file."""
    if area.kind == Area.Kind.PROVINCE:
        return [area, *Area.objects.filter(parent=area).order_by("name")]
    return [area]


def export(area, *, kind, year, number, today=None):
    """The export (a dict the schema validates) of `area` for the period (kind, year, number)."""
    today = today or timezone.localdate()
    period = period_of(kind, year, number, today=today)
    as_of = min(period.last_day, today)
    areas = []
    subjects = export_areas(area)
    for subject in subjects:
        plans = list(Plan.objects.filter(area=subject).exclude(status=Plan.Status.REPLACED).order_by("slug"))
        plan_ids = [plan.pk for plan in plans]
        tasks, indicators = _tasks(plan_ids, period, as_of), _indicators(plan_ids, period, as_of)
        areas.append({
            "code": subject.slug, "name": subject.name, "kind": subject.kind,
            "plans": [{"code": plan.slug, **_document(plan), "status": plan.status} for plan in plans],
            "tasks": tasks, "indicators": indicators,
        })
    return {
        "schema_version": VERSION,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "area": {"code": area.slug, "name": area.name, "kind": area.kind},
        "period": {"kind": kind, "year": year, "number": number, "label": str(period.label),
                   "first_day": _date(period.first_month), "last_day": _date(period.last_day), "as_of": _date(as_of)},
        "areas": areas,
        "summary": summary(areas, subjects),
    }


def summary(areas, subjects):
    """"N of N": the items exported beside those the portal holds (counted by the database, apart from the
    rows), for all items and for the tasks the centre assigned."""
    live = Plan.objects.filter(area__in=subjects).exclude(status=Plan.Status.REPLACED)
    totals = {"tasks": Task.objects.filter(plan__in=live).count(),
              "centrally_assigned": Task.objects.filter(plan__in=live, centrally_assigned=True).count(),
              "indicators": Indicator.objects.filter(plan__in=live).count()}
    exported_tasks = sum(len(a["tasks"]) for a in areas)
    exported_indicators = sum(len(a["indicators"]) for a in areas)
    exported_central = sum(task["centrally_assigned"] for a in areas for task in a["tasks"])
    return {
        "items": {"exported": exported_tasks + exported_indicators, "total": totals["tasks"] + totals["indicators"]},
        "tasks": {"exported": exported_tasks, "total": totals["tasks"]},
        "indicators": {"exported": exported_indicators, "total": totals["indicators"]},
        "centrally_assigned_tasks": {"exported": exported_central, "total": totals["centrally_assigned"]},
    }


@cache
def schema():
    return json.loads((Path(__file__).parent / "schemas" / "v1.json").read_text(encoding="utf-8"))


def validate(data):
    """Raise jsonschema.ValidationError where `data` is not in the structure (dates and times checked too)."""
    jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker()).validate(
        json.loads(json.dumps(data)))


def schema_bytes():
    return (Path(__file__).parent / "schemas" / "v1.json").read_bytes()
