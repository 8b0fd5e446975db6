"""Legacy .xls workbooks through xlrd, with their number formats (percent cells) and hidden sheets.

xlrd pads every row to the sheet's widest and keeps every blank formatted cell: a 6 KB file with one
formatted cell at (65535, 255) became 16 million cells. Here xlrd only decodes the records: each
cell's text is kept by row as it comes, blank cells dropped, the rest counted against the reading's
`Bounds`.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import Rows, Sheet, date_text, number_text, place


def _sheet_rows(book, index, sheet, bounds, percent_xf):
    """Sheet `index` read as `Book.get_sheet` reads it, each cell turned into its text as xlrd hands it over
    and kept by row, never in xlrd's own grid (which builds every row down to the last cell)."""
    from xlrd import sheet as xlrd_sheet
    from xlrd.biffh import XL_WORKSHEET

    book._position = book._sh_abs_posn[index]
    book.getbof(XL_WORKSHEET)
    source = xlrd_sheet.Sheet(book, book._position, book._sheet_names[index], index)
    by_row = {}

    def keep_cell(rowx, colx, ctype, value, xf_index):
        if ctype is None:  # a number: its format tells a date
            ctype = source._xf_index_to_xl_type_map[xf_index]
        text = _text(ctype, value, xf_index, book, percent_xf)
        if not text:
            return  # a formatted empty cell, wherever it is
        values = by_row.get(rowx)
        if values is None:
            values = by_row[rowx] = []
        if colx >= len(values):
            bounds.add_cells(colx + 1 - len(values), sheet.title, rowx + 1)
        text = bounds.keep_text(text, sheet.title, rowx + 1)
        place(values, colx, text)

    source.put_cell = keep_cell
    source.read(book)
    rows = Rows(sheet, bounds)
    for rowx in sorted(by_row):
        rows.add(rowx + 1, by_row.pop(rowx))


def _text(ctype, value, xf_index, book, percent_xf):
    import xlrd

    if ctype == xlrd.XL_CELL_TEXT:
        return value
    if ctype == xlrd.XL_CELL_DATE:
        try:
            return date_text(xlrd.xldate.xldate_as_datetime(value, book.datemode))
        except (ValueError, OverflowError):
            return number_text(value)
    if ctype == xlrd.XL_CELL_NUMBER:
        return number_text(value, percent=xf_index in percent_xf)
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return str(bool(value))
    return None


def read(data, name, bounds):
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as error:
        raise ValidationError(_("Tệp “%(name)s” được đặt mật khẩu hoặc bị hỏng, không đọc được.") % {"name": name}) from error
    percent_xf = set()
    for index, xf in enumerate(book.xf_list):
        fmt = book.format_map.get(xf.format_key)
        if fmt is not None and "%" in fmt.format_str:
            percent_xf.add(index)
    sheets = []
    try:
        for index in range(book.nsheets):
            sheet = Sheet(book._sheet_names[index], hidden=bool(book._sheet_visibility[index]))
            sheets.append(sheet)
            if not sheet.hidden:
                _sheet_rows(book, index, sheet, bounds, percent_xf)
    except ValidationError:
        raise
    except Exception as error:
        raise ValidationError(_("Tệp “%(name)s” bị hỏng, không đọc được.") % {"name": name}) from error
    finally:
        book.release_resources()
    return sheets
