"""Turning an uploaded file into sheets of cell text, whatever office program wrote it.

Every format goes through the same safety checks first (size, zip structure and the
sizes it declares, passwords, macros), then its own reader: xlsx, ods and the plan's own
Word file (docx: its tables) from their XML parts streamed through expat (`parse_xml`: no
element kept, no DTD or entity allowed), legacy xls through xlrd's record decoder. Each reader gives cell
text the way the office sees it: a percent cell as `80%`, a date as `31/12/2026`,
`2,5` with the Vietnamese decimal comma.

Every reader is bounded by what the file really holds, never by the size it claims: a sheet
that declares a million rows, a cell at column ZZZZZ, a Word cell spanning 40 million columns,
an .xls cell at (65535, 255) or an .ods row repeated a million times costs nothing until it
holds text, and then at most `Bounds` allows. Rows and columns that only carry formatting
are dropped where they end a sheet.
"""
import datetime
import json
import sys
import tempfile
from array import array
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
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


# The last column Excel and LibreOffice open (XFD): no office program writes a cell further right.
MAX_COLUMNS = 16_384
# The most text one spreadsheet cell holds in Excel.
MAX_CELL_CHARS = 32_767
# XML read a chunk at a time; no tag, or text up to the next tag, is longer than this in an office file (a cell
# holds 32,767 characters: 128 KB at most in UTF-8).
_CHUNK, _MAX_TOKEN = 64 * 1024, 1024 * 1024
# Texts shorter than this are kept once however many cells hold them.
_SHARED_TEXT = 120
# Rows kept for a cell past the last row with text: a gap costs one slot, a row of text its width.
_NO_CELLS = ()


def _blank(value):
    return value is None or value.__class__ is str and (not value or value.isspace())


def column_letters(column):
    """`A` for column 0, `XFD` for 16383, `ZZZZZ` however far a file claims."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def thousands(number):
    """`150.000`: thousands with the Vietnamese dot."""
    return f"{number:,}".replace(",", ".")


class Bounds:
    """What one upload may cost once read, counted as its cells come: refused with the sheet and the cell
    as soon as the file holds more, so a reader never builds what it would then refuse.

    Two counts. Memory: the bytes of what is kept (8 a position of a row up to its last cell with text, the
    gaps above a row far down too, 64 a row, each new text object its own size), a few MB short of the
    objects' real size. Work: what the rows deliver to the table reader (their characters, shared strings,
    merged and repeated cells counted each time, 8 a cell with text and 64 a row), a few times what the file holds
    unpacked, never the thousands of times a merged-down cell or a repeated row could make of it.
    """

    def __init__(self, size=0):
        self.max_rows = settings.IMPORT_MAX_ROWS
        self.max_bytes = settings.IMPORT_MAX_READ_BYTES
        self.max_delivered = 4 * size + 1_000_000
        self.size = size
        self.bytes = self.delivered = self.rows = 0
        self.texts = {}
        self.spool = Spool()

    def column(self, sheet, row, column):
        """A cell with text at `column` (from 0) of sheet row `row` (from 1)."""
        if column >= MAX_COLUMNS:
            raise ValidationError(_(
                "Ô %(cell)s trang “%(sheet)s” có nội dung ở cột %(column)s, ngoài cột cuối cùng một bảng tính có "
                "(%(last)s, cột thứ %(limit)s). Hãy xoá ô đó rồi tải lên lại.") % {
                "cell": f"{column_letters(column)}{row}", "sheet": sheet, "column": thousands(column + 1),
                "last": column_letters(MAX_COLUMNS - 1), "limit": thousands(MAX_COLUMNS)})

    def row(self, sheet, row, values):
        """A row with text (`values`) at sheet row `row` (from 1): refused once more rows than the import's
        limit hold text, wherever they are (empty formatted rows above them count for nothing)."""
        self.rows += 1
        if self.rows > self.max_rows:
            column = next(index for index, value in enumerate(values) if not _blank(value))
            raise ValidationError(_(
                "Trang “%(sheet)s” có nội dung ở ô %(cell)s, quá %(limit)s dòng có nội dung, vượt giới hạn một lần "
                "nhập. Hãy xoá các dòng thừa hoặc chia nhỏ tệp.") % {
                "sheet": sheet, "cell": f"{column_letters(column)}{row}", "limit": thousands(self.max_rows)})

    def text(self, sheet, row, column, text):
        """A cell's new text, refused when longer than a spreadsheet cell holds, and counted."""
        if len(text) > MAX_CELL_CHARS:
            self.too_long(sheet, row, column, len(text))
        return self.keep_text(text, sheet, row)

    def too_long(self, sheet, row, column, length):
        raise ValidationError(_(
            "Ô %(cell)s trang “%(sheet)s” dài hơn %(limit)s ký tự, quá mức một ô bảng tính có thể chứa. Hãy rút gọn "
            "nội dung ô đó.") % {"cell": f"{column_letters(column)}{row}", "sheet": sheet,
                                 "limit": thousands(MAX_CELL_CHARS)})

    def deliver(self, values, sheet, row):
        self.delivered += 64 + sum(len(value) + 8 for value in values if value)
        if self.delivered > self.max_delivered:
            raise ValidationError(_(
                "Tệp lặp lại nội dung quá nhiều: đến dòng %(row)s trang “%(sheet)s” đã có hơn %(limit)s ký tự, từ một "
                "tệp %(size)s khi giải nén (ô gộp, dòng lặp lại hoặc chuỗi dùng chung). Hãy bỏ gộp ô, xoá dòng lặp "
                "hoặc chia nhỏ tệp.") % {"row": thousands(row), "sheet": sheet, "limit": thousands(self.max_delivered),
                                         "size": filesizeformat(self.size)})

    def add_sheet(self, title):
        """A sheet or Word table kept, with its title: about 1 KB with its rows' list and reader, as measured on
        a Word file of ten million empty tables."""
        self.add_bytes(1024 + sys.getsizeof(title), title, 0)

    def add_cells(self, count, sheet, row):
        """`count` positions kept in rows."""
        self.add_bytes(8 * count, sheet, row)

    def keep_text(self, text, sheet, row):
        """The text to keep for a cell, counted: one object for each short text however often it repeats (unit
        names, products, timelines typed on every row), as the table reader would keep it anyway."""
        if len(text) >= _SHARED_TEXT:
            self.add_bytes(sys.getsizeof(text), sheet, row)
            return text
        kept = self.texts.setdefault(text, text)
        if kept is text:
            self.add_bytes(sys.getsizeof(text) + 40, sheet, row)  # and its place in `texts`
        return kept

    def add_bytes(self, count, sheet, row):
        self.bytes += count
        if self.bytes <= self.max_bytes:
            return
        where = (_("đến dòng %(row)s trang “%(sheet)s”") % {"row": thousands(row), "sheet": sheet} if row
                 else _("đến trang “%(sheet)s”") % {"sheet": sheet})
        raise ValidationError(_(
            "Tệp quá lớn để đọc một lần: %(where)s, nội dung đã cần hơn %(limit)s bộ nhớ, giới hạn một lần nhập. Hãy "
            "chia nhỏ tệp hoặc xoá các cột, dòng không dùng.") % {"where": where, "limit": filesizeformat(self.max_bytes)})


class Spool:
    """One temporary file holding the rows of every sheet of one reading: in memory while small, on disk once
    larger, so a hundred thousand rows of cell text are not a hundred thousand Python lists while the import
    goes through them."""

    def __init__(self):
        self.file = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)
        self.end, self.at_end = 0, True  # a reader writes row after row: no seek while nothing was read between

    def write(self, data):
        if not self.at_end:
            self.file.seek(self.end)
            self.at_end = True
        at = self.end
        self.file.write(data)
        self.end += len(data)
        return at

    def read(self, at, length):
        self.at_end = False
        self.file.seek(at)
        return self.file.read(length)


_SPOOL_IN_MEMORY = 1024 * 1024
# One encoder and decoder for every row (json.dumps with an option builds an encoder a call).
_ENCODE, _DECODE = json.JSONEncoder(ensure_ascii=False).encode, json.JSONDecoder().decode
_GAP, _GONE = -1, -2  # places of a row without cells, and of a row the table reader consumed


class SpooledRows:
    """A sheet's rows kept in a `Spool` (each row its cell text as JSON), read back a row at a time: a list of
    rows to whoever reads them (indexing, slices, `len`, iteration, `==`). A row set to None (the table reader
    consumes the rows it read) is forgotten."""

    def __init__(self, spool, rows=()):
        self.spool = spool
        self.starts, self.lengths = array("q"), array("l")
        self.extend(rows)

    def append(self, values):
        if values is None or not values:
            self.starts.append(_GAP if values is not None else _GONE)
            self.lengths.append(0)
            return
        data = _ENCODE(values).encode()
        self.starts.append(self.spool.write(data))
        self.lengths.append(len(data))

    def gap(self, count):
        """`count` rows without cells."""
        self.starts.extend(array("q", [_GAP]) * count)
        self.lengths.extend(array("l", [0]) * count)

    def extend(self, rows):
        for values in rows:
            self.append(values)

    def __len__(self):
        return len(self.starts)

    def _row(self, index):
        at = self.starts[index]
        if at == _GAP:
            return _NO_CELLS
        if at == _GONE:
            return None
        return _DECODE(self.spool.read(at, self.lengths[index]).decode())

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._row(i) for i in range(*index.indices(len(self)))]
        return self._row(index)

    def __setitem__(self, index, values):
        if values is not None:
            raise TypeError("a kept row is only ever forgotten")
        self.starts[index], self.lengths[index] = _GONE, 0

    def __iter__(self):
        return (self._row(index) for index in range(len(self)))

    def __eq__(self, other):
        return list(self) == list(other) if isinstance(other, (list, tuple, SpooledRows)) else NotImplemented

    __hash__ = None

    def __repr__(self):
        return f"SpooledRows({list(self)!r})"


class Rows:
    """A sheet's rows as they are read: a row of text at sheet row `number` (from 1) is kept with its gap
    of empty rows above it; rows without text are never kept, so formatted rows at a sheet's end cost
    nothing, wherever they are. They are kept in the reading's spool (`SpooledRows`)."""

    def __init__(self, sheet, bounds):
        if not isinstance(sheet.rows, SpooledRows):
            sheet.rows = SpooledRows(bounds.spool, sheet.rows)
        self.sheet, self.bounds, self.rows = sheet, bounds, sheet.rows

    def add(self, number, values):
        """Keep `values` (a list of cell text or None) as sheet row `number`, if it holds text (a cell of spaces
        holds none)."""
        while values and _blank(values[-1]):
            values.pop()
        if not values:
            return
        self.bounds.row(self.sheet.title, number, values)
        gap = number - 1 - len(self.rows)
        self.bounds.add_cells(max(gap, 0) + 8 + len(values), self.sheet.title, number)  # a row's list: 64 bytes
        self.bounds.deliver(values, self.sheet.title, number)
        if gap > 0:
            self.rows.gap(gap)
        self.rows.append(values)


def parse_xml(stream, start=None, end=None, text=None, drop=None):
    """Stream an XML part through expat's callbacks, names as `uri}local`: no element is ever kept, so a
    part of a million rows costs what its current row does. Like defusedxml, refuses any DTD or entity
    declaration (billion laughs, external entities).

    `drop`, a function of bytes, removes whole elements the callbacks would ignore before expat sees them:
    it is given the part a chunk at a time, each cut after its last `>`.
    """
    from xml.parsers import expat

    def forbidden(*args):
        raise ValueError("DTDs and entities are not allowed")

    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = parser.ExternalEntityRefHandler = forbidden
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    parser.buffer_text = True
    run = 0  # bytes since the last `<`: a tag, or text, longer than an office writes is refused before expat,
    # which parses a tag again each time more of it arrives (a 120 MB attribute ran for more than ten minutes)
    carry = b""  # what follows a chunk's last `>`, held for `drop` until the next chunk completes it
    while chunk := stream.read(_CHUNK):
        first = chunk.find(b"<")
        if first < 0:
            run += len(chunk)
        elif run + first <= _MAX_TOKEN:
            run = len(chunk) - chunk.rfind(b"<")
        if run + max(first, 0) > _MAX_TOKEN:
            raise ValidationError(_(
                "Tệp có một đoạn liền dài hơn %(limit)s (trong %(part)s), điều Excel, Word hay LibreOffice không "
                "tạo ra: có thể là tệp độc hại.") % {"limit": filesizeformat(_MAX_TOKEN),
                                                     "part": getattr(stream, "name", "")})
        if drop:
            chunk, carry = carry + chunk, b""
            cut = chunk.rfind(b">") + 1
            if len(chunk) - cut <= _CHUNK:  # else a long text: passed on whole, unfiltered
                chunk, carry = chunk[:cut], chunk[cut:]
            chunk = drop(chunk)
        parser.Parse(chunk, False)
    parser.Parse(carry, True)


class TextParts:
    """Text gathered from a cell's pieces, refused as soon as it outgrows what one cell holds."""

    def __init__(self):
        self.parts, self.length = [], 0

    def add(self, data, overflow):
        self.length += len(data)
        if self.length > MAX_CELL_CHARS:
            overflow(self.length)
        self.parts.append(data)

    def text(self):
        return "".join(self.parts)


def place(values, column, text):
    """Put `text` at `column` of a row being read, the columns before it left empty."""
    if column < len(values):
        values[column] = text
    else:
        values.extend([None] * (column - len(values)))
        values.append(text)


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
    """Every sheet (or Word table) of an upload, checked first and read within `Bounds`: a list of `Sheet`."""
    kind = check_upload(data, name)
    if kind == XLSX:
        from .xlsx import read
    elif kind == XLS:
        from .xls import read
    elif kind == ODS:
        from .ods import read
    else:
        from .docx import read
    return read(data, name, Bounds(inflated_size(data)))


def number_text(value, *, percent=False):
    """A number as an office reads it: `80%` for 0.8 shown as a percentage, `2,5`, `1000`."""
    if isinstance(value, int):
        return f"{value * 100}%" if percent else str(value)
    value = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not value.is_finite() or abs(value.adjusted()) > 30:
        return str(value)  # written out whole it would be a number of a billion digits
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
