"""Work that runs all year ("thường xuyên", "hằng năm", no end date) owes an update every month: after the month's
update day (the 25th) without one, it raises "chưa cập nhật", until the update arrives."""
import datetime

import pytest
from django.utils import timezone

from indicators.models import Indicator, IndicatorReport
from indicators.services import indicator_value_report
from people.models import Notification
from plans.models import ItemStatus, Plan, Section, Unit
from reports.models import Warning
from reports.services import warning_digest_send, warnings_raise
from tasks.models import ProgressUpdate, Task, TimelineKind
from tasks.services import task_progress_report

D = datetime.date
TODAY = D(2026, 11, 23)  # before the 25th: October is the last month whose update day has passed
NOT_UPDATED = Warning.Kind.NOT_UPDATED


def _items(author):
    """Tasks of Phú Lâm's 55-KH (issued in April 2026), each with the last month it was updated for."""
    plan = Plan.objects.get(slug="phu-lam-55kh")
    section = Section.objects.create(plan=plan, number="VII.", title="Nhóm thử cập nhật hằng tháng", position=98)
    unit = Unit.objects.get(area__slug="phu-lam", name="Phòng Văn hóa - Xã hội")
    whole_year = dict(starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31))
    specs = {
        "continuous_updated": (dict(timeline_kind=TimelineKind.CONTINUOUS, **whole_year), D(2026, 10, 1)),
        "continuous_silent": (dict(timeline_kind=TimelineKind.CONTINUOUS, **whole_year), D(2026, 9, 1)),
        "annual_never": (dict(timeline_kind=TimelineKind.ANNUAL, **whole_year), None),
        "no_end_updated_later": (dict(starts_on=None, ends_on=None), D(2026, 11, 1)),
        "continuous_completed": (dict(timeline_kind=TimelineKind.CONTINUOUS, status=ItemStatus.COMPLETED,
                                      progress=100, **whole_year), None),
        "no_end_starting_later": (dict(starts_on=D(2027, 1, 1), ends_on=None), None),
        "one_off": (dict(starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31)), None),
    }
    tasks = {}
    for position, (name, (values, updated)) in enumerate(specs.items(), start=950):
        task = Task.objects.create(plan=plan, section=section, position=position, ordinal=str(position), title=name,
                                   timeline_text="thử", **{"progress": 60, **values})
        task.lead_units.set([unit])
        if updated:
            ProgressUpdate.objects.create(task=task, author=author, period=updated, progress_before=50,
                                          progress_after=60, achievements="Đã làm")
        tasks[name] = task
    return tasks


def _open(**item):
    return Warning.objects.filter(kind=NOT_UPDATED, closed_at__isnull=True, **item)


def _warned(tasks):
    names = {task.pk: name for name, task in tasks.items()}
    return {names[w.task_id] for w in _open(task__in=tasks.values())}


@pytest.mark.worker
def test_the_job_on_a_real_worker_warns_the_all_year_work_not_updated_last_month(demo, celery_worker):
    from reports.jobs import raise_warnings

    officer = Unit.objects.get(area__slug="phu-lam", name="Phòng Văn hóa - Xã hội").members.filter(
        role="officer").first()
    tasks = _items(officer)
    summary = raise_warnings.delay(TODAY.isoformat()).get(timeout=60)
    assert summary["raised"] > 0
    assert _warned(tasks) == {"continuous_silent", "annual_never"}
    silent = _open(task=tasks["continuous_silent"]).get()
    assert silent.period == D(2026, 10, 1)
    assert silent.details == {"month": "2026-10-01", "last_update": "2026-09-01"}
    assert _open(task=tasks["annual_never"]).get().details["last_update"] is None

    # The update arrives (for November, a later month counts too): the next run closes the warning.
    ProgressUpdate.objects.create(task=tasks["continuous_silent"], author=officer, period=D(2026, 11, 1),
                                  progress_before=60, progress_after=70, achievements="Đã làm")
    again = raise_warnings.delay(TODAY.isoformat()).get(timeout=60)
    assert again["raised"] == 0 and again["closed"] >= 1
    assert _warned(tasks) == {"annual_never"}
    assert Warning.objects.get(kind=NOT_UPDATED, task=tasks["continuous_silent"]).closed_at is not None


@pytest.mark.django_db
def test_months_are_owed_after_the_plan_was_issued_and_after_the_month_s_update_day(users, without_year):
    tasks = _items(users["phulam-officer"])
    warnings_raise(today=D(2026, 5, 20))  # April is the last month past its 25th; the plan was issued in April
    assert _warned(tasks) == set()
    warnings_raise(today=D(2026, 5, 25))  # May's update is due by the 25th, inclusive
    assert _warned(tasks) == set()
    warnings_raise(today=D(2026, 5, 26))
    # May: every item updated for May or a later month is spared; work starting in 2027 owes nothing yet.
    assert _warned(tasks) == {"annual_never"}
    assert _open(task=tasks["annual_never"]).get().period == D(2026, 5, 1)


@pytest.mark.django_db
def test_a_plan_without_a_year_of_issue_owes_nothing_yet(users, without_year):
    tasks = _items(users["phulam-officer"])
    Plan.objects.filter(slug="phu-lam-55kh").update(issued_year=None, issued_month=None, issued_day=None)
    warnings_raise(today=TODAY)
    assert _warned(tasks) == set()


@pytest.mark.django_db
def test_the_warning_stays_open_from_the_first_month_missed_and_closes_as_the_update_is_saved(users, without_year):
    tasks = _items(users["phulam-officer"])
    warnings_raise(today=TODAY)
    warnings_raise(today=D(2026, 12, 1))  # November missed as well: the same warning, still from October
    silent = _open(task=tasks["continuous_silent"]).get()
    assert silent.period == D(2026, 10, 1)
    assert Warning.objects.filter(kind=NOT_UPDATED, task=tasks["continuous_silent"]).count() == 1

    task = tasks["continuous_silent"]
    task.refresh_from_db()
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=70,
                         period=timezone.localdate().replace(day=1), achievements="Đã làm trong tháng",
                         difficulties="-", proposals="-")
    assert not _open(task=task).exists()  # closed at once, not at the next run
    assert Warning.objects.get(kind=NOT_UPDATED, task=task).closed_at is not None


@pytest.mark.django_db
def test_an_indicator_without_a_deadline_owes_its_monthly_figure(users, without_year):
    indicator = Indicator.objects.filter(plan__slug="phu-lam-55kh", deadline__isnull=True,
                                         lead_units__isnull=False).exclude(status=ItemStatus.COMPLETED).first()
    dated = Indicator.objects.filter(plan__slug="dai-phuoc-2026", deadline__isnull=False).first()
    warnings_raise(today=TODAY)
    assert _open(indicator=indicator).get().details == {"month": "2026-10-01", "last_update": None}
    assert not _open(indicator=dated).exists()

    IndicatorReport.objects.create(indicator=indicator, author=users["phulam-officer"], period=D(2026, 10, 1),
                                   value=1, description="Số liệu tháng 10")
    warnings_raise(today=TODAY)
    assert not _open(indicator=indicator).exists()


@pytest.mark.django_db
def test_an_indicator_report_closes_the_warning_when_it_is_saved(users, without_year):
    indicator = Indicator.objects.filter(plan__slug="phu-lam-55kh", deadline__isnull=True,
                                         target_comparator__in=[">=", ">"], target_value__gt=1).first()
    indicator.lead_units.set(users["phulam-officer"].units.all())
    warnings_raise(today=TODAY)
    assert _open(indicator=indicator).exists()
    indicator_value_report(indicator_id=indicator.pk, user=users["phulam-officer"], version=indicator.version,
                           period=timezone.localdate().replace(day=1), value=1, description="Số liệu")
    assert not _open(indicator=indicator).exists()


@pytest.mark.django_db
def test_an_annual_task_past_its_last_year_is_overdue(users, without_year):
    tasks = _items(users["phulam-officer"])
    warnings_raise(today=D(2027, 1, 10))
    overdue = Warning.objects.filter(kind=Warning.Kind.OVERDUE, closed_at__isnull=True, task__in=tasks.values())
    assert {w.task.title for w in overdue} == {"annual_never", "one_off"}  # continuous work never ends


@pytest.mark.django_db
def test_the_bell_and_the_digest_name_the_kind_and_its_month(users, without_year, mailoutbox):
    warnings_raise(today=TODAY)  # what the seeds raise is announced first
    tasks = _items(users["phulam-officer"])
    Notification.objects.all().delete()
    assert warnings_raise(today=TODAY)["raised"] == 2
    (message,) = Notification.objects.filter(recipient=users["phulam-officer"]).values_list("message", flat=True)
    assert message.startswith("2 cảnh báo mới: Chưa cập nhật – ") and "continuous_silent" in message

    users["phulam-officer"].email = "phulam-officer@example.test"
    users["phulam-officer"].save()
    assert warning_digest_send() >= 1
    (mail,) = [m for m in mailoutbox if m.to == ["phulam-officer@example.test"]]
    assert f"- Chưa cập nhật từ tháng 10/2026: {tasks['continuous_silent']} " in mail.body


@pytest.mark.django_db
def test_the_warnings_page_shows_the_kind_its_month_and_filters_by_it(client, users, without_year):
    tasks = _items(users["phulam-officer"])
    warnings_raise(today=TODAY)
    client.force_login(users["phulam-officer"])
    response = client.get("/reports/warnings/?kind=not_updated&plan=phu-lam-55kh")
    page = response.context["page"]
    assert page.paginator.count and all(w.kind == NOT_UPDATED for w in page.paginator.object_list)
    html = response.content.decode()
    assert '<option value="not_updated" selected>Chưa cập nhật</option>' in html
    assert "từ tháng 10/2026" in html
    assert page.paginator.count <= 50 and tasks["continuous_silent"].get_absolute_url() in html


@pytest.mark.django_db
def test_my_work_shows_all_year_work_as_updated_monthly_and_annual_work_due_at_the_year_s_end(
        client, users, without_year):
    tasks = _items(users["phulam-officer"])
    client.force_login(users["phulam-officer"])
    rows = {row.pk: row for row in client.get("/tasks/my-work/?plan=phu-lam-55kh").context["page"].paginator.object_list}
    today = timezone.localdate()
    assert rows[tasks["annual_never"].pk].deadline == D(today.year, 12, 31)
    assert rows[tasks["continuous_silent"].pk].deadline is None
    assert rows[tasks["no_end_updated_later"].pk].deadline is None and rows[tasks["one_off"].pk].deadline
    html = client.get("/tasks/my-work/?plan=phu-lam-55kh&q=continuous_silent").content.decode()
    assert "Cập nhật hằng tháng" in html and "Chưa có lộ trình" not in html
    detail = client.get(tasks["no_end_updated_later"].get_absolute_url()).content.decode()
    assert "Cập nhật hằng tháng" in detail
