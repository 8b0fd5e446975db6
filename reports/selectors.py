from django.db.models import Q

from plans.models import Plan

from .models import Warning


def warning_list(user, *, unit="", kind="", plan="", state="open"):
    """Warnings on what the user may see, shaped for the warnings page."""
    plans = Plan.objects.visible_to(user).values("pk")
    areas = user.area_ids
    warnings = Warning.objects.filter(
        Q(task__plan__in=plans) | Q(indicator__plan__in=plans)
        | (Q(unit__area__in=areas) | Q(unit__area__parent__in=areas) if not user.is_superuser else Q(unit__isnull=False))
    ).select_related("task__plan__area", "indicator__plan__area", "unit__area")
    if state == "open":
        warnings = warnings.filter(closed_at__isnull=True)
    elif state == "closed":
        warnings = warnings.filter(closed_at__isnull=False)
    if kind:
        warnings = warnings.filter(kind=kind)
    if plan:
        warnings = warnings.filter(Q(task__plan__slug=plan) | Q(indicator__plan__slug=plan))
    if unit.isdigit():
        warnings = warnings.filter(Q(unit=unit) | Q(task__lead_units=unit) | Q(indicator__lead_units=unit)).distinct()
    return warnings.order_by("-raised_at", "-id")


def dashboard(user):
    """Per area: tasks and indicators by status (completed only with accepted evidence), open warnings and the
    share of items naming all six clears. Grouped queries, whatever the number of areas or items.
    """
    from django.db.models import Avg, Count, F
    from django.db.models.functions import Coalesce

    from indicators.models import Indicator
    from plans.models import Area, ItemStatus
    from tasks.models import Task

    plans = Plan.objects.visible_to(user).values("pk")
    by_status = {s: Count("id", filter=Q(status=s)) for s in ItemStatus.values}
    areas = {}
    for model, key in ((Task, "tasks"), (Indicator, "indicators")):
        extra = {"average": Avg("progress")} if model is Task else {}
        for row in model.objects.filter(plan__in=plans).values("plan__area").annotate(
                total=Count("id"), **by_status, **extra).order_by():
            areas.setdefault(row.pop("plan__area"), {})[key] = row
    visible_areas = Plan.objects.visible_to(user).values("area")
    warnings = (Warning.objects.filter(closed_at__isnull=True)
                .filter(Q(task__plan__in=plans) | Q(indicator__plan__in=plans) | Q(unit__area__in=visible_areas))
                .annotate(area=Coalesce(F("task__plan__area"), F("indicator__plan__area"), F("unit__area")))
                .values("area", "kind").annotate(n=Count("id")).order_by())
    for row in warnings:
        areas.setdefault(row["area"], {}).setdefault("warnings", {})[row["kind"]] = row["n"]
    from plans.selectors import clears_share_by

    clears = clears_share_by(plans)
    names = {area.pk: area for area in Area.objects.filter(pk__in=areas).select_related("parent")}
    rows = []
    for area_id, figures in areas.items():
        tasks = figures.get("tasks", {"total": 0, "completed": 0, "average": None})
        indicators = figures.get("indicators", {"total": 0, "completed": 0})
        total = tasks["total"] + indicators["total"]
        completed = tasks.get("completed", 0) + indicators.get("completed", 0)
        rows.append({
            "area": names[area_id], "tasks": tasks, "indicators": indicators,
            "completion": round(100 * completed / total) if total else 0,
            "warnings": figures.get("warnings", {}),
            "clears": _share(*clears.get(area_id, (0, 0))),
        })
    return sorted(rows, key=lambda r: (r["area"].kind != "province", str(r["area"])))


def _share(part, total):
    return {"part": part, "total": total, "percent": round(100 * part / total) if total else None}
