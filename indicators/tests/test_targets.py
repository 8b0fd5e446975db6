from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from indicators.models import Comparator, Direction, Indicator
from indicators.services import indicator_direction_set, indicator_value_report
from indicators.targets import parse_target, target_is_met
from tests import files

MONTH = timezone.localdate().replace(day=1)


@pytest.mark.parametrize("raw, measured, met", [
    ("95", 98, True), ("95", 95, True), ("95%", 94, False), ("20", 21, True), ("4", 3, False),
    ("06 - 10", 6, True), ("06 - 10", 12, True), ("06 - 10", 5, False),
    ("≤ 4", 3, True), ("≤ 4", 5, False), ("tối đa 5 ngày", 5, True), ("tối đa 5 ngày", 6, False),
])
def test_bare_numbers_and_ranges_are_floors_where_more_is_better(raw, measured, met):
    target = parse_target(raw)
    assert target_is_met(comparator=target.comparator, value=target.value, upper=target.upper,
                         measured=Decimal(measured), direction=target.direction) is met


def test_worded_ceiling_is_read_as_at_most_and_lower_is_better():
    target = parse_target("tối đa 5 ngày")
    assert (target.comparator, target.value, target.unit, target.direction) == (
        Comparator.AT_MOST, Decimal(5), "ngày", Direction.LOWER)


@pytest.mark.parametrize("raw, measured, met", [("95", 98, False), ("95", 95, True), ("06 - 10", 10, True),
                                                ("06 - 10", 11, False)])
def test_where_less_is_better_a_bare_number_or_range_is_a_ceiling(raw, measured, met):
    target = parse_target(raw)
    assert target_is_met(comparator=target.comparator, value=target.value, upper=target.upper,
                         measured=Decimal(measured), direction=Direction.LOWER) is met


@pytest.mark.django_db
def test_98_against_95_is_met_when_reported(users):
    indicator = Indicator.objects.get(plan__slug="dai-phuoc-2026", ordinal="(7)", section__number="1.5.")
    assert indicator.target_text == "95%" and indicator.direction == Direction.HIGHER
    indicator_value_report(indicator_id=indicator.pk, user=users["admin"], version=indicator.version, period=MONTH,
                           value=98, uploads=[(files.upload("bc.pdf", files.pdf_bytes()), "Báo cáo")])
    indicator.refresh_from_db()
    assert indicator.is_met is True


@pytest.mark.django_db
def test_direction_is_editable_by_area_admins_and_rejudges_the_latest_figure(users):
    indicator = Indicator.objects.get(plan__slug="dai-phuoc-2026", ordinal="(7)", section__number="1.5.")
    indicator_value_report(indicator_id=indicator.pk, user=users["admin"], version=indicator.version, period=MONTH,
                           value=98, uploads=[(files.upload("bc.pdf", files.pdf_bytes()), "Báo cáo")])
    indicator.refresh_from_db()
    with pytest.raises(PermissionDenied):
        indicator_direction_set(indicator_id=indicator.pk, user=users["phulam-admin"], version=indicator.version,
                                direction=Direction.LOWER)
    indicator_direction_set(indicator_id=indicator.pk, user=users["daiphuoc-admin"], version=indicator.version,
                            direction=Direction.LOWER)
    indicator.refresh_from_db()
    assert indicator.direction == Direction.LOWER and indicator.is_met is False
    assert indicator.history.first().history_user == users["daiphuoc-admin"]
