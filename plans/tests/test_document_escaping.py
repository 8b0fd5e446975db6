"""Every partial the plan, task and indicator pages lay their rows out with shows hostile text as text: quotes,
tags and `javascript:` links never become markup, attributes or live links."""
import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from indicators.models import Indicator
from plans.models import Area, Plan, Section, Unit
from reports.models import Warning
from tasks.models import Task

HOSTILE = "\"'><script>alert(1)</script><a href=\"javascript:alert(2)\">x</a>"
LINK = "javascript:alert(3)"
ESCAPED = "&quot;&#x27;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;a href=&quot;javascript:alert(2)&quot;&gt;x&lt;/a&gt;"
MOMENT = datetime.datetime(2026, 3, 4, 5, 6, tzinfo=datetime.timezone.utc)


def _safe(html):
    """No tag, attribute or link came from the hostile text."""
    assert "<script>" not in html and "alert(1)</script>" not in html
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", html, re.IGNORECASE)
    assert not re.search(r"""(src|action|formaction)\s*=\s*["']?\s*javascript:""", html, re.IGNORECASE)
    return html


def _warning(kind="overdue"):
    return Warning(kind=kind, raised_at=MOMENT)


def test_indicator_rows_show_hostile_values_as_text():
    row = {"ordinal": HOSTILE, "url": "/indicators/1/", "content": HOSTILE, "unit_of_measure": HOSTILE,
           "target": LINK, "lead": HOSTILE, "status": HOSTILE, "warnings": [_warning()]}
    html = _safe(render_to_string("plans/inc/indicator_rows.html", {"items": [row]}))
    assert html.count(ESCAPED) == 5 and f">{LINK}<" in html
    assert '<a href="/indicators/1/">' in html and '<span class="mark red" title="từ 04/03/2026">' in html


def test_task_rows_show_hostile_values_as_text():
    row = {"ordinal": HOSTILE, "url": "/tasks/1/", "title": HOSTILE, "lead": HOSTILE, "support": HOSTILE,
           "product": LINK, "timeline": HOSTILE, "progress": 40, "warnings": [_warning("stale")]}
    html = _safe(render_to_string("plans/inc/task_rows.html", {"items": [row]}))
    assert html.count(ESCAPED) == 5 and f">{LINK}<" in html
    assert '<progress value="40" max="100" aria-label="Tiến độ">40%</progress>' in html


def test_a_history_row_shows_hostile_values_as_text():
    row = {"date": MOMENT, "who": HOSTILE, "action": HOSTILE, "reason": HOSTILE,
           "changes": [{"field": HOSTILE, "old": LINK, "new": HOSTILE}]}
    html = _safe(render_to_string("plans/inc/history_row.html", {"row": row}))
    assert html.count(ESCAPED) == 5 and f"<del>{LINK}</del>" in html
    assert '<time datetime="2026-03-04T12:06:00+07:00">04/03/2026 12:06</time>' in html


def test_item_changes_show_hostile_values_as_text():
    row = {"date": MOMENT, "who": None, "action": HOSTILE, "reason": HOSTILE, "kind": "Nhiệm vụ", "label": HOSTILE,
           "url": "/tasks/1/"}
    removed = {**row, "label": LINK, "url": None}
    html = _safe(render_to_string("plans/inc/item_history.html", {"item_history": [row, removed]}))
    assert html.count(ESCAPED) == 5 and "<strong>Hệ thống</strong>" in html
    assert f"nhiệm vụ {LINK} — " in html  # a removed item's label is text, not a link


def test_the_chart_and_the_demo_evidence_show_hostile_values_as_text():
    from reports.charts import chart

    svg = _safe(render_to_string("reports/inc/chart.svg", {"chart": chart([1], [HOSTILE], title=LINK)}))
    assert ESCAPED in svg and f"<title>{LINK}</title>" in svg
    html = _safe(render_to_string("plans/demo/evidence.html", {"title": HOSTILE, "lines": [HOSTILE, LINK]}))
    assert html.count(ESCAPED) == 2


@pytest.mark.django_db
def test_the_plan_page_and_its_history_show_hostile_item_text_as_text(client, django_user_model):
    area = Area.objects.create(kind="commune", name=HOSTILE, slug="xa-thu")
    unit = Unit.objects.create(area=area, name=HOSTILE, slug="xa-thu-vh")
    plan = Plan.objects.create(slug="ke-hoach-thu", area=area, issuer="UBND xã", title="Kế hoạch thử",
                               status="draft")
    section = Section.objects.create(plan=plan, number="1.", title=HOSTILE, position=1)
    indicator = Indicator.objects.create(plan=plan, section=section, position=1, ordinal="1", content=HOSTILE,
                                         unit_of_measure=LINK, target_text=HOSTILE)
    indicator.lead_units.add(unit)
    task = Task.objects.create(plan=plan, section=section, position=1, ordinal="1", title=HOSTILE, product=LINK,
                               timeline_text=HOSTILE)
    task.lead_units.add(unit)
    task.title = LINK
    task._change_reason = HOSTILE
    task.save()
    Warning.objects.create(kind="overdue", task=task, raised_at=timezone.now())
    user = django_user_model.objects.create_user("doc-reader", password="x", role="leader")
    user.units.add(unit)
    client.force_login(user)
    html = _safe(client.get(f"/plans/{plan.slug}/").content.decode())
    assert ESCAPED in html and f">{LINK}</a>" in html and '<span class="mark red"' in html
    html = _safe(client.get(f"/tasks/{task.pk}/").content.decode())
    assert f"<ins>{LINK}</ins>" in html and f" — {ESCAPED}" in html


@pytest.mark.django_db
def test_the_admins_appendix_links_name_the_plan_by_its_url(admin_client):
    from plans.admin import PlanAdmin

    area = Area.objects.create(kind="commune", name="Xã thử", slug="xa-thu")
    plan = Plan.objects.create(slug="ke-hoach-thu", area=area, issuer=HOSTILE, title=HOSTILE, status="draft")
    html = _safe(PlanAdmin(Plan, None).appendices(plan))
    assert '<a href="/plans/ke-hoach-thu/appendix/' in html or 'href="/plans/ke-hoach-thu/' in html
    assert _safe(admin_client.get(f"/admin/plans/plan/{plan.pk}/change/").content.decode()).count("Tải Phụ lục II") == 1
