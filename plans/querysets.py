"""Scope rules: the one place that says which plans a user may see and change.

Every view starts from these querysets, so an object outside the user's scope
is a 404 whatever URL is typed.
"""
import operator
from functools import reduce

from django.db import models
from django.db.models import Q


def plan_scope(user):
    """Who sees which plans, the one statement of the rule: None when the user sees every plan, else the terms
    (the path from a plan to an area, the areas, whether only issued plans count) of which any one shows a plan.

    `PlanQuerySet.visible_to` writes the terms in SQL; `Plan.is_visible_to` checks them on one plan already
    loaded with its area, where adding them to the item's own query cost more than the rest of the query.
    """
    if not user.is_authenticated:
        return ()
    if user.is_superuser:
        return None
    own = user.area_ids
    return (
        # their own area's plans, drafts included
        ("area", own, False),
        # province staff follow the plans of their communes
        ("area__parent", own, False),
        # a commune reads the issued plans of its province that it carries out (the province is known from the
        # user's units: no join through the province's communes, which cost the database more than the rest of
        # every page's query)
        ("area", user.parent_area_ids, True),
    )


def plan_scope_holds(terms, plan):
    """Whether `plan` (loaded with its area) is shown by the `plan_scope` terms."""
    if terms is None:
        return True
    for path, area_ids, issued_only in terms:
        *through, last = path.split("__")
        owner = plan
        for name in through:
            owner = getattr(owner, name)
        if getattr(owner, f"{last}_id") in area_ids and not (issued_only and plan.status == "draft"):
            return True
    return False


def _followed(user, path="area"):
    """Objects (reached from their area by `path`; "" for areas themselves) of the user's own areas and of the
    communes below them: what a province's staff follow."""
    own = user.area_ids
    return Q(**{f"{path or 'pk'}__in": own}) | Q(**{f"{path}__parent__in" if path else "parent__in": own})


def _plan_scope_q(terms):
    """The `plan_scope` terms (neither None nor empty) in SQL: any one of them shows a plan."""
    return reduce(operator.or_, [Q(**{f"{path}__in": area_ids}) & (~Q(status="draft") if issued_only else Q())
                                 for path, area_ids, issued_only in terms])


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        terms = plan_scope(user)
        if terms is None:
            return self
        if not terms:
            return self.none()
        return self.filter(_plan_scope_q(terms)).distinct()

    def visible_ids(self, user):
        """The ids of the plans `visible_to` shows, for a `plan__in=` subquery, without its DISTINCT.

        Each term's path follows foreign keys forward (a plan, its area, that area's parent), so a plan matches
        once and the DISTINCT removes nothing; it only stops PostgreSQL from reading `IN (...)` as a semi-join:
        it hashed every plan of a province (6,800 at 3,400 communes) before an item list's first row."""
        terms = plan_scope(user)
        if terms is None:
            return self.values("pk")
        if not terms:
            return self.none().values("pk")
        return self.filter(_plan_scope_q(terms)).values("pk")

    def editable_by(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        if user.role != user.Role.ADMIN:
            return self.none()
        return self.filter(_followed(user)).distinct()

    def results_for(self, user):
        """Plans whose existence and coverage a province plan's pages may show the user: those of their own area
        and of the communes they follow (drafts included), and elsewhere only issued plans, as public results
        show them. A commune never learns of another commune's draft."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(_followed(user) | ~Q(status="draft"))


class PlanItemQuerySet(models.QuerySet):
    """Indicators and tasks are visible exactly where their plan is."""

    def visible_to(self, user):
        from .models import Plan

        return self.filter(plan__in=Plan.objects.visible_ids(user))

    def get_visible(self, user, pk):
        """The item `pk` with its plan and area, if `user` sees its plan (`Plan.is_visible_to`), else
        DoesNotExist: the same answer as `visible_to(user).get(pk=pk)`, at a third of its cost."""
        item = self.select_related("plan__area").get(pk=pk)  # get(): first() would order by plan, through joins
        if not item.plan.is_visible_to(user):
            raise self.model.DoesNotExist
        return item

    def led_by(self, unit_ids):
        return self.filter(lead_units__in=unit_ids).distinct()

    def supported_by(self, unit_ids):
        return self.filter(support_units__in=unit_ids).exclude(lead_units__in=unit_ids).distinct()


class AreaQuerySet(models.QuerySet):
    def followed_by(self, user):
        """The user's own areas and, for a province, its communes: whose warnings and figures they follow."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(_followed(user, ""))

    def communes_visible_to(self, user):
        """Communes and wards a user follows: all of their province's, or only their own."""
        communes = self.exclude(kind="province")
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return communes
        return communes.filter(_followed(user, ""))

    def provinces_visible_to(self, user):
        """Provinces whose communes the user follows (a commune user's province shows only their commune)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.filter(kind="province")
        own = user.area_ids
        return self.filter(kind="province").filter(Q(pk__in=own) | Q(children__in=own)).distinct()

    def administered_by(self, user):
        """Areas whose plans, people and units the user administers: an admin's own areas and, for a
        province, its communes (as `PlanQuerySet.editable_by`); every area for a superuser."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        if user.role != user.Role.ADMIN:
            return self.none()
        return self.filter(_followed(user, ""))


class UnitQuerySet(models.QuerySet):
    def administered_by(self, user):
        from .models import Area

        return self.filter(area__in=Area.objects.administered_by(user).values("pk"))

    def update(self, **kwargs):
        # A unit never moves to another area: its tasks, people and history belong to that area.
        if "area" in kwargs or "area_id" in kwargs:
            raise ValueError("a unit never moves to another area")
        return super().update(**kwargs)


class LegalDocumentQuerySet(models.QuerySet):
    def usable_by(self, user):
        """Documents a plan of the user may cite: shared ones, and those of the areas they see."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        own = user.area_ids
        return self.filter(Q(area__isnull=True) | Q(area__in=own) | Q(area__children__in=own)
                           | Q(area__parent__in=own)).distinct()

    def editable_by(self, user):
        """An admin edits the documents their areas created, as long as no other area's plan cites them."""
        from .models import Area, Plan

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        others = Plan.objects.exclude(pk__in=Plan.objects.editable_by(user).values("pk")).values("pk")
        return (self.filter(area__in=Area.objects.administered_by(user).values("pk"))
                .exclude(cited_by_plans__in=others).exclude(implementing_plans__in=others)
                .exclude(replaced_by_plans__in=others))


class ReportQuerySet(models.QuerySet):
    """Reports in the register: an area's own (drafts included); its communes' once issued.

    A commune never sees its province's reports, so no report can carry the province's
    draft plans to a commune.
    """

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        own = user.area_ids
        return self.filter(Q(area__in=own) | (Q(area__parent__in=own) & ~Q(status="draft")))
