"""A task with sub-items is reported through them (issue 24.4): a report on the task itself is refused with a message
naming its sub-items, its page and My work lead to them, and it is completed when each of them is."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from evidence.models import Evidence
from evidence.services import evidence_review
from plans.models import ItemStatus
from tasks.models import ProgressUpdate, Task
from tasks.selectors import my_task_rows
from tasks.services import task_progress_report
from tests import files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]

THIS_MONTH = timezone.localdate().replace(day=1)
REFUSAL = ("Nhiệm vụ 15 có 5 nội dung con (15.1, 15.2, 15.3, 15.4, 15.5): tiến độ của nhiệm vụ được tổng hợp tự động "
           "từ các nội dung con. Hãy cập nhật tiến độ và gửi minh chứng ở từng nội dung con.")


def _row_15():
    return Task.objects.get(plan__slug="phu-lam-55kh", ordinal="15")


def _report(task, user, progress, *, evidence=False):
    task.refresh_from_db()
    uploads = [(files.upload(f"bien-ban-{task.ordinal}.pdf", files.pdf_bytes()), "Biên bản")] if evidence else []
    return task_progress_report(task_id=task.pk, user=user, version=task.version, progress=progress,
                                period=THIS_MONTH, achievements="Đã triển khai", difficulties="Thiếu kinh phí",
                                proposals="Bổ sung kinh phí", uploads=uploads)


def test_a_report_on_a_task_with_sub_items_is_refused_naming_them(users):
    task = _row_15()
    with pytest.raises(ValidationError) as refused:
        _report(task, users["phulam-officer"], 40)
    assert refused.value.messages == [REFUSAL]
    task.refresh_from_db()
    assert task.progress == 0 and not ProgressUpdate.objects.filter(task=task).exists()
    _report(task.subitems.get(ordinal="15.2"), users["phulam-officer"], 50)  # its sub-items take reports
    task.refresh_from_db()
    assert task.progress == 10 and task.history.first().history_change_reason == "Tổng hợp từ các nội dung con"


def test_the_task_page_and_its_report_page_lead_to_the_sub_items(client, users):
    task = _row_15()
    client.force_login(users["phulam-officer"])
    report_url = reverse("tasks:task_report", args=[task.pk])
    page = client.get(task.get_absolute_url()).content.decode()
    assert f'href="{report_url}"' not in page  # no report button on the task itself
    for sub in task.subitems.all():
        assert f'href="{sub.get_absolute_url()}"' in page
        assert f'href="{reverse("tasks:task_report", args=[sub.pk])}"' in client.get(sub.get_absolute_url()).content.decode()
    answer = client.get(report_url, follow=True)
    assert answer.redirect_chain == [(task.get_absolute_url(), 302)]
    assert REFUSAL in answer.content.decode()
    posted = client.post(report_url, {"version": task.version, "progress": 60, "period": THIS_MONTH.isoformat(),
                                      "achievements": "Đã làm"})
    assert posted.status_code == 302 and not ProgressUpdate.objects.filter(task=task).exists()


def test_my_work_lists_the_sub_items_and_not_their_task(users):
    task = _row_15()
    shown = {row.pk for row in my_task_rows(users["phulam-officer"], today=timezone.localdate())}
    assert task.pk not in shown
    assert set(task.subitems.values_list("pk", flat=True)) <= shown
    assert Task.objects.get(plan__slug="phu-lam-55kh", ordinal="14").pk in shown  # a task without sub-items stays


def test_the_task_is_completed_when_each_sub_item_is(users):
    task = _row_15()
    officer, reviewer = users["phulam-officer"], users["phulam-reviewer"]
    subitems = list(task.subitems.order_by("position"))
    for sub in subitems:
        _report(sub, officer, 100, evidence=True)
    task.refresh_from_db()
    assert (task.progress, task.status) == (100, ItemStatus.AWAITING_REVIEW)
    pending = list(Evidence.objects.filter(task__in=subitems).order_by("task__position"))
    for evidence in pending[:-1]:
        evidence_review(evidence_id=evidence.pk, reviewer=reviewer, accept=True)
    task.refresh_from_db()
    assert task.status == ItemStatus.AWAITING_REVIEW  # one sub-item still waits
    evidence_review(evidence_id=pending[-1].pk, reviewer=reviewer, accept=False, reason=Evidence.RejectionReason.values[0],
                    note="Thiếu chữ ký")
    task.refresh_from_db()
    assert task.status == ItemStatus.EVIDENCE_REJECTED
    _report(subitems[-1], officer, 100, evidence=True)
    evidence_review(evidence_id=Evidence.objects.filter(task=subitems[-1]).latest("id").pk, reviewer=reviewer,
                    accept=True)
    task.refresh_from_db()
    assert task.status == ItemStatus.COMPLETED
    assert task.history.first().history_user == reviewer
