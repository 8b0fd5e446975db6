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


# Appendix imports: only admins of the plan's area (and its province) undo or retry them, or map units.

@pytest.fixture
def finished_import(users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plans.appendix.services import import_confirm, import_upload
    from plans.models import Plan
    from tests.workbooks import office_workbook

    area = Plan.objects.get(slug="phu-lam-55kh").area
    plan = Plan.objects.create(slug="phu-lam-nhap", area=area, issuer="UBND xã Phú Lâm", title="Nhập", issued_year=2026)
    record = import_upload(plan=plan, user=users["phulam-admin"],
                           upload=SimpleUploadedFile("phu-luc.xlsx", office_workbook()))
    import_confirm(record, users["phulam-admin"])
    record.refresh_from_db()
    assert record.status == "done" and plan.tasks.count() == 2
    return record


ADMINS_OF_THE_AREA = [
    ("phulam-admin", True), ("dongnai-admin", True), ("phulam-officer", False), ("phulam-leader", False),
    ("phulam-reviewer", False), ("daiphuoc-officer", False), ("dongnai-leader", False),
]


@pytest.mark.parametrize("username, allowed", ADMINS_OF_THE_AREA)
def test_undo_import(client, users, finished_import, username, allowed):
    client.force_login(users[username])
    response = client.post(f"/plans/{finished_import.plan.slug}/import/{finished_import.pk}/undo/")
    finished_import.refresh_from_db()
    if allowed:
        assert finished_import.status == "undone" and finished_import.plan.tasks.count() == 0
    else:
        assert response.status_code in (403, 404)
        assert finished_import.status == "done" and finished_import.plan.tasks.count() == 2


@pytest.mark.parametrize("username, allowed", ADMINS_OF_THE_AREA)
def test_retry_import(client, users, finished_import, username, allowed):
    from plans.models import AppendixImport

    # A job whose worker died: failed, its file kept, its job known.
    AppendixImport.objects.filter(pk=finished_import.pk).update(status="failed", job="plans.preview_appendix_import")
    client.force_login(users[username])
    response = client.post(f"/plans/{finished_import.plan.slug}/import/{finished_import.pk}/retry/")
    finished_import.refresh_from_db()
    if allowed:
        assert finished_import.status == "previewed"
    else:
        assert response.status_code in (403, 404) and finished_import.status == "failed"


def test_import_unit_mapping_takes_only_units_of_the_plans_area(client, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plans.models import AppendixImport, Plan, Unit, UnitAlias
    from tests.workbooks import office_workbook

    def rename(book):
        for row in book["Phụ lục II"].iter_rows():
            if row[0].value == "1.":
                row[2].value = "Phòng Nông nghiệp"
    area = Plan.objects.get(slug="phu-lam-55kh").area
    plan = Plan.objects.create(slug="phu-lam-nhap", area=area, issuer="UBND xã Phú Lâm", title="Nhập", issued_year=2026)
    client.force_login(users["phulam-admin"])
    url = client.post(f"/plans/{plan.slug}/import/", {
        "file": SimpleUploadedFile("phu-luc.xlsx", office_workbook(indicators=None, edit=rename))}).url
    foreign = Unit.objects.get(area__slug="dai-phuoc", is_culture_social_office=True)
    assert foreign not in client.get(url).context["units"]
    client.post(f"{url}units/", {"name-0": "Phòng Nông nghiệp", "unit-0": str(foreign.pk)})
    record = AppendixImport.objects.get(plan=plan)
    assert not record.summary["can_import"] and "Phòng Nông nghiệp" in record.summary["unknown_units"]
    assert client.post(f"{url}confirm/").status_code == 302 and plan.tasks.count() == 0
    assert not UnitAlias.objects.filter(unit=foreign, alias="Phòng Nông nghiệp").exists()
