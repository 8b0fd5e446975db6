"""A rejection reaches the officer where they act: the notification, My work, the resubmit form; the reviewer
sees the task's product, timeline and the officer's report beside the file."""
import pytest
from django.utils import timezone

from evidence.models import Evidence
from evidence.services import evidence_review
from tasks.models import Task
from tasks.services import task_progress_report
from tests import files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]

NOTE = "Quyết định chưa có chữ ký, đóng dấu"


@pytest.fixture
def task(users):
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=100,
                         period=timezone.localdate().replace(day=1), achievements="Đề án đã trình phê duyệt",
                         difficulties="-", proposals="-",
                         uploads=[(files.upload("de-an.pdf", files.pdf_bytes()), "")])
    return task


def _reject(task, users):
    evidence_review(evidence_id=task.evidence.get().pk, reviewer=users["phulam-reviewer"], accept=False,
                    reason="unsigned", note=NOTE)


def test_the_notification_carries_the_note(task, users):
    _reject(task, users)
    notice = users["phulam-officer"].notifications.get()
    assert NOTE in notice.message and "Chưa ký" in notice.message


def test_my_work_shows_the_note_on_the_item(client, task, users):
    _reject(task, users)
    client.force_login(users["phulam-officer"])
    page = client.get("/tasks/my-work/").content.decode()
    row = page[page.index(f'id="work-task-{task.pk}"'):]
    row = row[:row.index("</tbody>")]
    assert NOTE in row and "rejection-note" in row


def test_my_work_shows_no_note_once_new_evidence_waits(client, task, users):
    _reject(task, users)
    task.refresh_from_db()
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=100,
                         period=timezone.localdate().replace(day=1), achievements="Nộp bản đã ký",
                         difficulties="-", proposals="-",
                         uploads=[(files.upload("da-ky.pdf", files.pdf_bytes()), "")])
    client.force_login(users["phulam-officer"])
    assert NOTE not in client.get("/tasks/my-work/").content.decode()


def test_the_resubmit_form_heads_with_the_note_and_keeps_the_last_text(client, task, users):
    _reject(task, users)
    client.force_login(users["phulam-officer"])
    page = client.get(f"/tasks/{task.pk}/report/").content.decode()
    assert NOTE in page and page.index(NOTE) < page.index('name="progress"')
    assert "Đề án đã trình phê duyệt</textarea>" in page


def test_the_review_page_shows_product_timeline_and_report(client, task, users):
    client.force_login(users["phulam-reviewer"])
    page = client.get("/evidence/review/").content.decode()
    assert "Đề án đã trình phê duyệt" in page and "Thời gian thực hiện" in page
    if task.product:
        assert task.product.splitlines()[0][:40] in page
    assert Evidence.objects.get(task=task).description == "de-an.pdf"
