"""Reading an indicator's target as offices write it: `>30%`, `≥ 01`, `$\\geq 80$`, `06 - 10`, `Triển khai`."""
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from plans.text import clean_cell, fold

from .models import Comparator, Direction

_SYMBOLS = {"≥": Comparator.AT_LEAST, ">=": Comparator.AT_LEAST, ">": Comparator.MORE_THAN,
            "≤": Comparator.AT_MOST, "<=": Comparator.AT_MOST, "<": Comparator.LESS_THAN,
            "=": Comparator.EQUAL}
# Words offices write instead of symbols, compared on folded text; longest first.
_WORDS = sorted({
    "khong duoi": Comparator.AT_LEAST, "khong thap hon": Comparator.AT_LEAST, "khong it hon": Comparator.AT_LEAST,
    "it nhat": Comparator.AT_LEAST, "toi thieu": Comparator.AT_LEAST, "dat": Comparator.AT_LEAST,
    "dat it nhat": Comparator.AT_LEAST, "dat toi thieu": Comparator.AT_LEAST, "dat tu": Comparator.AT_LEAST,
    "tu": Comparator.AT_LEAST,
    "tren": Comparator.MORE_THAN, "hon": Comparator.MORE_THAN, "cao hon": Comparator.MORE_THAN,
    "vuot": Comparator.MORE_THAN, "dat tren": Comparator.MORE_THAN, "nhieu hon": Comparator.MORE_THAN,
    "toi da": Comparator.AT_MOST, "khong qua": Comparator.AT_MOST, "khong vuot qua": Comparator.AT_MOST,
    "khong cao hon": Comparator.AT_MOST, "khong vuot": Comparator.AT_MOST,
    "duoi": Comparator.LESS_THAN, "thap hon": Comparator.LESS_THAN, "it hon": Comparator.LESS_THAN,
    "bang": Comparator.EQUAL,
}.items(), key=lambda pair: -len(pair[0]))
# `1.000` (thousands dot), `2,5` (decimal comma), `1.000,5`, `80`.
_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"
_UNIT = r"(%|[^\d\s][^\d]{0,30}?)?"
_COMPARED = re.compile(rf"^(≥|>=|>|≤|<=|<|=)?\s*({_NUMBER})\s*{_UNIT}$")
_RANGE = re.compile(rf"^(?:từ\s+)?({_NUMBER})\s*%?\s*(?:[-–]|đến)\s*({_NUMBER})\s*{_UNIT}$", re.I)
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")


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
    """Read the Vietnamese way: `1.000` is a thousand, `2,5` two and a half."""
    if _THOUSANDS.match(text):
        return Decimal(text.replace(".", "").replace(",", "."))
    return Decimal(text.replace(",", "."))


def _comparator_word(text):
    """(comparator, the rest) when the text starts with a comparator word (`không dưới 80%`)."""
    text = unicodedata.normalize("NFC", text)
    folded = fold(text)
    for word, comparator in _WORDS:
        if folded.startswith(word) and len(folded) > len(word) and not folded[len(word)].isalpha():
            return comparator, text[len(word):].strip(" :")
    return None, text


def parse_target(raw, *, unit_of_measure=""):
    """A `Target` with typed parts when the text is a number; qualitative otherwise.

    The unit of measure column gives the unit when the target cell has none (`100` with unit `%`).
    """
    text = clean_cell(raw)
    compact = text.strip()
    target = _parse(compact)
    if target is None:
        word, rest = _comparator_word(compact)
        target = _parse(rest, word) if word else None
    if target is None:
        return Target(text)
    comparator, value, upper, unit = target
    if not unit:
        measure = clean_cell(unit_of_measure)
        unit = measure if len(measure) <= 32 else ""
    return Target(text, comparator, value, upper, unit)


def _parse(text, comparator=None):
    match = _RANGE.match(text)
    if match:
        return Comparator.BETWEEN, _number(match[1]), _number(match[2]), (match[3] or "").strip()
    match = _COMPARED.match(text)
    if match and not (comparator and match[1]):
        found = _SYMBOLS[match[1]] if match[1] else (comparator or Comparator.EQUAL)
        return found, _number(match[2]), None, (match[3] or "").strip()
    return None


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


# Targets by year ------------------------------------------------------------------------------------------------

_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")


def year_of(label):
    """The year a column heading or a timeline names: `Năm 2026` 2026, `Đến năm 2030` and `Giai đoạn 2026 - 2030`
    2030 (a stage ends with its last year); None without one."""
    years = _YEAR.findall(label or "")
    return int(years[-1]) if years else None


@dataclass(frozen=True)
class DefaultTarget:
    """The indicator's own target, in the shape of an `IndicatorTarget`."""

    target_text: str
    comparator: str
    value: Decimal | None
    value_upper: Decimal | None
    unit: str
    year: int | None = None
    label: str = ""

    @property
    def is_qualitative(self):
        return not self.comparator


def default_target(indicator):
    return DefaultTarget(indicator.target_text, indicator.target_comparator, indicator.target_value,
                         indicator.target_value_upper, indicator.target_unit)


def target_applying(indicator, targets, day):
    """The one rule for which target applies on `day`: the target for the day's year; else the nearest later one
    (in 2027, a plan with targets for 2026 and "Đến năm 2030" works towards 2030's); else, after the last year or
    with no targets by year, the indicator's own target. `targets` are the indicator's, in any order."""
    if day is not None:
        later = sorted((t for t in targets if t.year >= day.year), key=lambda t: t.year)
        if later:
            return later[0]
    return default_target(indicator)


def year_target_values(raw, *, year, label="", unit_of_measure=""):
    """The fields of an `IndicatorTarget` for a cell read under a year's heading."""
    target = parse_target(raw, unit_of_measure=unit_of_measure)
    return {"year": year, "label": clean_cell(label)[:100], "target_text": target.text[:500],
            "comparator": target.comparator, "value": target.value, "value_upper": target.upper,
            "unit": target.unit[:32]}


def baseline_values(raw, *, label="", unit_of_measure=""):
    """The indicator's baseline fields from a cell under `Thực hiện năm 2025` (or a typed baseline)."""
    target = parse_target(raw, unit_of_measure=unit_of_measure)
    value = target.value if target.comparator in (Comparator.EQUAL, Comparator.AT_LEAST) else None
    return {"baseline": target.text[:255], "baseline_label": clean_cell(label)[:100],
            "baseline_year": year_of(label), "baseline_value": value}


def year_targets_text(targets):
    """Targets by year as the indicator form shows them: a line each, `Năm 2026: ≥ 80%`."""
    return "\n".join(f"{target.label or target.year}: {target.target_text}" for target in targets)


def year_targets_read(text, *, unit_of_measure=""):
    """The `IndicatorTarget` fields of the form's lines (`Đến năm 2030: ≥ 95%`); a line without a year, or a year
    given twice, is refused with the line."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    targets, years = [], set()
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        label, colon, target = line.partition(":")
        year = year_of(label) if colon else None
        if year is None or not target.strip():
            raise ValidationError({"year_targets": _("Dòng “%(line)s”: hãy ghi năm rồi chỉ tiêu, ví dụ “Năm 2026: ≥ 80%%”.")
                                   % {"line": line.strip()[:80]}})
        if year in years:
            raise ValidationError({"year_targets": _("Năm %(year)s được ghi hai lần.") % {"year": year}})
        years.add(year)
        targets.append(year_target_values(target, year=year, label=label, unit_of_measure=unit_of_measure))
    return targets
