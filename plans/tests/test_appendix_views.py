"""The admin's import page: upload, preview, map units, confirm; large files through a real Celery worker."""
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plans.models import AppendixImport, Plan
from tests.workbooks import appendix_bytes, seed_rows, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, plan, data, name="phu-luc.xlsx"):
    return client.post(f"/plans/{plan.slug}/import/", {"file": SimpleUploadedFile(name, data, XLSX)})


@pytest.fixture
def empty_plan(users):
    area = Plan.objects.get(slug="phu-lam-55kh").area
    return Plan.objects.create(slug="phu-lam-moi", area=area, issuer="UBND xã Phú Lâm", title="Kế hoạch mới",
                               issued_year=2026, status="draft")


@pytest.mark.django_db
@pytest.mark.parametrize("username, status", [
    ("phulam-admin", 200), ("dongnai-admin", 200), ("phulam-officer", 403), ("phulam-leader", 403),
    ("phulam-reviewer", 403), ("daiphuoc-admin", 404),
])
def test_only_admins_of_the_area_reach_the_import_page(client, users, empty_plan, username, status):
    client.force_login(users[username])
    assert client.get(f"/plans/{empty_plan.slug}/import/").status_code == status
    if status != 200:
        assert _upload(client, empty_plan, appendix_bytes("tasks")).status_code == status
        assert not AppendixImport.objects.exists() and empty_plan.tasks.count() == 0


@pytest.mark.django_db
def test_upload_preview_confirm(client, users, empty_plan):
    client.force_login(users["phulam-admin"])
    response = _upload(client, empty_plan, appendix_bytes("tasks"))
    record = AppendixImport.objects.get()
    assert response.url == f"/plans/{empty_plan.slug}/import/{record.pk}/"
    page = client.get(response.url)
    assert page.context["summary"]["counts"] == {"new": 21, "changed": 0, "unchanged": 0, "error": 0}
    assert "Xác nhận nhập" in page.content.decode() and empty_plan.tasks.count() == 0
    client.post(f"/plans/{empty_plan.slug}/import/{record.pk}/confirm/")
    record.refresh_from_db()
    assert record.status == "done" and empty_plan.tasks.count() == 21


@pytest.mark.django_db
def test_a_bad_file_is_refused_on_the_form(client, users, empty_plan):
    client.force_login(users["phulam-admin"])
    response = _upload(client, empty_plan, b"STT,Noi dung\n1,x\n", name="bang.csv")
    assert response.status_code == 400 and "không phải tệp Excel" in response.content.decode()
    assert not AppendixImport.objects.exists()


@pytest.mark.django_db
def test_rows_with_errors_can_be_downloaded_with_a_message_beside_each(client, users, empty_plan):
    import io

    from openpyxl import load_workbook

    rows = seed_rows("indicators")
    rows[3][3] = ""
    client.force_login(users["phulam-admin"])
    response = _upload(client, empty_plan, workbook_bytes(rows))
    page = client.get(response.url)
    assert "Xác nhận nhập" not in page.content.decode()
    record = AppendixImport.objects.get()
    sheet = load_workbook(io.BytesIO(b"".join(client.get(f"{response.url}errors.xlsx")))).active
    assert sheet.cell(row=4, column=sheet.max_column).value == "Dòng 4 thiếu kết quả cần đạt."
    assert record.status == "previewed"


@pytest.mark.worker
def test_a_large_file_is_previewed_and_imported_by_the_worker(client, users, celery_worker, settings, demo):
    settings.IMPORT_INLINE_BYTES = 0
    area = Plan.objects.get(slug="phu-lam-55kh").area
    plan = Plan.objects.create(slug="phu-lam-lon", area=area, issuer="UBND", title="Lớn", issued_year=2026)
    client.force_login(users["phulam-admin"])
    response = _upload(client, plan, appendix_bytes("indicators"))
    record = AppendixImport.objects.get(plan=plan)

    def wait_for(status):
        for _ in range(100):
            record.refresh_from_db()
            if record.status == status:
                return
            time.sleep(0.2)
        raise AssertionError(f"still {record.status}")

    progress = client.get(response.url, HTTP_HX_REQUEST="true")
    assert progress.status_code == 200
    wait_for("previewed")
    assert record.summary["counts"]["new"] == 25
    client.post(f"{response.url}confirm/")
    wait_for("done")
    assert plan.indicators.count() == 25 and record.progress == 100


@pytest.mark.django_db
def test_unknown_units_are_mapped_on_the_page_then_imported(client, users, empty_plan):
    from plans.models import Unit

    rows = seed_rows("tasks")
    rows[2][2] = "Phòng Nông nghiệp"
    rows[3][2] = "P. Kinh tế xã"
    client.force_login(users["phulam-admin"])
    page_url = _upload(client, empty_plan, workbook_bytes(rows)).url
    page = client.get(page_url)
    unknown = list(page.context["summary"]["unknown_units"])
    assert set(unknown) == {"Phòng Nông nghiệp", "P. Kinh tế xã"} and "Xác nhận nhập" not in page.content.decode()
    economic = Unit.objects.get(area__slug="phu-lam", name="Phòng Kinh tế")
    client.post(f"{page_url}units/", {"name-0": "Phòng Nông nghiệp", "unit-0": "new",
                                      "name-1": "P. Kinh tế xã", "unit-1": str(economic.pk)})
    page = client.get(page_url)
    assert page.context["summary"]["can_import"] and "Xác nhận nhập" in page.content.decode()
    client.post(f"{page_url}confirm/")
    assert empty_plan.tasks.count() == 21
    assert empty_plan.tasks.get(ordinal="1").lead_units.get().name == "Phòng Nông nghiệp"
    assert empty_plan.tasks.get(ordinal="2").lead_units.get() == economic
