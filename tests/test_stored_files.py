"""Stored files go out only with the SHA-256 recorded when they were stored: one helper
(`config.downloads.stored_file_read`) behind every caller — the register's report files, the read API's report
files and the central export's files. Altered bytes are refused, and the area's admins and the operator are told,
once a day."""
import hashlib
import logging

import pytest
from django.core.files.base import ContentFile

from api.services import token_create
from central.models import CentralExport
from config.downloads import StoredFileAltered, stored_file_read
from people.models import Notification
from plans.models import Area
from reports.models import Report

pytestmark = pytest.mark.django_db

STORED = b"%PDF-1.4\n% stored bytes of the test\n"
NOTICE = "SHA-256 không khớp"


def _report_with_pdf():
    report = Report.objects.filter(area__slug="phu-lam").exclude(status="draft").first()
    report.pdf.save("bao-cao.pdf", ContentFile(STORED), save=False)
    report.pdf_sha256 = hashlib.sha256(STORED).hexdigest()
    report.save(update_fields=["pdf", "pdf_sha256"])
    return report.pdf


def _export_with_json(users):
    record = CentralExport(area=Area.objects.get(slug="phu-lam"), period_kind="annual", year=2026, number=1,
                           schema_version="1", requested_by=users["phulam-leader"],
                           status=CentralExport.Status.DONE, json_sha256=hashlib.sha256(STORED).hexdigest())
    record.save()
    record.json_file.save("phu-lam-annual-2026-1.json", ContentFile(STORED))
    return record


def report_page(client, users):
    stored = _report_with_pdf()
    client.force_login(users["phulam-leader"])
    return stored, f"/reports/register/{Report.objects.get(pdf=stored.name).pk}/pdf/", {}


def api_report_file(client, users):
    stored = _report_with_pdf()
    token = token_create(user=users["phulam-admin"], area_id=users["phulam-admin"].units.get(
        area__slug="phu-lam").area_id, name="Khóa thử")[1]
    return (stored, f"/api/v1/reports/{Report.objects.get(pdf=stored.name).pk}/files/pdf/",
            {"HTTP_AUTHORIZATION": f"Bearer {token}"})


def central_export_file(client, users):
    record = _export_with_json(users)
    client.force_login(users["phulam-leader"])
    return record.json_file, f"/central/{record.pk}/json/", {}


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("caller", [report_page, api_report_file, central_export_file])
def test_each_caller_serves_intact_bytes_refuses_altered_ones_and_tells_the_admins_and_operator_once(
        client, users, django_user_model, caplog, caller):
    operator = django_user_model.objects.create_superuser("operator", "operator@example.org", "x")
    stored, url, headers = caller(client, users)
    served = client.get(url, **headers)
    assert served.status_code == 200 and _body(served) == STORED
    assert not Notification.objects.filter(message__contains=NOTICE).exists()

    with open(stored.path, "ab") as handle:
        handle.write(b"\n% appended on disk\n")
    with caplog.at_level(logging.ERROR, logger="config.downloads"):
        refused = client.get(url, **headers)
    assert refused.status_code == 500
    assert b"appended on disk" not in _body(refused) and STORED not in _body(refused)
    assert any("SHA-256" in record.getMessage() for record in caplog.records)
    told = Notification.objects.filter(message__contains=NOTICE)
    names = set(told.values_list("recipient__username", flat=True))
    assert {"phulam-admin", operator.username} <= names
    assert not names & {"phulam-officer", "phulam-leader", "daiphuoc-admin"}
    assert stored.name.rsplit("/", 1)[-1] in told.first().message
    count = told.count()
    assert client.get(url, **headers).status_code == 500  # asked again: told once a day, not at every click
    assert told.count() == count


def test_a_file_stored_before_hashes_were_recorded_is_served_as_it_is(users):
    stored = _report_with_pdf()
    assert stored_file_read(stored, recorded="", area_id=None, message=str, url="") == STORED


def test_the_notice_words_are_asked_only_for_altered_bytes(users):
    stored = _report_with_pdf()
    asked = []

    def message():
        asked.append(True)
        return "Tệp thử: SHA-256 không khớp"

    recorded = hashlib.sha256(STORED).hexdigest()
    assert stored_file_read(stored, recorded=recorded, area_id=None, message=message, url="/") == STORED
    assert not asked
    with pytest.raises(StoredFileAltered):
        stored_file_read(stored, recorded="0" * 64, area_id=None, message=message, url="/")
    assert asked
