"""Reviewing evidence: the decision is final, recorded, and decides whether the result counts."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evidence.models import Evidence
from evidence.services import evidence_review
from plans.models import ItemStatus
from tasks.models import Task
from tasks.services import task_progress_report
from tests import files

# About items nobody has reported on yet: the demo's year of work is left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]


@pytest.fixture
def submitted(users):
    """Phú Lâm's task 3 reported complete with one PDF."""
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=100,
                         period=timezone.localdate().replace(day=1), achievements="Đề án đã trình",
                         difficulties="-", proposals="-",
                         uploads=[(files.upload("de-an.pdf", files.pdf_bytes()), "Đề án được phê duyệt")])
    return task.evidence.get()


def test_rejection_with_reason_sends_the_result_back(users, submitted):
    evidence_review(evidence_id=submitted.pk, reviewer=users["phulam-reviewer"], accept=False,
                    reason="unsigned", note="Bản chưa có chữ ký và dấu")
    submitted.refresh_from_db()
    task = submitted.task
    task.refresh_from_db()
    assert submitted.status == Evidence.Status.REJECTED and submitted.reviewed_by == users["phulam-reviewer"]
    assert task.status == ItemStatus.EVIDENCE_REJECTED
    notice = users["phulam-officer"].notifications.get()
    assert "bị trả lại" in notice.message and notice.url == task.get_absolute_url()
    assert submitted.history.first().history_user == users["phulam-reviewer"]


def test_rejection_needs_a_reason_and_a_note(users, submitted):
    for reason, note in [("", "Thiếu chữ ký"), ("unsigned", "  ")]:
        with pytest.raises(ValidationError):
            evidence_review(evidence_id=submitted.pk, reviewer=users["phulam-reviewer"], accept=False,
                            reason=reason, note=note)
    submitted.refresh_from_db()
    assert submitted.status == Evidence.Status.PENDING


def test_acceptance_completes_the_task_and_is_final(users, submitted):
    evidence_review(evidence_id=submitted.pk, reviewer=users["phulam-reviewer"], accept=True)
    task = Task.objects.get(pk=submitted.task_id)
    assert task.status == ItemStatus.COMPLETED
    with pytest.raises(ValidationError):
        evidence_review(evidence_id=submitted.pk, reviewer=users["phulam-reviewer"], accept=False,
                        reason="other", note="Đổi ý")
    submitted.refresh_from_db()
    assert submitted.status == Evidence.Status.ACCEPTED


def test_resubmission_after_rejection_awaits_review_again_then_completes(users, submitted):
    evidence_review(evidence_id=submitted.pk, reviewer=users["phulam-reviewer"], accept=False,
                    reason="unreadable", note="Ảnh mờ")
    task = Task.objects.get(pk=submitted.task_id)
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=100,
                         period=timezone.localdate().replace(day=1), achievements="Nộp lại bản rõ",
                         difficulties="-", proposals="-",
                         uploads=[(files.upload("de-an-ro.pdf", files.pdf_bytes()), "Bản quét rõ nét")])
    task.refresh_from_db()
    assert task.status == ItemStatus.AWAITING_REVIEW
    second = task.evidence.get(status=Evidence.Status.PENDING)
    evidence_review(evidence_id=second.pk, reviewer=users["phulam-reviewer"], accept=True)
    task.refresh_from_db()
    assert task.status == ItemStatus.COMPLETED


@pytest.mark.parametrize("username", ["daiphuoc-reviewer", "phulam-officer", "phulam-leader", "phulam-admin"])
def test_only_the_communes_reviewers_decide(users, submitted, username):
    with pytest.raises(PermissionDenied):
        evidence_review(evidence_id=submitted.pk, reviewer=users[username], accept=True)
    submitted.refresh_from_db()
    assert submitted.status == Evidence.Status.PENDING
