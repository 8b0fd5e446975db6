"""The units an area's plans may name, and resolving unit names written in documents to them."""
import re

from django.db.models import Case, Value, When

from .models import Unit, UnitAlias
from .text import clean_lines, fold, name_key

_SEPARATORS = re.compile(r"([,;\n]|\.(?=\s|$))")
_LONGEST_NAME_IN_PIECES = 5
_ABBREVIATION = re.compile(r"^\w{1,4}$")  # `P`, `TT`, `UB` before a full stop


def area_units(area):
    """The units an area's plans, imports and reporting rules may name: the area's own, then its province's
    (plans name province departments as support units, and communes report to them); collective names
    ("Các cơ quan, đơn vị liên quan") after the offices, then by name."""
    own_first = Case(When(area_id=area.pk, then=Value(0)), default=Value(1))
    return (Unit.objects.filter(area_id__in=[area.pk, *([area.parent_id] if area.parent_id else [])])
            .select_related("area").order_by(own_first, "is_placeholder", "name"))


class UnitDirectory:
    """Every name and alias of the units an area's plans may name: its own and its province's.

    Built with two queries, then resolves any number of cells without touching the database.
    """

    def __init__(self, area):
        units = list(area_units(area))  # the area's own units win ties
        self.by_key = {}
        for unit in units:
            self.by_key.setdefault(name_key(unit.name), unit)
        for alias in UnitAlias.objects.filter(unit__in=[unit.pk for unit in units]).select_related("unit"):
            self.by_key.setdefault(alias.key, alias.unit)

    def resolve(self, cell):
        """(units, unknown names) named by a cell such as `Phòng Kinh tế, Các cơ quan, đơn vị, phòng ban liên quan`.

        Names are split on commas, semicolons, line breaks and full stops, but names may themselves contain
        them, so a cell that names one unit whole stays whole, and consecutive pieces are joined while the
        joined text still names a unit, longest first.
        """
        text = clean_lines(cell)
        whole = self.by_key.get(name_key(text)) if text else None
        if whole is not None:
            return [whole], []
        parts = _SEPARATORS.split(text)
        pieces = [(parts[i].strip(), parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]
        pieces = [(text, separator) for text, separator in pieces if text]
        units, unknown, pending = [], [], []  # pending: the pieces of one name that matches nothing

        def flush():
            if pending:
                name = _written(pending)
                if name and name not in unknown:
                    unknown.append(name)
                pending.clear()

        start = 0
        while start < len(pieces):
            for end in range(min(len(pieces), start + _LONGEST_NAME_IN_PIECES), start, -1):
                unit = self.by_key.get(name_key(" ".join(text for text, _ in pieces[start:end])))
                if unit:
                    flush()
                    if unit not in units:
                        units.append(unit)
                    start = end
                    break
            else:
                if pending and not _continues(pending, pieces[start][0]):
                    flush()
                pending.append(pieces[start])
                start += 1
        flush()
        return units, unknown


def _continues(pending, text):
    """Whether an unknown piece is more of the unknown name before it rather than a name of its own: after an
    abbreviation's full stop (`P. Kinh tế`), or in lower case after a collective name (`Các cơ quan, đơn vị`)."""
    before, separator = pending[-1]
    if separator == "." and _ABBREVIATION.match(before):
        return True
    return separator != "\n" and fold(pending[0][0]).startswith("cac ") and text[:1].islower()


def _written(pieces):
    """An unknown name as written: `P. Kinh tế`, `Các cơ quan, đơn vị liên quan`."""
    text = "".join(piece + (". " if separator == "." else ", ") for piece, separator in pieces)
    return text.strip(" ,;.")
