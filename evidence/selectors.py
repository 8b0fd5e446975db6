from collections import defaultdict

from django.db.models import Prefetch, Q

from indicators.models import Indicator
from plans.models import Plan
from tasks.models import Task

from .models import Evidence


def evidence_visible_to(user):
    """Evidence is visible exactly where the task or indicator it proves is visible."""
    plans = Plan.objects.visible_to(user).values("pk")
    return Evidence.objects.filter(Q(task__plan__in=plans) | Q(indicator__plan__in=plans))


def evidence_files_visible_to(user):
    """Evidence whose file a user may open: an item's files stay with its own area and, for a commune's item, its
    province. Seeing an item is wider (a commune reads its province's issued plan) than opening what proves it."""
    if not user.is_authenticated:
        return Evidence.objects.none()
    if user.is_superuser:
        return Evidence.objects.all()
    own = user.area_ids
    return Evidence.objects.filter(
        Q(task__plan__area__in=own) | Q(task__plan__area__parent__in=own)
        | Q(indicator__plan__area__in=own) | Q(indicator__plan__area__parent__in=own))


def pending_evidence(user):
    """Pending evidence of the reviewer's own areas, oldest first, with what the queue shows of it."""
    areas = user.area_ids
    scope = Q() if user.is_superuser else Q(task__plan__area__in=areas) | Q(indicator__plan__area__in=areas)
    return (
        Evidence.objects.filter(scope, status=Evidence.Status.PENDING)
        .select_related("uploaded_by", "progress_update", "indicator_report")
        .prefetch_related(
            Prefetch("task", queryset=Task.objects.select_related("plan__area").prefetch_related("lead_units")),
            Prefetch("indicator", queryset=Indicator.objects.select_related("plan__area").prefetch_related("lead_units")),
        )
        .order_by("uploaded_at", "id")
    )


def review_groups(pending):
    """One page of pending evidence grouped by lead unit and plan, with each item's earlier rejections."""
    pending = list(pending)
    earlier = _earlier_rejections(pending)
    groups = defaultdict(list)
    for evidence in pending:
        item = evidence.item
        lead = ", ".join(u.name for u in item.lead_units.all()) or "—"
        evidence.earlier_rejections = earlier.get((evidence.task_id, evidence.indicator_id), [])
        groups[(lead, item.plan)].append(evidence)
    return [{"lead": lead, "plan": plan, "evidence": items} for (lead, plan), items in groups.items()]


def _earlier_rejections(pending):
    task_ids = {e.task_id for e in pending if e.task_id}
    indicator_ids = {e.indicator_id for e in pending if e.indicator_id}
    rejected = Evidence.objects.filter(
        Q(task__in=task_ids) | Q(indicator__in=indicator_ids), status=Evidence.Status.REJECTED,
    ).select_related("reviewed_by").order_by("reviewed_at")
    by_item = defaultdict(list)
    for evidence in rejected:
        by_item[(evidence.task_id, evidence.indicator_id)].append(evidence)
    return by_item
