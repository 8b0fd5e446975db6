"""Querysets shaped for the people pages."""
from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q

from plans.models import Area, Unit


def users_managed_by(actor):
    """The people an admin sees: those with a unit in an area they administer (everyone for a superuser)."""
    users = get_user_model().objects.all()
    if actor.is_superuser:
        return users
    areas = Area.objects.administered_by(actor).values("pk")
    return users.filter(pk__in=get_user_model().units.through.objects.filter(unit__area__in=areas).values("user_id"))


def user_list(actor, *, unit=None, role="", active="", query=""):
    users = users_managed_by(actor).prefetch_related(
        Prefetch("units", queryset=Unit.objects.select_related("area").order_by("name")))
    if unit:
        users = users.filter(units=unit)
    if role:
        users = users.filter(role=role)
    if active in ("1", "0"):
        users = users.filter(is_active=active == "1")
    if query:
        users = users.filter(Q(username__icontains=query) | Q(first_name__icontains=query)
                             | Q(last_name__icontains=query) | Q(email__icontains=query))
    return users.order_by("-is_active", "username")


def unit_list(actor, *, area=None, query=""):
    units = (Unit.objects.administered_by(actor).select_related("area")
             .prefetch_related("aliases").annotate(member_count=Count("members", distinct=True)))
    if area:
        units = units.filter(area=area)
    if query:
        units = units.filter(Q(name__icontains=query) | Q(aliases__alias__icontains=query)).distinct()
    return units.order_by("area__kind", "area__name", "name")


def failed_deliveries(actor):
    """Notices that could not be sent (after their retries) to the people of the actor's areas, newest first."""
    from .models import Delivery

    return (Delivery.objects.filter(status=Delivery.Status.FAILED, user__in=users_managed_by(actor))
            .select_related("user").order_by("-created_at", "-pk"))
