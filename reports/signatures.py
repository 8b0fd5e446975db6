"""Digital signatures in an uploaded signed copy (pyHanko): who signed, and whether it verifies."""
import io
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def _trust_roots():
    from asn1crypto import pem, x509

    roots = []
    for path in settings.REPORT_SIGNATURE_TRUST_ROOTS:
        with open(path, "rb") as handle:
            data = handle.read()
        for _type, _headers, der in pem.unarmor(data, multiple=True) if pem.detect(data) else [(None, None, data)]:
            roots.append(x509.Certificate.load(der))
    return roots


def signature_inspect(data):
    """{} for a scanned copy; otherwise the signers, each intact/valid/trusted, without fetching anything."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception:  # not readable as a PDF structure pyHanko understands: treat as a scan
        logger.info("signed copy not readable by pyHanko", exc_info=True)
        return {}
    if not signatures:
        return {}
    found = []
    for signature in signatures:
        try:
            status = validate_pdf_signature(
                signature, ValidationContext(trust_roots=_trust_roots(), allow_fetching=False))
            found.append({"signer": status.signing_cert.subject.human_friendly, "intact": bool(status.intact),
                          "valid": bool(status.valid), "trusted": bool(status.trusted),
                          "signed_at": status.signer_reported_dt.isoformat() if status.signer_reported_dt else ""})
        except Exception as exc:
            found.append({"signer": "", "intact": False, "valid": False, "trusted": False, "error": str(exc)[:200]})
    return {"signatures": found, "verifies": all(s["intact"] and s["valid"] for s in found)}
