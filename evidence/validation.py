"""Checking an uploaded evidence file by its content, never by its name."""
import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from plans.text import upload_display_name

from .models import Evidence

_SIGNATURES = [
    (b"%PDF-", Evidence.Kind.PDF),
    (b"\xff\xd8\xff", Evidence.Kind.JPEG),
    (b"\x89PNG\r\n\x1a\n", Evidence.Kind.PNG),
]
_ZIP = b"PK\x03\x04"
_OPENDOCUMENT = {
    b"application/vnd.oasis.opendocument.text": Evidence.Kind.ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": Evidence.Kind.ODS,
}
_MACROS = ("vbaProject.bin", "Basic/", "Scripts/")
# A document inflating to far more than it weighs is a zip bomb, not evidence.
_MAX_EXPANSION = 100


@dataclass(frozen=True)
class InspectedFile:
    upload: object
    kind: str
    size: int
    sha256: str
    original_name: str


def inspect_upload(upload):
    """The file's kind, size and SHA-256, or a ValidationError in Vietnamese saying what is wrong."""
    name = upload_display_name(upload)
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": name})
    if upload.size > limit:
        raise ValidationError(_("Tệp “%(name)s” nặng %(size)s, vượt giới hạn %(limit)s cho mỗi tệp.")
                              % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = next((kind for signature, kind in _SIGNATURES if head.startswith(signature)), None)
    if kind is None and head.startswith(_ZIP):
        kind = _office_kind(upload, name, limit)
    if kind is None:
        raise ValidationError(_("Tệp “%(name)s” không phải PDF, ảnh JPEG/PNG, DOCX, XLSX, ODT hoặc ODS "
                                "(nội dung tệp không khớp, dù tên tệp là gì).") % {"name": name})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return InspectedFile(upload=upload, kind=kind, size=upload.size, sha256=digest.hexdigest(), original_name=name)


def _office_kind(upload, name, limit):
    broken = ValidationError(_("Tệp “%(name)s” bị hỏng hoặc không phải tài liệu văn phòng hợp lệ.") % {"name": name})
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            declared = sum(entry.file_size for entry in entries)
            if declared > limit * _MAX_EXPANSION or any(
                entry.file_size > _MAX_EXPANSION * max(entry.compress_size, 1) for entry in entries
            ):
                raise ValidationError(_("Tệp “%(name)s” giải nén ra dung lượng bất thường và bị từ chối.") % {"name": name})
            if any(entry.flag_bits & 0x1 for entry in entries):
                raise ValidationError(_("Tệp “%(name)s” được đặt mật khẩu; hãy nộp bản không khóa.") % {"name": name})
            names = {entry.filename for entry in entries}
            if any(n.endswith(_MACROS[0]) or n.startswith(_MACROS[1:]) for n in names):
                raise ValidationError(_("Tệp “%(name)s” chứa macro và bị từ chối.") % {"name": name})
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return Evidence.Kind.DOCX
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return Evidence.Kind.XLSX
            if "mimetype" in names:
                return _OPENDOCUMENT.get(archive.read("mimetype").strip())
            return None
    except (zipfile.BadZipFile, EOFError, KeyError, ValueError) as error:
        raise broken from error
    finally:
        upload.seek(0)
