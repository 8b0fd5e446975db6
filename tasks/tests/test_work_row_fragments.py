"""My work's rows are kept in the fragments cache under a digest of what they show: a row whose item, plan,
warnings or language change is laid out again, and the action's link always carries this visit's query."""
import datetime
import re

import pytest
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.utils import timezone

from plans.models import Area, Plan, Section, Unit
from reports.models import Warning
from tasks.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(django_user_model):
    area = Area.objects.create(kind="commune", name="Xã Mẫu", slug="xa-mau")
    unit = Unit.objects.create(area=area, name="Phòng VH-XH", slug="xa-mau-vhxh")
    plan = Plan.objects.create(slug="xa-mau-plan", area=area, issuer="UBND", number="7", symbol="KH-UBND",
                               title="Kế hoạch mẫu", status="draft")
    section = Section.objects.create(plan=plan, number="I.", title="Nhóm", position=1)
    task = Task.objects.create(plan=plan, section=section, position=1, ordinal="1", title="Nhiệm vụ cũ",
                               timeline_text="Năm 2026", starts_on=datetime.date(2026, 1, 1),
                               ends_on=datetime.date(2026, 12, 31), progress=10)
    task.lead_units.set([unit])
    person = django_user_model.objects.create_user("xa-mau-officer", password="x", role="officer")
    person.units.set([unit])
    return person, task


def _row(client, **query):
    html = client.get("/tasks/my-work/", query).content.decode()
    return re.search(r'<tbody id="work-task-\d+".*?</tbody>', html, re.S).group(0)


def test_a_changed_row_is_laid_out_again(client, officer):
    person, task = officer
    client.force_login(person)
    first = _row(client)
    assert "Nhiệm vụ cũ" in first and 'value="10"' in first and 'class="mark' not in first
    row = client.get("/tasks/my-work/").context["page"].object_list[0]
    assert caches["fragments"].get(make_template_fragment_key("work_row", [row.fragment_key, "vi"])) in first
    Task.objects.filter(pk=task.pk).update(title="Nhiệm vụ mới", progress=35)
    changed = _row(client)
    assert "Nhiệm vụ mới" in changed and 'value="35"' in changed and "Nhiệm vụ cũ" not in changed
    Plan.objects.filter(pk=task.plan_id).update(number="8")
    assert "8/KH-UBND" in _row(client)
    Area.objects.filter(slug="xa-mau").update(name="Xã Đổi Tên")
    assert "Xã Đổi Tên" in _row(client)
    Warning.objects.create(kind="overdue", task=task, raised_at=timezone.now())
    assert 'class="mark red"' in _row(client)
    client.cookies["django_language"] = "en"
    assert "Lead" in _row(client) and "Chủ trì" not in _row(client)


def test_the_update_link_carries_each_visit(client, officer):
    person, _task = officer
    client.force_login(person)
    links = {re.search(r'class="button small update" href="([^"]+)"', _row(client, visit=str(stamp))).group(1)
             for stamp in (round(timezone.now().timestamp() * 1000) - 5000, round(timezone.now().timestamp() * 1000))}
    assert len(links) == 2 and all("back=" in link for link in links)
