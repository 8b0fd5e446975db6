"""The six clears ("6 rõ") of a task or indicator, judged in one place.

Person: an officer in charge. Task: what is to be done. Time: a timeline or an end date.
Responsibility: a lead unit that is a real unit (not a collective name). Product: the
deliverable or expected evidence. Authority: who approves the result.

`item_missing_clears` judges one item (pages); `with_clears` annotates a queryset of tasks
or indicators with the same judgment as columns (lists), so they never disagree.
"""
from django.db.models import BooleanField, Exists, ExpressionWrapper, IntegerField, OuterRef, Q, Value
from django.db.models.functions import Cast, Trim
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

CLEARS = {
    "person": _("rõ người"),
    "task": _("rõ việc"),
    "time": _("rõ thời gian"),
    "responsibility": _("rõ trách nhiệm"),
    "product": _("rõ sản phẩm"),
    "authority": _("rõ thẩm quyền"),
}


def missing_keys(item):
    """Keys of `CLEARS` the item lacks; reads prefetched `lead_units`."""
    real_lead = any(not unit.is_placeholder for unit in item.lead_units.all())
    return [key for key, ok in zip(CLEARS, named(*(getattr(item, name) for name in named_fields(type(item))),
                                                 real_lead=real_lead), strict=True) if not ok]


def item_missing_clears(item):
    return [CLEARS[key] for key in missing_keys(item)]


def _conditions(model):
    real_lead = model.lead_units.through.objects.filter(
        **{model._meta.model_name: OuterRef("pk")}, unit__is_placeholder=False)
    return {
        "person": Q(officer__isnull=False),
        "task": _said(model.TEXT_FIELD),
        "time": _said("timeline_text") | Q(**{f"{model.END_FIELD}__isnull": False}),
        "responsibility": Exists(real_lead),
        "product": _said("product"),
        "authority": _said("authority"),
    }


def _said(field):
    """The text says something: not empty once the spaces around it are trimmed (`named` in Python)."""
    return ~Q(Exact(Trim(field), ""))


def clear_filter(model, key):
    """A condition selecting the items that lack one clear (`key`), or any of them (`key="any"`)."""
    conditions = _conditions(model)
    if key == "any":
        lacking = Q()
        for condition in conditions.values():
            lacking |= ~Q(condition) if isinstance(condition, Q) else Q(~condition)
        return lacking
    condition = conditions[key]
    return ~condition if isinstance(condition, Q) else Q(~condition)


def with_clears(queryset):
    """Annotate `clear_<key>` booleans, `clears_count` (0-6) and `all_clear` on tasks or indicators."""
    model = queryset.model
    annotations = {f"clear_{key}": ExpressionWrapper(condition if isinstance(condition, Q) else Q(condition),
                                                     output_field=BooleanField())
                   for key, condition in _conditions(model).items()}
    queryset = queryset.annotate(**annotations)
    count = Value(0, output_field=IntegerField())
    for key in CLEARS:
        count = count + Cast(f"clear_{key}", IntegerField())
    return queryset.annotate(clears_count=count).annotate(
        all_clear=ExpressionWrapper(Q(clears_count=len(CLEARS)), output_field=BooleanField()))


def named_in_values(model, plan):
    """For each item of `plan`, whether it names each clear (in `CLEARS` order), judged from plain values.

    The conditions of `_conditions`, as SQL evaluates them (`named`). Two light
    queries and a loop cost a third of compiling `with_clears` for one plan (8 ms of the plan page);
    `with_clears` stays for filtering lists and for many plans at once.
    """
    item = model._meta.model_name
    real_lead = set(model.lead_units.through.objects.filter(**{f"{item}__plan": plan}, unit__is_placeholder=False)
                    .values_list(f"{item}_id", flat=True))
    for pk, *values in model.objects.filter(plan=plan).order_by().values_list("pk", *named_fields(model)):
        yield named(*values, real_lead=pk in real_lead)


def named_fields(model):
    """The values `named` judges, for `values_list`: officer, text, timeline, end date, product, authority."""
    return ("officer_id", model.TEXT_FIELD, "timeline_text", model.END_FIELD, "product", "authority")


def named(officer_id, text, timeline, end, product, authority, *, real_lead):
    """Whether an item names each clear (in `CLEARS` order), from its plain values, as `_conditions` in SQL:
    a text of spaces says nothing (SQL's TRIM removes spaces only, so `strip(" ")`)."""
    return (officer_id is not None, text.strip(" ") != "", timeline.strip(" ") != "" or end is not None, real_lead,
            product.strip(" ") != "", authority.strip(" ") != "")


def lead_units_without_officer(plan):
    """The real lead units of the plan's items that no active person belongs to, with how many items each leads
    (`items_led`), in one query: an item's officer in charge must be of its lead unit, so these units' items can
    never name a person until someone has an account there."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Subquery
    from django.db.models.functions import Coalesce

    from .item_kinds import ITEM_KINDS
    from .models import Unit

    led = Value(0, output_field=IntegerField())
    for kind in ITEM_KINDS:
        through = kind.model.lead_units.through
        owner = kind.model._meta.model_name
        counted = (through.objects.filter(unit=OuterRef("pk"), **{f"{owner}__plan": plan}).order_by()
                   .values("unit").annotate(n=Count("pk")).values("n"))
        led = led + Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    members = get_user_model().units.through.objects.filter(unit=OuterRef("pk"), user__is_active=True)
    return (Unit.objects.filter(is_placeholder=False).annotate(items_led=led).filter(items_led__gt=0)
            .exclude(Exists(members)).select_related("area").order_by("area__name", "name"))
