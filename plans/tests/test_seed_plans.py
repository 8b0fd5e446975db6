"""The five seed documents, loaded as data, say what the documents say."""
import json

import pytest
from django.core.management import call_command

from indicators.models import Comparator, Indicator
from plans.models import Area, Plan
from tasks.models import Task, TimelineKind

pytestmark = pytest.mark.django_db


def test_province_plan_has_seven_groups_with_lettered_items(demo):
    plan = Plan.objects.get(slug="dong-nai-182")
    groups = plan.sections.filter(parent__isnull=False).order_by("position")
    assert [s.number for s in groups] == ["1.", "2.", "3.", "4.", "5.", "6.", "7."]
    assert list(groups[0].tasks.values_list("ordinal", flat=True)) == ["a)", "b)", "c)", "d)", "đ)", "e)", "g)"]
    assert plan.reference == "182/KH-UBND" and plan.replaces.reference == "92/KH-UBND"


def test_phu_lam_appendices_have_25_indicators_and_21_tasks_in_5_groups(demo):
    plan = Plan.objects.get(slug="phu-lam-55kh")
    assert plan.indicators.count() == 25
    assert plan.tasks.count() == 26 and plan.tasks.filter(parent__isnull=True).count() == 21  # row 15's 5 sub-items
    assert plan.sections.filter(appendix="II").count() == 5
    continued = plan.tasks.get(ordinal="5")
    assert continued.title.endswith("tích hợp về kho dữ liệu dùng chung")  # row cut by a page break
    pii = plan.indicators.get(ordinal="16")
    assert pii.is_qualitative and pii.target_text == "Xếp hạng ở nhóm 60 xã dẫn đầu"
    e_citizens = plan.indicators.get(ordinal="15")
    assert (e_citizens.target_comparator, e_citizens.target_value) == (Comparator.AT_LEAST, 80)


def test_multi_unit_cells_name_several_units(demo):
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="1")
    assert {u.name for u in task.support_units.all()} == {
        "Sở Văn hóa, Thể thao và Du lịch", "Trung tâm dịch vụ tổng hợp", "Các cơ quan, đơn vị, phòng ban liên quan"}
    indicator = Indicator.objects.get(plan__slug="phu-lam-55kh", ordinal="2")
    assert {u.name for u in indicator.lead_units.all()} == {"Văn phòng HĐND & UBND xã", "Phòng Văn hóa - Xã hội"}


def test_aliases_resolve_province_and_commune_units(demo):
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    assert {(u.area.slug, u.name) for u in task.lead_units.all()} == {
        ("dong-nai", "Sở Khoa học và Công nghệ"), ("phu-lam", "Phòng Văn hóa - Xã hội")}


def test_timelines_of_the_seed_are_typed(demo):
    tasks = Task.objects.filter(plan__slug="phu-lam-55kh")
    assert tasks.get(ordinal="1").timeline_kind == TimelineKind.CONTINUOUS
    assert tasks.get(ordinal="12").timeline_kind == TimelineKind.ANNUAL
    assert tasks.get(ordinal="17").ends_on.year == 2045


def test_dai_phuoc_has_44_targets_in_5_groups(demo):
    plan = Plan.objects.get(slug="dai-phuoc-2026")
    counts = [s.indicators.count() for s in plan.sections.order_by("position") if s.indicators.exists()]
    assert counts == [2, 6, 5, 5, 26]


def test_dan_tien_belongs_to_a_province_its_seed_does_not_name(demo):
    from plans.demo import DEMO_PROVINCE_NAME
    from plans.management.commands.load_demo import SEED_DIR

    plan = Plan.objects.get(slug="dan-tien-71nq")
    province = plan.area.parent
    seed = json.loads((SEED_DIR / "organisation.json").read_text(encoding="utf-8"))
    assert [a["name"] for a in seed["areas"] if a["slug"] == province.slug] == [""]
    # the demo names it plainly as demo data, so its communes' reports have somewhere to go
    assert province.kind == Area.Kind.PROVINCE and province.name == DEMO_PROVINCE_NAME
    assert province.slug != "dong-nai"
    assert {d.reference for d in plan.legal_basis.all()} >= {"219/KH-UBND"}
    assert {d.reference for d in plan.implements.all()} == {"71/NQ-CP", "15-KH/TU"}


def test_each_commune_plan_names_what_it_implements(demo):
    assert Plan.objects.get(slug="phu-lam-11nq").implements_plan.slug == "dong-nai-182"
    for plan in Plan.objects.filter(area__kind="commune"):
        assert plan.implements_plan or plan.implements.exists(), plan.slug


def test_load_demo_twice_duplicates_nothing_and_writes_no_history(demo):
    counts = lambda: (Plan.objects.count(), Task.objects.count(), Indicator.objects.count(),  # noqa: E731
                      Task.history.count(), Indicator.history.count(), Plan.history.count())
    before = counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts() == before
