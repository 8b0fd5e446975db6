"""Monthly and quarterly reports of an area as PDF (WeasyPrint), from the same figures the pages show."""
from collections import defaultdict

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from indicators.models import Indicator
from plans.models import ItemStatus, Plan
from tasks.models import ProgressUpdate, Task
from tasks.schedule import expected_progress

from .models import Warning


def period_report(*, area, period):
    """Everything the report shows, in a fixed number of queries."""
    plans = list(Plan.objects.filter(area=area).order_by("slug"))
    progress_then = Coalesce(Subquery(
        ProgressUpdate.objects.filter(task=OuterRef("pk"), period__lte=period.end)
        .order_by("-period", "-created_at").values("progress_after")[:1]), 0)
    tasks = (Task.objects.filter(plan__area=area).select_related("section").prefetch_related("lead_units")
             .annotate(progress_then=progress_then).order_by("plan", "position"))
    updates = defaultdict(list)
    for update in (ProgressUpdate.objects.filter(task__plan__area=area, period__gte=period.start, period__lte=period.end)
                   .select_related("author", "task").order_by("created_at")):
        updates[update.task_id].append(update)
    by_plan = defaultdict(list)
    counts = defaultdict(int)
    for task in tasks:
        task.expected_then = expected_progress(timeline_kind=task.timeline_kind, starts_on=task.starts_on,
                                               ends_on=task.ends_on, today=period.end)
        task.period_updates = updates.get(task.id, [])
        by_plan[task.plan_id].append(task)
        counts[task.status] += 1
    indicators = defaultdict(list)
    for indicator in Indicator.objects.filter(plan__area=area).prefetch_related("lead_units").order_by("plan", "position"):
        indicators[indicator.plan_id].append(indicator)
        counts[f"indicator_{indicator.status}"] += 1
    warnings = list(Warning.objects.filter(closed_at__isnull=True, task__plan__area=area).select_related("task")
                    .order_by("kind", "task__position"))
    total = sum(len(v) for v in by_plan.values()) + sum(len(v) for v in indicators.values())
    completed = counts[ItemStatus.COMPLETED] + counts[f"indicator_{ItemStatus.COMPLETED}"]
    difficulties = [u for task_updates in updates.values() for u in task_updates if u.difficulties or u.proposals]
    return {
        "area": area, "period": period, "generated_at": timezone.now(),
        "plans": [{"plan": plan, "tasks": by_plan.get(plan.id, []), "indicators": indicators.get(plan.id, [])}
                  for plan in plans],
        "counts": dict(counts), "total": total, "completed": completed,
        "completion": round(100 * completed / total) if total else 0,
        "warnings": warnings, "difficulties": difficulties,
    }


def period_report_pdf(*, area, period):
    from weasyprint import HTML

    html = render_to_string("reports/period_report.html", period_report(area=area, period=period))
    return HTML(string=html).write_pdf()
