"""What the seeds say, kept: the lost item, the signer's title, the targets' deadline, the cascade to plan 182;
and the DEMO assignment that gives every demo officer work."""
import datetime

import pytest
from django.core.management import call_command

from indicators.models import Indicator
from people.services import DEMO_USERS
from plans.models import Plan
from tasks.models import Task

pytestmark = pytest.mark.django_db


def test_the_paragraph_without_a_dash_is_phu_lams_sixth_item_of_group_3(demo):
    group = Task.objects.filter(plan__slug="phu-lam-11nq", section__number="3.").order_by("position")
    assert group.count() == 10 and Task.objects.filter(plan__slug="phu-lam-11nq").count() == 44
    lost = group[5]
    assert lost.ordinal == "6"
    assert lost.title.startswith("Triển khai hiệu quả chương trình, kế hoạch phát triển kinh tế số - xã hội số; giao "
                                 "người đứng đầu")
    assert lost.title.endswith("dựa trên kết quả phát triển kinh tế số- xã hội số.")  # the page-broken half joined


def test_every_item_of_phu_lams_11nq_plan_carries_out_its_mirror_in_plan_182(demo):
    tasks = Task.objects.filter(plan__slug="phu-lam-11nq").select_related("carries_out__plan", "carries_out__section",
                                                                          "section")
    assert all(t.carries_out and t.carries_out.plan.slug == "dong-nai-182" for t in tasks)
    assert all(t.carries_out.section.number == t.section.number for t in tasks)
    lost = tasks.get(section__number="3.", ordinal="6")
    assert lost.carries_out.ordinal == "e)"
    assert tasks.get(section__number="3.", ordinal="7").carries_out.ordinal == "g)"


def test_dai_phuoc_signer_and_the_deadline_of_its_targets(demo):
    plan = Plan.objects.get(slug="dai-phuoc-2026")
    assert plan.signer_title == "KT. Trưởng ban – Phó Trưởng ban, Phó Chủ tịch UBND xã"
    targets = Indicator.objects.filter(plan=plan)
    assert targets.count() == 44
    assert set(targets.values_list("starts_on", "deadline", "timeline_text")) == {
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), "Đến cuối năm 2026")}


def test_seeds_without_a_lead_unit_stay_empty_and_the_demo_workbook_gives_every_demo_officer_work(users):
    officers = [username for username, role, *_rest in DEMO_USERS if role == "officer"]
    for username in officers:
        units = users[username].unit_ids
        led = Task.objects.filter(lead_units__in=units).count() + Indicator.objects.filter(lead_units__in=units).count()
        assert led > 0, username
    # the demo, not the fixtures, assigned them: its history says so
    task = Task.objects.filter(plan__slug="phu-lam-11nq").first()
    assert task.history.filter(history_change_reason="Phân công mẫu (dữ liệu demo)").exists()
    # Đại Phước's targets too (issue 21: no target without a lead unit raising warnings nobody can act on)
    assert not Indicator.objects.filter(plan__slug="dai-phuoc-2026", lead_units__isnull=True).exists()


def test_load_demo_again_keeps_assignments_made_since(users):
    from plans.assignment import Change, assignment_save

    plan = Plan.objects.get(slug="dai-phuoc-2026")
    target = Indicator.objects.filter(plan=plan).first()
    unit = users["daiphuoc-economic"].units.get()
    assignment_save(plan=plan, user=users["daiphuoc-admin"],
                    changes=[Change(key=f"indicator-{target.pk}", version=target.version, values={"lead_units": [unit.pk]})])
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert list(target.lead_units.all()) == [unit]
