"""Reading a task's timeline as plans write it: `Năm 2026`, `Giai đoạn 2026-2027`, `Hàng năm`, `Thường xuyên`,
`Quý III/2026`, `Tháng 6/2026`, `Trước 30/6/2026`, `6 tháng đầu năm 2026`, `Từ tháng 3/2026 đến tháng 9/2026`."""
import calendar
import datetime
import re
from dataclasses import dataclass

from plans.text import clean_cell, fold

from .models import TimelineKind

_YEARS = re.compile(r"\b(20\d\d)\b(?:\s*[-–]\s*(20\d\d)\b)?")
_DATE = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(20\d\d)\b")
_MONTHS = re.compile(r"\bthang\s*(\d{1,2})\s*(?:[-–]|den)\s*(?:thang\s*)?(\d{1,2})\s*(?:/|nam)\s*(20\d\d)\b")
_MONTH = re.compile(r"\bthang\s*(\d{1,2})\s*(?:/|nam)\s*(20\d\d)\b")
_QUARTER = re.compile(r"\bquy\s*(iv|i{1,3}|[1-4])\s*(?:/|nam)\s*(20\d\d)\b")
_HALF = re.compile(r"\b(6|sau)\s*thang\s*(dau|cuoi)\s*nam\s*(20\d\d)\b")
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class Timeline:
    text: str
    kind: str
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None


def _month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _spans(folded):
    """(start, end, is a deadline) of every date, month, quarter and half-year the text names, in order."""
    spans = []
    for match in _DATE.finditer(folded):
        try:
            day = datetime.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            continue
        spans.append((match.start(), day, day, True))
    taken = [(m.start(), m.end()) for m in _MONTHS.finditer(folded)]
    for match in _MONTHS.finditer(folded):
        year, first, last = int(match[3]), int(match[1]), int(match[2])
        if 1 <= first <= last <= 12:
            spans.append((match.start(), datetime.date(year, first, 1), _month_end(year, last), False))
    for match in _MONTH.finditer(folded):
        if any(start <= match.start() < end for start, end in taken):
            continue
        year, month = int(match[2]), int(match[1])
        if 1 <= month <= 12:
            spans.append((match.start(), datetime.date(year, month, 1), _month_end(year, month), False))
    for match in _QUARTER.finditer(folded):
        year, quarter = int(match[2]), _QUARTERS[match[1]]
        spans.append((match.start(), datetime.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter), False))
    for match in _HALF.finditer(folded):
        year = int(match[3])
        first = match[2] == "dau"
        spans.append((match.start(), datetime.date(year, 1 if first else 7, 1),
                      datetime.date(year, 6, 30) if first else datetime.date(year, 12, 31), False))
    return sorted(spans)


def parse_timeline(raw, *, plan_year=None):
    """A `Timeline`; annual and continuous work without years runs through the plan's year."""
    text = clean_cell(raw)
    folded = fold(text)
    if "thuong xuyen" in folded or "lien tuc" in folded:
        kind = TimelineKind.CONTINUOUS
    elif "hang nam" in folded or "hằng năm" in text.lower():
        kind = TimelineKind.ANNUAL
    else:
        kind = TimelineKind.ONE_OFF
    spans = _spans(folded)
    if spans:
        starts_on = min(span[1] for span in spans)
        ends_on = max(span[2] for span in spans)
        if all(span[3] for span in spans) and len(spans) == 1:
            # A deadline (`Trước 30/6/2026`, a date cell): the work runs from the start of the plan's year.
            year = plan_year if plan_year and plan_year <= ends_on.year else ends_on.year
            starts_on = datetime.date(year, 1, 1)
        return Timeline(text, kind, starts_on, ends_on)
    match = _YEARS.search(text)
    if match:
        first = int(match[1])
        last = int(match[2]) if match[2] else first
        return Timeline(text, kind, datetime.date(first, 1, 1), datetime.date(last, 12, 31))
    if plan_year and kind != TimelineKind.ONE_OFF:
        return Timeline(text, kind, datetime.date(plan_year, 1, 1), datetime.date(plan_year, 12, 31))
    return Timeline(text, kind)
