"""Amounts as offices write them, and the funding blocks other apps' pages include."""
from django import template

from ..amounts import amount_full, amount_short
from ..selectors import area_funding, plan_funding, task_funding

register = template.Library()


@register.filter
def vnd(amount):
    """ "1.500.000.000 đ"."""
    return amount_full(amount)


@register.filter
def vnd_short(amount):
    """ "1,5 tỷ"."""
    return amount_short(amount)


@register.simple_tag
def funding_of_plan(plan, user):
    return plan_funding(plan, user)


@register.simple_tag
def funding_of_task(task, user):
    return task_funding(task, user)


@register.simple_tag
def funding_of_areas(areas):
    """[(area, totals)] for the areas given, or for the areas of a page of the province view's rows."""
    areas = [getattr(area, "subject", area) for area in areas]
    totals = area_funding([area.pk for area in areas])
    return [(area, totals[area.pk]) for area in areas]
