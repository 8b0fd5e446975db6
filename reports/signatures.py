"""Digital signatures in an uploaded signed copy (pyHanko): who signed, whether it verifies, and whether what was
signed is the issued report itself.

A signed copy is the issued report when its first signature covers a revision whose bytes before the signature's
incremental update are exactly the issued PDF (the SHA-256 kept when it was issued), and nothing was added after
the last signature. Nothing is fetched from the network; trust roots come from REPORT_SIGNATURE_TRUST_ROOTS.
"""
import hashlib
import io
import logging

from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

VERIFIED, ANOTHER_DOCUMENT, ALTERED, INVALID, UNSIGNED = "verified", "another_document", "altered", "invalid", "unsigned"
VERDICTS = {
    VERIFIED: _("Chữ ký số bao trùm đúng bản PDF đã ban hành, không bị sửa sau khi ký."),
    ANOTHER_DOCUMENT: _("Tệp được ký số nhưng là văn bản khác: phần được ký không trùng với bản PDF đã ban hành "
                        "của báo cáo này (SHA-256 khác)."),
    ALTERED: _("Tệp đã bị sửa hoặc thêm nội dung sau khi ký: chữ ký số không còn bao trùm toàn bộ tệp."),
    INVALID: _("Chữ ký số trong tệp không hợp lệ."),
    UNSIGNED: _("Tệp không có chữ ký số nên không xác minh được là bản đã ký."),
}


def _trust_roots():
    from asn1crypto import pem, x509

    roots = []
    for path in settings.REPORT_SIGNATURE_TRUST_ROOTS:
        with open(path, "rb") as handle:
            data = handle.read()
        for _type, _headers, der in pem.unarmor(data, multiple=True) if pem.detect(data) else [(None, None, data)]:
            roots.append(x509.Certificate.load(der))
    return roots


def _revision_before(data, signature):
    """The candidate bytes of the revision the signature's incremental update was added to: everything up to the
    last end-of-file marker before the signature's contents, with each line ending pyHanko may have kept."""
    first_part = int(signature.byte_range[1])
    end = data.rfind(b"%%EOF", 0, first_part)
    if end < 0:
        return []
    end += len(b"%%EOF")
    return [data[:end + extra] for extra in (0, 1, 2)]


def _is_issued(data, signature, issued_sha256):
    return bool(issued_sha256) and any(hashlib.sha256(candidate).hexdigest() == issued_sha256
               for candidate in _revision_before(data, signature))


def signature_inspect(data, issued_sha256=""):
    """The verdict on an uploaded copy, with each signature's signer and whether it is intact, valid and trusted.

    {"verdict": UNSIGNED} for a file without a digital signature (a scan, or not readable as a PDF)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception:  # not readable as a PDF structure pyHanko understands: no signature to check
        logger.info("signed copy not readable by pyHanko", exc_info=True)
        return {"verdict": UNSIGNED}
    if not signatures:
        return {"verdict": UNSIGNED}
    found, whole_file = [], False
    for signature in signatures:
        try:
            status = validate_pdf_signature(
                signature, ValidationContext(trust_roots=_trust_roots(), allow_fetching=False))
            whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
            found.append({"signer": status.signing_cert.subject.human_friendly, "intact": bool(status.intact),
                          "valid": bool(status.valid), "trusted": bool(status.trusted),
                          "signed_at": status.signer_reported_dt.isoformat() if status.signer_reported_dt else ""})
        except Exception as exc:
            whole_file = False
            found.append({"signer": "", "intact": False, "valid": False, "trusted": False, "error": str(exc)[:200]})
    # The last signature must cover the whole file: bytes after it were added once it was signed.
    if not all(s["intact"] for s in found) or not whole_file:
        verdict = ALTERED
    elif not all(s["valid"] for s in found):
        verdict = INVALID
    elif not _is_issued(data, signatures[0], issued_sha256):
        verdict = ANOTHER_DOCUMENT
    else:
        verdict = VERIFIED
    return {"verdict": verdict, "signatures": found, "verifies": verdict == VERIFIED,
            "trusted": verdict == VERIFIED and all(s["trusted"] for s in found)}


def verdict_text(verdict):
    return str(VERDICTS.get(verdict, ""))
