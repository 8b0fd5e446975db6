import datetime

import pytest

from tasks.models import TimelineKind
from tasks.schedule import expected_progress, is_overdue

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
    # The task's own dates do not matter: the schedule restarts every year.
    assert expected_progress(timeline_kind=kind, starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31),
                             today=D(2027, 7, 2)) == 50


def test_a_task_without_dates_has_no_schedule():
    assert expected_progress(timeline_kind=TimelineKind.ONE_OFF, starts_on=None, ends_on=None, today=D(2026, 5, 1)) is None


def test_only_one_off_work_past_its_end_and_not_completed_is_overdue():
    today = D(2026, 11, 23)
    assert is_overdue(timeline_kind=TimelineKind.ONE_OFF, ends_on=D(2026, 6, 30), completed=False, today=today)
    assert not is_overdue(timeline_kind=TimelineKind.ONE_OFF, ends_on=D(2026, 6, 30), completed=True, today=today)
    assert not is_overdue(timeline_kind=TimelineKind.ONE_OFF, ends_on=D(2026, 12, 31), completed=False, today=today)
    assert not is_overdue(timeline_kind=TimelineKind.ANNUAL, ends_on=D(2025, 12, 31), completed=False, today=today)
