"""Legacy .xls workbooks through xlrd, with their number formats (percent cells) and hidden sheets.

xlrd pads every row to the sheet's widest and keeps every blank formatted cell: a 6 KB file with one
formatted cell at (65535, 255) became 16 million cells. Here a sheet is loaded with ragged rows and
a cell store that drops blank cells and counts the rest against the reading's `Bounds` as they come.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import Rows, Sheet, date_text, number_text


def _bounded_sheet(book, index, bounds):
    """Sheet `index` read as `Book.get_sheet` reads it, its cells through `_keep_cell`."""
    from xlrd import sheet as xlrd_sheet
    from xlrd.biffh import XL_WORKSHEET

    book._position = book._sh_abs_posn[index]
    book.getbof(XL_WORKSHEET)
    source = xlrd_sheet.Sheet(book, book._position, book._sheet_names[index], index)
    put = source.put_cell
    kept = {"row": -1, "width": 0}

    def keep_cell(rowx, colx, ctype, value, xf_index):
        if ctype in (xlrd_sheet.XL_CELL_EMPTY, xlrd_sheet.XL_CELL_BLANK) or value in ("", None):
            return  # a formatted empty cell, wherever it is
        if rowx != kept["row"]:
            kept["row"], kept["width"] = rowx, 0
        if colx >= kept["width"]:
            bounds.add_cells(colx + 1 - kept["width"], source.name, rowx + 1)
            kept["width"] = colx + 1
        put(rowx, colx, ctype, value, xf_index)

    source.put_cell = keep_cell
    source.read(book)
    book._sheet_list[index] = source
    return source


def _text(cell, xf_index, book, percent_xf):
    import xlrd

    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return date_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
        except (ValueError, OverflowError):
            return number_text(cell.value)
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        return number_text(cell.value, percent=xf_index in percent_xf)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return str(bool(cell.value))
    return None


def read(data, name, bounds):
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, ragged_rows=True)
    except Exception:
        raise ValidationError(_("Tệp “%(name)s” được đặt mật khẩu hoặc bị hỏng, không đọc được.") % {"name": name})
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
            if sheet.hidden:
                continue
            source = _bounded_sheet(book, index, bounds)
            rows = Rows(sheet, bounds)
            for r in range(source.nrows):
                if not source.row_len(r):
                    continue
                rows.add(r + 1, [_text(cell, source.cell_xf_index(r, c), book, percent_xf)
                                 for c, cell in enumerate(source.row(r))])
            book.unload_sheet(index)
    except ValidationError:
        raise
    except Exception:
        raise ValidationError(_("Tệp “%(name)s” bị hỏng, không đọc được.") % {"name": name})
    finally:
        book.release_resources()
    return sheets
