"""A warning's stored area (issue 26: the lists are scoped on it) is its item's plan's area, or its unit's, however
the warning was written; and the lists scoped on it show each demo user exactly the warnings of the areas they
follow, as the joins through the items said before the area was stored."""
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from plans.models import Unit
from reports.models import Warning
from reports.selectors import warning_list
from reports.services import warnings_raise
from tasks.models import Task

ITEM_AREA = Coalesce(F("task__plan__area"), F("indicator__plan__area"), F("unit__area"))


@pytest.mark.django_db
def test_the_job_stores_each_warnings_area(users):
    warnings_raise(today=datetime.date(2026, 11, 23))
    raised = Warning.objects.annotate(item_area=ITEM_AREA)
    assert raised.count() > 20
    assert raised.filter(kind=Warning.Kind.REPORT_LATE).exists() or raised.filter(unit__isnull=False).exists()
    assert [(w.pk, w.area_id) for w in raised if w.area_id != w.item_area] == []


@pytest.mark.django_db
def test_a_warning_saved_alone_stores_its_area(users):
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    unit = Unit.objects.get(area__slug="dai-phuoc", name="Phòng Văn hóa - Xã hội")
    on_task = Warning.objects.create(kind=Warning.Kind.OVERDUE, task=task, raised_at=timezone.now())
    on_unit = Warning.objects.create(kind=Warning.Kind.REPORT_LATE, unit=unit, period=datetime.date(2026, 10, 1),
                                     period_key="month-2026-10", raised_at=timezone.now())
    assert (on_task.area.slug, on_unit.area.slug) == ("phu-lam", "dai-phuoc")


@pytest.mark.django_db
def test_bulk_written_warnings_get_their_area_filled(users):
    tasks = [Task.objects.filter(plan__area__slug=slug).select_related("plan").first()
             for slug in ("phu-lam", "dai-phuoc", "dong-nai")]
    Warning.objects.filter(task__in=tasks).delete()
    written = Warning.objects.bulk_create([Warning(kind=Warning.Kind.OVERDUE, task=task, raised_at=timezone.now())
                                           for task in tasks])
    assert Warning.objects.filter(area__isnull=True).count() == 3
    assert Warning.objects.fill_areas() == 3
    assert not Warning.objects.filter(area__isnull=True).exists()
    assert [w.area.slug for w in Warning.objects.filter(pk__in=[w.pk for w in written]).order_by("pk")] == [
        "phu-lam", "dai-phuoc", "dong-nai"]


@pytest.mark.django_db
def test_every_demo_users_warnings_are_those_of_the_areas_they_follow(users):
    warnings_raise(today=datetime.date(2026, 11, 23))
    assert Warning.objects.values("area").distinct().count() >= 3  # the province's and its communes'
    for user in get_user_model().objects.filter(is_superuser=False):
        areas = user.area_ids
        joined = Warning.objects.filter(
            Q(task__plan__area__in=areas) | Q(task__plan__area__parent__in=areas)
            | Q(indicator__plan__area__in=areas) | Q(indicator__plan__area__parent__in=areas)
            | Q(unit__area__in=areas) | Q(unit__area__parent__in=areas))
        assert set(warning_list(user, state="")) == set(joined), user.username
