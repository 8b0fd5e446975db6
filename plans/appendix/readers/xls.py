"""Legacy .xls workbooks through xlrd, with their number formats (percent cells) and hidden sheets."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import Sheet, date_text, number_text, too_many_rows


def read(data, name):
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception:
        raise ValidationError(_("Tệp “%(name)s” được đặt mật khẩu hoặc bị hỏng, không đọc được.") % {"name": name})
    limit = settings.IMPORT_MAX_ROWS
    percent_xf = set()
    for index, xf in enumerate(book.xf_list):
        fmt = book.format_map.get(xf.format_key)
        if fmt is not None and "%" in fmt.format_str:
            percent_xf.add(index)
    sheets = []
    try:
        for index in range(book.nsheets):
            source = book.sheet_by_index(index)
            sheet = Sheet(source.name, hidden=bool(source.visibility))
            sheets.append(sheet)
            if sheet.hidden:
                continue
            if source.nrows > limit:
                raise too_many_rows(source.name)
            for r in range(source.nrows):
                values = []
                for c, cell in enumerate(source.row(r)):
                    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        values.append(None)
                    elif cell.ctype == xlrd.XL_CELL_TEXT:
                        values.append(cell.value)
                    elif cell.ctype == xlrd.XL_CELL_DATE:
                        values.append(date_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)))
                    elif cell.ctype == xlrd.XL_CELL_NUMBER:
                        values.append(number_text(cell.value, percent=source.cell_xf_index(r, c) in percent_xf))
                    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                        values.append(str(bool(cell.value)))
                    else:
                        values.append(None)
                sheet.rows.append(values)
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return sheets
