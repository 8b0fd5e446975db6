"""Real files of every kind an officer may upload, and forged ones, built in memory."""
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_bytes(text="Biên bản nghiệm thu"):
    from weasyprint import HTML

    return HTML(string=f"<html><body><h1>{text}</h1><p>Đã ký.</p></body></html>").write_pdf()


def image_bytes(fmt="PNG"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def xlsx_bytes():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Chỉ tiêu", "Kết quả"])
    book.active.append(["Công dân số", 82])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip(entries, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


_DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/></Types>')
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_DOCX_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Báo cáo kết quả</w:t></w:r></w:p></w:body></w:document>')


def docx_bytes(extra=()):
    return _zip([("[Content_Types].xml", _DOCX_CONTENT_TYPES), ("_rels/.rels", _DOCX_RELS),
                 ("word/document.xml", _DOCX_DOCUMENT), *extra])


def opendocument_bytes(kind="text"):
    mimetype = f"application/vnd.oasis.opendocument.{kind}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>", compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>", compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def zip_bomb_docx():
    """A DOCX whose one part inflates from a few KB to 50 MB."""
    return docx_bytes(extra=[("word/media/padding.bin", b"\0" * (50 * 1024 * 1024))])


def encrypted_docx():
    """A DOCX whose parts are marked encrypted (bit 0 of the general-purpose flags)."""
    data = bytearray(docx_bytes())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (index := data.find(signature, start)) != -1:
            data[index + flag_offset] |= 0x01
            start = index + 4
    return bytes(data)


FORGED = {
    "executable.pdf": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 200,
    "page.pdf": b"<!DOCTYPE html><html><script>alert(1)</script></html>",
    "drawing.png": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
    "notes.docx": b"PK\x03\x04 this is not really a zip",
    "macro.docx": None,  # built below
}
FORGED["macro.docx"] = docx_bytes(extra=[("word/vbaProject.bin", b"\x00macro")])


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)
