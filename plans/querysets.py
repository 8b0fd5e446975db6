"""Scope rules: the one place that says which plans a user may see and change.

Every view starts from these querysets, so an object outside the user's scope
is a 404 whatever URL is typed.
"""
from django.db import models
from django.db.models import Q


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        own = user.area_ids
        return self.filter(
            # their own area's plans, drafts included
            Q(area__in=own)
            # province staff follow the plans of their communes
            | Q(area__parent__in=own)
            # a commune reads the issued plans of its province that it carries out
            | (Q(area__children__in=own) & ~Q(status="draft"))
        ).distinct()

    def editable_by(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        if user.role != user.Role.ADMIN:
            return self.none()
        own = user.area_ids
        return self.filter(Q(area__in=own) | Q(area__parent__in=own)).distinct()


class PlanItemQuerySet(models.QuerySet):
    """Indicators and tasks are visible exactly where their plan is."""

    def visible_to(self, user):
        from .models import Plan

        return self.filter(plan__in=Plan.objects.visible_to(user).values("pk"))

    def led_by(self, unit_ids):
        return self.filter(lead_units__in=unit_ids).distinct()

    def supported_by(self, unit_ids):
        return self.filter(support_units__in=unit_ids).exclude(lead_units__in=unit_ids).distinct()


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
