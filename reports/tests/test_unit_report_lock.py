"""A unit's issued report locks its period for the items the unit leads, by the same rule as the commune's own
report: a change inside the period needs a reason and is flagged on the unit's next report (a real Celery worker
drafts and renders; the PDF is read back)."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from indicators.models import Indicator
from indicators.services import indicator_value_report
from plans.models import Area, Unit
from reports.models import LockedPeriodChange
from reports.periods import add_months
from reports.register import locked_reports, report_confirm, report_draft, report_issue
from tasks.models import Task
from tasks.services import task_progress_report

from .test_as_of import _wait_for_jobs
from .test_register import pdf_text

TODAY = timezone.localdate()
LAST_MONTH = add_months(TODAY.replace(day=1), -1)
# An update for the month before last speaks for that month's last day: inside last month's window (15th to 14th).
INSIDE = add_months(TODAY.replace(day=1), -2)


def _update(task, user, period, reason=""):
    task.refresh_from_db()
    return task_progress_report(task_id=task.pk, user=user, version=task.version, progress=task.progress + 5,
                                period=period, achievements="Cập nhật", difficulties="Thiếu kinh phí",
                                proposals="Bổ sung kinh phí", reason=reason)


def _indicator(area, unit):
    """Dân Tiến's plan measures nothing (tasks only): an indicator of its own, led by the unit."""
    plan = Task.objects.filter(plan__area=area).first().plan
    indicator = Indicator.objects.create(plan=plan, position=990, ordinal="99", content="Tỷ lệ hồ sơ trực tuyến",
                                         unit_of_measure="%", target_comparator=">=", target_value=80)
    indicator.lead_units.add(unit)
    return indicator


@pytest.mark.django_db(transaction=True)
def test_a_units_issued_report_locks_its_items_and_flags_late_changes_on_its_next_report(demo, users, celery_worker):
    area = Area.objects.get(slug="dan-tien")
    unit = Unit.objects.get(area=area, name="Phòng Kinh tế")
    officer, head = users["dantien-economic"], users["dantien-truong-kinhte"]
    led = Task.objects.filter(lead_units=unit, plan__area=area).order_by("plan", "position").first()
    # Another unit's item: the Culture-Social office's.
    other = (Task.objects.filter(plan__area=area, lead_units__is_culture_social_office=True).exclude(lead_units=unit)
             .order_by("plan", "position").first())
    assert led and other
    indicator = _indicator(area, unit)

    report = _wait_for_jobs(report_draft(user=officer, area=area, kind="monthly", year=LAST_MONTH.year,
                                         number=LAST_MONTH.month, unit=unit))
    report_confirm(report_id=report.pk, user=head)
    report = _wait_for_jobs(report_issue(report_id=report.pk, user=officer))
    assert report.window_start <= INSIDE.replace(day=28) <= report.window_end

    # The unit's items are locked by its report (the commune has issued none): one rule, the same list.
    assert locked_reports(item=led, period=INSIDE, today=TODAY) == [report]
    assert locked_reports(item=other, period=INSIDE, today=TODAY) == []
    with pytest.raises(ValidationError) as refused:
        _update(led, officer, INSIDE)
    assert f"đã khóa vì báo cáo {report.reference} đã ban hành" in str(refused.value.message_dict["reason"])
    _update(other, users["dantien-officer"], INSIDE)  # no reason asked: the office's item is not the unit's
    assert not LockedPeriodChange.objects.exists()
    _update(led, officer, INSIDE, reason="Bổ sung kết quả tháng bị sót")
    assert LockedPeriodChange.objects.get().report == report

    # An indicator the unit leads: the same lock.
    with pytest.raises(ValidationError):
        indicator_value_report(indicator_id=indicator.pk, user=officer, version=indicator.version, period=INSIDE,
                               value=70)
    indicator_value_report(indicator_id=indicator.pk, user=officer, version=indicator.version, period=INSIDE,
                           value=70, reason="Số liệu thống kê chính thức")

    # Flagged on the unit's next report, and not on the commune's, which had not reported that period.
    following = _wait_for_jobs(report_draft(user=officer, area=area, kind="monthly", year=TODAY.year,
                                            number=TODAY.month, unit=unit))
    changes = following.snapshot["late_changes"]
    assert [c["reason"] for c in changes] == ["Bổ sung kết quả tháng bị sót", "Số liệu thống kê chính thức"]
    assert {c["report"] for c in changes} == {report.reference}
    text = pdf_text(following.pdf.read())
    assert "Bổ sung kết quả tháng bị sót" in text and "Số liệu thống kê chính thức" in text
    commune = _wait_for_jobs(report_draft(user=users["dantien-leader"], area=area, kind="monthly",
                                          year=TODAY.year, number=TODAY.month))
    assert commune.snapshot["late_changes"] == []


@pytest.mark.usefixtures("without_year")
def test_after_the_cut_off_updates_belong_to_the_next_period(users):
    from reports.documents import report_snapshot_take

    area = Area.objects.get(slug="dan-tien")
    unit = Unit.objects.get(area=area, name="Phòng Kinh tế")
    report = report_draft(user=users["dantien-economic"], area=area, kind="monthly", year=LAST_MONTH.year,
                          number=LAST_MONTH.month, unit=unit)
    report_snapshot_take(report.pk)
    report_confirm(report_id=report.pk, user=users["dantien-truong-kinhte"])
    report = report_issue(report_id=report.pk, user=users["dantien-economic"])
    led = Task.objects.filter(lead_units=unit, plan__area=area).order_by("plan", "position").first()
    after = report.window_end + datetime.timedelta(days=1)
    assert locked_reports(item=led, period=after.replace(day=1), today=after) == []
    assert locked_reports(item=led, period=INSIDE, today=TODAY) == [report]
