"""Issue 25, point 4: "Cập nhật nhiều mục", the month's figures of many items in one table, through the real view.

Each row is saved by the single forms' services (tasks.services.task_progress_report,
indicators.services.indicator_value_report): the same rules, locks and history; one row's refusal loses no other.
"""
import datetime

import pytest
from django.utils import timezone

from indicators.models import Indicator, IndicatorReport
from plans.models import Area
from reports.models import LockedPeriodChange
from tasks.models import ProgressUpdate, Task
from tasks.schedule import task_expected_progress
from tasks.selectors import desk_rows
from tests.query_counts import exact_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]

URL = "/tasks/my-work/desk/"


def _own_tasks(user):
    rows = desk_rows(user, kind="task", today=timezone.localdate())
    return list(Task.objects.filter(pk__in=[row.pk for row in rows]).order_by("pk"))


def _row(task, **fields):
    """A row as the table posts it: the version it was read at, the figure and words typed."""
    data = {f"task-{task.pk}-version": task.version, f"task-{task.pk}-progress": task.progress}
    data.update({f"task-{task.pk}-{name}": value for name, value in fields.items()})
    return data


def _tag(html, task):
    """The opening tag of the task's row: its classes say saved or refused."""
    return html.split(f'id="desk-task-{task.pk}"')[1].split(">")[0]


def _post(client, *rows, period=None, kind="tasks"):
    data = {"period": period or timezone.localdate().strftime("%Y-%m")}
    for row in rows:
        data.update(row)
    return client.post(f"{URL}?kind={kind}", data)


def _on_schedule(task):
    """A figure a plain update may give (on the schedule, under 100%)."""
    expected = task_expected_progress(task, timezone.localdate()) or 0
    return min(95, max(task.progress + 5, -(-expected // 5) * 5))


def _plain(tasks):
    """Tasks a plain update fits: the schedule is under 95% today."""
    return [task for task in tasks if (task_expected_progress(task, timezone.localdate()) or 0) <= 95]


def test_the_table_lists_the_officers_own_items_and_my_work_links_to_it(client, users):
    officer = users["phulam-officer"]
    client.force_login(officer)
    my_work = client.get("/tasks/my-work/").content.decode()
    assert f'href="{URL}?kind=tasks' in my_work and "Cập nhật nhiều mục cùng lúc" in my_work
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    own = _own_tasks(officer)
    assert own
    for task in own[:40]:
        assert f'id="desk-task-{task.pk}"' in html
    # Support-only tasks are read, not reported: no row for them.
    supported = Task.objects.filter(support_units__in=officer.unit_ids).exclude(lead_units__in=officer.unit_ids)
    assert supported.exists()
    assert not any(f'id="desk-task-{task.pk}"' in html for task in supported)


def test_rows_are_saved_each_on_its_own_with_history(client, users):
    officer = users["phulam-officer"]
    client.force_login(officer)
    first, second, third = _plain(_own_tasks(officer))[:3]
    figures = {task.pk: _on_schedule(task) for task in (first, second, third)}
    response = _post(client,
                     _row(first, progress=figures[first.pk], achievements="Đã tổ chức hội nghị triển khai"),
                     _row(second, progress=figures[second.pk], achievements=""),  # refused: no achievements
                     _row(third, progress=figures[third.pk], achievements="Đã ban hành kế hoạch"))
    assert response.status_code == 400
    html = response.content.decode()
    for task in (first, second, third):
        task.refresh_from_db()
    assert first.progress == figures[first.pk] and third.progress == figures[third.pk]
    assert second.progress == 0 and not second.updates.exists()
    update = first.updates.get()
    assert update.author == officer and update.achievements == "Đã tổ chức hội nghị triển khai"
    assert first.history.first().history_user == officer  # the same history as the single form
    assert "Đã lưu 2 mục." in html and "1 mục chưa lưu được" in html
    row = html.split(f'id="desk-task-{second.pk}"')[1].split("</tbody>")[0]
    assert "refused" in _tag(html, second) and "saved" in _tag(html, first) and "saved" in _tag(html, third)
    assert "Hãy nêu kết quả đã thực hiện trong kỳ." in row  # the service's own words, on the row
    assert f'value="{figures[second.pk]}"' in row  # what was typed is kept
    assert "✓ Đã lưu" in html.split(f'id="desk-task-{first.pk}"')[1].split("</tbody>")[0]


def test_untouched_rows_are_not_saved(client, users):
    officer = users["phulam-officer"]
    client.force_login(officer)
    task = _own_tasks(officer)[0]
    response = _post(client, _row(task))
    assert response.status_code == 200
    assert "Chưa có dòng nào thay đổi" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_behind_schedule_asks_for_difficulties_as_the_single_form(client, users):
    officer = users["phulam-officer"]
    client.force_login(officer)
    task = next(task for task in _own_tasks(officer) if (task_expected_progress(task, timezone.localdate()) or 0) > 10)
    response = _post(client, _row(task, progress=5, achievements="Đã khảo sát"))
    assert response.status_code == 400
    assert "hãy nêu khó khăn" in response.content.decode()
    assert not task.updates.exists()
    response = _post(client, _row(task, progress=5, achievements="Đã khảo sát", difficulties="Thiếu kinh phí",
                                  proposals="Bổ sung kinh phí"))
    assert response.status_code == 200
    assert task.updates.get().difficulties == "Thiếu kinh phí"


def test_a_locked_period_asks_for_a_reason(client, users):
    from reports.documents import report_snapshot_take
    from reports.register import report_draft, report_issue

    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    year, number = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    past = report_draft(user=users["phulam-leader"], area=Area.objects.get(slug="phu-lam"), kind="quarterly",
                        year=year, number=number)
    report_snapshot_take(past.pk)
    past = report_issue(report_id=past.pk, user=users["phulam-leader"])
    inside = (past.window_end.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)  # a month it reported
    officer = users["phulam-officer"]
    client.force_login(officer)
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    row = _row(task, progress=10, achievements="Bổ sung số liệu", difficulties="-", proposals="-")
    response = _post(client, row, period=inside.strftime("%Y-%m"))
    assert response.status_code == 400 and "hãy nêu lý do điều chỉnh" in response.content.decode()
    task.refresh_from_db()
    assert task.progress == 0
    response = _post(client, {**row, f"task-{task.pk}-reason": "Số liệu bổ sung"}, period=inside.strftime("%Y-%m"))
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.progress == 10 and task.updates.get().reason == "Số liệu bổ sung"
    assert LockedPeriodChange.objects.get().report == past  # flagged on the next report, as the single form's


def test_a_stale_row_says_who_changed_it_and_saves_nothing(client, users):
    officer = users["phulam-officer"]
    client.force_login(officer)
    task = _plain(_own_tasks(officer))[0]
    row = _row(task, progress=_on_schedule(task), achievements="Đã triển khai")
    Task.objects.filter(pk=task.pk).update(version=task.version + 1)  # someone saved since the table was read
    response = _post(client, row)
    assert response.status_code == 400
    assert "Người khác vừa cập nhật mục này" in response.content.decode()
    assert not task.updates.exists()


def test_forged_rows_for_other_items_change_nothing_and_say_so(client, users):
    officer = users["phulam-officer"]
    client.force_login(officer)
    own = _plain(_own_tasks(officer))[0]
    other = Task.objects.filter(plan__slug="dai-phuoc-2026").first()  # another commune's task
    supported = Task.objects.filter(support_units__in=officer.unit_ids).exclude(
        lead_units__in=officer.unit_ids).first()  # one the officer only supports
    figure = _on_schedule(own)
    response = _post(client, _row(own, progress=figure, achievements="Đã triển khai"),
                     _row(other, progress=50, achievements="Giả mạo"),
                     _row(supported, progress=50, achievements="Giả mạo"))
    assert response.status_code == 400
    assert "2 dòng gửi lên không thuộc việc của bạn" in response.content.decode()
    own.refresh_from_db()
    assert own.progress == figure  # the officer's own row is saved all the same
    for task in (other, supported):
        task.refresh_from_db()
        assert task.progress == 0 and not task.updates.exists()


@pytest.mark.parametrize("username", ["phulam-reviewer", "phulam-leader", "phulam-admin", "dongnai-admin"])
def test_only_officers_reach_the_table(client, users, username):
    client.force_login(users[username])
    task = _own_tasks(users["phulam-officer"])[0]
    assert client.get(URL).status_code == 403
    assert _post(client, _row(task, progress=50, achievements="Giả mạo")).status_code == 403
    assert not task.updates.exists()


def test_indicator_rows_report_the_value_through_the_indicator_service(client, users):
    officer = users["phulam-officer"]
    client.force_login(officer)
    rows = desk_rows(officer, kind="indicator", today=timezone.localdate())
    indicators = Indicator.objects.filter(pk__in=[row.pk for row in rows]).exclude(target_comparator="").order_by(
        "pk")[:2]
    assert len(indicators) == 2, "the demo officer should lead two measured indicators"
    first, second = indicators
    data = {f"indicator-{first.pk}-version": first.version, f"indicator-{first.pk}-value": "12,5",
            f"indicator-{second.pk}-version": second.version, f"indicator-{second.pk}-value": "",
            f"indicator-{second.pk}-description": "Chưa có số liệu"}  # described, no figure: refused
    response = _post(client, data, kind="indicators")
    assert response.status_code == 400
    assert "Hãy nhập giá trị đo được" in response.content.decode()
    report = IndicatorReport.objects.get(indicator=first)
    assert str(report.value) == "12.5000" and report.author == officer
    assert not IndicatorReport.objects.filter(indicator=second).exists()
    first.refresh_from_db()
    assert first.history.first().history_user == officer


# The table's GET reads a fixed number of queries whatever the number of rows.
DESK = [
    "the user, with the bell's count of unread notifications",
    "the user's units, their areas (what they may see) and names (which are finance offices)",
    "the officer's tasks they lead: ids and the figures they are ordered by",
    "those tasks, with their plans and areas",
]


def test_the_table_reads_the_same_queries_for_n_and_2n_items(client, users):
    officer = users["phulam-officer"]
    client.force_login(officer)
    own = _own_tasks(officer)
    n = len(own) // 2
    assert n >= 5, "the demo officer should lead ten tasks or more"
    led = Task.lead_units.through.objects.filter(task__in=own[n:2 * n], unit__in=officer.unit_ids)
    kept = list(led.values_list("task_id", "unit_id"))
    led.delete()  # N rows
    assert client.get(URL).status_code == 200
    with exact_queries(DESK, f"{URL} with {n} rows"):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == n
    Task.lead_units.through.objects.bulk_create([Task.lead_units.through(task_id=task, unit_id=unit)
                                                 for task, unit in kept])  # 2N rows
    with exact_queries(DESK, f"{URL} with {2 * n} rows"):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == 2 * n
