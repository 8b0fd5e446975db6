"""Raising and closing warnings over the whole database in a bounded number of queries."""
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Left
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import jobs
from evidence.models import Evidence
from indicators.models import Indicator, IndicatorReport
from indicators.targets import target_progress
from plans.models import ItemStatus, Unit
from tasks.models import ProgressUpdate, Task, TimelineKind, has_sub_items
from tasks.schedule import expected_progress, is_overdue, runs_all_year_sql
from tasks.selectors import is_behind

from .models import Report, ReportingRule, ReportKind, Warning, WarningRun

BATCH = 5000
REPORT_DUE_DAYS = 7  # "report due" this many days before the deadline


def _task_conditions(today, holding):
    rows = Task.objects.exclude(status=ItemStatus.COMPLETED).values_list(
        "id", "timeline_kind", "starts_on", "ends_on", "progress").iterator(chunk_size=BATCH)
    for task_id, kind, starts_on, ends_on, progress in rows:
        if is_overdue(timeline_kind=kind, ends_on=ends_on, completed=False, today=today):
            holding[(Warning.Kind.OVERDUE, task_id, None, None, None, "")] = {
                "days_overdue": (today - ends_on).days, "progress": progress}
        expected = expected_progress(timeline_kind=kind, starts_on=starts_on, ends_on=ends_on, today=today)
        if is_behind(actual=progress, expected=expected):
            holding[(Warning.Kind.BEHIND_SCHEDULE, task_id, None, None, None, "")] = {
                "progress": progress, "expected": expected}


def _indicator_conditions(today, holding):
    """Indicators run from `starts_on` to `deadline`: overdue past it, behind when the latest figure is
    under half of what the elapsed time calls for (see `indicators.targets.target_progress`)."""
    rows = Indicator.objects.exclude(status=ItemStatus.COMPLETED).filter(deadline__isnull=False).values_list(
        "id", "starts_on", "deadline", "target_comparator", "target_value", "current_value", "direction", "is_met",
    ).iterator(chunk_size=BATCH)
    for indicator_id, starts_on, deadline, comparator, value, current, direction, is_met in rows:
        progress = target_progress(comparator=comparator, value=value, measured=current, direction=direction,
                                   is_met=is_met)
        if deadline < today:
            holding[(Warning.Kind.OVERDUE, None, indicator_id, None, None, "")] = {
                "days_overdue": (today - deadline).days, "progress": progress}
        expected = expected_progress(timeline_kind=TimelineKind.ONE_OFF, starts_on=starts_on, ends_on=deadline,
                                     today=today)
        if progress is not None and is_behind(actual=progress, expected=expected):
            holding[(Warning.Kind.BEHIND_SCHEDULE, None, indicator_id, None, None, "")] = {
                "progress": progress, "expected": expected}


def _not_updated_conditions(today, holding):
    """"Chưa cập nhật": work without an end (annual, continuous or no end date; an indicator without a deadline)
    owes an update every month, due by the month's update day (`reports.province.MONTHLY_REPORT_DAY`). Held while
    an open item has no update for the last month whose update day has passed, nor for a later one; owed for the
    months that start after its plan's issue date (a plan without a year of issue owes nothing yet) and its own
    start. Keyed by that month, the first one missed while the warning stays open."""
    from .periods import issued_on
    from .province import reporting_window

    month = reporting_window(today).last
    for model, updates, all_year, item_field in (
            (Task, ProgressUpdate, runs_all_year_sql(), "task"),
            (Indicator, IndicatorReport, Q(deadline__isnull=True), "indicator")):
        own = updates.objects.filter(**{item_field: OuterRef("pk")})
        items = model.objects
        if model is Task:  # a task with sub-items is updated through them: they owe the update, not it
            items = items.exclude(has_sub_items())
        rows = (items.exclude(status=ItemStatus.COMPLETED).filter(all_year, plan__issued_year__isnull=False)
                .exclude(Exists(own.filter(period__gte=month)))
                .annotate(last_period=Subquery(own.order_by("-period").values("period")[:1]))
                .values_list("id", "starts_on", "plan__issued_year", "plan__issued_month", "plan__issued_day",
                             "last_period"))
        for item_id, starts_on, year, month_issued, day, last_period in rows.iterator(chunk_size=BATCH):
            if month <= issued_on(year, month_issued, day) or (starts_on and month < starts_on.replace(day=1)):
                continue
            task_id, indicator_id = (item_id, None) if model is Task else (None, item_id)
            holding[(Warning.Kind.NOT_UPDATED, task_id, indicator_id, None, month, "")] = {
                "month": month.isoformat(), "last_update": last_period.isoformat() if last_period else None}


def not_updated_warnings_close(*, item, period, today):
    """Close the item's "chưa cập nhật" warning as an update for the month it asks for (or a later one) arrives,
    rather than at the next run of the job, which would find the condition cleared."""
    from .province import reporting_window

    if period < reporting_window(today).last:
        return 0
    return Warning.objects.filter(**{item._meta.model_name: item}, kind=Warning.Kind.NOT_UPDATED,
                                  closed_at__isnull=True).update(closed_at=timezone.now())


def _rejected_conditions(holding):
    """Items whose latest rejection has no accepted evidence after it."""
    last_rejection, accepted = {}, defaultdict(list)
    rows = Evidence.objects.filter(status__in=[Evidence.Status.REJECTED, Evidence.Status.ACCEPTED]).values_list(
        "id", "task_id", "indicator_id", "status", "rejection_reason")
    for evidence_id, task_id, indicator_id, status, reason in rows.iterator(chunk_size=BATCH):
        item = (task_id, indicator_id)
        if status == Evidence.Status.REJECTED:
            if evidence_id > last_rejection.get(item, (0, ""))[0]:
                last_rejection[item] = (evidence_id, reason)
        else:
            accepted[item].append(evidence_id)
    for (task_id, indicator_id), (evidence_id, reason) in last_rejection.items():
        if not any(later > evidence_id for later in accepted[(task_id, indicator_id)]):
            holding[(Warning.Kind.EVIDENCE_REJECTED, task_id, indicator_id, None, None, "")] = {
                "evidence": evidence_id, "reason": reason}


def _reporting_conditions(today, holding):
    """"Report due" within REPORT_DUE_DAYS of a deadline, "report late" after it, while the register
    holds no issued report for the period: one warning per report owed, for the periods ending after the
    plan it reports on (the area's first plan, for the area's rules) was issued. The area's own reports raise it on
    the area's Culture-Social office (it prepares them); a unit's report to its commune's People's Committee on the
    unit itself, where its people, the commune's leaders and the Culture-Social office (which receives it) see it."""
    from .periods import period_label, periods_around
    from .register import plans_issued_on, reporting_rules_defaults_create

    reporting_rules_defaults_create()
    submitted = set(Report.objects.filter(status__in=[Report.Status.ISSUED, Report.Status.RECEIVED],
                                          year__gte=today.year - 2)
                    .values_list("area_id", "unit_id", "plan_id", "kind", "year", "period_number"))
    offices = {}
    # A collective name ("Các cơ quan, đơn vị, phòng ban liên quan") prepares nothing itself.
    units = Unit.objects.filter(is_placeholder=False).order_by("area", "-is_culture_social_office", "id")
    for area_id, unit_id in units.values_list("area", "id"):
        offices.setdefault(area_id, unit_id)
    issued = plans_issued_on()
    rules = (ReportingRule.objects.filter(is_active=True).exclude(kind=ReportKind.AD_HOC)
             .values_list("area_id", "issuing_unit_id", "plan_id", "plan__number", "plan__symbol", "plan__title",
                          "kind", "cutoff_day", "deadline_day", "deadline_month_offset"))
    for area_id, issuing_unit_id, plan_id, number, symbol, title, kind, cutoff, day, offset in rules.iterator(
            chunk_size=BATCH):
        unit_id = issuing_unit_id or offices.get(area_id)
        if unit_id is None:
            continue
        for period in periods_around(kind, cutoff, day, offset, today, 1):
            if ((area_id, issuing_unit_id, plan_id, kind, period.year, period.number) in submitted
                    or period.deadline is None or not period.is_owed_after(issued.get((area_id, plan_id)))):
                continue
            if today > period.deadline:
                warning_kind = Warning.Kind.REPORT_LATE
            elif (period.deadline - today).days <= REPORT_DUE_DAYS:
                warning_kind = Warning.Kind.REPORT_DUE
            else:
                continue
            details = {"kind": kind, "period": [period.year, period.number], "deadline": period.deadline.isoformat(),
                       "label": period_label(kind, period.year, period.number)}
            if issuing_unit_id:
                details["unit_report"] = True
            if plan_id:
                # An unnumbered plan (the seeds') by the start of its title, as documents cite it.
                details["plan"] = f"{number}/{symbol}" if number else Truncator(title).words(8)
            key = report_warning_key(kind=kind, year=period.year, number=period.number, plan_id=plan_id,
                                     unit_id=issuing_unit_id)
            holding[(warning_kind, None, None, unit_id, period.first_month, key)] = details


def report_warning_key(*, kind, year, number, plan_id=None, unit_id=None):
    """The report a "due"/"late" warning asks for: its kind and period, its plan, and the unit that owes it
    ("half_year-2026-2-plan7-unit12"), so the area's own report and each unit's are told apart."""
    return (f"{kind}-{year}-{number}" + (f"-plan{plan_id}" if plan_id else "")
            + (f"-unit{unit_id}" if unit_id else ""))


def report_warnings_close(*, report):
    """Close the "due"/"late" warning of the report just sent (issued), rather than at the next run of the job."""
    if report.kind == ReportKind.AD_HOC:
        return 0
    key = report_warning_key(kind=report.kind, year=report.year, number=report.period_number, plan_id=report.plan_id,
                             unit_id=report.unit_id)
    return Warning.objects.filter(kind__in=[Warning.Kind.REPORT_DUE, Warning.Kind.REPORT_LATE], period_key=key,
                                  unit__area=report.area_id, closed_at__isnull=True).update(closed_at=timezone.now())


def warnings_raise(*, today=None):
    """Bring the open warnings in line with what holds today: raise the new, close the cleared.

    Safe to run twice, or concurrently: open warnings are unique in the database and
    new ones are inserted with ON CONFLICT DO NOTHING.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    holding = {}
    _task_conditions(today, holding)
    _indicator_conditions(today, holding)
    _not_updated_conditions(today, holding)
    _rejected_conditions(holding)
    _reporting_conditions(today, holding)

    # Keyed without the first month: it only orders the list, the period key tells reports apart.
    open_warnings = {
        (kind, task_id, indicator_id, unit_id, key): warning_id
        for warning_id, kind, task_id, indicator_id, unit_id, key in Warning.objects.filter(closed_at__isnull=True)
        .values_list("id", "kind", "task_id", "indicator_id", "unit_id", "period_key").iterator(chunk_size=BATCH)
    }
    holding = {(*key[:4], key[5]): (key[4], details) for key, details in holding.items()}
    new = [(*key[:4], holding[key][0], key[4], holding[key][1]) for key in holding.keys() - open_warnings.keys()]
    cleared = [open_warnings[key] for key in open_warnings.keys() - holding.keys()]
    with transaction.atomic():
        raised = _insert_skipping_open(new, raised_at=now)
        Warning.objects.filter(raised_at=now).fill_areas()
        for start in range(0, len(cleared), BATCH):
            Warning.objects.filter(id__in=cleared[start:start + BATCH], closed_at__isnull=True).update(closed_at=now)
        if raised:
            _new_warnings_notify(raised_at=now)
    return {"raised": raised, "closed": len(cleared), "open": len(holding), "today": today.isoformat()}


def _insert_skipping_open(rows, *, raised_at):
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: how many of `rows` were really inserted.

    `rows` are (kind, task_id, indicator_id, unit_id, period, period_key, details). A warning another run raised
    meanwhile hits the open-warning unique constraint and is skipped; bulk_create(ignore_conflicts=True)
    cannot tell how many were. Values go in as tuples, not model instances: a national first run
    inserts tens of thousands.
    """
    names = ("kind", "task", "indicator", "unit", "period", "period_key", "raised_at", "details")
    fields = [Warning._meta.get_field(name) for name in names]
    period_field, _key_field, raised_field, details_field = fields[4:]
    raised = raised_field.get_db_prep_save(raised_at, connection)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = min(BATCH, connection.ops.bulk_batch_size(fields, rows) or BATCH)
    inserted = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start:start + size]
            params = []
            for kind, task_id, indicator_id, unit_id, period, key, details in batch:
                params += [kind, task_id, indicator_id, unit_id, period_field.get_db_prep_save(period, connection),
                           key, raised, details_field.get_db_prep_save(details, connection)]
            cursor.execute(f"INSERT INTO {quote(Warning._meta.db_table)} ({columns}) VALUES "  # noqa: S608 - names from _meta, values as parameters
                           f"{', '.join([row] * len(batch))} ON CONFLICT DO NOTHING RETURNING 1", params)
            inserted += len(cursor.fetchall())
    return inserted


NOTICE_ITEMS = 3  # a notice names this many of the new warnings; the warnings page lists them all
NOTICE_LABEL_CHARS = 80


def _new_warnings_notify(*, raised_at):
    """The bell of the lead units' officers and the area's leaders, for the warnings this run raised.

    Only the rows inserted with this run's `raised_at` are read, so a warning that stays open is never
    announced again (and a concurrent run announces only its own). One notice per person per run,
    naming the first few: a first run over a commune raises dozens. Three queries however many.
    """
    from people.models import User
    from people.notifications import deliver
    from people.services import notices_create

    # Texts cut in the query: a first national run reads tens of thousands of rows and names three per person.
    rows = Warning.objects.filter(raised_at=raised_at).annotate(
        task_text=Left("task__title", NOTICE_LABEL_CHARS + 1), indicator_text=Left("indicator__content",
                                                                                  NOTICE_LABEL_CHARS + 1))
    fields = ("kind", "task_id", "task__ordinal", "task_text", "task__plan__area_id", "task__lead_units",
              "task__lead_units__is_placeholder", "indicator_id", "indicator__ordinal", "indicator_text",
              "indicator__plan__area_id", "indicator__lead_units", "indicator__lead_units__is_placeholder",
              "unit_id", "unit__name", "unit__area_id", "details")
    warnings, units_of, areas_of = {}, defaultdict(set), defaultdict(set)
    # Read whole, not through a server-side cursor: PostgreSQL plans a cursor for its first rows (nested loops
    # over the joins), 1.1 s instead of 0.1 s for 11,000 new warnings.
    for warning_id, kind, *item in rows.order_by().values_list("id", *fields):
        for item_id, ordinal, text, area_id, unit_id, placeholder, url_name in (
                (*item[0:6], "tasks:task_detail"), (*item[6:12], "indicators:indicator_detail")):
            if item_id is not None:
                warnings[warning_id] = (kind, f"{ordinal}. {text}" if ordinal else text, url_name, item_id)
                areas_of[area_id].add(warning_id)
                if unit_id is not None and not placeholder:
                    units_of[unit_id].add(warning_id)
        if item[12] is not None:  # a unit's report due or late
            label = item[15].get("label", "") + (f" ({item[15]['plan']})" if item[15].get("plan") else "")
            warnings[warning_id] = (kind, f"{item[13]} · {label}" if label else item[13], None, None)
            units_of[item[12]].add(warning_id)
            areas_of[item[14]].add(warning_id)
    by_person = defaultdict(set)
    for user_id, role, unit_id, area_id in User.units.through.objects.filter(
            Q(unit_id__in=units_of.keys(), user__role=User.Role.OFFICER)
            | Q(unit__area_id__in=areas_of.keys(), user__role=User.Role.LEADER),
            user__is_active=True).values_list("user_id", "user__role", "unit_id", "unit__area_id"):
        by_person[user_id] |= units_of[unit_id] if role == User.Role.OFFICER else areas_of[area_id]
    kinds = {kind: str(label) for kind, label in Warning.Kind.choices}
    one, several = _("Cảnh báo mới: %(warnings)s"), _("%(count)s cảnh báo mới: %(warnings)s")
    warning_list_url = reverse("reports:warning_list")
    notices = []
    for user_id, warning_ids in by_person.items():
        named = [warnings[warning_id] for warning_id in sorted(warning_ids)[:NOTICE_ITEMS]]
        labels = "; ".join(f"{kinds[kind]} – {_shortened(label)}" for kind, label, _url, _id in named)
        if len(warning_ids) == 1:
            _kind, _label, url_name, item_id = named[0]
            notices.append((user_id, one % {"warnings": labels},
                            reverse(url_name, args=[item_id]) if url_name else warning_list_url))
        else:
            more = "…" if len(warning_ids) > NOTICE_ITEMS else ""
            notices.append((user_id, several % {"count": len(warning_ids), "warnings": labels} + more, warning_list_url))
    notices_create(notices)
    # E-mail goes in the daily digest; Zalo now, as each person chose: reports due apart from the other warnings.
    due = {Warning.Kind.REPORT_DUE, Warning.Kind.REPORT_LATE}
    for kind, chosen in (("report_due", True), ("warning", False)):
        deliver([notice for notice, warning_ids in zip(notices, by_person.values(), strict=True)
                 if all(warnings[w][0] in due for w in warning_ids) == chosen], kind=kind, channels=("zalo",))


def _shortened(label):
    return label if len(label) <= NOTICE_LABEL_CHARS else label[:NOTICE_LABEL_CHARS - 1] + "…"


RUN_WARNINGS_JOB = "reports.run_warnings"
WORKER_STOPPED = gettext_lazy("Tiến trình xử lý nền bị dừng giữa chừng (máy xử lý ngừng hoạt động); bấm “Chạy lại”.")
NEVER_TAKEN = gettext_lazy("Không có tiến trình xử lý nền nào nhận lần chạy này; bấm “Chạy lại”.")


class WarningRunBusy(Exception):
    def __init__(self, run):
        super().__init__(run)
        self.run = run


def warning_runs_sweep(*, now=None):
    """Fail the runs no worker will finish (heartbeat stopped, or never taken), so they never block the next
    one; a late delivery of their message then finds nothing to claim. Returns how many were failed."""
    return jobs.lost_jobs_fail(WarningRun.objects.all(), state="state", sent_at="requested_at", error="error",
                               stopped=WORKER_STOPPED, never_taken=NEVER_TAKEN, now=now)


def warning_run_request(*, user):
    """Claim the one run slot and enqueue the job; returns the run (failed at once if it could not be sent).

    Raises WarningRunBusy when a run is already queued or running: the database's unique
    constraint decides, so twenty presses in a second queue one scan.
    """
    warning_runs_sweep()  # without beat (eager mode) too, a dead run blocks no press
    try:
        with transaction.atomic():
            run = WarningRun.objects.create(requested_by=user)
    except IntegrityError:
        raise WarningRunBusy(WarningRun.objects.filter(state__in=WarningRun.ACTIVE).first()) from None

    def refused(message):
        WarningRun.objects.filter(pk=run.pk, state=WarningRun.State.QUEUED).update(
            state=WarningRun.State.FAILED, finished_at=timezone.now(), error=message[:500])

    jobs.enqueue_after_commit(RUN_WARNINGS_JOB, run.pk, on_refused=refused)
    run.refresh_from_db()
    return run


def warning_run_execute(*, run_id):
    """What the job does: claim the queued run (a second delivery finds nothing to claim), raise, record."""
    now = timezone.now()
    claimed = WarningRun.objects.filter(pk=run_id, state=WarningRun.State.QUEUED).update(
        state=WarningRun.State.RUNNING, started_at=now, heartbeat_at=now)
    if not claimed:
        return None
    running = WarningRun.objects.filter(pk=run_id, state=WarningRun.State.RUNNING)
    try:
        with jobs.heartbeat(running):
            result = warnings_raise()
    except Exception as error:
        running.update(state=WarningRun.State.FAILED, finished_at=timezone.now(),
                       error=(str(error) or error.__class__.__name__)[:500])
        raise
    running.update(state=WarningRun.State.DONE, finished_at=timezone.now(), result=result)
    return result


def warning_digest_send(*, today=None):
    """One e-mail a day to each officer and head of a unit with open warnings; none when there are none."""
    User = get_user_model()
    open_warnings = Warning.objects.filter(closed_at__isnull=True).select_related("task", "indicator", "unit")
    by_unit = defaultdict(list)
    task_units = defaultdict(set)
    for task_id, unit_id in Task.lead_units.through.objects.filter(
            task__warnings__closed_at__isnull=True, unit__is_placeholder=False).values_list("task_id", "unit_id"):
        task_units[task_id].add(unit_id)
    indicator_units = defaultdict(set)
    for indicator_id, unit_id in Indicator.lead_units.through.objects.filter(
            indicator__warnings__closed_at__isnull=True, unit__is_placeholder=False).values_list(
            "indicator_id", "unit_id"):
        indicator_units[indicator_id].add(unit_id)
    for warning in open_warnings:
        units = ({warning.unit_id} if warning.unit_id else task_units[warning.task_id] if warning.task_id
                 else indicator_units[warning.indicator_id])
        for unit_id in units:
            by_unit[unit_id].append(warning)
    recipients = User.objects.filter(units__in=by_unit.keys(), role__in=["officer", "leader"], is_active=True)
    recipients = recipients.exclude(email="").prefetch_related("units").distinct()
    mails = []
    for user in recipients:
        warnings = {w.pk: w for unit in user.units.all() for w in by_unit.get(unit.id, [])}.values()
        if not warnings:
            continue
        lines = [f"- {_digest_kind(w)}: {w.task or w.indicator or f'{w.unit} · {w.period_label}'}"
                 + (f" {settings.PORTAL_URL}{(w.task or w.indicator).get_absolute_url()}" if w.task or w.indicator else "")
                 for w in warnings]
        subject = _("Cảnh báo: %(n)s việc cần xử lý") % {"n": len(lines)}
        mails.append((subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email]))
    send_mass_mail(mails, fail_silently=False)
    return len(mails)


def _digest_kind(warning):
    if warning.kind == Warning.Kind.NOT_UPDATED and warning.period:
        return _("%(kind)s từ tháng %(month)s") % {"kind": warning.get_kind_display(),
                                                     "month": f"{warning.period:%m/%Y}"}
    return warning.get_kind_display()
