"""Spreadsheet formats for admin exports that never carry a live formula.

django-import-export 4.4.3 escapes only cells starting with "=" (and drops the
sign, turning every cell into text). A cell starting with + - @ tab or carriage
return is read as a formula by spreadsheet programs too (CSV injection), so text
cells starting with any of them get a leading apostrophe; numbers and dates stay as they are.
"""
from import_export.formats import base_formats

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_escaped(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class FormulaSafeMixin:
    def _escape_formulae(self, dataset):
        rows = [[formula_escaped(cell) for cell in row] for row in dataset]
        del dataset[:]  # headers stay
        for row in rows:
            dataset.append(row)


class CSV(FormulaSafeMixin, base_formats.CSV):
    pass


class TSV(FormulaSafeMixin, base_formats.TSV):
    pass


class XLSX(FormulaSafeMixin, base_formats.XLSX):
    pass


class ODS(FormulaSafeMixin, base_formats.ODS):
    pass


EXPORT_FORMATS = [CSV, TSV, XLSX, ODS]

# The admin keeps numbers and dates native only for the formats in this list, compared by exact type.
base_formats.BINARY_FORMATS.extend([XLSX, ODS])
