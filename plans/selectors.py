"""Querysets shaped for the pages that read plans."""
from django.db.models import Avg, Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from indicators.models import Indicator
from tasks.models import Task

from .models import Area, Plan


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
    if area:  # an area's slug (from a link) or words of its name, typed in the search field
        plans = plans.filter(Q(area__slug=area) | Q(area__parent__slug=area) | Q(area__name__icontains=area)
                             | Q(area__parent__name__icontains=area))
    if status:
        plans = plans.filter(status=status)
    if query:
        plans = plans.filter(Q(title__icontains=query) | Q(number__icontains=query) | Q(issuer__icontains=query))
    return plans.order_by("area__parent_id", "area__name", "-issued_year", "slug")


def plan_document(plan):
    """The plan's sections in order, each with its indicator and task rows, in a fixed number of queries."""
    from .document import plan_rows

    rows = plan_rows(plan)
    document = []
    if None in rows:
        document.append({"section": None, **rows[None]})
    for section in plan.sections.order_by("position"):
        document.append({"section": section, **rows.get(section.id, {"indicators": "", "tasks": ""})})
    return document


def plan_with_references(queryset, slug):
    return (
        queryset.select_related("area", "area__parent", "implements_plan", "replaces")
        .prefetch_related("implements", "legal_basis", Prefetch("implementing_plans", queryset=Plan.objects.only("slug", "number", "symbol", "issuer", "implements_plan_id")))
        .get(slug=slug)
    )
