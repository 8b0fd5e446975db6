"""Indicators are judged like tasks: overdue past their deadline, behind when the latest figure is under
half of what the elapsed time calls for; collective names get no warning."""
import datetime
from decimal import Decimal

import pytest

from indicators.models import Indicator
from plans.models import ItemStatus, Unit
from reports.models import Warning
from reports.services import warnings_raise
from tasks.models import Task

# Workflows from a clean slate: the demo's year of work is left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]
D = datetime.date


def _target(section, ordinal):
    return Indicator.objects.get(plan__slug="dai-phuoc-2026", section__number=section, ordinal=ordinal)


def _open(kind, indicator):
    return Warning.objects.filter(kind=kind, indicator=indicator, closed_at__isnull=True)


def test_a_numeric_target_without_a_figure_is_behind_and_a_qualitative_one_is_not_judged(demo):
    coverage = _target("1.1.", "(1)")      # ≥ 60 % of the population, to the end of 2026
    qualitative = _target("1.3.", "(2)")   # Triển khai
    warnings_raise(today=D(2026, 8, 1))
    assert _open(Warning.Kind.BEHIND_SCHEDULE, coverage).get().details == {"progress": 0, "expected": 58}
    assert not _open(Warning.Kind.BEHIND_SCHEDULE, qualitative).exists()
    assert not _open(Warning.Kind.OVERDUE, coverage).exists()


def test_the_latest_value_against_the_target_is_the_progress(demo):
    coverage = _target("1.1.", "(1)")
    Indicator.objects.filter(pk=coverage.pk).update(current_value=Decimal("50"), is_met=False)  # 83 % of 60
    warnings_raise(today=D(2026, 8, 1))
    assert not _open(Warning.Kind.BEHIND_SCHEDULE, coverage).exists()
    Indicator.objects.filter(pk=coverage.pk).update(current_value=Decimal("15"))  # 25 %: under half of 58 %
    warnings_raise(today=D(2026, 8, 1))
    assert _open(Warning.Kind.BEHIND_SCHEDULE, coverage).get().details == {"progress": 25, "expected": 58}


def test_past_the_deadline_an_unmet_target_is_overdue_and_a_completed_one_is_not(demo):
    open_target, done = _target("1.2.", "(1)"), _target("1.2.", "(2)")
    Indicator.objects.filter(pk=done.pk).update(status=ItemStatus.COMPLETED, is_met=True)
    warnings_raise(today=D(2027, 1, 5))
    assert _open(Warning.Kind.OVERDUE, open_target).get().details["days_overdue"] == 5
    assert not _open(Warning.Kind.OVERDUE, done).exists()


def test_a_collective_name_gets_no_reporting_warning(demo):
    placeholder = Unit.objects.get(area__slug="phu-lam", name="Các cơ quan, đơn vị, phòng ban liên quan")
    police = Unit.objects.get(area__slug="phu-lam", name="Công an xã")
    task = Task.objects.filter(plan__slug="phu-lam-55kh").exclude(status=ItemStatus.COMPLETED).first()
    task.lead_units.set([placeholder, police])
    # Even in an area whose only units are collective names and the police, the report falls to a real unit.
    Unit.objects.filter(area__slug="phu-lam").exclude(pk__in=[placeholder.pk, police.pk]).update(
        is_culture_social_office=False)
    Unit.objects.filter(pk=placeholder.pk).update(is_culture_social_office=True)
    warnings_raise(today=D(2026, 11, 23))
    addressed = set(Warning.objects.filter(kind__in=[Warning.Kind.REPORT_DUE, Warning.Kind.REPORT_LATE],
                                           closed_at__isnull=True, unit__area__slug="phu-lam")
                    .values_list("unit_id", flat=True))
    assert addressed and placeholder.pk not in addressed
    assert not Warning.objects.filter(unit=placeholder).exists()
