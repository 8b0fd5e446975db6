import datetime

import pytest

from tasks.models import TimelineKind
from tasks.schedule import expected_progress, is_overdue, period_end

D = datetime.date


@pytest.mark.parametrize("today, expected", [
    (D(2025, 12, 31), 0),
    (D(2026, 1, 1), 0),        # first day of 730: rounds to 0
    (D(2026, 12, 31), 50),     # 365 of 730 days
    (D(2027, 12, 31), 100),
    (D(2030, 6, 1), 100),
])
def test_one_off_task_expects_the_elapsed_share_of_its_timeline(today, expected):
    assert expected_progress(timeline_kind=TimelineKind.ONE_OFF, starts_on=D(2026, 1, 1),
                             ends_on=D(2027, 12, 31), today=today) == expected


@pytest.mark.parametrize("kind", [TimelineKind.ANNUAL, TimelineKind.CONTINUOUS])
def test_annual_and_continuous_tasks_expect_the_elapsed_share_of_the_year(kind):
    # The schedule restarts every year: in the third of the five years, half of that year.
    assert expected_progress(timeline_kind=kind, starts_on=D(2026, 1, 1), ends_on=D(2030, 12, 31),
                             today=D(2028, 7, 2)) == 50
    assert expected_progress(timeline_kind=kind, starts_on=None, ends_on=None, today=D(2028, 7, 2)) == 50


@pytest.mark.parametrize("today, expected", [
    (D(2026, 3, 31), 0),       # before its start
    (D(2026, 4, 1), 0),        # its first day of 275 in its first year
    (D(2026, 8, 16), 50),      # 138 of 275 days (1 April to 31 December)
    (D(2027, 1, 1), 0),        # a new year, a new period
    (D(2027, 7, 2), 50),       # 183 of 365
    (D(2028, 6, 30), 100),     # its last year ends with its own end
    (D(2029, 3, 1), 100),
])
def test_annual_work_ends_with_each_year_within_its_own_dates(today, expected):
    assert expected_progress(timeline_kind=TimelineKind.ANNUAL, starts_on=D(2026, 4, 1), ends_on=D(2028, 6, 30),
                             today=today) == expected


def test_continuous_work_starts_with_its_start_and_never_ends():
    assert expected_progress(timeline_kind=TimelineKind.CONTINUOUS, starts_on=D(2027, 1, 1), ends_on=D(2027, 12, 31),
                             today=D(2026, 7, 2)) == 0
    # Its end as a plan's year writes it does not end it: the next year is a new period.
    assert expected_progress(timeline_kind=TimelineKind.CONTINUOUS, starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31),
                             today=D(2027, 7, 2)) == 50


def test_a_task_without_dates_has_no_schedule():
    assert expected_progress(timeline_kind=TimelineKind.ONE_OFF, starts_on=None, ends_on=None, today=D(2026, 5, 1)) is None


def test_one_off_work_past_its_end_and_annual_work_past_its_last_year_are_overdue_until_completed():
    today = D(2026, 11, 23)
    assert is_overdue(timeline_kind=TimelineKind.ONE_OFF, ends_on=D(2026, 6, 30), completed=False, today=today)
    assert not is_overdue(timeline_kind=TimelineKind.ONE_OFF, ends_on=D(2026, 6, 30), completed=True, today=today)
    assert not is_overdue(timeline_kind=TimelineKind.ONE_OFF, ends_on=D(2026, 12, 31), completed=False, today=today)
    assert is_overdue(timeline_kind=TimelineKind.ANNUAL, ends_on=D(2025, 12, 31), completed=False, today=today)
    assert not is_overdue(timeline_kind=TimelineKind.ANNUAL, ends_on=D(2025, 12, 31), completed=True, today=today)
    assert not is_overdue(timeline_kind=TimelineKind.ANNUAL, ends_on=D(2026, 12, 31), completed=False, today=today)
    assert not is_overdue(timeline_kind=TimelineKind.ANNUAL, ends_on=None, completed=False, today=today)
    assert not is_overdue(timeline_kind=TimelineKind.CONTINUOUS, ends_on=D(2025, 12, 31), completed=False, today=today)


@pytest.mark.parametrize("kind, starts_on, ends_on, today, end", [
    (TimelineKind.ONE_OFF, D(2026, 1, 1), D(2027, 6, 30), D(2026, 5, 1), D(2027, 6, 30)),
    (TimelineKind.ONE_OFF, None, None, D(2026, 5, 1), None),
    (TimelineKind.ANNUAL, D(2026, 1, 1), D(2030, 12, 31), D(2026, 5, 1), D(2026, 12, 31)),   # this year's end
    (TimelineKind.ANNUAL, D(2028, 1, 1), D(2030, 12, 31), D(2026, 5, 1), D(2028, 12, 31)),   # its first year's
    (TimelineKind.ANNUAL, D(2026, 1, 1), D(2026, 6, 30), D(2026, 5, 1), D(2026, 6, 30)),     # its last ends earlier
    (TimelineKind.ANNUAL, D(2025, 1, 1), D(2025, 12, 31), D(2026, 5, 1), D(2025, 12, 31)),   # past: overdue since
    (TimelineKind.ANNUAL, None, None, D(2026, 5, 1), D(2026, 12, 31)),
    (TimelineKind.CONTINUOUS, D(2026, 1, 1), D(2026, 12, 31), D(2026, 5, 1), None),
])
def test_the_deadline_shown_is_the_end_of_the_current_period(kind, starts_on, ends_on, today, end):
    assert period_end(timeline_kind=kind, starts_on=starts_on, ends_on=ends_on, today=today) == end


SCHEDULE_CASES = [
    (kind, starts_on, ends_on)
    for kind in TimelineKind.values
    for starts_on, ends_on in [(None, None), (D(2026, 1, 1), None), (None, D(2026, 6, 30)),
                               (D(2026, 1, 1), D(2026, 12, 31)), (D(2026, 4, 1), D(2028, 6, 30)),
                               (D(2025, 1, 1), D(2025, 12, 31)), (D(2027, 2, 1), D(2029, 12, 31)),
                               (D(2026, 11, 30), D(2026, 11, 30))]
]
DAYS = [D(2025, 6, 1), D(2026, 1, 1), D(2026, 4, 1), D(2026, 7, 2), D(2026, 11, 30), D(2026, 12, 31),
        D(2027, 3, 15), D(2028, 6, 30), D(2030, 1, 1)]


@pytest.mark.django_db
def test_the_sql_schedule_and_overdue_agree_with_the_python_ones():
    """Every kind of timeline, with and without its dates, on days before, inside and after them."""
    from django.db.models import Q

    from plans.models import Area, Plan
    from tasks.models import Task
    from tasks.schedule import expected_progress_sql, overdue_sql

    area = Area.objects.create(name="Xã thử lộ trình", slug="xa-thu-lo-trinh", kind=Area.Kind.COMMUNE)
    plan = Plan.objects.create(slug="thu-lo-trinh", area=area, issuer="UBND xã", title="Thử")
    cases = {Task.objects.create(plan=plan, position=position, ordinal=str(position), title="x", timeline_kind=kind,
                                 starts_on=starts_on, ends_on=ends_on).pk: (kind, starts_on, ends_on)
             for position, (kind, starts_on, ends_on) in enumerate(SCHEDULE_CASES, start=1)}
    for today in DAYS:
        rows = Task.objects.filter(pk__in=cases).annotate(schedule=expected_progress_sql(today)).values_list("pk", "schedule")
        overdue = set(Task.objects.filter(Q(pk__in=cases) & overdue_sql(today)).values_list("pk", flat=True))
        for pk, schedule in rows:
            kind, starts_on, ends_on = cases[pk]
            python = expected_progress(timeline_kind=kind, starts_on=starts_on, ends_on=ends_on, today=today)
            assert (schedule is None) == (python is None), (cases[pk], today)
            if python is not None:
                assert schedule == pytest.approx(python, abs=0.5), (cases[pk], today)
            assert (pk in overdue) == is_overdue(timeline_kind=kind, ends_on=ends_on, completed=False, today=today), (
                cases[pk], today)
