from collections import defaultdict

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from plans.models import Area

from .models import Difficulty, Report, ReportingRule, ReportKind, ReportRecipient, Warning

RECIPIENTS = Prefetch("recipients", queryset=ReportRecipient.objects.select_related("unit").order_by("id"))


def warning_list(user, *, unit="", kind="", plan="", area="", state="open"):
    """Warnings of the user's own areas and, for a province, its communes, shaped for the warnings page.

    Narrower than the plans a user reads: a commune reads its province's issued plan, not the province's
    warnings on it (other areas' warning details stay with them)."""
    warnings = Warning.objects.followed_by(user).select_related("task__plan", "indicator__plan", "unit", "area")
    if state == "open":
        warnings = warnings.filter(closed_at__isnull=True)
    elif state == "closed":
        warnings = warnings.filter(closed_at__isnull=False)
    if kind:
        warnings = warnings.filter(kind=kind)
    if plan:
        warnings = warnings.filter(Q(task__plan__slug=plan) | Q(indicator__plan__slug=plan))
    if area:  # a commune's warnings, as the province's view links to them
        warnings = warnings.filter(area__slug=area)
    if unit.isdigit():
        warnings = warnings.filter(Q(unit=unit) | Q(task__lead_units=unit) | Q(indicator__lead_units=unit)).distinct()
    return warnings.order_by("-raised_at", "-id")


def report_list(user, *, kind="", status="", area=""):
    """The register as the user may see it, for the register page."""
    reports = (Report.objects.visible_to(user).select_related("area", "plan", "recipient_unit", "unit")
               .prefetch_related(RECIPIENTS))
    if kind:
        reports = reports.filter(kind=kind)
    if status:
        reports = reports.filter(status=status)
    if area:
        reports = reports.filter(area__slug=area)
    return reports.order_by("-drafted_at", "-id")


def draft_choices(user, today, *, areas=None):
    """(value, label) of the periods the user may open a report for: per rule, the current and two before; none for
    an area without a plan. `areas` is `preparable_areas(user)` when the caller has it already."""
    from .periods import rule_periods_around
    from .register import reporting_rules_of

    choices = []
    planned = (areas or preparable_areas(user))["planned"]
    for area, rules in [*((area, reporting_rules_of(area)) for area in planned), *unit_rules(user, planned)]:
        for rule in rules:
            if not rule.is_active or (rule.issuing_unit_id and not (user.is_superuser
                                                                    or rule.issuing_unit_id in user.unit_ids)):
                continue
            for period in rule_periods_around(rule, today):
                label = (f"{rule.issuing_unit or area} · {rule.get_kind_display()}"
                         + (f" ({rule.plan.display_name})" if rule.plan_id else ""))
                label += f" · {period.label}"
                if period.deadline:
                    label += " · " + str(_("hạn %(date)s") % {"date": period.deadline.strftime("%d/%m/%Y")})
                choices.append((f"{rule.pk}:{period.year}:{period.number}", label))
        if area in planned:
            choices.append((f"adhoc:{area.pk}", f"{area} · {ReportKind.AD_HOC.label}"))
    return choices


def unit_rules(user, planned):
    """[(area, its rules for the user's own units)] for the areas whose reports the user does not prepare: an
    officer of a unit that reports to its commune's People's Committee drafts the unit's reports."""
    if user.is_superuser or user.area_ids <= {area.pk for area in planned}:
        return []  # the rules of the areas they prepare reports for hold their units' already
    rules = list(ReportingRule.objects.filter(issuing_unit__in=user.unit_ids, is_active=True)
                 .exclude(area__in=[area.pk for area in planned])
                 .select_related("area", "plan", "issuing_unit").order_by("area", "issuing_unit", "plan", "kind"))
    by_area = {}
    for rule in rules:
        by_area.setdefault(rule.area, []).append(rule)
    return list(by_area.items())


def preparable_areas(user):
    """The areas the user may prepare reports for, split by whether they have something to report on: "planned",
    a plan of their own (not replaced), or for a province a commune's issued plan its report consolidates;
    "unplanned", no plan on the portal, so no report owed yet (the demo province Minh họa), which the register says
    instead of offering empty reports."""
    from plans.access import can_prepare_report
    from plans.models import Plan

    areas = Area.objects.filter(pk__in=user.area_ids) if not user.is_superuser else Area.objects.all()
    planned = set(Plan.objects.exclude(status=Plan.Status.REPLACED).values_list("area", flat=True).distinct())
    planned |= set(Plan.objects.filter(status=Plan.Status.ISSUED, area__parent__isnull=False)
                   .values_list("area__parent", flat=True).distinct())
    split = {"planned": [], "unplanned": []}
    for area in areas.order_by("kind", "name"):
        if can_prepare_report(user, area):
            split["planned" if area.pk in planned else "unplanned"].append(area)
    return split


def inbox(user):
    """Reports sent to an office the user belongs to (or to the area above theirs), newest first."""
    # Within `visible_to` as well, so the inbox never lists a report its page would refuse.
    reports = Report.objects.visible_to(user).exclude(status=Report.Status.DRAFT)
    if not user.is_superuser:
        to_mine = ReportRecipient.objects.filter(unit__in=user.unit_ids).values("report")
        reports = reports.filter(
            Q(recipient_unit__in=user.unit_ids) | Q(pk__in=to_mine)
            | (Q(area__parent__in=user.area_ids, unit__isnull=True) if user.role in ("leader", "admin")
               else Q(pk__in=[]))
            # The commune's leaders receive the reports its units send to the People's Committee.
            | (Q(area__in=user.area_ids, unit__isnull=False) if user.role == "leader" else Q(pk__in=[])))
    return (reports.select_related("area", "recipient_unit", "unit").prefetch_related(RECIPIENTS)
            .order_by("status", "-issued_at"))


def completeness(*, user, province, kind, year, number, today):
    """Per commune of the province: on time, late, returned or missing for one period; "not owed" where the
    commune's own rules ask for no report of the kind, or the period ended before its first plan was issued."""
    from .periods import period_of
    from .register import plans_issued_on

    communes = list(province.children.order_by("name"))
    owing = set(ReportingRule.objects.filter(area__in=communes, plan__isnull=True, kind=kind, is_active=True,
                                             issuing_unit__isnull=True).values_list("area_id", flat=True))
    issued = plans_issued_on([c.id for c in communes])
    period = period_of(kind, year, number)
    reports = {}
    units = units_owing(communes, kind, year, number, issued)
    for report in (Report.objects.visible_to(user).filter(area__in=communes, plan__isnull=True, kind=kind, year=year,
                                                          period_number=number, unit__isnull=True)
                   .order_by("area", "status", "-issued_at")):
        if report.status != Report.Status.DRAFT:
            reports.setdefault(report.area_id, report)
    rows = []
    for commune in communes:
        report = reports.get(commune.id)
        if report is None and not (commune.id in owing and period.is_owed_after(issued.get((commune.id, None)))):
            state, label = "not_owed", _("Không phải báo cáo kỳ này")
        elif report is None:
            state, label = "missing", _("Chưa báo cáo")
        elif report.status == Report.Status.RETURNED:
            state, label = "returned", _("Bị trả lại")
        elif report.is_on_time:
            state, label = "on_time", _("Đúng hạn")
        else:
            state, label = "late", _("Trễ hạn")
        rows.append({"area": commune, "report": report, "state": state, "label": label,
                     "units": units.get(commune.id)})
    return rows


def units_owing(communes, kind, year, number, issued):
    """{commune id: {"owed", "sent", "received"}}: the reports its units owe their People's Committee for the
    period (their rules of the kind, periods after the plan was issued) and how many were sent and received."""
    from .periods import rule_period

    owed = defaultdict(set)
    for rule in (ReportingRule.objects.filter(area__in=communes, kind=kind, is_active=True,
                                              issuing_unit__isnull=False).select_related("plan")):
        try:
            period = rule_period(rule, year, number)
        except ValueError:
            continue
        if period.is_owed_after(issued.get((rule.area_id, rule.plan_id))):
            owed[rule.area_id].add((rule.issuing_unit_id, rule.plan_id))
    counts = {area_id: {"owed": len(keys), "sent": 0, "received": 0} for area_id, keys in owed.items()}
    for area_id, unit_id, plan_id, status in (
            Report.objects.filter(area__in=communes, unit__isnull=False, kind=kind, year=year, period_number=number,
                                  status__in=(Report.Status.ISSUED, Report.Status.RECEIVED))
            .values_list("area", "unit", "plan", "status")):
        if (unit_id, plan_id) in owed.get(area_id, ()):
            counts[area_id]["sent"] += 1
            counts[area_id]["received"] += status == Report.Status.RECEIVED
    return counts


def report_difficulties(report, user):
    from plans.access import can_answer_difficulty

    rows = list(Difficulty.objects.filter(area=report.area_id).filter(
        Q(report=report) | Q(raised_at__date__range=(report.window_start, report.window_end))
        | Q(status=Difficulty.Status.OPEN)).select_related("area", "unit", "task", "answered_by").order_by("raised_at"))
    # Every row is of the report's area, and the answer depends on the area alone: asked once, not per row.
    allowed = bool(rows) and bool(can_answer_difficulty(user, rows[0]))
    for row in rows:
        row.can_answer = allowed
    return rows
