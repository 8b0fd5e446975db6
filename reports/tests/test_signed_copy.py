"""The signed copy is the issued report: signatures checked against the issued PDF's bytes, refusals that say why."""
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import Report
from reports.register import report_receive, report_signed_upload
from tests import files

from .test_report_workflow import issued

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def identity():
    """A self-signed certificate made for the test, and pyHanko's signer holding its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from asn1crypto import x509 as asn1_x509
    from pyhanko.keys import load_private_key_from_pemder_data
    from pyhanko.sign import signers

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Đỗ Xuân Hòa")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM)
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=load_private_key_from_pemder_data(
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()), passphrase=None),
        cert_registry=None)
    return signer, pem


def sign(data, identity):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)),
                           signers.PdfSignatureMetadata(field_name="Signature1"), signer=identity[0])
    return out.getvalue()


def upload(report, user, data, name="ky-so.pdf", **kwargs):
    return report_signed_upload(report_id=report.pk, user=user, upload=SimpleUploadedFile(name, data), **kwargs)


@pytest.fixture
def report(users):
    return issued(users["phulam-leader"], render=True)


def test_the_issued_pdf_signed_is_kept_as_verified_but_not_trusted(client, users, report, identity):
    signed = sign(report.pdf.read(), identity)
    client.force_login(users["phulam-leader"])
    client.post(f"/reports/register/{report.pk}/upload-signed/",
                {"file": SimpleUploadedFile("ky-so.pdf", signed, content_type="application/pdf")})
    report.refresh_from_db()
    assert report.signature["verdict"] == "verified" and report.signature["verifies"]
    assert not report.signature["trusted"]
    (signature,) = report.signature["signatures"]
    assert "Đỗ Xuân Hòa" in signature["signer"] and signature["intact"] and not signature["trusted"]
    page = client.get(f"/reports/register/{report.pk}/").content.decode()
    assert "toàn vẹn, hợp lệ" in page and "chứng thư chưa được tin cậy" in page
    assert "Đã xác minh: chữ ký số bao trùm đúng bản PDF đã ban hành" in page


def test_a_configured_trust_root_makes_the_signature_trusted(settings, users, report, identity, tmp_path):
    root = tmp_path / "root.pem"
    root.write_bytes(identity[1])
    settings.REPORT_SIGNATURE_TRUST_ROOTS = [str(root)]
    upload(report, users["phulam-leader"], sign(report.pdf.read(), identity))
    report.refresh_from_db()
    assert report.signature["verdict"] == "verified" and report.signature["trusted"]


def test_copies_that_are_not_the_issued_report_are_refused_and_replace_nothing(users, report, identity):
    leader = users["phulam-leader"]
    good = sign(report.pdf.read(), identity)
    upload(report, leader, good)
    report.refresh_from_db()
    kept = (report.signed_file.name, report.signed_sha256)

    another = sign(files.pdf_bytes("Báo cáo khác"), identity)
    appended = good + b"\n% added after signing\n"
    altered = bytearray(good)
    altered[good.index(b"stream", 2000) + 40] ^= 0xFF
    cases = [(another, "văn bản khác"), (appended, "sau khi ký"), (bytes(altered), "sau khi ký"),
             (report.pdf.read(), "không có chữ ký số")]
    for data, words in cases:
        with pytest.raises(ValidationError) as refused:
            upload(report, leader, data)
        assert words in " ".join(refused.value.messages), words
        report.refresh_from_db()
        assert (report.signed_file.name, report.signed_sha256) == kept
        assert report.signature["verdict"] == "verified"
    verdicts = [u["verdict"] for u in report.signature["uploads"]]
    assert verdicts == ["verified", "another_document", "altered", "altered", "unsigned"]
    reasons = list(report.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert sum(1 for r in reasons if r and r.startswith("Từ chối bản đã ký")) == 4
    assert all(len(r) <= 100 for r in reasons if r)


def test_a_scan_is_kept_only_when_chosen_and_never_as_verified(client, users, report):
    data = files.pdf_bytes("Bản quét")
    with pytest.raises(ValidationError):
        upload(report, users["phulam-leader"], data)
    report.refresh_from_db()
    assert not report.signed_file
    upload(report, users["phulam-leader"], data, as_scan=True)
    report.refresh_from_db()
    assert report.signed_file and report.signature["scan"] and not report.signature.get("verifies")
    client.force_login(users["phulam-leader"])
    page = client.get(f"/reports/register/{report.pk}/").content.decode()
    assert "Bản quét, không có chữ ký số." in page and "Chưa xác minh" in page


def test_once_received_a_new_copy_needs_the_report_returned_first(users, report, identity):
    leader = users["phulam-leader"]
    upload(report, leader, sign(report.pdf.read(), identity))
    report_receive(report_id=report.pk, user=users["dongnai-officer"], accept=True)
    with pytest.raises(ValidationError) as refused:
        upload(report, leader, files.pdf_bytes("Bản quét"), as_scan=True)
    assert "trả lại" in " ".join(refused.value.messages)
    report.refresh_from_db()
    assert report.status == Report.Status.RECEIVED and report.signature["verdict"] == "verified"
