"""Turning an uploaded file into sheets of cell text, whatever office program wrote it.

Every format goes through the same safety checks first (size, zip structure and the
sizes it declares, passwords, macros), then its own reader: xlsx (openpyxl, read-only,
streamed), legacy xls (xlrd), ods (the OpenDocument XML, streamed with defusedxml) and
the plan's own Word file (docx: its tables, through python-docx). Each reader gives cell
text the way the office sees it: a percent cell as `80%`, a date as `31/12/2026`,
`2,5` with the Vietnamese decimal comma.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ...workbooks import check_size, zip_entries

XLSX, XLS, ODS, DOCX = "xlsx", "xls", "ods", "docx"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURE = b"PK\x03\x04"
_OLE_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_OLE_MACROS = "_VBA_PROJECT".encode("utf-16-le")
_MACRO_ENTRIES = ("xl/vbaProject.bin", "word/vbaProject.bin")


@dataclass
class Sheet:
    title: str
    rows: list = field(default_factory=list)  # lists of cell text
    hidden: bool = False


def too_many_rows(title):
    limit = settings.IMPORT_MAX_ROWS
    return ValidationError(_("Trang “%(sheet)s” có hơn %(limit)s dòng, vượt giới hạn một lần nhập. Hãy chia nhỏ tệp.")
                           % {"sheet": title, "limit": f"{limit:,}".replace(",", ".")})


def unreadable(name):
    return ValidationError(_("Tệp “%(name)s” bị hỏng, không đọc được.") % {"name": name})


def check_upload(data, name):
    """The file's format once it passed the safety checks; a clear Vietnamese refusal otherwise."""
    check_size(data, name)
    if data.startswith(_OLE_SIGNATURE):
        if _OLE_ENCRYPTED in data:
            raise ValidationError(_("Tệp “%(name)s” được đặt mật khẩu. Hãy bỏ mật khẩu rồi tải lên lại.") % {"name": name})
        if _OLE_MACROS in data:
            raise ValidationError(_("Tệp “%(name)s” chứa macro. Hãy lưu lại dưới dạng Excel Workbook (.xlsx) không "
                                    "có macro.") % {"name": name})
        return XLS
    if not data.startswith(_ZIP_SIGNATURE):
        raise ValidationError(_("Tệp “%(name)s” không phải tệp Excel (.xlsx, .xls), OpenDocument (.ods) hay Word "
                                "(.docx). Nếu là CSV hoặc PDF, hãy mở bằng Excel và lưu lại dưới dạng .xlsx.")
                              % {"name": name})
    names = {entry.filename for entry in zip_entries(data, name)}
    if names & set(_MACRO_ENTRIES) or any(n.startswith(("Basic/", "Scripts/")) for n in names):
        raise ValidationError(_("Tệp “%(name)s” chứa macro. Hãy lưu lại không có macro rồi tải lên lại.") % {"name": name})
    if "xl/workbook.xml" in names:
        return XLSX
    if "word/document.xml" in names:
        return DOCX
    if "content.xml" in names and "mimetype" in names:
        return ODS
    raise ValidationError(_("Tệp “%(name)s” không phải bảng tính hay văn bản Word đọc được.") % {"name": name})


def inflated_size(data):
    """How much the file holds once unpacked: what reading it will cost."""
    import io
    import zipfile

    if not data.startswith(_ZIP_SIGNATURE):
        return len(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(entry.file_size for entry in archive.infolist())


def read_sheets(data, name):
    """Every sheet (or Word table) of an upload, checked first: a list of `Sheet`."""
    kind = check_upload(data, name)
    if kind == XLSX:
        from .xlsx import read
    elif kind == XLS:
        from .xls import read
    elif kind == ODS:
        from .ods import read
    else:
        from .docx import read
    return read(data, name)


def number_text(value, *, percent=False):
    """A number as an office reads it: `80%` for 0.8 shown as a percentage, `2,5`, `1000`."""
    if isinstance(value, int):
        return f"{value * 100}%" if percent else str(value)
    value = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if percent:
        value *= 100
    if value == value.to_integral_value():
        text = str(int(value))
    else:
        text = format(value.normalize(), "f").replace(".", ",")
    return f"{text}%" if percent else text


def date_text(value):
    if isinstance(value, datetime.datetime) and value.time() != datetime.time():
        return f"{value:%d/%m/%Y %H:%M}"
    return f"{value:%d/%m/%Y}"
