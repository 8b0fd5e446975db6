"""Querysets shaped for the pages that read tasks."""
import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from evidence.models import Evidence
from indicators.models import Indicator
from indicators.targets import target_progress
from plans.access import reports_for_lead_units
from plans.item_kinds import ITEM_KINDS
from plans.models import ItemStatus, Plan, Section, Unit
from plans.selectors import shown_digest

from .models import Task, TimelineKind, has_sub_items
from .schedule import expected_progress, is_overdue, period_end

BEHIND_SHARE = 0.5  # a task under half of its schedule is behind (Đại Phước plan, V.2.3)
EARLIEST_WARNING_SHARE = 10  # no behind-schedule warning before a tenth of the timeline has elapsed


def latest_evidence_status(model):
    return Subquery(
        Evidence.objects.filter(**{model._meta.model_name: OuterRef("pk")})
        .order_by("-uploaded_at", "-id").values("status")[:1]
    )


def latest_evidence_note(model):
    """The reviewer's note on the item's latest evidence (a row shows it when that evidence was rejected)."""
    return Subquery(
        Evidence.objects.filter(**{model._meta.model_name: OuterRef("pk")})
        .order_by("-uploaded_at", "-id").values("review_note")[:1]
    )


def plan_sections(user, plan_slug):
    """The sections of a plan the user may see, for a filter; none for a plan outside their scope."""
    if not plan_slug:
        return Section.objects.none()
    return Section.objects.filter(plan__in=Plan.objects.visible_to(user).filter(slug=plan_slug)).order_by("position")


def open_warnings():
    from reports.models import Warning

    return Prefetch("warnings", queryset=Warning.objects.filter(closed_at__isnull=True), to_attr="open_warnings")


def is_behind(*, actual, expected):
    return expected is not None and expected >= EARLIEST_WARNING_SHARE and actual < BEHIND_SHARE * expected


@dataclass
class WorkRow:
    """A task or indicator as "My work" shows it, with what its schedule and evidence say.

    Rows are built from plain values for every item, sorted and paginated; only the
    rows on the page get their full `item` (see `work_rows_hydrate`).
    """

    pk: int
    kind: str
    is_lead: bool
    may_report: bool  # the row offers the update (plans.access.can_report, for the user's own lead units)
    progress: int
    expected: int | None
    deadline: datetime.date | None
    days_left: int | None
    overdue: bool
    behind: bool
    last_update: datetime.datetime | None
    evidence_status: str | None
    # Updated in the current period (the calendar month): marked "đã cập nhật kỳ này". Those updated before
    # the visit began go to the end (unless their evidence was rejected since); one updated during the visit
    # keeps its place (see `work_rows_order`).
    updated_this_period: bool = False
    updated_before_visit: bool = False
    item: object = field(default=None, repr=False)

    @property
    def days_overdue(self):
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def warnings(self):
        """The open warnings the daily job raised for this item, red ones first."""
        return sorted(self.item.open_warnings, key=lambda w: not w.is_red)

    @property
    def fragment_key(self):
        """A digest of everything the row's cells show but its action (tasks/inc/work_rows.html keeps them in the
        "fragments" cache under it, beside the page's language): the row's figures and dates, its item's and plan's
        words, its warnings and the time zone its times are written in. Any change to them gives another key."""
        item = self.item
        plan = item.plan
        shown = (
            self.kind, item.pk, item.ordinal, getattr(self, "url", ""), getattr(self, "title", ""),
            getattr(self, "plan_title", ""), getattr(self, "status", ""), self.is_lead, self.evidence_status,
            getattr(item, "evidence_note", None), plan.display_name, plan.number, str(plan.area),
            getattr(item, "progress", None), getattr(item, "current_value", None), getattr(item, "target_text", None),
            getattr(item, "is_met", None), self.expected, self.deadline, self.overdue, self.days_left,
            self.updated_this_period, self.last_update,
            [(warning.kind, warning.is_red, warning.raised_at) for warning in self.warnings])
        return shown_digest(*shown)

    @property
    def urgency(self):
        ratio = self.progress / self.expected if self.expected else 1
        far = 10 ** 6
        return (not self.overdue, self.evidence_status != Evidence.Status.REJECTED, not self.behind, ratio,
                self.days_left if self.days_left is not None else far)


def _scoped(model, user, role, pk):
    units = user.unit_ids
    items = model.objects.all() if pk is None else model.objects.filter(pk=pk)
    if role == "support":
        items = items.filter(support_units__in=units).exclude(lead_units__in=units)
    elif role == "lead":
        items = items.filter(lead_units__in=units)
    else:
        items = items.filter(Q(lead_units__in=units) | Q(support_units__in=units))
    led = model.lead_units.through.objects.filter(**{model._meta.model_name: OuterRef("pk")}, unit__in=units)
    return items.visible_to(user).distinct().annotate(
        is_lead=Exists(led), latest_evidence=latest_evidence_status(model))


def _filtered(queryset, *, plan, section, status, query, text_field):
    if plan:  # a plan's slug (from a link) or words of its number, title, issuer or area, typed in the search field
        number = plan.split("/")[0].strip()
        queryset = queryset.filter(
            Q(plan__slug=plan) | (Q(plan__number__iexact=number) if number else Q()) | Q(plan__title__icontains=plan)
            | Q(plan__issuer__icontains=plan) | Q(plan__area__name__icontains=plan))
    if section:
        queryset = queryset.filter(section_id=section)
    if status:
        queryset = queryset.filter(status=status)
    if query:
        queryset = queryset.filter(**{f"{text_field}__icontains": query})
    return queryset


def _windowed(rows, *, within_days, overdue_only, today, visit):
    period_start = today.replace(day=1)
    for row in rows:
        updated_on = timezone.localdate(row.last_update) if row.last_update else None
        row.updated_this_period = bool(updated_on and updated_on >= period_start)
        # Done for the period, unless its evidence came back since: a rejected item needs the officer again.
        row.updated_before_visit = (row.updated_this_period and (visit is None or row.last_update < visit)
                                    and row.evidence_status != Evidence.Status.REJECTED)
    if overdue_only:
        rows = [r for r in rows if r.overdue]
    if within_days is not None:
        rows = [r for r in rows if r.days_left is not None and r.days_left <= within_days]
    return sorted(rows, key=lambda r: (r.updated_before_visit, r.urgency))


VISIT_SECONDS = 12 * 60 * 60  # a visit to My work lasts at most this long; then the order is computed again


def work_rows_order(rows, *, key):
    """The rows in the order this visit first showed them (kept in the cache under `key`): an item updated
    during the visit stays where it was; items new to the visit follow, most urgent first."""
    order = cache.get(key)
    if order is None:
        cache.set(key, [(row.kind, row.pk) for row in rows], VISIT_SECONDS)
        return rows
    position = {tuple(item): index for index, item in enumerate(order)}
    return sorted(rows, key=lambda row: position.get((row.kind, row.pk), len(position)))


def my_work_plans(user):
    """The plans holding items the user's units lead or support, for My work's plan filter."""
    units = user.unit_ids
    # One subquery per kind and role, each from its link table's index on the unit: asked as one Exists per kind
    # (lead or support), PostgreSQL joined every item to both link tables before filtering (three times the time).
    held = Q()
    for kind in ITEM_KINDS:
        for role in ("lead_units", "support_units"):
            held |= Q(pk__in=kind.model.objects.filter(**{f"{role}__in": units}).values("plan_id"))
    return Plan.objects.visible_to(user).filter(held).select_related("area").order_by("area__name", "-issued_year",
                                                                                      "-issued_month", "slug")


def my_task_rows(user, *, today, role="", plan="", section="", status="", query="", within_days=None,
                 overdue_only=False, pk=None, visit=None):
    tasks = _filtered(_scoped(Task, user, role, pk), plan=plan, section=section, status=status, query=query,
                      text_field="title")
    # A task with sub-items is reported through them: they are listed, it is not (tasks.services.parent_report_refuse).
    tasks = tasks.exclude(has_sub_items())
    values = tasks.annotate(last_update=Max("updates__created_at")).values_list(
        "pk", "is_lead", "progress", "status", "timeline_kind", "starts_on", "ends_on", "last_update", "latest_evidence")
    reporter = reports_for_lead_units(user)
    rows = []
    for pk_, is_lead, progress, item_status, kind, starts_on, ends_on, last_update, evidence in values:
        expected = expected_progress(timeline_kind=kind, starts_on=starts_on, ends_on=ends_on, today=today)
        completed = item_status == ItemStatus.COMPLETED
        deadline = period_end(timeline_kind=kind, starts_on=starts_on, ends_on=ends_on, today=today)  # annual work: this year's end
        rows.append(WorkRow(
            pk=pk_, kind="task", is_lead=is_lead, may_report=is_lead and reporter, progress=progress, expected=expected, deadline=deadline,
            days_left=(deadline - today).days if deadline else None,
            overdue=is_overdue(timeline_kind=kind, ends_on=ends_on, completed=completed, today=today),
            behind=not completed and is_behind(actual=progress, expected=expected),
            last_update=last_update, evidence_status=evidence,
        ))
    return _windowed(rows, within_days=within_days, overdue_only=overdue_only, today=today, visit=visit)


def my_indicator_rows(user, *, today, role="", plan="", section="", status="", query="", within_days=None,
                      overdue_only=False, pk=None, visit=None):
    indicators = _filtered(_scoped(Indicator, user, role, pk), plan=plan, section=section, status=status,
                           query=query, text_field="content")
    values = indicators.annotate(last_update=Max("reports__created_at")).values_list(
        "pk", "is_lead", "status", "starts_on", "deadline", "last_update", "latest_evidence",
        "target_comparator", "target_value", "current_value", "direction", "is_met")
    reporter = reports_for_lead_units(user)
    rows = []
    for (pk_, is_lead, item_status, starts_on, deadline, last_update, evidence,
         comparator, value, current, direction, is_met) in values:
        completed = item_status == ItemStatus.COMPLETED
        progress = 100 if completed else target_progress(comparator=comparator, value=value, measured=current,
                                                         direction=direction, is_met=is_met)
        expected = expected_progress(timeline_kind=TimelineKind.ONE_OFF, starts_on=starts_on, ends_on=deadline,
                                     today=today) if deadline else None
        rows.append(WorkRow(
            pk=pk_, kind="indicator", is_lead=is_lead, may_report=is_lead and reporter, progress=progress or 0, expected=expected, deadline=deadline,
            days_left=(deadline - today).days if deadline else None,
            overdue=bool(deadline and deadline < today and not completed),
            behind=not completed and progress is not None and is_behind(actual=progress, expected=expected),
            last_update=last_update, evidence_status=evidence))
    return _windowed(rows, within_days=within_days, overdue_only=overdue_only, today=today, visit=visit)


def work_rows_hydrate(rows):
    """Load the full items of the rows on one page, with what their cells show, in a fixed number of queries."""
    for kind, model in ((kind.name, kind.model) for kind in ITEM_KINDS):
        ids = [row.pk for row in rows if row.kind == kind]
        if not ids:
            continue
        # Only what a row shows (tasks/inc/work_rows.html): its plan and open warnings; the row already
        # knows whether the user's unit leads it, so the units are not loaded.
        # The rejection note rides on the same query: My work's query count is pinned.
        items = (model.objects.filter(pk__in=ids).select_related("plan__area").prefetch_related(open_warnings())
                 .annotate(evidence_note=latest_evidence_note(model)))
        found = {item.pk: item for item in items}
        for row in rows:
            if row.kind == kind:
                row.item = found[row.pk]
    return rows



def task_subitems(task):
    """A task's sub-items in the plan's order, with their lead units (two queries)."""
    return task.subitems.order_by("position").prefetch_related(
        Prefetch("lead_units", queryset=Unit.objects.order_by("name")))


def desk_rows(user, *, kind, today, plan="", query="", visit=None):
    """The items "Cập nhật nhiều mục" offers: those of My work the user reports (their units lead them and they
    are an officer), in My work's order (most urgent first; those already updated this period at the end)."""
    select = my_indicator_rows if kind == "indicator" else my_task_rows
    rows = select(user, today=today, role="lead", plan=plan, query=query, visit=visit)
    return [row for row in rows if row.may_report]


def desk_rows_hydrate(rows):
    """Load the items of the desk's rows with their plans and areas: one query a kind, whatever the number of rows.
    The row already knows its figures and schedule; the item brings its title, version and unit of measure."""
    for kind in ITEM_KINDS:
        ids = [row.pk for row in rows if row.kind == kind.name]
        if ids:
            found = kind.model.objects.select_related("plan__area").in_bulk(ids)
            for row in rows:
                if row.kind == kind.name:
                    row.item = found[row.pk]
    return rows
