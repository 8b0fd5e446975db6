"""Reporting progress on a task: the rules, the history, and nothing changed when refused."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evidence.models import Evidence
from plans.models import ItemStatus
from plans.writes import StaleVersion
from tasks.models import ProgressUpdate, Task
from tasks.schedule import task_expected_progress
from tasks.services import task_comment_add, task_progress_report
from tests import files

# About items nobody has reported on yet: the demo's year of work is left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]

THIS_MONTH = timezone.localdate().replace(day=1)


def _task(ordinal):
    return Task.objects.get(plan__slug="phu-lam-55kh", ordinal=ordinal)


def _report(task, user, **overrides):
    values = dict(task_id=task.pk, user=user, version=task.version, progress=40, period=THIS_MONTH,
                  achievements="Đã xây dựng dự thảo", difficulties="Thiếu kinh phí", proposals="Bổ sung kinh phí")
    values.update(overrides)
    return task_progress_report(**values)


def test_lead_officer_reports_progress_and_history_records_who(users):
    task = _task("3")
    update = _report(task, users["phulam-officer"])
    task.refresh_from_db()
    assert (task.progress, task.status, task.version) == (40, ItemStatus.IN_PROGRESS, 2)
    assert (update.progress_before, update.progress_after, update.author) == (0, 40, users["phulam-officer"])
    latest = task.history.first()
    assert latest.history_user == users["phulam-officer"] and latest.progress == 40


def test_a_stale_version_is_refused_and_changes_nothing(users):
    task = _task("3")
    _report(task, users["phulam-officer"], progress=30)
    with pytest.raises(StaleVersion) as stale:
        _report(task, users["phulam-admin"], progress=60)  # opened before the first save
    assert stale.value.current.progress == 30
    task.refresh_from_db()
    assert task.progress == 30 and ProgressUpdate.objects.filter(task=task).count() == 1


def test_progress_going_backwards_needs_a_reason(users):
    task = _task("3")
    _report(task, users["phulam-officer"], progress=50)
    task.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        _report(task, users["phulam-officer"], progress=20)
    assert "reason" in refused.value.message_dict
    _report(task, users["phulam-officer"], progress=20, reason="Đề án phải làm lại theo góp ý")
    task.refresh_from_db()
    assert task.progress == 20


def test_an_update_behind_schedule_asks_for_difficulties_and_proposals(users):
    task = _task("3")
    Task.objects.filter(pk=task.pk).update(starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2021, 12, 31))
    task.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        _report(task, users["phulam-officer"], difficulties="", proposals="")
    assert "difficulties" in refused.value.message_dict
    assert ProgressUpdate.objects.filter(task=task).count() == 0


def test_completion_needs_evidence_and_then_awaits_review(users):
    task = _task("3")
    with pytest.raises(ValidationError) as refused:
        _report(task, users["phulam-officer"], progress=100)
    assert "uploads" in refused.value.message_dict
    _report(task, users["phulam-officer"], progress=100,
            uploads=[(files.upload("bien-ban.pdf", files.pdf_bytes()), "Biên bản nghiệm thu đề án")])
    task.refresh_from_db()
    assert task.status == ItemStatus.AWAITING_REVIEW and task.progress == 100
    evidence = task.evidence.get()
    assert evidence.status == Evidence.Status.PENDING and evidence.kind == "pdf"
    assert evidence.file.name.startswith("evidence/") and "bien-ban" not in evidence.file.name


def test_reviewers_are_notified_of_new_evidence(users, mailoutbox, django_capture_on_commit_callbacks):
    task = _task("3")
    users["phulam-reviewer"].email = "reviewer@example.test"
    users["phulam-reviewer"].save()
    with django_capture_on_commit_callbacks(execute=True):
        _report(task, users["phulam-officer"], progress=100,
                uploads=[(files.upload("a.pdf", files.pdf_bytes()), "Quyết định ban hành")])
    assert users["phulam-reviewer"].notifications.filter(read_at__isnull=True).count() == 1
    assert users["daiphuoc-reviewer"].notifications.count() == 0
    # The e-mail is a delivery the worker sends (people.send_delivery); sent here as the worker would.
    from people.models import Delivery
    from people.notifications import delivery_send

    queued = list(Delivery.objects.filter(status=Delivery.Status.QUEUED).values_list("pk", flat=True))
    assert [delivery_send(pk) for pk in queued] == ["sent"]
    assert [m.to for m in mailoutbox] == [["reviewer@example.test"]]
    assert "http://127.0.0.1:8000/evidence/review/" in mailoutbox[0].body  # a link that works from a mail client


@pytest.mark.parametrize("username", ["phulam-economic", "phulam-reviewer", "phulam-leader", "daiphuoc-officer"])
def test_only_lead_unit_officers_may_report(users, username):
    task = _task("13")  # led by the schools; Phú Lâm's Culture-Social office only supports it
    for name in (username, "phulam-officer"):
        with pytest.raises(PermissionDenied):
            _report(task, users[name])
    task.refresh_from_db()
    assert task.progress == 0 and task.version == 1


def test_a_bad_file_refuses_the_whole_update_and_leaves_nothing_on_disk(users, media_root):
    task = _task("3")
    with pytest.raises(ValidationError):
        _report(task, users["phulam-officer"], progress=100, uploads=[
            (files.upload("ok.pdf", files.pdf_bytes()), "Biên bản"),
            (files.upload("virus.pdf", files.FORGED["executable.pdf"]), "Ảnh"),
        ])
    task.refresh_from_db()
    assert task.progress == 0 and not task.evidence.exists() and not ProgressUpdate.objects.filter(task=task).exists()
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_a_failure_after_files_are_stored_removes_them(users, media_root, monkeypatch):
    task = _task("3")

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Task, "save", fail)
    with pytest.raises(RuntimeError):
        _report(task, users["phulam-officer"], progress=100,
                uploads=[(files.upload("ok.pdf", files.pdf_bytes()), "Biên bản")])
    assert not any(p.is_file() for p in media_root.rglob("*"))
    assert not Evidence.objects.filter(task=task).exists()


def test_support_units_comment_but_others_cannot(users):
    task = _task("13")
    task_comment_add(task_id=task.pk, user=users["phulam-officer"], body="Phòng VH-XH sẽ phối hợp tập huấn")
    assert task.comments.count() == 1
    with pytest.raises(PermissionDenied):
        task_comment_add(task_id=task.pk, user=users["phulam-economic"], body="Không liên quan")


def _behind_with_last_month(users):
    """Task 3 behind its schedule, reported last month with difficulties and proposals."""
    task = _task("3")
    Task.objects.filter(pk=task.pk).update(starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2021, 12, 31))
    last_month = (THIS_MONTH - datetime.timedelta(days=1)).replace(day=1)
    _report(Task.objects.get(pk=task.pk), users["phulam-officer"], progress=30, period=last_month,
            difficulties="Thiếu kinh phí, thiếu nhân lực", proposals="Đề nghị bổ sung kinh phí 2027")
    task.refresh_from_db()
    return task, last_month


def test_the_form_prefills_last_months_difficulties_marked_and_saves_them_only_when_submitted(client, users):
    task, last_month = _behind_with_last_month(users)
    client.force_login(users["phulam-officer"])
    html = client.get(f"/tasks/{task.pk}/report/").content.decode()
    marked = f"(từ báo cáo tháng {last_month:%m/%Y} — sửa nếu đã khác)"
    assert f"Khó khăn, vướng mắc {marked}" in html and f"Kiến nghị, đề xuất {marked}" in html
    assert ">\nThiếu kinh phí, thiếu nhân lực</textarea>" in html
    assert ">\nĐề nghị bổ sung kinh phí 2027</textarea>" in html
    assert ProgressUpdate.objects.filter(task=task).count() == 1  # shown, not saved

    def post(**words):
        return client.post(f"/tasks/{task.pk}/report/", {
            "version": task.version, "period": f"{THIS_MONTH:%Y-%m}", "progress": 35,
            "achievements": "Đã tổ chức hội nghị triển khai", **words})

    # Cleared by the officer, it is not put back behind their back: the rule asks for it again.
    response = post(difficulties="", proposals="")
    assert response.status_code == 400 and "hãy nêu khó khăn" in response.content.decode()
    assert ProgressUpdate.objects.filter(task=task).count() == 1
    # Confirmed (posted as prefilled, one of them edited): this period's report says so.
    assert post(difficulties="Thiếu kinh phí, thiếu nhân lực", proposals="Đề nghị cấp tỉnh hỗ trợ").status_code == 302
    update = task.updates.get(period=THIS_MONTH)
    assert (update.difficulties, update.proposals) == ("Thiếu kinh phí, thiếu nhân lực", "Đề nghị cấp tỉnh hỗ trợ")
    assert task.updates.get(period=last_month).proposals == "Đề nghị bổ sung kinh phí 2027"  # last month's kept


def test_nothing_is_prefilled_for_a_task_on_its_schedule(client, users):
    task, _last_month = _behind_with_last_month(users)
    Task.objects.filter(pk=task.pk).update(starts_on=None, ends_on=None)  # no dates: no schedule to be behind
    task.refresh_from_db()
    assert task_expected_progress(task, timezone.localdate()) is None
    client.force_login(users["phulam-officer"])
    html = client.get(f"/tasks/{task.pk}/report/").content.decode()
    assert "sửa nếu đã khác" not in html and "Thiếu kinh phí, thiếu nhân lực" not in html
