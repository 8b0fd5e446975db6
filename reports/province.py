"""The province's view (issue 14): communes compared, units ranked, each figure aggregated in SQL.

Every selector here groups in the database, by commune (`plan__area`), by unit (`lead_units`)
or by officer, so a page costs the same number of queries whatever the number of communes.
"""
import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Avg, Case, CharField, Count, DateField, Exists, ExpressionWrapper, F, IntegerField, Max, OuterRef, Q, Subquery, Sum,
    Value, When,
)
from django.db.models.functions import Cast, Coalesce, Concat, ExtractMonth, ExtractYear, Greatest, Least, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, IndicatorReport
from config.numbers import percent
from plans.models import Area, ItemStatus, Plan
from plans.selectors import clears_share_by
from tasks.models import ProgressUpdate, Task, TimelineKind, has_sub_items
from tasks.schedule import expected_progress_sql, overdue_sql
from tasks.selectors import BEHIND_SHARE, EARLIEST_WARNING_SHARE, is_behind

from .models import Warning

MONTHLY_REPORT_DAY = 25  # an item's monthly update is due by the 25th of its month (province plan 182)
COMPLETED = ItemStatus.COMPLETED
RECURRING = [TimelineKind.ANNUAL, TimelineKind.CONTINUOUS]
RED_WARNINGS = (Warning.Kind.OVERDUE, Warning.Kind.EVIDENCE_REJECTED)


class Health:
    """A commune's or unit's colour, from elapsed time versus progress, always shown with its words."""

    GREEN, YELLOW, RED = "green", "yellow", "red"
    LABELS = {GREEN: _("Đúng tiến độ"), YELLOW: _("Chậm tiến độ"), RED: _("Chậm dưới một nửa lộ trình hoặc quá hạn")}
    SEVERITY = {RED: 0, YELLOW: 1, GREEN: 2}


def health(*, progress, expected, overdue):
    """Red: an item overdue or progress under half of the schedule; yellow: behind; green: on track."""
    if overdue or is_behind(actual=progress or 0, expected=expected):
        return Health.RED
    if expected and (progress or 0) < expected:
        return Health.YELLOW
    return Health.GREEN


# Monthly reporting (completeness and timeliness, as DHIS2 shows them) -------------------------------------

@dataclass(frozen=True)
class Window:
    """The months (inclusive) whose monthly updates are counted; `first > last` means none are due yet."""

    first: datetime.date
    last: datetime.date

    @staticmethod
    def index(day):
        return day.year * 12 + day.month - 1

    @property
    def months(self):
        return max(0, self.index(self.last) - self.index(self.first) + 1)


def reporting_window(today, year=None):
    """The months of `year` (default: this year) whose reporting deadline has passed by `today`."""
    year = year or today.year
    last = today.replace(day=1) if today.day > MONTHLY_REPORT_DAY else (
        today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    last = min(last, datetime.date(year, 12, 1))
    return Window(datetime.date(year, 1, 1), last)


def _month_index(expression):
    return ExtractYear(expression) * 12 + ExtractMonth(expression) - 1


def _due_months(model, window):
    """Months of the window in which an item owes a monthly update: while it runs, until it is completed."""
    first, last = Value(Window.index(window.first)), Value(Window.index(window.last))
    if model is Task:
        start = Case(When(Q(timeline_kind__in=RECURRING) | Q(starts_on__isnull=True), then=first),
                     default=_month_index("starts_on"), output_field=IntegerField())
        end = Case(When(Q(timeline_kind__in=RECURRING) | Q(ends_on__isnull=True), then=last),
                   default=_month_index("ends_on"), output_field=IntegerField())
        updates = ProgressUpdate.objects.filter(task=OuterRef("pk"))
    else:
        start = first
        end = Case(When(deadline__isnull=True, then=last), default=_month_index("deadline"), output_field=IntegerField())
        updates = IndicatorReport.objects.filter(indicator=OuterRef("pk"))
    # A completed item owes nothing after the month of its last update.
    last_update = Subquery(updates.order_by().values(model._meta.model_name).annotate(m=Max("period")).values("m"),
                           output_field=DateField())
    end = Case(When(status=COMPLETED, then=Least(end, Coalesce(_month_index(last_update), first - 1))),
               default=end, output_field=IntegerField())
    return Greatest(Value(0), Least(last, end) - Greatest(first, start) + 1)


def reporting_timeliness(*, tasks, indicators, key, window, due=None):
    """Per group (`key` of the items: "plan__area", "lead_units", "officer"): updates due, made, made on time.

    The one selector for "reporting on time"; the report register can feed it later (its submitted
    reports in place of the monthly updates). Four grouped queries, two when `due` (group → updates due,
    as `item_figures(window=...)` counts them in its own scan) is given.
    """
    figures = {}

    def add(group, **values):
        row = figures.setdefault(group, {"due": 0, "made": 0, "on_time": 0})
        for name, value in values.items():
            row[name] += value or 0

    if window.months:
        for group, n in (due or {}).items():
            add(group, due=n)
        for model, items in ((Task, tasks), (Indicator, indicators)):
            if items is None or due is not None:
                continue
            for row in items.values(key).annotate(due=Sum(_due_months(model, window))).order_by():
                add(row[key], due=row["due"])
        for report_model, item, items in ((ProgressUpdate, "task", tasks), (IndicatorReport, "indicator", indicators)):
            if items is None:
                continue
            reports = report_model.objects.filter(**{f"{item}__in": items.values("pk")},
                                                  period__gte=window.first, period__lte=window.last)
            if report_model is ProgressUpdate:  # only months the task owes
                reports = reports.filter(
                    Q(task__timeline_kind__in=RECURRING) | Q(task__starts_on__isnull=True) | Q(task__ends_on__isnull=True)
                    | Q(period__gte=TruncMonth("task__starts_on"), period__lte=F("task__ends_on")))
            one_per_month = Concat(Cast(item, CharField()), Value("-"), Cast("period", CharField()))
            on_time = Q(made_on__lte=ExpressionWrapper(F("period") + datetime.timedelta(days=MONTHLY_REPORT_DAY - 1),
                                                       output_field=DateField()))
            rows = reports.annotate(made_on=TruncDate("created_at")).values(f"{item}__{key}").annotate(
                made=Count(one_per_month, distinct=True), on_time=Count(one_per_month, distinct=True, filter=on_time),
            ).order_by()
            for row in rows:
                add(row[f"{item}__{key}"], made=row["made"], on_time=row["on_time"])
    for row in figures.values():
        row["made"] = min(row["made"], row["due"])
        row["on_time"] = min(row["on_time"], row["made"])
        row["completeness"] = percent(row["made"], row["due"])
        row["timeliness"] = percent(row["on_time"], row["due"])
    return figures


# Figures per group -------------------------------------------------------------------------------------------

def _then(model, field, as_of):
    """`field` of each item as it stood at the end of `as_of`, as `reports.as_of.items_then` reads it: from the
    history row that held the item then (the first one, for an item added later), the live value for an item
    without history or a day not yet over."""
    from .as_of import day_end, is_past

    if not is_past(as_of):
        return F(field)
    end = day_end(as_of)
    before = Q(history_date__lt=end)
    history = model.history.model.objects.filter(id=OuterRef("pk"))
    held = history.order_by(Case(When(before, then=Value(0)), default=Value(1)),  # the latest before, else the first
                            Case(When(before, then=F("history_date"))).desc(nulls_last=True),
                            Case(When(before, then=F("history_id"))).desc(nulls_last=True), "history_date", "history_id")
    return Case(When(Exists(history), then=Subquery(held.values(field)[:1])), default=F(field),
                output_field=model._meta.get_field(field))


def item_figures(*, tasks, indicators, key, as_of, window=None):
    """Per group (`key`: "plan__area", "lead_units", "officer"), at the end of the day `as_of`: tasks and
    indicators, completed (accepted evidence), progress and schedule, overdue, behind, met; with a reporting
    `window`, the monthly updates due too (`updates_due`), in the same two scans.

    The one definition of an area's item figures: the province's view asks for today, a report's snapshot
    (through `reports.as_of.area_figures`) for its cut-off, when status, progress and met are read from history."""
    figures = {}
    # An item with sub-items is reported through them only (`tasks.services.task_rollup` writes its figures from
    # theirs): counted once, by its sub-items, not a second time as an item owing its own updates.
    tasks = tasks.exclude(has_sub_items())
    tasks = tasks.alias(state=_then(Task, "status", as_of), done=_then(Task, "progress", as_of))
    indicators = indicators.alias(state=_then(Indicator, "status", as_of), met_then=_then(Indicator, "is_met", as_of))
    not_done = ~Q(state=COMPLETED)
    due = {"updates_due": Sum(_due_months(Task, window))} if window and window.months else {}
    indicator_due = {"indicator_updates_due": Sum(_due_months(Indicator, window))} if due else {}
    task_rows = tasks.annotate(schedule=expected_progress_sql(as_of)).values(key).annotate(
        tasks=Count("id"), tasks_completed=Count("id", filter=Q(state=COMPLETED)),
        awaiting_review=Count("id", filter=Q(state=ItemStatus.AWAITING_REVIEW)),
        progress_avg=Avg("done", filter=Q(schedule__isnull=False)), expected_avg=Avg("schedule"),
        average_progress=Avg("done"),
        tasks_overdue=Count("id", filter=not_done & overdue_sql(as_of)),
        behind=Count("id", filter=not_done & Q(schedule__gte=EARLIEST_WARNING_SHARE,
                                               done__lt=BEHIND_SHARE * F("schedule"))),
        **due,
    ).order_by()
    for row in task_rows:
        row["progress"], row["expected"] = row.pop("progress_avg"), row.pop("expected_avg")
        figures.setdefault(row.pop(key), {}).update(row)
    indicator_rows = indicators.values(key).annotate(
        indicators=Count("id"), indicators_completed=Count("id", filter=Q(state=COMPLETED)),
        met=Count("id", filter=Q(met_then=True)), measured=Count("id", filter=Q(met_then__isnull=False)),
        indicators_overdue=Count("id", filter=not_done & Q(deadline__lt=as_of)),
        **indicator_due,
    ).order_by()
    for row in indicator_rows:
        figures.setdefault(row.pop(key), {}).update(row)
    for row in figures.values():
        for name in ("tasks", "tasks_completed", "awaiting_review", "tasks_overdue", "behind", "indicators",
                     "indicators_completed", "met", "measured", "indicators_overdue"):
            row.setdefault(name, 0)
        for name in ("progress", "expected", "average_progress"):
            row.setdefault(name, None)
        row["updates_due"] = (row.get("updates_due") or 0) + (row.pop("indicator_updates_due", 0) or 0)
        row["items"] = row["tasks"] + row["indicators"]
        row["completed"] = row["tasks_completed"] + row["indicators_completed"]
        row["overdue"] = row["tasks_overdue"] + row["indicators_overdue"]
        row["completion"] = percent(row["completed"], row["items"]) or 0
        row["health"] = health(progress=row.get("progress"), expected=row.get("expected"), overdue=row["overdue"])
    return figures


def open_warnings_by_kind(warnings, key_expression):
    """Per group: open warnings counted by kind."""
    rows = (warnings.filter(closed_at__isnull=True).annotate(group=key_expression)
            .values("group", "kind").annotate(n=Count("id", distinct=True)).order_by())
    figures = {}
    for row in rows:
        figures.setdefault(row["group"], {})[row["kind"]] = row["n"]
    return figures


def live_plans():
    return Plan.objects.exclude(status=Plan.Status.REPLACED)


def _area_items(communes):
    plans = live_plans().filter(area__in=communes).values("pk")
    return Task.objects.filter(plan__in=plans), Indicator.objects.filter(plan__in=plans)


def area_warnings(communes):
    return Warning.objects.filter(area__in=communes)


@dataclass
class Row:
    """A commune (or unit) as the province's view shows it."""

    subject: object
    figures: dict
    warnings: dict
    reporting: dict
    rank: int = 0
    health: str = Health.GREEN
    trend: list = field(default_factory=list)
    clears: dict = field(default_factory=dict)  # items naming all six clears ("6 rõ"), communes only

    @property
    def health_label(self):
        return Health.LABELS[self.health]

    @property
    def progress_percent(self):
        return round(self.progress or 0)

    @property
    def expected_percent(self):
        return round(self.expected or 0)

    @property
    def warning_marks(self):
        """(kind, label, count, red) for each kind of open warning, in the order of `Warning.Kind`."""
        return [(kind, label, self.warnings[kind], kind in RED_WARNINGS)
                for kind, label in Warning.Kind.choices if kind in self.warnings]

    @property
    def warning_total(self):
        return sum(self.warnings.values())

    def __post_init__(self):  # figures read as attributes in templates and sort keys
        for name, value in self.figures.items():
            if name not in ("health",):
                setattr(self, name, value)


EMPTY_FIGURES = {"updates_due": 0, "items": 0, "tasks": 0, "indicators": 0, "completed": 0, "completion": 0, "progress": None,
                 "expected": None, "overdue": 0, "met": 0, "measured": 0, "behind": 0, "awaiting_review": 0,
                 "health": Health.GREEN}
EMPTY_REPORTING = {"due": 0, "made": 0, "on_time": 0, "completeness": None, "timeliness": None}

SORTS = {
    "clears": lambda r: (-(r.clears.get("percent") or 0), r.rank),
    "rank": lambda r: r.rank,
    "name": lambda r: str(r.subject.name),
    "completion": lambda r: (-r.completion, r.rank),
    "progress": lambda r: (-(r.progress or 0) / (r.expected or 1), r.rank),
    "health": lambda r: (Health.SEVERITY[r.health], (r.progress or 0) / (r.expected or 1), -r.overdue, r.rank),
    "met": lambda r: (-r.met, r.rank),
    "warnings": lambda r: (-r.warning_total, r.rank),
    "timeliness": lambda r: (-(r.reporting["timeliness"] or 0), r.rank),
}


def rank_rows(rows):
    """Rank by completion, then progress against schedule; equal figures share a rank."""
    def score(row):
        return (row.completion, round((row.progress or 0) / (row.expected or 1), 3))
    ranked = sorted((row for row in rows if row.items), key=score, reverse=True)
    previous, rank = None, 0
    for position, row in enumerate(ranked, start=1):
        if score(row) != previous:
            rank, previous = position, score(row)
        row.rank = rank
    unranked = [row for row in rows if not row.items]  # nothing to carry out: listed last, without a rank
    for row in unranked:
        row.rank = len(ranked) + 1
    return ranked + unranked


def sort_rows(rows, sort):
    descending = sort.startswith("-")
    key = SORTS.get(sort.lstrip("-"), SORTS["rank"])
    return sorted(rows, key=key, reverse=descending)


def commune_figures(communes, *, today):
    """{commune pk: its figures as plain values}: what a commune's row shows, in six grouped queries whatever
    the number of communes (`communes`: a queryset of area pks). JSON-safe, so a snapshot can keep it."""
    tasks, indicators = _area_items(communes)
    ends = month_ends(today)
    warnings, warnings_trend = warning_figures(communes, ends)
    completed_trend = completion_trend(communes, ends)
    figures, reporting = _group_figures(tasks=tasks, indicators=indicators, key="plan__area", today=today)
    clears = clears_share_by(live_plans().filter(area__in=communes).values("pk"))
    zeros = [0] * len(ends)
    found = set(figures) | set(warnings) | set(warnings_trend) | set(completed_trend) | set(clears)
    result = {}
    for pk in found - {None}:
        clear, items = clears.get(pk, (0, 0))
        result[pk] = {
            "figures": figures.get(pk, EMPTY_FIGURES), "warnings": warnings.get(pk, {}),
            "reporting": reporting.get(pk, EMPTY_REPORTING),
            "trend": {"completed": completed_trend.get(pk, zeros), "warnings": warnings_trend.get(pk, zeros)},
            "clears": {"clear": clear, "items": items, "percent": percent(clear, items)},
        }
    return result


def commune_rows_from(subjects, figures):
    """The communes `subjects` as ranked rows, from `commune_figures` (live or kept in a snapshot)."""
    zeros = [0] * TREND_MONTHS
    empty = {"figures": EMPTY_FIGURES, "warnings": {}, "reporting": EMPTY_REPORTING,
             "trend": {"completed": zeros, "warnings": zeros}, "clears": {"clear": 0, "items": 0, "percent": None}}
    rows = []
    for subject in subjects:
        values = figures.get(subject.pk, empty)
        rows.append(Row(subject=subject, figures=values["figures"], warnings=values["warnings"],
                        reporting=values["reporting"], health=values["figures"]["health"], trend=values["trend"],
                        clears=values["clears"]))
    return rank_rows(rows)


def commune_rows(communes, *, today):
    """One row per commune of the `communes` queryset, ranked, with its trends, computed now."""
    return commune_rows_from(list(communes), commune_figures(communes.values("pk"), today=today))


def _group_figures(*, tasks, indicators, key, today):
    window = reporting_window(today)
    figures = item_figures(tasks=tasks, indicators=indicators, key=key, as_of=today, window=window)
    reporting = reporting_timeliness(tasks=tasks, indicators=indicators, key=key, window=window,
                                     due={group: row["updates_due"] for group, row in figures.items()})
    return figures, reporting


def _ranked_rows(subjects, *, tasks, indicators, key, warnings, today):
    figures, reporting = _group_figures(tasks=tasks, indicators=indicators, key=key, today=today)
    rows = [Row(subject=subject, figures=figures.get(subject.pk, EMPTY_FIGURES), warnings=warnings.get(subject.pk, {}),
                reporting=reporting.get(subject.pk, EMPTY_REPORTING), health=figures.get(subject.pk, EMPTY_FIGURES)["health"])
            for subject in subjects]
    return rank_rows(rows)


def total_row(rows, subject):
    """The province: the communes' figures added up (averages weighted by the communes' tasks)."""
    figures = dict(EMPTY_FIGURES)
    reporting = {"due": 0, "made": 0, "on_time": 0}
    warnings = {}
    progress_weight = expected_weight = weight = 0
    for row in rows:
        for name in ("items", "tasks", "indicators", "completed", "overdue", "met", "measured", "behind",
                     "awaiting_review"):
            figures[name] += row.figures.get(name, 0)
        if row.progress is not None and row.expected is not None:
            progress_weight += row.progress * row.tasks
            expected_weight += row.expected * row.tasks
            weight += row.tasks
        for name in reporting:
            reporting[name] += row.reporting[name]
        for kind, n in row.warnings.items():
            warnings[kind] = warnings.get(kind, 0) + n
    figures["completion"] = percent(figures["completed"], figures["items"]) or 0
    figures["progress"] = progress_weight / weight if weight else None
    figures["expected"] = expected_weight / weight if weight else None
    reporting["completeness"] = percent(reporting["made"], reporting["due"])
    reporting["timeliness"] = percent(reporting["on_time"], reporting["due"])
    row = Row(subject=subject, figures=figures, warnings=warnings, reporting=reporting)
    row.health = figures["health"] = health(progress=figures["progress"], expected=figures["expected"],
                                            overdue=figures["overdue"])
    return row


def unit_rows(area, *, today):
    """One row per unit of a commune, for the items it leads, ranked within the commune."""
    units = list(area.units.order_by("name"))
    ids = [unit.pk for unit in units]
    tasks, indicators = _area_items([area.pk])
    tasks, indicators = tasks.filter(lead_units__in=ids), indicators.filter(lead_units__in=ids)
    warnings = open_warnings_by_kind(
        Warning.objects.filter(Q(unit__in=ids) | Q(task__lead_units__in=ids) | Q(indicator__lead_units__in=ids)),
        Coalesce(F("unit"), F("task__lead_units"), F("indicator__lead_units")))
    return _ranked_rows(units, tasks=tasks, indicators=indicators, key="lead_units", warnings=warnings, today=today)


# Trends -----------------------------------------------------------------------------------------------------

TREND_MONTHS = 12


def month_ends(today, count=TREND_MONTHS):
    """The last `count` months (oldest first) as (first day, the moment the month ends; today for this month)."""
    months, month = [], today.replace(day=1)
    for _i in range(count):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    months.reverse()
    zone = timezone.get_current_timezone()
    ends = []
    for month in months:
        next_month = (month + datetime.timedelta(days=32)).replace(day=1)
        end = min(next_month, today + datetime.timedelta(days=1))
        ends.append((month, datetime.datetime.combine(end, datetime.time.min, tzinfo=zone)))
    return ends


def warning_figures(communes, ends):
    """Per area: open warnings by kind, and the warnings open at each month's end. One grouped query."""
    since = datetime.datetime.combine(ends[0][0], datetime.time.min, tzinfo=timezone.get_current_timezone())
    open_now = Q(closed_at__isnull=True)
    rows = area_warnings(communes).filter(open_now | Q(closed_at__gte=since)).values("area").annotate(
            **{f"open_{kind}": Count("id", filter=open_now & Q(kind=kind)) for kind in Warning.Kind.values},
            **{f"m{i}": Count("id", filter=Q(raised_at__lt=end) & (open_now | Q(closed_at__gte=end)))
               for i, (_month, end) in enumerate(ends)}).order_by()
    open_by_kind, trend = {}, {}
    for row in rows:
        open_by_kind[row["area"]] = {kind: row[f"open_{kind}"] for kind in Warning.Kind.values if row[f"open_{kind}"]}
        trend[row["area"]] = [row[f"m{i}"] for i in range(len(ends))]
    return open_by_kind, trend


def completion_trend(communes, ends):
    """Per area, at each month's end: items completed today whose evidence had been accepted by then. One query."""
    from evidence.models import Evidence

    plans = live_plans().filter(area__in=communes).values("pk")
    accepted = Evidence.objects.filter(status=Evidence.Status.ACCEPTED).filter(
        Q(task__plan__in=plans, task__status=COMPLETED) | Q(indicator__plan__in=plans, indicator__status=COMPLETED))
    rows = accepted.annotate(area=Coalesce(F("task__plan__area"), F("indicator__plan__area"))).values("area").annotate(
        **{f"m{i}": Count("task", distinct=True, filter=Q(reviewed_at__lt=end))
           + Count("indicator", distinct=True, filter=Q(reviewed_at__lt=end))
           for i, (_month, end) in enumerate(ends)}).order_by()
    return {row["area"]: [row[f"m{i}"] for i in range(len(ends))] for row in rows}


def trend_series(rows):
    """Completion (%) and open warnings month by month over the rows' areas."""
    items = sum(row.items for row in rows)
    completed = [sum(month) for month in zip(*(row.trend["completed"] for row in rows), strict=False)]
    warnings = [sum(month) for month in zip(*(row.trend["warnings"] for row in rows), strict=False)]
    return [percent(n, items) or 0 for n in completed], warnings


# Items of a commune or unit ---------------------------------------------------------------------------------

ITEM_FILTERS = ("status", "overdue", "behind", "unit", "kind", "met")


def area_items(area, *, today, status="", overdue=False, behind=False, unit=None, kind="tasks", met=False):
    """Tasks (or indicators) of a commune, filtered as a dashboard figure links to them."""
    plans = live_plans().filter(area=area).values("pk")
    if kind == "indicators":
        items = Indicator.objects.filter(plan__in=plans)
        if overdue:
            items = items.filter(deadline__lt=today).exclude(status=COMPLETED)
        if met:
            items = items.filter(is_met=True)
    else:
        items = Task.objects.filter(plan__in=plans).annotate(expected=expected_progress_sql(today))
        if overdue:
            items = items.filter(overdue_sql(today)).exclude(status=COMPLETED)
        if behind:
            items = items.exclude(status=COMPLETED).filter(expected__gte=EARLIEST_WARNING_SHARE,
                                                           progress__lt=BEHIND_SHARE * F("expected"))
    if status:
        items = items.filter(status=status)
    if unit is not None:
        items = items.filter(lead_units=unit)
    return items.select_related("plan", "section").prefetch_related("lead_units").order_by("plan__slug", "position")


def area_for(user, slug):
    """A commune the user follows, or None."""
    return Area.objects.communes_visible_to(user).select_related("parent").filter(slug=slug).first()


# Province items followed down to the communes -----------------------------------------------------------------

AVERAGEABLE_UNITS = ("%", "/", "điểm")  # rates and scores average; counts (Trung tâm, người) and ranks do not


def can_average(unit_of_measure):
    unit = (unit_of_measure or "").lower()
    return any(mark in unit for mark in AVERAGEABLE_UNITS)


def commune_tasks_carrying_out(communes, today):
    return Task.objects.filter(plan__in=live_plans().filter(area__in=communes).values("pk")).annotate(
        schedule=expected_progress_sql(today))


def followed_down_rollups(plan, communes, *, today):
    """{"tasks": {province task pk: rollup}, "indicators": {…}}: the communes' items carrying out each item of a
    province plan, added up. Two grouped queries whatever the number of communes; JSON-safe, so a job can keep
    them for a huge province (reports.province_figures)."""
    not_done = ~Q(status=COMPLETED)
    task_rollup = {row.pop("carries_out"): row for row in commune_tasks_carrying_out(communes, today).filter(
        carries_out__plan=plan).values("carries_out").annotate(
            communes=Count("plan__area", distinct=True), items=Count("id"),
            completed=Count("id", filter=Q(status=COMPLETED)), progress=Avg("progress"), expected=Avg("schedule"),
            overdue=Count("id", filter=not_done & overdue_sql(today)),
        ).order_by()}
    same_unit = Q(unit_of_measure=F("contributes_to__unit_of_measure"), current_value__isnull=False)
    indicator_rollup = {row.pop("contributes_to"): row for row in Indicator.objects.filter(
        plan__in=live_plans().filter(area__in=communes).values("pk"), contributes_to__plan=plan).values(
            "contributes_to").annotate(
            communes=Count("plan__area", distinct=True), items=Count("id"), met=Count("id", filter=Q(is_met=True)),
            met_communes=Count("plan__area", distinct=True, filter=Q(is_met=True)),
            reported=Count("id", filter=Q(current_value__isnull=False) | Q(is_met__isnull=False)),
            average=Avg("current_value", filter=same_unit), averaged=Count("id", filter=same_unit),
        ).order_by()}
    for rollup in (*task_rollup.values(), *indicator_rollup.values()):
        for name in ("progress", "expected", "average"):
            if rollup.get(name) is not None:
                rollup[name] = float(rollup[name])
    return {"tasks": task_rollup, "indicators": indicator_rollup}


def followed_down(plan, communes, *, today, rollups=None):
    """Each task and indicator of a province plan with the communes' items carrying it out, rolled up.

    Tasks follow `Task.carries_out`; indicators `Indicator.contributes_to` (a commune indicator meeting its own
    target counts as meeting the province's; values average only where the unit of measure allows it).
    `rollups`: kept `followed_down_rollups` (keys as text, as JSON keeps them); computed now without them.
    """
    if rollups is None:
        rollups = followed_down_rollups(plan, communes, today=today)
    task_rollup = {int(pk): values for pk, values in rollups["tasks"].items()}
    indicator_rollup = {int(pk): values for pk, values in rollups["indicators"].items()}
    tasks = []
    for task in plan.tasks.select_related("section").order_by("position"):
        task.rollup = task_rollup.get(task.pk, {"communes": 0, "items": 0, "completed": 0, "progress": None,
                                                "expected": None, "overdue": 0})
        task.health = health(progress=task.rollup["progress"], expected=task.rollup["expected"],
                             overdue=task.rollup["overdue"])
        task.health_label = Health.LABELS[task.health]
        tasks.append(task)
    indicators = []
    for indicator in plan.indicators.order_by("position"):
        indicator.rollup = indicator_rollup.get(indicator.pk, {"communes": 0, "items": 0, "met": 0, "met_communes": 0,
                                                               "reported": 0, "average": None, "averaged": 0})
        if not can_average(indicator.unit_of_measure):
            indicator.rollup["average"] = None
        indicators.append(indicator)
    return tasks, indicators
