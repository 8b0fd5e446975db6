"""Reporting periods: which calendar months a report covers, its cut-off window and its deadline.

A period is (kind, year, number): month 1-12, quarter 1-4, half 1-2, nine months 1, year 1.
Ad hoc reports are numbered in the year and cover the year so far.
"""
import calendar
import datetime
import functools
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import ReportKind

MONTHS = {ReportKind.MONTHLY: 1, ReportKind.QUARTERLY: 3, ReportKind.HALF_YEAR: 6,
          ReportKind.NINE_MONTH: 9, ReportKind.ANNUAL: 12}
PER_YEAR = {ReportKind.MONTHLY: 12, ReportKind.QUARTERLY: 4, ReportKind.HALF_YEAR: 2,
            ReportKind.NINE_MONTH: 1, ReportKind.ANNUAL: 1}
YEARS = range(2000, 2101)


def add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int
    first_month: datetime.date
    last_month: datetime.date
    window_start: datetime.date
    window_end: datetime.date
    deadline: datetime.date | None

    @property
    def label(self):
        return period_label(self.kind, self.year, self.number)

    @property
    def slug(self):
        return f"{self.kind}-{self.year}-{self.number}"

    @property
    def last_day(self):
        return self.last_month.replace(day=calendar.monthrange(self.last_month.year, self.last_month.month)[1])

    def is_owed_after(self, issued_on):
        """Owed only when it ends after the plan was issued: no report is due on a period before the plan."""
        return issued_on is not None and self.last_day > issued_on


def issued_on(year, month, day):
    """The earliest day a plan dated only in part ("tháng 4 năm 2026", "năm 2026") can have been issued."""
    return datetime.date(year, month or 1, day or 1) if year else None


def period_of(kind, year, number, *, cutoff_day=14, deadline_day=None, deadline_month_offset=0, today=None):
    """The period, or ValueError for a kind, year or number that does not exist."""
    if year not in YEARS:
        raise ValueError(year)
    if kind == ReportKind.AD_HOC:
        if number < 1:
            raise ValueError(number)
        today = today or datetime.date(year, 12, 31)
        first = datetime.date(year, 1, 1)
        last = datetime.date(year, today.month, 1) if today.year == year else datetime.date(year, 12, 1)
        return Period(kind, year, number, first, last, first, min(today, datetime.date(year, 12, 31)), None)
    if kind not in MONTHS or not 1 <= number <= PER_YEAR[kind]:
        raise ValueError((kind, number))
    last = datetime.date(year, MONTHS[kind] * number if kind != ReportKind.NINE_MONTH else 9, 1)
    first = add_months(last, 1 - MONTHS[kind])
    window_start = add_months(first, -1).replace(day=cutoff_day + 1)
    window_end = last.replace(day=cutoff_day)
    deadline = None
    if deadline_day:
        month = add_months(last, deadline_month_offset)
        deadline = month.replace(day=min(deadline_day, calendar.monthrange(month.year, month.month)[1]))
    return Period(kind, year, number, first, last, window_start, window_end, deadline)


def rule_period(rule, year, number, today=None):
    return period_of(rule.kind, year, number, cutoff_day=rule.cutoff_day, deadline_day=rule.deadline_day,
                     deadline_month_offset=rule.deadline_month_offset, today=today)


def rule_periods_around(rule, today, before=2):
    """The rule's current period (the one whose window holds today) and the `before` ones preceding it."""
    return periods_around(rule.kind, rule.cutoff_day, rule.deadline_day, rule.deadline_month_offset, today, before)


@functools.lru_cache(maxsize=256)
def periods_around(kind, cutoff_day, deadline_day, deadline_month_offset, today, before=2):
    if kind == ReportKind.AD_HOC:
        return ()
    periods = []
    for year in (today.year + 1, today.year, today.year - 1, today.year - 2):
        for number in range(PER_YEAR[kind], 0, -1):
            period = period_of(kind, year, number, cutoff_day=cutoff_day, deadline_day=deadline_day,
                               deadline_month_offset=deadline_month_offset)
            if period.window_start <= today or periods:
                periods.append(period)
            if len(periods) > before:
                return tuple(periods)
    return tuple(periods)


def period_label(kind, year, number):
    """A period by the name documents give it: "Tháng 12/2026", "Quý IV/2026", "6 tháng đầu năm 2026",
    "9 tháng năm 2026", "Năm 2026"."""
    if kind == ReportKind.MONTHLY:
        return _("Tháng %(month)s/%(year)s") % {"month": number, "year": year}
    if kind == ReportKind.QUARTERLY:
        return _("Quý %(quarter)s/%(year)s") % {"quarter": ["I", "II", "III", "IV"][number - 1], "year": year}
    if kind == ReportKind.HALF_YEAR:
        return (_("6 tháng đầu năm %(year)s") if number == 1 else _("6 tháng cuối năm %(year)s")) % {"year": year}
    if kind == ReportKind.NINE_MONTH:
        return _("9 tháng năm %(year)s") % {"year": year}
    if kind == ReportKind.ANNUAL:
        return _("Năm %(year)s") % {"year": year}
    return _("Đột xuất số %(number)s năm %(year)s") % {"number": number, "year": year}
