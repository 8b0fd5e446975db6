"""Reading office workbooks safely, and writing appendices back in the layout offices use.

A workbook is checked before openpyxl parses it: its size, that it is a zip with
an Excel workbook inside, the uncompressed sizes its zip directory declares (a
sheet that inflates to a gigabyte is refused here, in milliseconds), and that it is
not password-protected. openpyxl then reads it with defusedxml installed.
"""
import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # password-protected xlsx, and old .xls files
_ZIP_SIGNATURE = b"PK\x03\x04"
_FORMULA_PREFIXES = ("=", "+", "-", "@")


def check_size(data, name):
    """Refuse an empty or oversize upload."""
    if not data:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": name})
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise ValidationError(_("Tệp “%(name)s” nặng %(size)s, vượt giới hạn %(limit)s.") % {
            "name": name, "size": filesizeformat(len(data)), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)})


def zip_entries(data, name):
    """The entries of a zip-based office file, refused when damaged, encrypted or inflating past the limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise ValidationError(_("Tệp “%(name)s” bị hỏng, không mở được.") % {"name": name})
    declared = sum(entry.file_size for entry in entries)
    if declared > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise ValidationError(_("Tệp “%(name)s” giải nén ra %(size)s, vượt giới hạn %(limit)s: có thể là tệp độc "
                                "hại hoặc quá lớn.") % {"name": name, "size": filesizeformat(declared),
                                                        "limit": filesizeformat(settings.IMPORT_MAX_UNCOMPRESSED_BYTES)})
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise ValidationError(_("Tệp “%(name)s” được đặt mật khẩu.") % {"name": name})
    return entries


def check_workbook_bytes(data, name=None):
    """Refuse anything that is not a safe, readable xlsx, with a message an office worker understands."""
    name = name or _("tệp không tên")
    check_size(data, name)
    if data.startswith(_OLE_SIGNATURE):
        raise ValidationError(_("Tệp “%(name)s” được đặt mật khẩu hoặc là tệp .xls cũ. Hãy bỏ mật khẩu và lưu "
                                "lại dưới dạng Excel Workbook (.xlsx).") % {"name": name})
    if not data.startswith(_ZIP_SIGNATURE):
        raise ValidationError(_("Tệp “%(name)s” không phải tệp Excel (.xlsx). Nếu là CSV hoặc PDF, hãy mở bằng "
                                "Excel và lưu lại dưới dạng .xlsx.") % {"name": name})
    names = {entry.filename for entry in zip_entries(data, name)}
    if "xl/workbook.xml" not in names:
        raise ValidationError(_("Tệp “%(name)s” không phải bảng tính Excel (.xlsx).") % {"name": name})
    if "xl/vbaProject.bin" in names:
        raise ValidationError(_("Tệp “%(name)s” chứa macro. Hãy lưu lại dưới dạng Excel Workbook (.xlsx) không "
                                "có macro.") % {"name": name})


def read_rows(data, name=None):
    """Every sheet's rows as lists of plain values: {sheet title: rows}. Formulas are refused."""
    from openpyxl import load_workbook

    name = name or _("tệp không tên")
    check_workbook_bytes(data, name)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on damaged files
        raise ValidationError(_("Tệp “%(name)s” bị hỏng, không đọc được.") % {"name": name})
    sheets = {}
    limit = settings.IMPORT_MAX_ROWS
    try:
        for sheet in book.worksheets:
            rows = []
            for row in sheet.iter_rows():
                if len(rows) >= limit:
                    raise ValidationError(_("Trang “%(sheet)s” có hơn %(limit)s dòng, vượt giới hạn một lần nhập. "
                                            "Hãy chia nhỏ tệp.") % {"sheet": sheet.title, "limit": f"{limit:,}".replace(",", ".")})
                values = []
                for cell in row:
                    if cell.data_type == "f":
                        raise ValidationError(_("Ô %(cell)s trang “%(sheet)s” chứa công thức (%(formula)s). Hãy "
                                                "chuyển thành giá trị (Dán đặc biệt → Giá trị) rồi nhập lại.") % {
                            "cell": cell.coordinate, "sheet": sheet.title, "formula": str(cell.value)[:40]})
                    values.append(cell.value)
                rows.append(values)
            sheets[sheet.title] = rows
    finally:
        book.close()
    return sheets


def safe_text(value):
    """Whether a text must be kept from being read as a formula when the file is opened."""
    return isinstance(value, str) and value.startswith(_FORMULA_PREFIXES)
