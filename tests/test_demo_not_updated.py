"""On the demo, work that runs all year raises "chưa cập nhật" once a month passes without its update (issue 24)."""
import datetime

from django.utils import timezone

from plans.models import ItemStatus
from reports.models import Warning
from reports.periods import add_months
from reports.services import warnings_raise
from tasks.models import Task, TimelineKind


def _warned_continuous():
    return set(Warning.objects.filter(kind=Warning.Kind.NOT_UPDATED, closed_at__isnull=True,
                                      task__timeline_kind=TimelineKind.CONTINUOUS).values_list("task", flat=True))


def test_continuous_work_not_updated_for_a_month_raises_chua_cap_nhat(demo):
    today = timezone.localdate()
    continuous = set(Task.objects.filter(timeline_kind=TimelineKind.CONTINUOUS, plan__issued_year__isnull=False)
                     .exclude(status=ItemStatus.COMPLETED).values_list("pk", flat=True))
    assert len(continuous) >= 10
    # Over the demo's year the monthly checks raised it for the months an office skipped or reported late, and
    # closed it once the update came; as loaded, an office has not updated a task last month.
    assert Warning.objects.filter(kind=Warning.Kind.NOT_UPDATED, closed_at__isnull=False).exists()
    assert _warned_continuous()
    # Early this month, last month's update day passed: the offices are up to date but for that task and the
    # work nobody reports on.
    warnings_raise(today=today.replace(day=5))
    up_to_date = continuous - _warned_continuous()
    assert up_to_date and _warned_continuous() <= continuous

    # A month passes without an update: every one of them is warned, for this month or the next.
    later = add_months(today, 1) + datetime.timedelta(days=5)
    warnings_raise(today=later)
    assert _warned_continuous() == continuous
    months = Warning.objects.filter(kind=Warning.Kind.NOT_UPDATED, closed_at__isnull=True,
                                    task__in=up_to_date).values_list("details__month", flat=True)
    this_month = today.replace(day=1)
    assert set(months) <= {this_month.isoformat(), add_months(this_month, 1).isoformat()}
