"""The progress a task's schedule calls for on a given day (Lộ trình).

One function for every page, report and warning job, so they never disagree.
"""
import datetime

from .models import TimelineKind


def expected_progress(*, timeline_kind, starts_on, ends_on, today):
    """Percent of the timeline elapsed by the end of `today`; None when the task has no dates.

    One-off tasks run from their start to their end; annual and continuous tasks
    restart every year, so their schedule is the elapsed share of the current year.
    """
    if timeline_kind in (TimelineKind.ANNUAL, TimelineKind.CONTINUOUS):
        start, end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
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


def is_overdue(*, timeline_kind, ends_on, completed, today):
    """Past its end and not completed; annual and continuous work is never overdue, it recurs."""
    return timeline_kind == TimelineKind.ONE_OFF and ends_on is not None and ends_on < today and not completed


def expected_progress_sql(today):
    """`expected_progress` as a database expression on tasks, for pages that aggregate thousands of them.

    Unrounded (averages stay exact); NULL where the task has no dates, as the Python function gives None.
    """
    from django.db.models import Case, F, FloatField, Func, Q, Value, When
    from django.db.models import DateField

    def days(later, earlier):
        return Func(later, earlier, template="(%(expressions)s)", arg_joiner=" - ", output_field=FloatField())

    today_value = Value(today, output_field=DateField())
    year_share = float(expected_progress(timeline_kind=TimelineKind.ANNUAL, starts_on=None, ends_on=None, today=today))
    return Case(
        When(timeline_kind__in=[TimelineKind.ANNUAL, TimelineKind.CONTINUOUS], then=Value(year_share)),
        When(Q(starts_on__isnull=True) | Q(ends_on__isnull=True), then=Value(None, output_field=FloatField())),
        When(starts_on__gt=today, then=Value(0.0)),
        When(ends_on__lte=today, then=Value(100.0)),
        default=100.0 * (days(today_value, F("starts_on")) + 1) / (days(F("ends_on"), F("starts_on")) + 1),
        output_field=FloatField(),
    )
