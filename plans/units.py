"""The units an area's plans may name, and resolving unit names written in documents to them."""
import re

from django.db.models import Case, Value, When

from .models import Unit, UnitAlias
from .text import clean_cell, name_key

_SEPARATORS = re.compile(r"([,;\n]|\.(?=\s|$))")
_LONGEST_NAME_IN_PIECES = 5


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

        Names may themselves contain commas, so consecutive pieces are joined while
        the joined text still names a unit, longest first.
        """
        parts = _SEPARATORS.split(clean_cell(cell))
        pieces = [(parts[i].strip(), parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]
        pieces = [(text, separator) for text, separator in pieces if text]
        units, unknown, pending = [], [], ""
        start = 0
        while start < len(pieces):
            for end in range(min(len(pieces), start + _LONGEST_NAME_IN_PIECES), start, -1):
                unit = self.by_key.get(name_key(" ".join(text for text, _ in pieces[start:end])))
                if unit:
                    if pending:
                        unknown.append(pending.strip(" ,;."))
                        pending = ""
                    if unit not in units:
                        units.append(unit)
                    start = end
                    break
            else:
                # Unmatched pieces next to each other are one unknown name, kept as written (`P. Kinh tế`).
                text, separator = pieces[start]
                pending += text + (f"{separator} " if separator in (".", ";") else ", ")
                start += 1
        if pending:
            unknown.append(pending.strip(" ,;."))
        return units, unknown
