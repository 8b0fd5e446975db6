"""Cleaning of the text that plan documents and office spreadsheets carry."""
import re
import unicodedata

_TAGS = re.compile(r"</?[a-zA-Z][^>]*>")
_LATEX_MATH = re.compile(r"\$([^$]*)\$")
_LATEX_SYMBOLS = {
    r"\geq": "≥",
    r"\ge": "≥",
    r"\leq": "≤",
    r"\le": "≤",
    r"\%": "%",
    r"\times": "×",
}
_SPACES = re.compile(r"\s+")
_NEEDS_CLEANING = re.compile(r"[<$]|[^\S ]|  ")  # tags, LaTeX, any whitespace but single spaces


def _latex_to_text(match):
    text = match.group(1)
    for symbol, replacement in _LATEX_SYMBOLS.items():
        text = text.replace(symbol, replacement)
    return text.strip()


def clean_cell(value):
    """Text of a cell as a person reads it: no HTML or LaTeX leftovers, single spaces."""
    if value is None:
        return ""
    text = str(value)
    if not _NEEDS_CLEANING.search(text):  # most cells: nothing to clean but the ends
        return text.strip()
    text = _TAGS.sub("", text)
    text = _LATEX_MATH.sub(_latex_to_text, text)
    text = text.replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


def fold(text):
    """Lower-case, accent-free form of Vietnamese text for matching headers and names."""
    text = clean_cell(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.lower()


def name_key(text):
    """Key under which unit names and their aliases match: `Phòng VH & XH` == `phòng vh&xh xã`."""
    words = re.sub(r"[^a-z0-9]+", " ", fold(text)).split()
    if len(words) > 1 and words[-1] == "xa":
        words = words[:-1]
    return "".join(words)


def upload_display_name(upload):
    """The uploaded file's own name, for messages and display only: never a storage path."""
    from django.utils.translation import gettext

    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name[:255] or gettext("tệp không tên")


def clean_lines(value):
    """Like `clean_cell`, keeping the line breaks typed inside a cell (bulleted products, one unit a line)."""
    if value is None:
        return ""
    if value.__class__ is str and not _NEEDS_CLEANING.search(value):
        return value.strip()
    lines = (clean_cell(line) for line in str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)
