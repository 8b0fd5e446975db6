"""Free text in workflows is bounded: a 4.5 MB text is refused with a Vietnamese message and nothing is stored."""
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from evidence.models import Evidence
from evidence.services import evidence_review
from indicators.models import Indicator, IndicatorReport
from indicators.services import indicator_value_report
from plans.models import REPORT_TEXT_MAX_LENGTH
from tasks.models import Comment, ProgressUpdate, Task
from tasks.services import task_comment_add, task_progress_report
from tests import files

# Workflows from a clean slate: the demo's year of work is left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]

HUGE = "Kết quả " * 375_000  # 4.5 MB of UTF-8, under the 5 MB request limit
TOO_LONG = "Quá dài"


def _task(ordinal="3"):
    return Task.objects.get(plan__slug="phu-lam-55kh", ordinal=ordinal)


@pytest.mark.parametrize("field", ["achievements", "difficulties", "proposals", "reason"])
def test_progress_report_page_refuses_a_huge_text(client, users, field):
    task = _task()
    client.force_login(users["phulam-officer"])
    form = {"version": task.version, "period": timezone.localdate().strftime("%Y-%m"), "progress": 40,
            "achievements": "Đã làm", "difficulties": "", "proposals": "", "reason": "", field: HUGE}
    response = client.post(f"/tasks/{task.pk}/report/", form)
    assert response.status_code in (200, 400)
    assert "tối đa 10000 kí tự" in response.content.decode()
    task.refresh_from_db()
    assert task.progress == 0 and not ProgressUpdate.objects.filter(task=task).exists()


def test_progress_report_service_refuses_a_huge_text_and_keeps_no_file(users, media_root):
    task = _task()
    with pytest.raises(ValidationError) as refused:
        task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=100,
                             period=timezone.localdate(), achievements=HUGE,
                             uploads=[(files.upload("qd.pdf", files.pdf_bytes()), "Quyết định")])
    assert "Nội dung quá dài" in refused.value.message_dict["achievements"][0]
    assert not ProgressUpdate.objects.filter(task=task).exists() and not task.evidence.exists()
    assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_the_limit_itself_is_accepted(users):
    task = _task()
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=40,
                         period=timezone.localdate(), achievements="x" * REPORT_TEXT_MAX_LENGTH,
                         difficulties="Khó", proposals="Đề xuất")
    assert ProgressUpdate.objects.get(task=task).achievements == "x" * REPORT_TEXT_MAX_LENGTH


def test_comment_refuses_a_huge_text(client, users):
    task = _task("13")
    client.force_login(users["phulam-officer"])
    client.post(f"/tasks/{task.pk}/comment/", {"body": HUGE})
    assert not Comment.objects.filter(task=task).exists()
    with pytest.raises(ValidationError) as refused:
        task_comment_add(task_id=task.pk, user=users["phulam-officer"], body=HUGE)
    assert "Nội dung quá dài" in refused.value.message_dict["body"][0]


def test_review_note_refuses_a_huge_text(client, users):
    task = _task()
    task_progress_report(
        task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=100,
        period=timezone.localdate(), achievements="Xong",
        uploads=[(files.upload("qd.pdf", files.pdf_bytes()), "Quyết định")])
    evidence = task.evidence.get()
    client.force_login(users["phulam-reviewer"])
    client.post(f"/evidence/{evidence.pk}/review/", {"decision": "reject", "reason": "unsigned", "note": HUGE})
    evidence.refresh_from_db()
    assert evidence.status == Evidence.Status.PENDING and evidence.review_note == ""
    with pytest.raises(ValidationError):
        evidence_review(evidence_id=evidence.pk, reviewer=users["phulam-reviewer"], accept=False,
                        reason="unsigned", note=HUGE)
    evidence.refresh_from_db()
    assert evidence.status == Evidence.Status.PENDING


def test_indicator_report_refuses_a_huge_description(client, users):
    indicator = Indicator.objects.get(plan__slug="phu-lam-55kh", ordinal="14")
    client.force_login(users["phulam-officer"])
    response = client.post(f"/indicators/{indicator.pk}/report/", {
        "version": indicator.version, "period": timezone.localdate().strftime("%Y-%m"), "value": "10",
        "description": HUGE})
    assert response.status_code == 400 and not IndicatorReport.objects.filter(indicator=indicator).exists()
    with pytest.raises(ValidationError) as refused:
        indicator_value_report(indicator_id=indicator.pk, user=users["phulam-officer"], version=indicator.version,
                               period=timezone.localdate(), value=10, description=HUGE)
    assert "description" in refused.value.message_dict
    assert not IndicatorReport.objects.filter(indicator=indicator).exists()
