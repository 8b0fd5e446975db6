"""Sending and receiving, the completeness table, the province's consolidated report, answers, signed copies."""
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from people.models import Notification
from plans.models import Area, ItemStatus
from reports.documents import report_snapshot_take
from reports.models import Difficulty, Report
from reports.register import difficulty_answer, report_draft, report_issue, report_receive, report_signed_upload
from tasks.models import Task
from tasks.services import task_progress_report

from .test_register import TODAY, docx_text, pdf_text, run_jobs

# Workflows from a clean slate: the demo's year of work is left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]
QUARTER = (TODAY.month - 1) // 3 + 1


def issued(user, area="phu-lam", kind="quarterly", number=QUARTER, render=False):
    report = report_draft(user=user, area=Area.objects.get(slug=area), kind=kind, year=TODAY.year, number=number)
    report_snapshot_take(report.pk)
    report = report_issue(report_id=report.pk, user=user)
    if render:
        return run_jobs(report)
    report.jobs.all().delete()
    report.refresh_from_db()
    return report


def test_issuing_sends_the_report_to_the_provinces_focal_office(client, users):
    report = issued(users["phulam-leader"])
    assert report.recipient_unit.name == "Sở Khoa học và Công nghệ"
    assert Notification.objects.filter(recipient=users["dongnai-officer"], url=report.get_absolute_url()).exists()
    client.force_login(users["dongnai-officer"])
    assert [r.pk for r in client.get("/reports/register/inbox/").context["page"]] == [report.pk]
    client.force_login(users["daiphuoc-leader"])
    assert list(client.get("/reports/register/inbox/").context["page"]) == []


def test_the_focal_office_receives_or_returns_with_a_comment(client, users):
    report = issued(users["phulam-leader"])
    client.force_login(users["dongnai-officer"])
    client.post(f"/reports/register/{report.pk}/receive/", {"decision": "return", "comment": ""})
    report.refresh_from_db()
    assert report.status == Report.Status.ISSUED  # a return needs a comment
    client.post(f"/reports/register/{report.pk}/receive/", {"decision": "return", "comment": "Thiếu số liệu chỉ tiêu"})
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED and report.handled_by == users["dongnai-officer"]
    assert Notification.objects.filter(recipient=users["phulam-leader"], message__contains="Thiếu số liệu chỉ tiêu").exists()
    again = issued(users["phulam-leader"])  # a returned report can be drafted again for the same period
    assert again.number == 2
    report_receive(report_id=again.pk, user=users["dongnai-officer"], accept=True)
    again.refresh_from_db()
    assert again.status == Report.Status.RECEIVED
    assert [h.status for h in again.history.order_by("history_date")][-2:] == ["issued", "received"]


def test_the_completeness_table_shows_on_time_late_and_missing(client, users):
    on_time = issued(users["phulam-leader"])
    late = issued(users["daiphuoc-leader"], area="dai-phuoc")
    Report.objects.filter(pk=late.pk).update(is_on_time=False)
    client.force_login(users["dongnai-officer"])
    rows = client.get(f"/reports/register/completeness/?kind=quarterly&year={TODAY.year}&number={QUARTER}").context["rows"]
    assert {str(r["area"]): r["state"] for r in rows} == {"Xã Phú Lâm": "on_time", "Xã Đại Phước": "late"}
    Report.objects.filter(pk=late.pk).delete()
    page = client.get(f"/reports/register/completeness/?kind=quarterly&year={TODAY.year}&number={QUARTER}")
    assert {str(r["area"]): r["label"] for r in page.context["rows"]} == {"Xã Phú Lâm": "Đúng hạn",
                                                                         "Xã Đại Phước": "Chưa báo cáo"}
    assert on_time.reference in page.content.decode()
    client.force_login(users["phulam-officer"])
    assert client.get("/reports/register/completeness/").status_code == 403
    assert client.get("/reports/register/completeness/?year=9999&number=9").status_code in (403, 404)


def test_the_province_report_ranks_its_communes_from_their_reports(users):
    Task.objects.filter(plan__slug="phu-lam-55kh", ordinal__in=["1", "2"]).update(status=ItemStatus.COMPLETED,
                                                                                progress=100)
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=40,
                         period=TODAY.replace(day=1), achievements="Đã trình đề án",
                         difficulties="Thiếu kinh phí", proposals="Đề nghị tỉnh bổ sung kinh phí")
    commune = issued(users["phulam-leader"])
    province = run_jobs(report_draft(user=users["dongnai-leader"], area=Area.objects.get(slug="dong-nai"),
                                     kind="quarterly", year=TODAY.year, number=QUARTER))
    rows = {row["area"]: row for row in province.snapshot["communes"]}
    assert rows["Xã Phú Lâm"]["reported"] and rows["Xã Phú Lâm"]["reference"] == commune.reference
    assert rows["Xã Phú Lâm"]["rank"] == 1 and rows["Xã Phú Lâm"]["totals"]["tasks_completed"] == 2
    assert not rows["Xã Đại Phước"]["reported"] and rows["Xã Đại Phước"]["rank"] == 2
    assert "Xã Dân Tiến" not in rows  # another province
    assert province.snapshot["plans"][0]["reference"] == "182/KH-UBND"
    assert province.addressee == "Ủy ban nhân dân tỉnh Đồng Nai" and province.symbol == "BC-SKHCN"
    for text in (pdf_text(province.pdf.read()), docx_text(province.docx.read())):
        assert "Tình hình thực hiện và báo cáo của các xã, phường:" in text
        assert "XẾP HẠNG KẾT QUẢ THỰC HIỆN CỦA CÁC XÃ, PHƯỜNG" in text
        assert "chưa báo cáo: 1" in text and "Chưa báo cáo (số liệu lấy trực tiếp từ hệ thống): Xã Đại Phước" in text
        assert "Đề nghị tỉnh bổ sung kinh phí" in text and "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in text


def test_a_commune_officer_gets_no_province_report_in_any_form(client, users):
    """Issue 9, item 2: the province's reports (and so its draft plans) never reach a commune."""
    from plans.models import Plan

    Plan.objects.filter(slug="dong-nai-182").update(status=Plan.Status.DRAFT, number="")
    province = run_jobs(report_draft(user=users["dongnai-leader"], area=Area.objects.get(slug="dong-nai"),
                                     kind="quarterly", year=TODAY.year, number=QUARTER))
    for username in ("phulam-officer", "phulam-leader", "daiphuoc-admin"):
        client.force_login(users[username])
        assert client.get(f"/reports/register/{province.pk}/").status_code == 404
        for kind in ("pdf", "docx", "signed"):
            assert client.get(f"/reports/register/{province.pk}/{kind}/").status_code == 404
        assert province.pk not in [r.pk for r in client.get("/reports/register/").context["page"]]
        assert province.pk not in [r.pk for r in client.get("/reports/register/inbox/").context["page"]]
    Report.objects.filter(pk=province.pk).update(status=Report.Status.ISSUED, number=1, number_year=TODAY.year,
                                                 issued_at=timezone.now())
    client.force_login(users["phulam-officer"])
    assert client.get(f"/reports/register/{province.pk}/pdf/").status_code == 404


def test_answers_reach_the_unit_and_show_in_the_next_report(client, users):
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=40,
                         period=TODAY.replace(day=1), achievements="Đã trình đề án",
                         difficulties="Thiếu kinh phí", proposals="Đề nghị bổ sung kinh phí")
    first = issued(users["phulam-leader"])
    difficulty = Difficulty.objects.get(area__slug="phu-lam")
    assert difficulty.unit.name == "Phòng Văn hóa - Xã hội" and difficulty.status == Difficulty.Status.OPEN
    client.force_login(users["daiphuoc-leader"])
    assert client.post(f"/reports/difficulties/{difficulty.pk}/answer/",
                       {"answer": "Không", "status": "answered"}).status_code == 404
    with pytest.raises(PermissionDenied):
        difficulty_answer(difficulty_id=difficulty.pk, user=users["phulam-officer"], answer="x", status="answered")
    client.force_login(users["dongnai-officer"])  # the province's focal office
    client.post(f"/reports/difficulties/{difficulty.pk}/answer/",
                {"answer": "Sở KH&CN sẽ bố trí kinh phí trong quý tới", "status": "answered",
                 "next": first.get_absolute_url()})
    difficulty.refresh_from_db()
    assert difficulty.status == Difficulty.Status.ANSWERED and difficulty.answered_by == users["dongnai-officer"]
    assert Notification.objects.filter(recipient=users["phulam-officer"],
                                       message__contains="Sở KH&CN sẽ bố trí kinh phí").exists()
    difficulty_answer(difficulty_id=difficulty.pk, user=users["phulam-leader"], answer="Đã nhận kinh phí",
                      status="resolved")
    with pytest.raises(ValidationError):
        difficulty_answer(difficulty_id=difficulty.pk, user=users["phulam-leader"], answer=" ", status="resolved")
    following = run_jobs(report_draft(user=users["phulam-leader"], area=Area.objects.get(slug="phu-lam"),
                                      kind="annual", year=TODAY.year, number=1))
    assert [d["answer"] for d in following.snapshot["directions"]] == ["Đã nhận kinh phí"]
    text = pdf_text(following.pdf.read())
    assert "Ý kiến chỉ đạo: Đã nhận kinh phí (Đã giải quyết)" in text


def _self_signed_pdf(pdf_bytes):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder_data
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from cryptography.hazmat.primitives import serialization

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Đỗ Xuân Hòa")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pem") as cert_file:
        cert_file.write(cert.public_bytes(serialization.Encoding.PEM))
        cert_file.flush()
        signer = signers.SimpleSigner(
            signing_cert=load_cert_from_pemder(cert_file.name),
            signing_key=load_private_key_from_pemder_data(
                key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()), passphrase=None),
            cert_registry=None)
        out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf_bytes)),
                               signers.PdfSignatureMetadata(field_name="Signature1"), signer=signer)
    return out.getvalue()


def test_a_digitally_signed_copy_shows_its_signer_and_that_it_verifies(client, users):
    report = issued(users["phulam-leader"], render=True)
    signed = _self_signed_pdf(report.pdf.read())
    client.force_login(users["phulam-leader"])
    client.post(f"/reports/register/{report.pk}/upload-signed/",
                {"file": SimpleUploadedFile("ky-so.pdf", signed, content_type="application/pdf")})
    report.refresh_from_db()
    assert report.signed_sha256 and report.signature["verifies"]
    (signature,) = report.signature["signatures"]
    assert "Đỗ Xuân Hòa" in signature["signer"] and signature["intact"] and not signature["trusted"]
    page = client.get(f"/reports/register/{report.pk}/").content.decode()
    assert "Đỗ Xuân Hòa" in page and "toàn vẹn, hợp lệ" in page and "chứng thư chưa được tin cậy" in page
    tampered = bytearray(signed)
    tampered[signed.index(b"stream", 2000) + 40] ^= 0xFF  # one byte of the signed content changed
    tampered = bytes(tampered)
    with pytest.raises(ValidationError):  # not a PDF
        report_signed_upload(report_id=report.pk, user=users["phulam-leader"],
                             upload=SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100))
    with pytest.raises(ValidationError):  # altered after signing: refused, the verified copy stays
        report_signed_upload(report_id=report.pk, user=users["phulam-leader"],
                             upload=SimpleUploadedFile("sua.pdf", tampered))
    report.refresh_from_db()
    assert report.signature["verifies"]


def test_a_scanned_copy_is_kept_with_its_hash(users):
    from tests import files

    report = issued(users["phulam-leader"], render=True)
    data = files.pdf_bytes()
    report_signed_upload(report_id=report.pk, user=users["phulam-leader"], upload=SimpleUploadedFile("scan.pdf", data),
                         as_scan=True)
    report.refresh_from_db()
    import hashlib

    assert report.signed_sha256 == hashlib.sha256(data).hexdigest() and report.signature["scan"]
    with pytest.raises(PermissionDenied):
        report_signed_upload(report_id=report.pk, user=users["phulam-officer"], upload=SimpleUploadedFile("s.pdf", data))


def test_the_inbox_and_completeness_pages_cost_the_same_queries_as_reports_grow(client, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.register import reporting_rules_defaults_create

    issued(users["phulam-leader"])
    reporting_rules_defaults_create()  # an area's rules are made the first time asked for: once, not measured here
    client.force_login(users["dongnai-officer"])
    urls = ["/reports/register/inbox/",
            f"/reports/register/completeness/?kind=quarterly&year={TODAY.year}&number={QUARTER}"]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    issued(users["daiphuoc-leader"], area="dai-phuoc")
    issued(users["phulam-leader"], kind="annual", number=1)
    assert counts() == before
