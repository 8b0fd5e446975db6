"""The appendix import from the Django admin, through django-import-export's upload, preview and confirm."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plans.models import Plan
from tests.workbooks import appendix_bytes, seed_rows, workbook_bytes

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def empty_plan(users):
    area = Plan.objects.get(slug="phu-lam-55kh").area
    return Plan.objects.create(slug="phu-lam-admin", area=area, issuer="UBND xã Phú Lâm", title="Kế hoạch thử",
                               issued_year=2026, status="draft")


def _upload(client, plan, data):
    return client.post("/admin/plans/plan/import/", {
        "plan": plan.pk, "format": "0", "resource": "0",
        "import_file": SimpleUploadedFile("phu-luc.xlsx", data, XLSX)})


def test_admin_previews_then_confirms_into_the_chosen_plan(client, users, empty_plan):
    client.force_login(users["admin"])
    preview = _upload(client, empty_plan, appendix_bytes("tasks"))
    result = preview.context["result"]
    assert result.totals["new"] == 21 and not result.has_validation_errors()
    assert empty_plan.tasks.count() == 0  # nothing written by the preview
    confirm = preview.context["confirm_form"]
    response = client.post("/admin/plans/plan/process_import/", {**confirm.initial, "plan": empty_plan.pk})
    assert response.status_code == 302
    assert empty_plan.tasks.count() == 21 and empty_plan.sections.count() == 5
    assert empty_plan.tasks.get(ordinal="1").history.first().history_user == users["admin"]


def test_row_errors_are_shown_by_row_and_nothing_is_offered_for_confirmation(client, users, empty_plan):
    rows = seed_rows("indicators")
    rows[3][3] = ""
    client.force_login(users["admin"])
    preview = _upload(client, empty_plan, workbook_bytes(rows))
    result = preview.context["result"]
    assert [row.number for row in result.invalid_rows] == [4]
    assert "confirm_form" not in preview.context
    assert "Dòng 4 thiếu kết quả cần đạt." in preview.content.decode()


def test_a_bad_file_gets_the_vietnamese_message(client, users, empty_plan):
    client.force_login(users["admin"])
    page = _upload(client, empty_plan, b"STT,Noi dung\n1,x\n").content.decode()
    assert "không phải tệp Excel" in page and empty_plan.tasks.count() == 0


def test_area_admins_cannot_reach_the_admin_import(client, users, empty_plan):
    for username in ("phulam-admin", "phulam-officer"):
        client.force_login(users[username])
        assert client.get("/admin/plans/plan/import/").status_code == 302
        assert _upload(client, empty_plan, appendix_bytes("tasks")).status_code == 302
    assert empty_plan.tasks.count() == 0
