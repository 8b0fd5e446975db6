"""Querysets shaped for the pages that read tasks."""
import datetime
from dataclasses import dataclass

from django.db.models import Max, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from evidence.models import Evidence
from indicators.models import Indicator
from plans.models import ItemStatus

from .models import Task
from .schedule import is_overdue, task_expected_progress

BEHIND_SHARE = 0.5  # a task under half of its schedule is behind (Đại Phước plan, V.2.3)
EARLIEST_WARNING_SHARE = 10  # no behind-schedule warning before a tenth of the timeline has elapsed


def latest_evidence_status(model):
    return Subquery(
        Evidence.objects.filter(**{model._meta.model_name: OuterRef("pk")})
        .order_by("-uploaded_at", "-id").values("status")[:1]
    )


@dataclass
class WorkRow:
    """A task or indicator as "My work" shows it, with what its schedule and evidence say."""

    item: object
    kind: str
    is_lead: bool
    expected: int | None
    deadline: datetime.date | None
    days_left: int | None
    overdue: bool
    behind: bool
    evidence_rejected: bool
    last_update: datetime.datetime | None
    evidence_status: str | None

    @property
    def days_overdue(self):
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def warnings(self):
        """The open warnings the daily job raised for this item, red ones first."""
        return sorted(self.item.open_warnings, key=lambda w: not w.is_red)

    @property
    def urgency(self):
        actual = getattr(self.item, "progress", 0)
        ratio = actual / self.expected if self.expected else 1
        far = 10 ** 6
        return (not self.overdue, not self.evidence_rejected, not self.behind, ratio,
                self.days_left if self.days_left is not None else far)


def open_warnings():
    from reports.models import Warning

    return Prefetch("warnings", queryset=Warning.objects.filter(closed_at__isnull=True), to_attr="open_warnings")


def is_behind(*, actual, expected):
    return expected is not None and expected >= EARLIEST_WARNING_SHARE and actual < BEHIND_SHARE * expected


def _base(queryset, user, role):
    units = user.unit_ids
    if role == "support":
        queryset = queryset.filter(support_units__in=units).exclude(lead_units__in=units)
    elif role == "lead":
        queryset = queryset.filter(lead_units__in=units)
    else:
        queryset = queryset.filter(Q(lead_units__in=units) | Q(support_units__in=units))
    return (queryset.visible_to(user).distinct()
            .select_related("plan", "plan__area", "section")
            .prefetch_related("lead_units", "support_units", open_warnings())
            .annotate(latest_evidence=latest_evidence_status(queryset.model)))


def my_task_rows(user, *, today, role="", plan="", section="", status="", query="", within_days=None,
                 overdue_only=False, pk=None):
    tasks = _base(Task.objects.all() if pk is None else Task.objects.filter(pk=pk), user, role)
    tasks = tasks.annotate(last_update=Max("updates__created_at"))
    tasks = _filtered(tasks, plan=plan, section=section, status=status, query=query, text_field="title")
    rows = []
    for task in tasks:
        expected = task_expected_progress(task, today)
        deadline = task.ends_on
        row = WorkRow(
            item=task, kind="task", is_lead=bool({u.id for u in task.lead_units.all()} & user.unit_ids),
            expected=expected, deadline=deadline, days_left=(deadline - today).days if deadline else None,
            overdue=is_overdue(timeline_kind=task.timeline_kind, ends_on=deadline,
                               completed=task.status == ItemStatus.COMPLETED, today=today),
            behind=task.status != ItemStatus.COMPLETED and is_behind(actual=task.progress, expected=expected),
            evidence_rejected=task.latest_evidence == Evidence.Status.REJECTED,
            last_update=task.last_update, evidence_status=task.latest_evidence,
        )
        rows.append(row)
    return _windowed(rows, within_days=within_days, overdue_only=overdue_only)


def my_indicator_rows(user, *, today, role="", plan="", section="", status="", query="", within_days=None, overdue_only=False):
    indicators = _base(Indicator.objects.all(), user, role).annotate(last_update=Max("reports__created_at"))
    indicators = _filtered(indicators, plan=plan, section=section, status=status, query=query, text_field="content")
    rows = []
    for indicator in indicators:
        deadline = indicator.deadline
        rows.append(WorkRow(
            item=indicator, kind="indicator",
            is_lead=bool({u.id for u in indicator.lead_units.all()} & user.unit_ids),
            expected=None, deadline=deadline, days_left=(deadline - today).days if deadline else None,
            overdue=bool(deadline and deadline < today and indicator.status != ItemStatus.COMPLETED),
            behind=False, evidence_rejected=indicator.latest_evidence == Evidence.Status.REJECTED,
            last_update=indicator.last_update, evidence_status=indicator.latest_evidence,
        ))
    return _windowed(rows, within_days=within_days, overdue_only=overdue_only)


def _filtered(queryset, *, plan, section, status, query, text_field):
    if plan:
        queryset = queryset.filter(plan__slug=plan)
    if section:
        queryset = queryset.filter(section_id=section)
    if status:
        queryset = queryset.filter(status=status)
    if query:
        queryset = queryset.filter(**{f"{text_field}__icontains": query})
    return queryset


def _windowed(rows, *, within_days, overdue_only):
    if overdue_only:
        rows = [r for r in rows if r.overdue]
    if within_days is not None:
        rows = [r for r in rows if r.days_left is not None and r.days_left <= within_days]
    return sorted(rows, key=lambda r: r.urgency)


def today():
    return timezone.localdate()
