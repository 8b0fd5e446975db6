"""Each row and list partial, rendered with hostile text in every field people type, shows that text as text: no
tag, no attribute of its own, no link it chose."""
import datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from evidence.models import Evidence
from indicators.models import Indicator
from people.models import User
from plans.models import Area, Plan
from reports.models import Warning
from tasks.models import Comment, ProgressUpdate, Task
from tasks.rows import work_rows_shown
from tasks.selectors import WorkRow

HOSTILE = "\"'><script>alert(1)</script><img src=x onerror=alert(2)> \"onmouseover=alert(3) x='"
JAVASCRIPT = "javascript:alert(4)"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
LINKS = ("href", "src", "action", "hx-get", "hx-post", "formaction")


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _assert_inert(html):
    """Only the partial's own tags and attributes, every link a path of the portal, the hostile text escaped."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ("script", "img", "iframe"), html
        for name, value in attrs:
            assert not name.startswith("on") and name != "x", (tag, name, html)
            if name in LINKS:
                assert value.startswith(("/", "?", "#")) and "javascript" not in value, (tag, name, value)
    assert ESCAPED in html


def _person():
    return User(pk=10**6, username=HOSTILE, first_name=HOSTILE, last_name=JAVASCRIPT, role="officer")


def _plan():
    area = Area(pk=10**6, kind="commune", name=HOSTILE, slug="x")
    return Plan(pk=10**6, area=area, number=JAVASCRIPT, symbol=HOSTILE, title=f"{HOSTILE} {JAVASCRIPT}", slug="x")


def _warnings():
    now = timezone.now()
    return [Warning(kind="overdue", raised_at=now), Warning(kind=HOSTILE, raised_at=now)]


def _row(kind, item, *, may_report=True):
    item.open_warnings = _warnings()
    row = WorkRow(pk=item.pk, kind=kind, is_lead=True, may_report=may_report, progress=40, expected=60,
                  deadline=datetime.date(2026, 1, 1), days_left=-3, overdue=True, behind=True,
                  last_update=timezone.now(), evidence_status="rejected", item=item)
    return work_rows_shown([row])[0]


@pytest.mark.parametrize("kind", ["task", "indicator"])
def test_my_work_row(kind):
    plan = _plan()
    if kind == "task":
        item = Task(pk=10**6, plan=plan, ordinal=HOSTILE, title=f"{JAVASCRIPT} {HOSTILE}", status=HOSTILE, progress=40)
    else:
        item = Indicator(pk=10**6, plan=plan, ordinal=HOSTILE, content=f"{JAVASCRIPT} {HOSTILE}", status=HOSTILE,
                         target_text=HOSTILE, current_value=Decimal("1.5"))
    html = render_to_string("tasks/inc/work_rows.html", {"rows": [_row(kind, item)]})
    _assert_inert(html)
    assert 'class="mark red"' in html and "&lt;img" in html


def test_task_page_lists():
    author, now = _person(), timezone.now()
    updates = [ProgressUpdate(author=author, created_at=now, period=datetime.date(2026, 1, 1), progress_before=0,
                              progress_after=50, achievements=f"{HOSTILE}\n{JAVASCRIPT}", difficulties=HOSTILE,
                              proposals=HOSTILE, reason=HOSTILE)]
    html = render_to_string("tasks/inc/update_list.html", {"updates": updates})
    _assert_inert(html)
    assert html.count(ESCAPED) == 5  # the author's name, the achievements, the three texts
    html = render_to_string("tasks/inc/comment_list.html", {"comments": [
        Comment(author=author, created_at=now, body=f"{HOSTILE} {JAVASCRIPT}")]})
    _assert_inert(html)


def test_evidence_list():
    person, now = _person(), timezone.now()
    evidence = [Evidence(pk=10**6, original_name=f"{HOSTILE}.pdf", kind=HOSTILE, size=2048, description=HOSTILE,
                         uploaded_by=person, uploaded_at=now, status=Evidence.Status.REJECTED, reviewed_by=person,
                         reviewed_at=now, rejection_reason=HOSTILE, review_note=f"{JAVASCRIPT} {HOSTILE}")]
    html = render_to_string("inc/evidence_list.html", {"evidence_rows": evidence})
    _assert_inert(html)
    assert 'href="/evidence/1000000/download/"' in html


def test_warning_marks():
    html = render_to_string("inc/warning_marks.html", {"warnings": _warnings()})
    _assert_inert(html)


def test_header():
    user = _person()
    user.unread_count = 2  # what people.auth reads with the user: no query
    request = RequestFactory().get("/tasks/my-work/", {"q": HOSTILE, "next": JAVASCRIPT})
    request.user = user
    html = render_to_string("inc/topbar.html", {"csrf_token": HOSTILE}, request=request)
    _assert_inert(html)
    assert 'id="unread-count">2<' in html


def test_helpers_give_text_not_markup():
    row = _row("task", Task(pk=10**6, plan=_plan(), ordinal="1", title=HOSTILE, status="not_started", progress=0))
    assert row.title == HOSTILE and row.plan_title.startswith(HOSTILE[:10]) and not hasattr(row.title, "__html__")
    assert row.url == "/tasks/1000000/" and row.report_url == "/tasks/1000000/report/"
    assert _row("task", row.item, may_report=False).report_url == ""
