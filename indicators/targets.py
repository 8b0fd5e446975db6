"""Reading an indicator's target as offices write it: `>30%`, `≥ 01`, `$\\geq 80$`, `06 - 10`, `Triển khai`."""
import re
from dataclasses import dataclass
from decimal import Decimal

from plans.text import clean_cell

from .models import Comparator, Direction

_SYMBOLS = {"≥": Comparator.AT_LEAST, ">=": Comparator.AT_LEAST, ">": Comparator.MORE_THAN,
            "≤": Comparator.AT_MOST, "<=": Comparator.AT_MOST, "<": Comparator.LESS_THAN,
            "=": Comparator.EQUAL}
_NUMBER = r"\d+(?:[.,]\d+)?"
_UNIT = r"(%|[^\d\s][^\d]{0,30}?)?"
_COMPARED = re.compile(rf"^(≥|>=|>|≤|<=|<|=)?\s*({_NUMBER})\s*{_UNIT}$")
_RANGE = re.compile(rf"^({_NUMBER})\s*%?\s*[-–]\s*({_NUMBER})\s*{_UNIT}$")
# Words that make a number a ceiling (`tối đa 5 ngày`, `không quá 3`) or a floor (`tối thiểu 80%`).
_CEILING_WORDS = re.compile(r"^(tối đa|không quá|không vượt quá)\s+", re.IGNORECASE)
_FLOOR_WORDS = re.compile(r"^(tối thiểu|ít nhất)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    text: str
    comparator: str = ""
    value: Decimal | None = None
    upper: Decimal | None = None
    unit: str = ""

    @property
    def is_qualitative(self):
        return not self.comparator

    @property
    def direction(self):
        """Lower is better for a ceiling (`≤ 4`, `tối đa 5`); otherwise more is better."""
        return Direction.LOWER if self.comparator in (Comparator.AT_MOST, Comparator.LESS_THAN) else Direction.HIGHER


def _number(text):
    # Vietnamese writes decimals with a comma (`2,5`); thousands never appear in targets.
    return Decimal(text.replace(",", "."))


def parse_target(raw):
    """A `Target` with typed parts when the text is a number; qualitative otherwise."""
    text = clean_cell(raw)
    compact = text.strip()
    worded = None
    for pattern, comparator in ((_CEILING_WORDS, Comparator.AT_MOST), (_FLOOR_WORDS, Comparator.AT_LEAST)):
        if pattern.match(compact):
            worded, compact = comparator, pattern.sub("", compact)
            break
    match = _COMPARED.match(compact)
    if worded and match and not match[1]:
        return Target(text, worded, _number(match[2]), None, (match[3] or "").strip())
    match = _RANGE.match(compact)
    if match:
        return Target(text, Comparator.BETWEEN, _number(match[1]), _number(match[2]), (match[3] or "").strip())
    match = _COMPARED.match(compact)
    if match:
        comparator = _SYMBOLS[match[1]] if match[1] else Comparator.EQUAL
        return Target(text, comparator, _number(match[2]), None, (match[3] or "").strip())
    return Target(text)


def target_is_met(*, comparator, value, upper, measured, direction=Direction.HIGHER):
    """Whether a measured figure meets a numeric target (`≥ 80` met by 80, `> 30` not by 30).

    A bare number (`95`) or a range (`06 - 10`) states the level to reach: where more is
    better it is met at or above the (lower) figure, where less is better at or below the
    (upper) one. Explicit comparators (`≥`, `<`...) mean what they say whatever the direction.
    """
    if measured is None or not comparator:
        return None
    if comparator in (Comparator.EQUAL, Comparator.BETWEEN):
        if direction == Direction.LOWER:
            return measured <= (upper if upper is not None else value)
        return measured >= value
    return {
        Comparator.AT_LEAST: measured >= value,
        Comparator.MORE_THAN: measured > value,
        Comparator.AT_MOST: measured <= value,
        Comparator.LESS_THAN: measured < value,
    }[comparator]


def target_progress(*, comparator, value, measured, direction, is_met):
    """How far an indicator is towards its target, in percent, for the schedule (`tasks/schedule.py`).

    Kept simple: 100 once met; for a numeric target where more is better, the latest reported
    value over the target's (lower) figure, capped at 100, and 0 while nothing is reported;
    otherwise (words, ceilings, where less is better) None: the schedule does not judge it.
    """
    if is_met:
        return 100
    numeric_floor = comparator and comparator not in (Comparator.AT_MOST, Comparator.LESS_THAN)
    if not numeric_floor or direction == Direction.LOWER or not value or value <= 0:
        return None
    if measured is None:
        return 0
    return max(0, min(100, int(100 * measured / value)))
