"""Stored report files are checked against their SHA-256 on the way out; return comments are kept whole."""
import logging

import pytest

from people.models import Notification
from reports.models import Report
from reports.register import report_receive

from .test_report_workflow import issued

pytestmark = pytest.mark.django_db


def test_a_report_file_changed_on_disk_is_not_served_and_the_admins_and_operator_are_told(
        client, users, django_user_model, caplog):
    operator = django_user_model.objects.create_superuser("operator", "operator@example.org", "x")
    report = issued(users["phulam-leader"], render=True)
    client.force_login(users["phulam-leader"])
    assert client.get(f"/reports/register/{report.pk}/pdf/").status_code == 200
    with open(report.pdf.path, "ab") as handle:
        handle.write(b"\n% appended on disk\n")
    with caplog.at_level(logging.ERROR, logger="reports.register"):
        response = client.get(f"/reports/register/{report.pk}/pdf/")
    assert response.status_code == 500 and "application/pdf" not in response["Content-Type"]
    assert "Tệp báo cáo không còn nguyên vẹn" in response.content.decode()
    assert any("SHA-256" in record.getMessage() for record in caplog.records)
    told = set(Notification.objects.filter(message__contains="SHA-256 không khớp").values_list("recipient__username",
                                                                                                flat=True))
    assert {"phulam-admin", operator.username} <= told and "phulam-officer" not in told
    client.get(f"/reports/register/{report.pk}/pdf/")  # asked again: told once a day, not at every click
    assert Notification.objects.filter(message__contains="SHA-256 không khớp").count() == len(told)
    assert client.get(f"/reports/register/{report.pk}/docx/").status_code == 200  # the untouched file still goes


def test_a_return_comment_of_any_length_the_form_allows_is_kept_whole(client, users):
    report = issued(users["phulam-leader"])
    comment = "Đề nghị bổ sung số liệu chỉ tiêu và minh chứng của các nhiệm vụ chậm tiến độ. " * 20
    comment = comment[:2000]
    client.force_login(users["dongnai-officer"])
    response = client.post(f"/reports/register/{report.pk}/receive/", {"decision": "return", "comment": comment})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED and report.return_comment == comment.strip()
    reason = report.history.order_by("-history_date").first().history_change_reason
    assert len(reason) <= 100 and comment.startswith(reason.rstrip("…"))


def test_the_service_keeps_a_long_comment_too(users):
    report = issued(users["phulam-leader"])
    report_receive(report_id=report.pk, user=users["dongnai-officer"], accept=False, comment="x" * 500)
    report.refresh_from_db()
    assert report.return_comment == "x" * 500
