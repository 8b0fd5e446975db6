"""Reporting periods: a month (Báo cáo tháng) or a quarter (Báo cáo quý)."""
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

MONTHLY = "monthly"
QUARTERLY = "quarterly"


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date

    @property
    def label(self):
        if self.kind == MONTHLY:
            return _("tháng %(month)s/%(year)s") % {"month": f"{self.start.month:02d}", "year": self.start.year}
        return _("quý %(quarter)s/%(year)s") % {"quarter": ["I", "II", "III", "IV"][(self.start.month - 1) // 3],
                                                 "year": self.start.year}

    @property
    def slug(self):
        return f"{self.start:%Y-%m}"


def period_of(kind, year, month):
    """The month, or the quarter that contains the month; ValueError on a bad kind or date."""
    if kind == MONTHLY:
        start = datetime.date(year, month, 1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    elif kind == QUARTERLY:
        start = datetime.date(year, (month - 1) // 3 * 3 + 1, 1)
        end = (start.replace(month=start.month + 2) + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    else:
        raise ValueError(kind)
    return Period(kind, start, end)


def recent_periods(today, count=6):
    """The latest months and quarters, newest first, for the download list."""
    periods, month = [], today.replace(day=1)
    for _i in range(count):
        periods.append(period_of(MONTHLY, month.year, month.month))
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    quarters, day = [], today
    for _i in range(4):
        quarter = period_of(QUARTERLY, day.year, day.month)
        quarters.append(quarter)
        day = quarter.start - datetime.timedelta(days=1)
    return periods, quarters
