"""The units a plan's items, imports and reporting rules may name: one rule (`plans.units.area_units`)."""
from plans.forms import TaskForm
from plans.models import Area, Plan, Unit
from plans.units import area_units


def _key(unit, area):
    return (unit.area_id != area.pk, unit.is_placeholder, unit.name)


def test_a_communes_units_come_first_then_its_provinces_offices_then_collective_names(demo):
    commune = Area.objects.exclude(parent=None).filter(units__is_placeholder=True).distinct().first() \
        or Area.objects.exclude(parent=None).first()
    units = list(area_units(commune))
    assert {unit.pk for unit in units} == set(
        Unit.objects.filter(area__in=[commune.pk, commune.parent_id]).values_list("pk", flat=True))
    assert {unit.area_id for unit in units} == {commune.pk, commune.parent_id}
    assert [_key(unit, commune) for unit in units] == sorted(_key(unit, commune) for unit in units)


def test_a_province_names_only_its_own_units(demo):
    province = Area.objects.filter(kind=Area.Kind.PROVINCE, units__isnull=False).first()
    assert {unit.area_id for unit in area_units(province)} == {province.pk}


def test_the_item_form_offers_exactly_those_units_in_that_order(demo):
    plan = Plan.objects.select_related("area").exclude(area__parent=None).first()
    form = TaskForm(plan=plan)
    assert list(form.fields["lead_units"].queryset) == list(area_units(plan.area))
