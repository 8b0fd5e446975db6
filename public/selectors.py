"""What the public pages show: issued plans only, figures only.

Seeds 001 and 003 ask that results be made public ("công khai"). Nothing personal leaves the portal here: no
officer, reviewer or leader name, no evidence file, no difficulty or proposal text, no draft plan. Units (public
bodies) are named, as the plans themselves name them. The figures are the province view's own
(`reports.province.item_figures`), asked for today over the issued plans.
"""
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from config.numbers import percent
from indicators.models import Indicator
from plans.models import Area, Plan, Unit
from reports.province import EMPTY_FIGURES, Health, item_figures
from tasks.models import Task


def public_plans(area_ids):
    return Plan.objects.filter(area__in=area_ids, status=Plan.Status.ISSUED)


def areas_listed():
    """Provinces with their communes, for the index page."""
    return (Area.objects.filter(kind=Area.Kind.PROVINCE).order_by("name")
            .prefetch_related(Prefetch("children", queryset=Area.objects.order_by("name"), to_attr="communes")))


@dataclass
class AreaRow:
    area: Area
    figures: dict

    @property
    def health(self):
        return self.figures["health"]

    @property
    def health_label(self):
        return Health.LABELS[self.health]


def area_rows(areas, *, today):
    """One row per area with the figures of its issued plans, in two queries whatever the number of areas."""
    plans = public_plans([area.pk for area in areas])
    figures = item_figures(tasks=Task.objects.filter(plan__in=plans), indicators=Indicator.objects.filter(plan__in=plans),
                           key="plan__area", as_of=today)
    return [AreaRow(area, figures.get(area.pk, EMPTY_FIGURES)) for area in areas]


def green_share(rows):
    """Green communes among those with something to carry out: (green, counted, percent)."""
    counted = [row for row in rows if row.figures["items"]]
    green = sum(row.health == Health.GREEN for row in counted)
    return {"green": green, "counted": len(counted), "percent": percent(green, len(counted))}


def plans_with_items(area):
    """The area's issued plans, each with its tasks and indicators as the public sees them."""
    units = Prefetch("lead_units", queryset=Unit.objects.order_by("name").only("pk", "name"))
    tasks = Task.objects.order_by("position").only(
        "pk", "plan_id", "ordinal", "title", "timeline_text", "progress", "status").prefetch_related(units)
    indicators = Indicator.objects.order_by("position").only(
        "pk", "plan_id", "ordinal", "content", "unit_of_measure", "target_text", "current_value", "is_met",
        "status").prefetch_related(units)
    return list(public_plans([area.pk]).order_by("-issued_year", "-issued_month", "slug").prefetch_related(
        Prefetch("tasks", queryset=tasks), Prefetch("indicators", queryset=indicators)))


def area_page(area, *, today=None):
    """Everything a public area page and its open data show."""
    today = today or timezone.localdate()
    communes = list(Area.objects.filter(parent=area).order_by("name")) if area.kind == Area.Kind.PROVINCE else []
    rows = area_rows([area, *communes], today=today)
    return {"area": area, "today": today, "own": rows[0], "communes": rows[1:], "green": green_share(rows[1:]),
            "plans": plans_with_items(area)}


def open_data(page):
    """The page's figures as plain values (the JSON download; the CSV has its item rows)."""
    def figures(row):
        f = row.figures
        return {"tasks": f["tasks"], "tasks_completed": f.get("tasks_completed", 0), "indicators": f["indicators"],
                "indicators_met": f["met"], "indicators_measured": f["measured"], "completion_percent": f["completion"],
                "progress_percent": None if f["progress"] is None else round(f["progress"], 1),
                "expected_percent": None if f["expected"] is None else round(f["expected"], 1),
                "health": row.health}
    return {
        "area": {"slug": page["area"].slug, "name": str(page["area"])}, "as_of": page["today"].isoformat(),
        "figures": figures(page["own"]),
        "communes": [{"slug": row.area.slug, "name": str(row.area), **figures(row)} for row in page["communes"]],
        "green_communes": page["green"],
        "items": list(item_rows(page)),
    }


def item_rows(page):
    for plan in page["plans"]:
        for task in plan.tasks.all():
            yield {"plan": plan.reference, "kind": "task", "ordinal": task.ordinal, "text": task.title,
                   "lead_units": "; ".join(unit.name for unit in task.lead_units.all()),
                   "timeline": task.timeline_text, "progress_percent": task.progress, "status": task.status,
                   "unit_of_measure": "", "target": "", "value": None, "met": None}
        for indicator in plan.indicators.all():
            value = indicator.current_value
            yield {"plan": plan.reference, "kind": "indicator", "ordinal": indicator.ordinal,
                   "text": indicator.content, "lead_units": "; ".join(unit.name for unit in indicator.lead_units.all()),
                   "timeline": "", "progress_percent": None, "status": indicator.status,
                   "unit_of_measure": indicator.unit_of_measure, "target": indicator.target_text,
                   "value": None if value is None else f"{value.normalize():f}", "met": indicator.is_met}
