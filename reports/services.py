"""Raising and closing warnings over the whole database in a bounded number of queries."""
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.models import Evidence
from indicators.models import Indicator
from plans.models import ItemStatus, Unit
from tasks.models import Task
from tasks.schedule import expected_progress, is_overdue
from tasks.selectors import is_behind

from .models import Report, ReportingRule, ReportKind, Warning

BATCH = 5000
REPORT_DUE_DAYS = 7  # "report due" this many days before the deadline


def _task_conditions(today, holding):
    rows = Task.objects.exclude(status=ItemStatus.COMPLETED).values_list(
        "id", "timeline_kind", "starts_on", "ends_on", "progress").iterator(chunk_size=BATCH)
    for task_id, kind, starts_on, ends_on, progress in rows:
        if is_overdue(timeline_kind=kind, ends_on=ends_on, completed=False, today=today):
            holding[(Warning.Kind.OVERDUE, task_id, None, None, None)] = {
                "days_overdue": (today - ends_on).days, "progress": progress}
        expected = expected_progress(timeline_kind=kind, starts_on=starts_on, ends_on=ends_on, today=today)
        if is_behind(actual=progress, expected=expected):
            holding[(Warning.Kind.BEHIND_SCHEDULE, task_id, None, None, None)] = {
                "progress": progress, "expected": expected}


def _indicator_conditions(today, holding):
    overdue = Indicator.objects.exclude(status=ItemStatus.COMPLETED).filter(deadline__lt=today).values_list("id", "deadline")
    for indicator_id, deadline in overdue:
        holding[(Warning.Kind.OVERDUE, None, indicator_id, None, None)] = {"days_overdue": (today - deadline).days}


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
            holding[(Warning.Kind.EVIDENCE_REJECTED, task_id, indicator_id, None, None)] = {
                "evidence": evidence_id, "reason": reason}


def _reporting_conditions(today, holding):
    """"Report due" within REPORT_DUE_DAYS of a deadline, "report late" after it, while the register
    holds no issued report for the period. Raised on the area's Culture-Social office (it prepares them)."""
    from .periods import periods_around
    from .register import reporting_rules_defaults_create

    reporting_rules_defaults_create()
    submitted = set(Report.objects.filter(status__in=[Report.Status.ISSUED, Report.Status.RECEIVED],
                                          year__gte=today.year - 2)
                    .values_list("area_id", "plan_id", "kind", "year", "period_number"))
    offices = {}
    for area_id, unit_id in Unit.objects.order_by("area", "-is_culture_social_office", "id").values_list("area", "id"):
        offices.setdefault(area_id, unit_id)
    rules = (ReportingRule.objects.filter(is_active=True).exclude(kind=ReportKind.AD_HOC)
             .values_list("area_id", "plan_id", "kind", "cutoff_day", "deadline_day", "deadline_month_offset"))
    for area_id, plan_id, kind, cutoff, day, offset in rules.iterator(chunk_size=BATCH):
        unit_id = offices.get(area_id)
        if unit_id is None:
            continue
        for period in periods_around(kind, cutoff, day, offset, today, 1):
            if (area_id, plan_id, kind, period.year, period.number) in submitted or period.deadline is None:
                continue
            if today > period.deadline:
                key = (Warning.Kind.REPORT_LATE, None, None, unit_id, period.first_month)
            elif (period.deadline - today).days <= REPORT_DUE_DAYS:
                key = (Warning.Kind.REPORT_DUE, None, None, unit_id, period.first_month)
            else:
                continue
            holding.setdefault(key, {"kind": kind, "period": [period.year, period.number],
                                     "deadline": period.deadline.isoformat()})


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
    _rejected_conditions(holding)
    _reporting_conditions(today, holding)

    open_warnings = {
        (kind, task_id, indicator_id, unit_id, period): warning_id
        for warning_id, kind, task_id, indicator_id, unit_id, period in Warning.objects.filter(closed_at__isnull=True)
        .values_list("id", "kind", "task_id", "indicator_id", "unit_id", "period").iterator(chunk_size=BATCH)
    }
    new = [Warning(kind=kind, task_id=task_id, indicator_id=indicator_id, unit_id=unit_id, period=period,
                   raised_at=now, details=holding[key])
           for key in holding.keys() - open_warnings.keys()
           for kind, task_id, indicator_id, unit_id, period in [key]]
    cleared = [open_warnings[key] for key in open_warnings.keys() - holding.keys()]
    with transaction.atomic():
        Warning.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
        for start in range(0, len(cleared), BATCH):
            Warning.objects.filter(id__in=cleared[start:start + BATCH], closed_at__isnull=True).update(closed_at=now)
    return {"raised": len(new), "closed": len(cleared), "open": len(holding), "today": today.isoformat()}


def warning_digest_send(*, today=None):
    """One e-mail a day to each officer and head of a unit with open warnings; none when there are none."""
    User = get_user_model()
    open_warnings = Warning.objects.filter(closed_at__isnull=True).select_related("task", "indicator", "unit")
    by_unit = defaultdict(list)
    task_units = defaultdict(set)
    for task_id, unit_id in Task.lead_units.through.objects.filter(
            task__warnings__closed_at__isnull=True).values_list("task_id", "unit_id"):
        task_units[task_id].add(unit_id)
    indicator_units = defaultdict(set)
    for indicator_id, unit_id in Indicator.lead_units.through.objects.filter(
            indicator__warnings__closed_at__isnull=True).values_list("indicator_id", "unit_id"):
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
        lines = [f"- {w.get_kind_display()}: {w.task or w.indicator or w.unit}"
                 + (f" {settings.PORTAL_URL}{(w.task or w.indicator).get_absolute_url()}" if w.task or w.indicator else "")
                 for w in warnings]
        subject = _("Cảnh báo: %(n)s việc cần xử lý") % {"n": len(lines)}
        mails.append((subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email]))
    send_mass_mail(mails, fail_silently=False)
    return len(mails)
