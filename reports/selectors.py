from django.db.models import Q

from plans.models import Plan

from .models import Warning


def warning_list(user, *, unit="", kind="", plan="", area="", state="open"):
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
    if area:  # a commune's warnings, as the province's view links to them
        warnings = warnings.filter(Q(task__plan__area__slug=area) | Q(indicator__plan__area__slug=area)
                                   | Q(unit__area__slug=area))
    if unit.isdigit():
        warnings = warnings.filter(Q(unit=unit) | Q(task__lead_units=unit) | Q(indicator__lead_units=unit)).distinct()
    return warnings.order_by("-raised_at", "-id")
