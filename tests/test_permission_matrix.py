"""Every role against every workflow action, through the real views: refused means 403/404 and nothing changed."""
import pytest
from django.utils import timezone

from evidence.models import Evidence
from tasks.models import Comment, ProgressUpdate, Task
from tasks.services import task_progress_report
from tests import files

pytestmark = pytest.mark.django_db

ROLES = ["phulam-officer", "phulam-economic", "phulam-reviewer", "phulam-leader", "phulam-admin",
         "daiphuoc-officer", "daiphuoc-reviewer", "dongnai-leader", "dongnai-admin"]


def _task(ordinal="3"):
    return Task.objects.get(plan__slug="phu-lam-55kh", ordinal=ordinal)


def _report_form(task):
    return {"version": task.version, "period": timezone.localdate().strftime("%Y-%m"), "progress": 40,
            "achievements": "Đã làm", "difficulties": "Khó", "proposals": "Đề xuất"}


# task 3 is led by Phú Lâm's Culture-Social office (phulam-officer); admins of the commune and province may correct.
@pytest.mark.parametrize("username, allowed", [
    ("phulam-officer", True), ("phulam-economic", False), ("phulam-reviewer", False), ("phulam-leader", False),
    ("phulam-admin", True), ("daiphuoc-officer", False), ("daiphuoc-reviewer", False),
    ("dongnai-leader", False), ("dongnai-admin", True),
])
def test_report_progress(client, users, username, allowed):
    task = _task()
    client.force_login(users[username])
    form_page = client.get(f"/tasks/{task.pk}/report/")
    response = client.post(f"/tasks/{task.pk}/report/", _report_form(task))
    task.refresh_from_db()
    if allowed:
        assert form_page.status_code == 200 and response.status_code == 302
        assert task.progress == 40
    else:
        assert form_page.status_code in (403, 404) and response.status_code in (403, 404)
        assert task.progress == 0 and not ProgressUpdate.objects.filter(task=task).exists()


@pytest.mark.parametrize("username, allowed", [
    ("phulam-officer", True),    # their Culture-Social office supports task 13
    ("phulam-reviewer", True),   # a member of the same office
    ("phulam-economic", False), ("daiphuoc-officer", False), ("dongnai-leader", False),
])
def test_comment(client, users, username, allowed):
    task = _task("13")
    client.force_login(users[username])
    response = client.post(f"/tasks/{task.pk}/comment/", {"body": "Góp ý"})
    assert Comment.objects.filter(task=task).exists() is allowed
    if not allowed:
        assert response.status_code in (403, 404)


@pytest.fixture
def pending_evidence(users):
    task = _task()
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=100,
                         period=timezone.localdate().replace(day=1), achievements="Xong", difficulties="-",
                         proposals="-", uploads=[(files.upload("qd.pdf", files.pdf_bytes()), "Quyết định")])
    return task.evidence.get()


@pytest.mark.parametrize("username, allowed", [
    ("phulam-reviewer", True), ("phulam-officer", False), ("phulam-leader", False), ("phulam-admin", False),
    ("daiphuoc-reviewer", False), ("dongnai-leader", False),
])
def test_review_decision(client, users, pending_evidence, username, allowed):
    client.force_login(users[username])
    response = client.post(f"/evidence/{pending_evidence.pk}/review/",
                           {"decision": "reject", "reason": "unsigned", "note": "Thiếu chữ ký"})
    pending_evidence.refresh_from_db()
    if allowed:
        assert pending_evidence.status == Evidence.Status.REJECTED
    else:
        assert response.status_code == 403 and pending_evidence.status == Evidence.Status.PENDING


@pytest.mark.parametrize("username, status", [
    ("phulam-reviewer", 200), ("phulam-officer", 200), ("phulam-economic", 200), ("dongnai-leader", 200),
    ("daiphuoc-reviewer", 403), ("daiphuoc-officer", 403), ("dantien-admin", 403),
])
def test_evidence_file_download(client, users, pending_evidence, username, status):
    client.force_login(users[username])
    response = client.get(f"/evidence/{pending_evidence.pk}/download/")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_preview_is_inline_only_for_pdf_and_images(client, users, pending_evidence):
    client.force_login(users["phulam-reviewer"])
    response = client.get(f"/evidence/{pending_evidence.pk}/preview/")
    assert response["Content-Disposition"].startswith("inline") and response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("username, status", [("phulam-reviewer", 200), ("phulam-officer", 403), ("phulam-leader", 403)])
def test_review_queue_is_for_reviewers(client, users, username, status):
    client.force_login(users[username])
    assert client.get("/evidence/review/").status_code == status


def test_reviewers_queue_holds_only_their_communes_evidence(client, users, pending_evidence):
    client.force_login(users["daiphuoc-reviewer"])
    assert client.get("/evidence/review/").context["groups"] == []
    client.force_login(users["phulam-reviewer"])
    groups = client.get("/evidence/review/").context["groups"]
    assert [e.pk for g in groups for e in g["evidence"]] == [pending_evidence.pk]


# Report register (issue 11): a commune's draft is its own; the province sees it once issued.
def _report(users, *, issue=False):
    from plans.models import Area
    from reports.documents import report_snapshot_take
    from reports.register import report_draft, report_issue

    today = timezone.localdate()
    report = report_draft(user=users["phulam-leader"], area=Area.objects.get(slug="phu-lam"), kind="quarterly",
                          year=today.year, number=(today.month - 1) // 3 + 1)
    report_snapshot_take(report.pk)
    if issue:
        report = report_issue(report_id=report.pk, user=users["phulam-leader"])
    report.jobs.all().delete()
    return report


@pytest.mark.parametrize("username, status", [
    ("phulam-officer", 200), ("phulam-economic", 200), ("phulam-leader", 200), ("phulam-admin", 200),
    ("daiphuoc-officer", 404), ("daiphuoc-reviewer", 404), ("dongnai-leader", 404), ("dongnai-admin", 404),
])
def test_report_draft_page(client, users, username, status):
    report = _report(users)
    client.force_login(users[username])
    assert client.get(f"/reports/register/{report.pk}/").status_code == status


@pytest.mark.parametrize("username, status", [
    ("phulam-officer", 200), ("phulam-leader", 200), ("dongnai-leader", 200), ("dongnai-admin", 200),
    ("daiphuoc-officer", 404), ("daiphuoc-reviewer", 404),
])
def test_issued_report_page(client, users, username, status):
    report = _report(users, issue=True)
    client.force_login(users[username])
    assert client.get(f"/reports/register/{report.pk}/").status_code == status


def test_report_downloads(client, users):
    from django.core.files.base import ContentFile

    from reports.models import Report

    report = _report(users)
    report.pdf.save("r.pdf", ContentFile(files.pdf_bytes()))
    report.docx.save("r.docx", ContentFile(b"PK\x03\x04docx"))
    for username, status in [("phulam-officer", 200), ("phulam-leader", 200), ("daiphuoc-officer", 404),
                             ("daiphuoc-admin", 404), ("dongnai-leader", 404), ("dantien-admin", 404)]:
        client.force_login(users[username])
        for kind in ("pdf", "docx"):
            response = client.get(f"/reports/register/{report.pk}/{kind}/")
            assert response.status_code == status, (username, kind)
            if status == 200:
                assert response["Content-Disposition"].startswith("attachment")
                assert response["Cache-Control"] == "no-store"
    Report.objects.filter(pk=report.pk).update(status="issued", number=1, number_year=2026, issued_at=timezone.now())
    client.force_login(users["dongnai-officer"])
    assert client.get(f"/reports/register/{report.pk}/pdf/").status_code == 200
    assert client.get(f"/reports/register/{report.pk}/nothing/").status_code == 404


@pytest.mark.parametrize("username, allowed", [
    ("phulam-leader", True), ("phulam-admin", True), ("phulam-officer", False), ("phulam-reviewer", False),
    ("daiphuoc-leader", False), ("dongnai-leader", False), ("dongnai-officer", False),
])
def test_report_issue(client, users, username, allowed):
    report = _report(users)
    client.force_login(users[username])
    response = client.post(f"/reports/register/{report.pk}/issue/")
    report.refresh_from_db()
    assert (report.status == "issued") is allowed
    if not allowed:
        assert response.status_code in (403, 404) and report.number is None


@pytest.mark.parametrize("username, allowed", [
    ("dongnai-officer", True), ("dongnai-admin", True), ("dongnai-leader", True),
    ("phulam-leader", False), ("phulam-officer", False), ("daiphuoc-leader", False), ("daiphuoc-officer", False),
])
def test_report_receive(client, users, username, allowed):
    report = _report(users, issue=True)
    client.force_login(users[username])
    response = client.post(f"/reports/register/{report.pk}/receive/", {"decision": "receive"})
    report.refresh_from_db()
    assert (report.status == "received") is allowed
    if not allowed:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("username, allowed", [
    ("phulam-leader", True), ("phulam-admin", True), ("phulam-officer", False), ("daiphuoc-leader", False),
    ("dongnai-leader", False),
])
def test_report_draft_creation(client, users, username, allowed):
    from plans.models import Area
    from reports.models import Report, ReportingRule
    from reports.register import reporting_rules_ensure

    reporting_rules_ensure(Area.objects.get(slug="phu-lam"))
    rule = ReportingRule.objects.get(area__slug="phu-lam", kind="quarterly", plan=None)
    today = timezone.localdate()
    client.force_login(users[username])
    response = client.post("/reports/register/new/", {"period": f"{rule.pk}:{today.year}:{(today.month - 1) // 3 + 1}"})
    assert Report.objects.filter(area__slug="phu-lam").exists() is allowed
    if not allowed:
        assert response.status_code == 404


@pytest.mark.parametrize("username, allowed", [
    ("phulam-leader", True), ("phulam-admin", True), ("phulam-officer", False), ("daiphuoc-leader", False),
    ("dongnai-leader", False),
])
def test_report_details_edit(client, users, username, allowed):
    report = _report(users)
    client.force_login(users[username])
    response = client.post(f"/reports/register/{report.pk}/details/", {
        "subject": "Trích yếu mới", "addressee": report.addressee, "signer_name": "Nguyễn Văn A",
        "signer_title": report.signer_title, "distribution": report.distribution})
    report.refresh_from_db()
    assert (report.signer_name == "Nguyễn Văn A" and report.subject == "Trích yếu mới") is allowed
    if not allowed:
        assert response.status_code in (403, 404)
    else:
        assert report.jobs.get().action == "render"
