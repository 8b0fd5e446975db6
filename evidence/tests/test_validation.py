"""Uploads are judged by their content: real files of each kind pass, forged ones are refused."""
import pytest
from django.core.exceptions import ValidationError

from evidence.validation import inspect_upload
from tests import files


@pytest.mark.parametrize("name, build, kind", [
    ("bien-ban.pdf", files.pdf_bytes, "pdf"),
    ("anh.png", lambda: files.image_bytes("PNG"), "png"),
    ("anh.jpg", lambda: files.image_bytes("JPEG"), "jpeg"),
    ("bang.xlsx", files.xlsx_bytes, "xlsx"),
    ("bao-cao.docx", files.docx_bytes, "docx"),
    ("bao-cao.odt", lambda: files.opendocument_bytes("text"), "odt"),
    ("bang.ods", lambda: files.opendocument_bytes("spreadsheet"), "ods"),
    ("no-extension", files.pdf_bytes, "pdf"),
])
def test_real_files_of_each_kind_are_recognised_by_content(name, build, kind):
    data = build()
    inspected = inspect_upload(files.upload(name, data))
    assert inspected.kind == kind and inspected.size == len(data) and len(inspected.sha256) == 64


@pytest.mark.parametrize("name, data, message", [
    ("executable.pdf", files.FORGED["executable.pdf"], "không phải PDF"),
    ("page.pdf", files.FORGED["page.pdf"], "không phải PDF"),
    ("drawing.png", files.FORGED["drawing.png"], "không phải PDF"),
    ("notes.docx", files.FORGED["notes.docx"], "bị hỏng"),
    ("macro.docx", files.FORGED["macro.docx"], "macro"),
    ("bomb.docx", files.zip_bomb_docx(), "dung lượng bất thường"),
    ("locked.docx", files.encrypted_docx(), "mật khẩu"),
    ("empty.pdf", b"", "rỗng"),
])
def test_forged_and_hostile_files_are_refused_with_a_clear_message(name, data, message):
    with pytest.raises(ValidationError) as refused:
        inspect_upload(files.upload(name, data))
    assert message in refused.value.messages[0] and name in refused.value.messages[0]


def test_files_over_the_limit_are_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        inspect_upload(files.upload("big.pdf", b"%PDF-1.7" + b"0" * 2000))
    assert "vượt giới hạn" in refused.value.messages[0]


def test_openpyxl_parses_workbooks_with_defusedxml():
    # Without defusedxml openpyxl would expand XML entities from uploaded workbooks.
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
