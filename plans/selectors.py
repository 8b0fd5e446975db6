"""Querysets shaped for the pages that read plans."""
from collections import defaultdict

from django.db.models import Avg, Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator
from tasks.models import Task

from .history import ACTIONS
from .models import Area, Plan, Section, Unit


def _count(model):
    return Coalesce(Subquery(
        model.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    ), 0)


def plan_list(user, *, area=None, status=None, query=None):
    plans = (
        Plan.objects.visible_to(user)
        .select_related("area", "area__parent", "implements_plan")
        .annotate(
            indicator_count=_count(Indicator),
            task_count=_count(Task),
            average_progress=Subquery(
                Task.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
                .annotate(a=Avg("progress")).values("a")
            ),
        )
    )
    if area:
        plans = plans.filter(Q(area__slug=area) | Q(area__parent__slug=area))
    if status:
        plans = plans.filter(status=status)
    if query:
        plans = plans.filter(Q(title__icontains=query) | Q(number__icontains=query) | Q(issuer__icontains=query))
    return plans.order_by("area__parent_id", "area__name", "-issued_year", "slug")


def plan_filter_areas(user):
    return Area.objects.filter(plans__in=Plan.objects.visible_to(user).values("pk")).distinct().order_by("kind", "name")


def plan_document(plan):
    """The plan's sections in order, each with its indicators and tasks, in a fixed number of queries."""
    units = ("lead_units", "support_units")
    sections = list(plan.sections.order_by("position"))
    from tasks.selectors import open_warnings

    indicators = plan.indicators.order_by("position").prefetch_related(*units, open_warnings())
    tasks = plan.tasks.order_by("position").select_related("officer").prefetch_related(*units, open_warnings())
    by_section = defaultdict(lambda: {"indicators": [], "tasks": []})
    for indicator in indicators:
        by_section[indicator.section_id]["indicators"].append(indicator)
    for task in tasks:
        by_section[task.section_id]["tasks"].append(task)
    rows = []
    if None in by_section:
        rows.append({"section": None, **by_section[None]})
    for section in sections:
        rows.append({"section": section, **by_section.get(section.id, {"indicators": [], "tasks": []})})
    return rows


def plan_with_references(queryset, slug):
    return (
        queryset.select_related("area", "area__parent", "implements_plan", "replaces")
        .prefetch_related("implements", "legal_basis", Prefetch("implementing_plans", queryset=Plan.objects.only("slug", "number", "symbol", "issuer", "implements_plan_id")))
        .get(slug=slug)
    )


def plan_units(plan):
    """The units a plan's items may name: those of its area and of the province above it."""
    return Unit.objects.filter(Q(area=plan.area_id) | Q(area=plan.area.parent_id)).order_by("area__kind", "name")


def plan_item_history(plan, *, limit=30):
    """The latest changes to a plan's headings, indicators and tasks, removed ones included, newest first."""
    kinds = [(Section, _("Mục"), "title"), (Indicator, _("Chỉ tiêu"), "content"), (Task, _("Nhiệm vụ"), "title")]
    rows = []
    for model, label, text in kinds:
        records = (model.history.filter(plan_id=plan.pk).select_related("history_user")
                   .order_by("-history_date", "-history_id")[:limit])
        for record in records:
            rows.append({"date": record.history_date, "user": record.history_user, "kind": label,
                         "action": ACTIONS.get(record.history_type, record.history_type),
                         "reason": record.history_change_reason or "", "removed": record.history_type == "-",
                         "label": f"{getattr(record, 'ordinal', '') or getattr(record, 'number', '')} "
                                  f"{getattr(record, text)}".strip(),
                         "url": None if record.history_type == "-" or model is Section else
                         reverse(f"{model._meta.app_label}:{model._meta.model_name}_detail", args=[record.id])})
    rows.sort(key=lambda row: row["date"], reverse=True)
    return rows[:limit]
