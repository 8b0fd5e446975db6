"""Reading a task's timeline as plans write it: `Năm 2026`, `Giai đoạn 2026-2027`, `Hàng năm`, `Thường xuyên`."""
import datetime
import re
from dataclasses import dataclass

from plans.text import clean_cell, fold

from .models import TimelineKind

_YEARS = re.compile(r"\b(20\d\d)\b(?:\s*[-–]\s*(20\d\d)\b)?")


@dataclass(frozen=True)
class Timeline:
    text: str
    kind: str
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None


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
    match = _YEARS.search(text)
    if match:
        first = int(match[1])
        last = int(match[2]) if match[2] else first
        return Timeline(text, kind, datetime.date(first, 1, 1), datetime.date(last, 12, 31))
    if plan_year and kind != TimelineKind.ONE_OFF:
        return Timeline(text, kind, datetime.date(plan_year, 1, 1), datetime.date(plan_year, 12, 31))
    return Timeline(text, kind)
