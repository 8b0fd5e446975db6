"""The lock follows the reporting window: after a report's cut-off updates belong to the next period; a change
inside a period already reported needs a reason and is flagged on the next report, task figures and indicator
figures alike."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from indicators.models import Indicator
from indicators.services import indicator_value_report
from plans.models import Area
from reports.documents import report_snapshot_take
from reports.models import LockedPeriodChange, Report
from reports.register import report_draft, report_issue
from tasks.models import Task
from tasks.services import task_progress_report

from .test_as_of import PAST_QUARTER, PAST_YEAR, TODAY
from .test_register import QUARTER, pdf_text, run_jobs

# Each starts from items nobody has reported on and an empty register: the demo's year left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]


def _issue(user, year, number):
    report = report_draft(user=user, area=Area.objects.get(slug="phu-lam"), kind="quarterly", year=year,
                          number=number)
    report_snapshot_take(report.pk)
    report = report_issue(report_id=report.pk, user=user)
    report.jobs.all().delete()
    report.refresh_from_db()
    return report


def _task_update(users, period, reason=""):
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    return task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version,
                                progress=task.progress + 10, period=period, achievements="Cập nhật",
                                difficulties="-", proposals="-", reason=reason)


def _indicator(users):
    indicator = (Indicator.objects.filter(plan__slug="phu-lam-55kh", target_value__isnull=False)
                 .exclude(target_comparator="").order_by("position").first())
    indicator.lead_units.add(*users["phulam-officer"].units.all())
    return indicator


def _indicator_update(users, indicator, period, reason=""):
    indicator.refresh_from_db()
    return indicator_value_report(indicator_id=indicator.pk, user=users["phulam-officer"], version=indicator.version,
                                  period=period, value=indicator.target_value - 1, reason=reason)


def test_updates_after_the_cut_off_belong_to_the_next_period_and_need_no_reason(users):
    report = _issue(users["phulam-leader"], TODAY.year, QUARTER)
    Report.objects.filter(pk=report.pk).update(window_end=TODAY - datetime.timedelta(days=1))  # cut-off yesterday
    _task_update(users, TODAY.replace(day=1))
    _indicator_update(users, _indicator(users), TODAY.replace(day=1))
    assert not LockedPeriodChange.objects.exists()


def test_a_change_inside_a_reported_period_needs_a_reason_and_is_flagged_on_the_next_report(users):
    past = _issue(users["phulam-leader"], PAST_YEAR, PAST_QUARTER)
    inside = (past.window_end.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)  # a month of its window
    assert past.window_start <= inside.replace(day=28) <= past.window_end
    indicator = _indicator(users)
    with pytest.raises(ValidationError) as refused:
        _task_update(users, inside)
    assert "đã khóa vì báo cáo" in str(refused.value.message_dict["reason"])
    with pytest.raises(ValidationError) as refused:
        _indicator_update(users, indicator, inside)
    assert "đã khóa vì báo cáo" in str(refused.value.message_dict["reason"])
    with pytest.raises(ValidationError):  # the indicator's reason is the history's line: 100 characters at most
        _indicator_update(users, indicator, inside, reason="x" * 101)
    _task_update(users, inside, reason="Bổ sung số liệu bị sót")
    _indicator_update(users, indicator, inside, reason="Số liệu thống kê chính thức")
    assert LockedPeriodChange.objects.get().report == past

    following = run_jobs(report_draft(user=users["phulam-leader"], area=Area.objects.get(slug="phu-lam"),
                                      kind="quarterly", year=TODAY.year, number=QUARTER))
    changes = following.snapshot["late_changes"]
    assert [c["reason"] for c in changes] == ["Bổ sung số liệu bị sót", "Số liệu thống kê chính thức"]
    assert {c["report"] for c in changes} == {past.reference}
    text = pdf_text(following.pdf.read())
    assert "Bổ sung số liệu bị sót" in text and "Số liệu thống kê chính thức" in text
