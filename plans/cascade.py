"""Cascade links: a commune task carries out a province task (`Task.carries_out`), a commune indicator
contributes to a province indicator (`Indicator.contributes_to`). Linked by hand or from suggestions
by text similarity, which a person confirms; never applied on their own.
"""
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from indicators.models import Indicator
from tasks.models import Task

from .models import Area, Plan
from .item_kinds import kind_of
from .writes import item_lock
from .similarity import suggest

LINK_FIELD = {Task: "carries_out", Indicator: "contributes_to"}


def _kind(item):
    return type(item)


def link_choices(item):
    """The items of the plan the item's plan implements, of the same kind, in document order; each with
    `taken`: another item of this item's plan carries it out already."""
    model = _kind(item)
    higher = item.plan.implements_plan_id
    if higher is None:
        return model.objects.none()
    siblings = model.objects.filter(plan_id=item.plan_id, **{LINK_FIELD[model]: OuterRef("pk")}).exclude(pk=item.pk)
    return (model.objects.filter(plan_id=higher).select_related("section").order_by("position")
            .annotate(taken=Exists(siblings)))


def link_suggestions(item, choices=None, *, limit=3):
    """[(score, higher item)] most alike the item's text, best first, leaving out the one already linked.

    Commune plans carry out their province's items one to one: a higher item another item of the plan
    carries out already comes after those no item does (`plans.similarity`).
    """
    choices = list(link_choices(item) if choices is None else choices)
    linked = getattr(item, f"{LINK_FIELD[_kind(item)]}_id")
    candidates = [(choice, choice.title) for choice in choices if choice.pk != linked]
    return suggest(item.title, candidates, limit=limit,
                   taken={choice for choice, _title in candidates if getattr(choice, "taken", False)})


@transaction.atomic
def item_link(*, model, item_id, user, version, target_id):
    """Link the item to a higher item (or unlink it, `target_id=None`), with history."""
    item = item_lock(model, pk=item_id, version=version)
    if not Plan.objects.editable_by(user).filter(pk=item.plan_id).exists():
        raise PermissionDenied(_("Chỉ quản trị của địa bàn mới được liên kết mục này với kế hoạch cấp trên."))
    field = LINK_FIELD[model]
    target = None
    if target_id is not None:
        target = link_choices(item).filter(pk=target_id).first()
        if target is None:
            raise ValidationError(_("Chỉ liên kết được với một mục của kế hoạch cấp trên mà kế hoạch này thực hiện."))
    if getattr(item, f"{field}_id") == (target.pk if target else None):
        return item
    setattr(item, field, target)
    item.version += 1
    item._history_user = user
    item._change_reason = (_("Liên kết với mục cấp trên %(item)s") % {"item": target.ordinal} if target
                           else _("Bỏ liên kết với mục cấp trên"))
    item.save()
    return item


def carrying_out(item, user):
    """The lower items, visible to the user, that carry out (or contribute to) this item, with their plan and area."""
    model = _kind(item)
    return (model.objects.visible_to(user).filter(**{LINK_FIELD[model]: item})
            .select_related("plan__area", "section").prefetch_related("lead_units").order_by("plan__area__name", "position"))


def plan_coverage(plan, user):
    """For a province plan: its items no commune carries out, and for each group of items the communes
    that carry out none of it. Counts only the commune items of plans `Plan.objects.results_for(user)` shows (a
    commune's staff: their own plans and other communes' issued ones); a fixed number of queries.
    """
    communes = list(Area.objects.filter(parent=plan.area_id).order_by("name"))
    uncovered, carried, holding = [], defaultdict(set), set()  # carried: section id -> commune ids
    shown = Plan.objects.results_for(user).values("pk")
    for model, field in LINK_FIELD.items():
        items = list(model.objects.filter(plan=plan).select_related("section").order_by("position"))
        holding |= {item.section_id for item in items}
        covered = set()
        for higher_id, section_id, area_id in model.objects.filter(plan__in=shown).filter(
                **{f"{field}__plan": plan}).values_list(f"{field}_id", f"{field}__section_id", "plan__area_id"):
            covered.add(higher_id)
            carried[section_id].add(area_id)
        uncovered += [item for item in items if item.pk not in covered]
    groups = [{"section": section, "missing": [area for area in communes if area.pk not in carried[section.pk]],
               "carrying": [area for area in communes if area.pk in carried[section.pk]]}
              for section in plan.sections.order_by("position") if section.pk in holding]
    return {"uncovered": uncovered, "groups": groups, "communes": communes}


def _carried_out(item):
    model = _kind(item)
    return model.objects.filter(**{LINK_FIELD[model]: item}).order_by().exists()


def carried_out_below(model):
    """Whether lower items carry an item of `model` out, for a queryset's annotate: `_carried_out` asked with the
    item's own row (`cascade_panel`'s `carried_out`)."""
    return Exists(model.objects.filter(**{LINK_FIELD[model]: OuterRef("pk")}))


def cascade_panel(item, user, *, can_edit, carried_out=None):
    """What an item's page shows of the cascade: the lower items carrying it out, and for the plan's admins
    (`can_edit`, which the page has already asked) the higher items to link it to, with suggestions.
    `carried_out`: whether any lower item carries it out, when the page read it with the item (else asked here)."""
    can_link = can_edit and bool(item.plan.implements_plan_id)
    choices = list(link_choices(item)) if can_link else []
    return {
        "kind": kind_of(item).name, "can_edit": can_edit,
        "higher": getattr(item, LINK_FIELD[_kind(item)]),
        # Most items have no lower item: asking first costs a sixth of the scoped query it spares.
        "lower": list(carrying_out(item, user))
                 if (_carried_out(item) if carried_out is None else carried_out) else [],
        "can_link": can_link, "choices": choices,
        "suggestions": link_suggestions(item, choices) if can_link else [],
    }
