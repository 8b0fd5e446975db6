"""Safety checks shared by every upload reader (`plans/appendix/readers/`), and text kept from formulas.

An upload is checked before any parser sees it: its size, and for a zip the uncompressed
sizes its directory declares (a sheet that inflates to a gigabyte is refused here, in
milliseconds) and whether it is password-protected.
"""
import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from config.export_formats import FORMULA_STARTS


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
    except zipfile.BadZipFile as error:
        raise ValidationError(_("Tệp “%(name)s” bị hỏng, không mở được.") % {"name": name}) from error
    declared = sum(entry.file_size for entry in entries)
    if declared > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise ValidationError(_("Tệp “%(name)s” giải nén ra %(size)s, vượt giới hạn %(limit)s: có thể là tệp độc "
                                "hại hoặc quá lớn.") % {"name": name, "size": filesizeformat(declared),
                                                        "limit": filesizeformat(settings.IMPORT_MAX_UNCOMPRESSED_BYTES)})
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise ValidationError(_("Tệp “%(name)s” được đặt mật khẩu.") % {"name": name})
    return entries


def safe_text(value):
    """Whether a text must be kept from being read as a formula when the file is opened."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)
