"""xlsx through openpyxl in read-only mode: rows are streamed and counted against a hard cap."""
import datetime
import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import Sheet, date_text, number_text, too_many_rows, unreadable


def read(data, name):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on damaged files
        raise unreadable(name)
    limit = settings.IMPORT_MAX_ROWS
    sheets = []
    try:
        for worksheet in book.worksheets:
            sheet = Sheet(worksheet.title, hidden=worksheet.sheet_state != "visible")
            sheets.append(sheet)
            if sheet.hidden:
                continue  # never imported, so never read
            rows = sheet.rows
            for row in worksheet.iter_rows():
                if len(rows) >= limit:
                    raise too_many_rows(worksheet.title)
                values = []
                for cell in row:
                    value = cell.value
                    if value is None or value.__class__ is str and (value[:1] != "=" or cell.data_type != "f"):
                        values.append(value)
                    elif cell.data_type == "f":
                        raise ValidationError(_("Ô %(cell)s trang “%(sheet)s” chứa công thức (%(formula)s). Hãy "
                                                "chuyển thành giá trị (Dán đặc biệt → Giá trị) rồi nhập lại.") % {
                            "cell": cell.coordinate, "sheet": worksheet.title, "formula": str(value)[:40]})
                    elif isinstance(value, (datetime.date, datetime.time)):
                        values.append(date_text(value) if isinstance(value, datetime.date) else str(value))
                    elif isinstance(value, bool):
                        values.append(str(value))
                    elif isinstance(value, (int, float)):
                        values.append(number_text(value, percent="%" in (cell.number_format or "")))
                    else:
                        values.append(str(value))
                rows.append(values)
    except ValidationError:
        raise
    except Exception:
        raise unreadable(name)
    finally:
        book.close()
    return sheets
