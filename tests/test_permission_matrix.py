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


# The province's view (reports/province_views.py): a province sees its communes, a commune only itself,
# another province nothing. Reading pages only: nothing to change.
PROVINCE_VIEW_PAGES = [
    ("/reports/communes/phu-lam/", {"phulam-officer": 200, "phulam-leader": 200, "dongnai-leader": 200,
                                    "dongnai-admin": 200, "daiphuoc-officer": 404, "dantien-admin": 404}),
    ("/reports/communes/phu-lam/items/?overdue=1", {"phulam-leader": 200, "dongnai-leader": 200,
                                                    "daiphuoc-reviewer": 404, "dantien-admin": 404}),
    ("/reports/plans/dong-nai-182/followed-down/", {"dongnai-leader": 200, "phulam-leader": 200,
                                                    "dantien-admin": 404}),
    ("/reports/plans/phu-lam-55kh/followed-down/", {"dongnai-leader": 404, "phulam-leader": 404}),  # not a province plan
    ("/reports/scorecards/?commune=phu-lam", {"phulam-leader": 200, "dongnai-leader": 200, "daiphuoc-officer": 404,
                                              "dantien-admin": 404}),
    ("/reports/scorecards.xlsx?commune=phu-lam", {"phulam-leader": 200, "dongnai-leader": 200,
                                                  "daiphuoc-officer": 404, "dantien-admin": 404}),
    ("/reports/scorecards/?province=dong-nai", {"dongnai-leader": 200, "phulam-leader": 200, "dantien-admin": 404}),
]


@pytest.mark.parametrize("url, username, status", [
    (url, username, status) for url, statuses in PROVINCE_VIEW_PAGES for username, status in statuses.items()])
def test_province_view_pages(client, users, url, username, status):
    client.force_login(users[username])
    assert client.get(url).status_code == status


def test_province_task_followed_down_is_for_those_who_see_the_province_plan(client, users):
    task = Task.objects.filter(plan__slug="dong-nai-182").first()
    for username, status in (("dongnai-leader", 200), ("phulam-leader", 200), ("dantien-admin", 404)):
        client.force_login(users[username])
        assert client.get(f"/reports/tasks/{task.pk}/followed-down/").status_code == status
    client.force_login(users["dongnai-leader"])
    commune_task = _task()
    assert client.get(f"/reports/tasks/{commune_task.pk}/followed-down/").status_code == 404


@pytest.mark.parametrize("username, communes", [
    ("dongnai-leader", {"phu-lam", "dai-phuoc"}), ("phulam-leader", {"phu-lam"}), ("dantien-admin", {"dan-tien"}),
])
def test_dashboard_rows_are_the_communes_in_scope(client, users, username, communes):
    client.force_login(users[username])
    assert {row.subject.slug for row in client.get("/reports/").context["page"]} == communes
