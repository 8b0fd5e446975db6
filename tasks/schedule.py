"""The progress a task's schedule calls for on a given day (Lộ trình).

One function for every page, report and warning job, so they never disagree.

Three kinds of timeline:
- one-off work runs from its start to its end, and is overdue once its end has passed unfinished;
- annual work ("Hằng năm") ends with each year: its period is the calendar year, within its own dates where
  it has them (a plan's "hằng năm, giai đoạn 2026-2030" recurs in each of those years), so its schedule
  restarts every January, and it is overdue only once its last year has ended unfinished;
- continuous work ("Thường xuyên") has no end: its schedule is the elapsed share of the year from its start,
  and it is never overdue.
Work without an end (annual, continuous, or no end date) is expected to be updated every month instead
(see `runs_all_year_sql` and the "chưa cập nhật" warning in reports.services).
"""
import datetime

from .models import TimelineKind

RECURRING = (TimelineKind.ANNUAL, TimelineKind.CONTINUOUS)


def _year_window(timeline_kind, starts_on, ends_on, today):
    """(start, end) of a recurring item's period this year: the calendar year, within the item's own dates."""
    start, end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    if starts_on and starts_on > start:
        start = starts_on
    if timeline_kind == TimelineKind.ANNUAL and ends_on and ends_on < end:
        end = ends_on
    return start, end


def expected_progress(*, timeline_kind, starts_on, ends_on, today):
    """Percent of the item's period elapsed by the end of `today`; None when the item has no dates.

    One-off tasks run from their start to their end; annual and continuous tasks restart every year
    (see the module's docstring), so their schedule is the elapsed share of the current year.
    """
    if timeline_kind in RECURRING:
        start, end = _year_window(timeline_kind, starts_on, ends_on, today)
    elif starts_on and ends_on:
        start, end = starts_on, ends_on
    else:
        return None
    if today < start:
        return 0
    if today >= end:
        return 100
    return round(100 * ((today - start).days + 1) / ((end - start).days + 1))


def task_expected_progress(task, today):
    return expected_progress(timeline_kind=task.timeline_kind, starts_on=task.starts_on, ends_on=task.ends_on, today=today)


def period_end(*, timeline_kind, starts_on, ends_on, today):
    """The end of the item's current period, the deadline pages show: a one-off item's end, the end of this
    year for annual work (of its first year before it starts, of its last once past), none for continuous work."""
    if timeline_kind == TimelineKind.CONTINUOUS:
        return None
    if timeline_kind == TimelineKind.ANNUAL:
        year_end = datetime.date(max(today.year, starts_on.year if starts_on else today.year), 12, 31)
        return min(year_end, ends_on) if ends_on else year_end
    return ends_on


def is_overdue(*, timeline_kind, ends_on, completed, today):
    """Past its end and not completed; annual work only once its last year has ended, continuous work never."""
    return timeline_kind != TimelineKind.CONTINUOUS and ends_on is not None and ends_on < today and not completed


def runs_all_year_sql():
    """Tasks without an end: annual, continuous, or no end date. They owe an update every month (indicators:
    those without a deadline)."""
    from django.db.models import Q

    return Q(timeline_kind__in=RECURRING) | Q(ends_on__isnull=True)


def overdue_sql(today):
    """`is_overdue` as a condition on tasks (completion left to the caller, as its `completed`)."""
    from django.db.models import Q

    return Q(timeline_kind__in=[TimelineKind.ONE_OFF, TimelineKind.ANNUAL], ends_on__lt=today)


def expected_progress_sql(today):
    """`expected_progress` as a database expression on tasks, for pages that aggregate thousands of them.

    Unrounded (averages stay exact); NULL where the task has no dates, as the Python function gives None.
    """
    from django.db.models import Case, DateField, F, FloatField, Func, Q, Value, When
    from django.db.models.functions import Coalesce, Greatest, Least

    def days(later, earlier):
        return Func(later, earlier, template="(%(expressions)s)", arg_joiner=" - ", output_field=FloatField())

    def share(start, end):
        return 100.0 * (days(today_value, start) + 1) / (days(end, start) + 1)

    def day(value):
        return Value(value, output_field=DateField())

    today_value = day(today)
    january, december = day(datetime.date(today.year, 1, 1)), day(datetime.date(today.year, 12, 31))
    year_start = Greatest(january, Coalesce(F("starts_on"), january), output_field=DateField())
    annual_end = Least(december, Coalesce(F("ends_on"), december), output_field=DateField())
    return Case(
        When(timeline_kind__in=RECURRING, starts_on__gt=today, then=Value(0.0)),
        When(timeline_kind=TimelineKind.ANNUAL, ends_on__lte=today, then=Value(100.0)),
        When(timeline_kind=TimelineKind.ANNUAL, then=share(year_start, annual_end)),
        When(timeline_kind=TimelineKind.CONTINUOUS, then=share(year_start, december)),
        When(Q(starts_on__isnull=True) | Q(ends_on__isnull=True), then=Value(None, output_field=FloatField())),
        When(starts_on__gt=today, then=Value(0.0)),
        When(ends_on__lte=today, then=Value(100.0)),
        default=share(F("starts_on"), F("ends_on")),
        output_field=FloatField(),
    )
