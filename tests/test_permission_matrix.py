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


# Plan administration: the assignment table, its workbook import, the six clears (issue 10).
DAI_PHUOC = "dai-phuoc-2026"


def _first_target():
    from indicators.models import Indicator

    return Indicator.objects.filter(plan__slug=DAI_PHUOC).order_by("position").first()


@pytest.mark.parametrize("username, status", [
    ("daiphuoc-admin", 200), ("dongnai-admin", 200), ("daiphuoc-officer", 403), ("daiphuoc-leader", 403),
    ("daiphuoc-reviewer", 403), ("dongnai-leader", 403), ("phulam-admin", 404), ("dantien-admin", 404),
])
def test_assignment_table(client, users, username, status):
    import json

    from plans.models import Unit

    target = _first_target()
    office = Unit.objects.get(area__slug="dai-phuoc", name="Phòng Kinh tế")
    client.force_login(users[username])
    page = client.get(f"/plans/{DAI_PHUOC}/assignment/")
    key = f"indicator-{target.pk}"
    response = client.post(f"/plans/{DAI_PHUOC}/assignment/", {
        "row": key, f"{key}-version": target.version, f"{key}-lead_units": office.pk,
        f"{key}-initial": json.dumps({"lead_units": [], "support_units": [], "officer": None, "product": "",
                                      "timeline": "", "authority": ""})})
    assert page.status_code == status
    if status == 200:
        assert response.status_code == 302 and list(target.lead_units.all()) == [office]
    else:
        assert response.status_code == status and not target.lead_units.exists()
    assert client.get(f"/plans/{DAI_PHUOC}/assignment/export.xlsx").status_code == status


@pytest.mark.parametrize("username, status", [
    ("daiphuoc-admin", 302), ("daiphuoc-officer", 403), ("daiphuoc-leader", 403), ("phulam-admin", 404),
    ("dantien-admin", 404),
])
def test_assignment_workbook_upload(client, users, username, status):
    from plans.models import AssignmentImport
    from tests.workbooks import workbook_bytes

    data = workbook_bytes([["STT", "Nội dung", "Đơn vị chủ trì"], ["1.1", "Phát triển hạ tầng (02)"],
                           ["1", "", "Phòng Kinh tế"]])
    client.force_login(users[username])
    response = client.post(f"/plans/{DAI_PHUOC}/assignment/import/", {"file": files.upload("pc.xlsx", data)})
    assert response.status_code == status
    assert AssignmentImport.objects.exists() is (status == 302)


@pytest.mark.parametrize("username, status", [
    ("daiphuoc-admin", 302), ("dongnai-admin", 302), ("daiphuoc-officer", 403), ("phulam-admin", 404),
])
def test_assignment_workbook_preview_and_confirm(client, users, username, status):
    from plans.models import AssignmentImport, Plan, Unit

    plan = Plan.objects.get(slug=DAI_PHUOC)
    target = _first_target()
    office = Unit.objects.get(area__slug="dai-phuoc", name="Phòng Kinh tế")
    record = AssignmentImport.objects.create(
        plan=plan, original_name="pc.xlsx", uploaded_by=users["daiphuoc-admin"], created_at=timezone.now(),
        summary={"changes": [{"key": f"indicator-{target.pk}", "version": target.version, "label": "(1)", "row": "",
                              "values": {"lead_units": [office.pk]}, "display": []}], "errors": [], "can_apply": True})
    client.force_login(users[username])
    assert client.get(f"/plans/{DAI_PHUOC}/assignment/import/{record.pk}/").status_code == (
        200 if status == 302 else status)
    response = client.post(f"/plans/{DAI_PHUOC}/assignment/import/{record.pk}/confirm/")
    assert response.status_code == status
    assert target.lead_units.exists() is (status == 302)


@pytest.mark.parametrize("username, status", [
    ("daiphuoc-admin", 200), ("daiphuoc-officer", 200), ("dongnai-leader", 200), ("phulam-admin", 404),
    ("dantien-admin", 404),
])
def test_six_clears_list(client, users, username, status):
    client.force_login(users[username])
    assert client.get(f"/plans/{DAI_PHUOC}/six-clears/").status_code == status


@pytest.mark.parametrize("username, status", [
    ("phulam-admin", 302), ("dongnai-admin", 302), ("phulam-officer", 403), ("phulam-leader", 403),
    ("dongnai-leader", 403), ("daiphuoc-admin", 404), ("dantien-admin", 404),
])
def test_link_an_item_to_the_province_item(client, users, username, status):
    task = Task.objects.get(plan__slug="phu-lam-11nq", section__number="1.", ordinal="1")
    target = Task.objects.get(plan__slug="dong-nai-182", section__number="1.", ordinal="b)")
    client.force_login(users[username])
    response = client.post(f"/items/task/{task.pk}/link/", {"version": task.version, "target": target.pk})
    task.refresh_from_db()
    assert response.status_code == status
    assert (task.carries_out == target) is (status == 302)


@pytest.mark.parametrize("username, status", [
    ("dongnai-leader", 200), ("dongnai-admin", 200), ("phulam-officer", 200), ("dantien-admin", 404),
])
def test_coverage_of_a_province_plan(client, users, username, status):
    client.force_login(users[username])
    assert client.get("/plans/dong-nai-182/coverage/").status_code == status


@pytest.mark.parametrize("username, status", [
    ("daiphuoc-admin", 302), ("daiphuoc-officer", 403), ("daiphuoc-leader", 403), ("phulam-admin", 404),
])
def test_change_an_indicators_direction(client, users, username, status):
    target = _first_target()
    client.force_login(users[username])
    response = client.post(f"/indicators/{target.pk}/direction/", {"version": target.version, "direction": "lower"})
    target.refresh_from_db()
    assert response.status_code == status
    assert (target.direction == "lower") is (status == 302)
