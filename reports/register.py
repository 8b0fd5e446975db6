"""The report register: reporting rules, drafting, issuing, receiving, the period lock and answers.

Every entry point (views, jobs, the shell) calls these; each checks permission, locks and writes
in one transaction, and leaves history through django-simple-history.
"""
import calendar
import hashlib
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from config import downloads
from config.jobs import enqueue_after_commit
from plans.access import (can_answer_difficulty, can_prepare, can_prepare_report, can_prepare_unit_report,
                          can_receive_for, can_receive_report, is_unit_head)
from plans.models import Area, Plan, Unit
from plans.writes import REASON_MAX

from .models import Difficulty, LockedPeriodChange, Report, ReportingRule, ReportJob, ReportKind, ReportRecipient
from .documents.layout import NARRATIVE_SECTIONS
from .periods import PER_YEAR, period_label, period_of, rule_period

logger = logging.getLogger(__name__)

# Cadences the seed plans set for themselves: Phú Lâm 55-KH every six months (V.2);
# Dân Tiến monthly, quarterly, six-monthly and yearly (IV).
PLAN_CADENCES = {"phu-lam-55kh": [ReportKind.HALF_YEAR]}
AREA_CADENCES = {"dan-tien": [ReportKind.MONTHLY, ReportKind.QUARTERLY, ReportKind.HALF_YEAR, ReportKind.ANNUAL]}
FOCAL_OFFICE = "Khoa học và Công nghệ"
DEADLINES = {  # Decree 09/2019, kind: (cut-off day, deadline day, months after the period's last month)
    ReportKind.MONTHLY: (14, 20, 0), ReportKind.QUARTERLY: (14, 20, 0), ReportKind.HALF_YEAR: (14, 20, 0),
    ReportKind.NINE_MONTH: (14, 20, 0), ReportKind.ANNUAL: (14, 20, 0),
}
# Cut-offs a province's own plan sets, for its communes' reports and for its Sở's, by province. Đồng Nai's plan
# 182 (III.3-4): the communes' quarterly report to the Sở KH&CN before the 10th of the quarter's last month
# (cut off the 8th), the Sở's monthly report to the province before the 25th. "Trước ngày N" is by day N−1:
# the deadline days kept are 9 and 24. A province whose plan says nothing follows Decree 09/2019.
# Units that report to their commune's People's Committee through the Culture-Social office, as the seeds say:
# (area, the plan whose rule it is or None for all, the units, the kinds). Phú Lâm 55-KH (V.2): the heads of the
# offices and units concerned, every six months; Dân Tiến (IV.2-4): its offices, the schools and the commune police,
# monthly, quarterly, six-monthly and yearly.
SEED_UNIT_REPORTS = [
    ("phu-lam", "phu-lam-55kh", ["Phòng Kinh tế", "Văn phòng HĐND & UBND xã", "Công an xã",
                                 "Trung tâm phục vụ hành chính công xã", "Trạm y tế", "Các trường học"],
     [ReportKind.HALF_YEAR]),
    ("dan-tien", None, ["Phòng Kinh tế", "Các trường học", "Công an xã"],
     [ReportKind.MONTHLY, ReportKind.QUARTERLY, ReportKind.HALF_YEAR, ReportKind.ANNUAL]),
]
UNIT_DAYS_BEFORE = 3  # a unit reports this many days before its commune's deadline, so the office can compile
# Where a seed names several recipients of the commune's periodic reports, beside its province's focal office
# (first): Đại Phước (2026 plan, IV.3) the Party Committee's standing board and the commune's steering committee.
# (Phú Lâm's plan 11/NQ-CP names the province's People's Committee too, but "khi có yêu cầu": on request only.)
SEED_RECIPIENTS = {
    "dai-phuoc": (["Văn phòng Đảng ủy xã", "Lãnh đạo UBND xã Đại Phước"],
                  "Thường trực Đảng ủy xã; {focal}; Ban Chỉ đạo xã"),
}
PROVINCE_DEADLINES = {
    "dong-nai": {Area.Kind.COMMUNE: {ReportKind.QUARTERLY: (8, 9, 0)},
                 Area.Kind.PROVINCE: {ReportKind.MONTHLY: (14, 24, 0), ReportKind.QUARTERLY: (14, 24, 0)}},
}


def _upper_name(area):
    return area.name or str(area)


def area_issuer(area):
    if area.kind == Area.Kind.PROVINCE:
        return _("Sở Khoa học và Công nghệ tỉnh %(name)s") % {"name": _upper_name(area)}
    return _("Ủy ban nhân dân %(kind)s %(name)s") % {"kind": area.get_kind_display().lower(), "name": area.name}


def plans_issued_on(area_ids=None):
    """{(area_id, plan_id): day issued, (area_id, None): the area's first plan's}: when each rule starts to be owed.

    A plan without a year of issue is left out: it owes nothing until the date is known."""
    from .periods import issued_on

    plans = Plan.objects.exclude(issued_year=None)
    if area_ids is not None:
        plans = plans.filter(area__in=area_ids)
    days = {}
    for plan_id, area_id, year, month, day in plans.values_list("id", "area", "issued_year", "issued_month",
                                                                 "issued_day"):
        days[area_id, plan_id] = issued_on(year, month, day)
        days[area_id, None] = min(days.get((area_id, None), days[area_id, plan_id]), days[area_id, plan_id])
    return days


PER_YEAR_KINDS = set(PER_YEAR)


def _focal_addressee(unit, province):
    name = unit.name if unit else _("Sở Khoa học và Công nghệ")
    if province is not None and province.name and province.name.lower() not in name.lower():
        return _("%(office)s tỉnh %(province)s") % {"office": name, "province": province.name}
    return name


def reporting_rules_of(area):
    """The area's reporting rules, as stored: a page reads them and never creates them (`reporting_rules_ensure`)."""
    return list(area.reporting_rules.select_related("plan", "recipient_unit", "issuing_unit")
                .order_by("plan", "issuing_unit", "kind"))


def reporting_rules_ensure(area):
    """The area's reporting rules, created from the defaults if it has none: for writers (drafting a report,
    the demo), never for a page."""
    if not area.reporting_rules.exists():
        reporting_rules_defaults_create(area_ids=[area.id])
    return reporting_rules_of(area)


def reporting_rules_defaults_create(*, area_ids=None, attempts=3):
    """Default rules for every area (or those given) that has none, and a seed plan's own cadence for such a plan
    without rules (a plan loaded after its area's rules were made), in a fixed number of queries. Called where
    rules start to be owed: a plan issued or loaded from the seeds, a report drafted, the daily warnings job, and
    the rules page's button for an area still without rules.

    Two runs at once (the warnings job and a page) may both find an area without rules: the
    later one's insert fails on the unique constraints, rolls back and starts again, finding
    fewer areas. Not `ignore_conflicts`: simple-history would then look the rows up again
    with one OR-condition per rule, minutes at national scale.
    """
    areas = Area.objects.filter(reporting_rules__isnull=True)
    if area_ids is not None:
        areas = areas.filter(pk__in=area_ids)
    areas = list(areas.select_related("parent").distinct())
    plans = Plan.objects.filter(slug__in=PLAN_CADENCES, reporting_rules__isnull=True)
    if area_ids is not None:
        plans = plans.filter(area__in=area_ids)
    plans = list(plans.select_related("area__parent").distinct())
    without_rules = {a.id for a in areas}
    areas += list({p.area_id: p.area for p in plans if p.area_id not in without_rules}.values())
    if not areas:
        return
    ids = {a.id for a in areas} | {a.parent_id for a in areas if a.parent_id}
    focal, leaders, offices, named = {}, {}, {}, {}
    for unit in Unit.objects.filter(area__in=ids):
        named[unit.area_id, unit.name] = unit
        if unit.is_culture_social_office:
            offices.setdefault(unit.area_id, unit)
        if FOCAL_OFFICE.lower() in unit.name.lower():
            focal.setdefault(unit.area_id, unit)
        elif unit.name.startswith("UBND"):
            leaders.setdefault(unit.area_id, unit)
    rules, others = [], []
    for area in areas:
        province = area if area.kind == Area.Kind.PROVINCE else area.parent
        overrides = PROVINCE_DEADLINES.get(province.slug if province else None, {}).get(area.kind, {})
        if area.kind == Area.Kind.PROVINCE:
            recipient = leaders.get(area.id)
            addressee = _("Ủy ban nhân dân tỉnh %(name)s") % {"name": _upper_name(area)}
            kinds = [ReportKind.MONTHLY, ReportKind.QUARTERLY, ReportKind.HALF_YEAR, ReportKind.ANNUAL]
        else:
            # The commune reports to its province's focal office (Sở KH&CN), as the seeds say; its units
            # report to the commune's People's Committee through the Culture-Social office.
            recipient = focal.get(area.parent_id)
            addressee = _focal_addressee(recipient, area.parent)
            kinds = AREA_CADENCES.get(area.slug, [ReportKind.QUARTERLY, ReportKind.HALF_YEAR, ReportKind.ANNUAL])
        extra, extra_addressee = SEED_RECIPIENTS.get(area.slug, ([], "{focal}"))
        extra = [named[key] for name in extra for key in ((area.id, name), (area.parent_id, name)) if key in named]
        for kind in kinds if area.id in without_rules else ():
            cutoff, day, offset = overrides.get(kind, DEADLINES[kind])
            rules.append(ReportingRule(area=area, kind=kind, recipient_unit=recipient,
                                       addressee=extra_addressee.format(focal=addressee)[:255],
                                       cutoff_day=cutoff, deadline_day=day, deadline_month_offset=offset))
            others.append(extra)
        for area_slug, plan_slug, names, unit_kinds in SEED_UNIT_REPORTS:
            plan = next((p for p in plans if p.slug == plan_slug), None) if plan_slug else None
            if area_slug != area.slug or (plan_slug and plan is None) or (not plan_slug and area.id not in without_rules):
                continue
            office = offices.get(area.id)
            to = _("Ủy ban nhân dân %(kind)s %(name)s (qua %(office)s)") % {
                "kind": area.get_kind_display().lower(), "name": area.name, "office": office.name if office else ""}
            for unit in (named[area.id, name] for name in names if (area.id, name) in named):
                for kind in unit_kinds:
                    cutoff, day, offset = overrides.get(kind, DEADLINES[kind])
                    rules.append(ReportingRule(
                        area=area, plan=plan, kind=kind, issuing_unit=unit, recipient_unit=office, addressee=to,
                        cutoff_day=cutoff, deadline_day=max(cutoff + 1, day - UNIT_DAYS_BEFORE),
                        deadline_month_offset=offset))
                    others.append([])
        # A plan's own cadence (Phú Lâm 55-KH: every six months) goes where the area's reports go, never to
        # the area itself: the commune's units report to it, and it reports up.
        for plan in (p for p in plans if p.area_id == area.id):
            for kind in PLAN_CADENCES[plan.slug]:
                cutoff, day, offset = overrides.get(kind, DEADLINES[kind])
                rules.append(ReportingRule(area=area, plan=plan, kind=kind, recipient_unit=recipient,
                                           addressee=addressee, cutoff_day=cutoff, deadline_day=day,
                                           deadline_month_offset=offset))
                others.append([])
    try:
        with transaction.atomic():
            created = bulk_create_with_history(rules, ReportingRule)
            through = ReportingRule.other_recipients.through
            through.objects.bulk_create([through(reportingrule_id=rule.pk, unit_id=unit.pk)
                                         for rule, units in zip(created, others, strict=True) for unit in units])
    except IntegrityError:
        if attempts <= 1:
            raise
        reporting_rules_defaults_create(area_ids=area_ids, attempts=attempts - 1)


RULES_ADMIN_ONLY = _("Chỉ quản trị của địa bàn mới được sửa chế độ báo cáo.")


def _rule_save(rule, user, data):
    from plans.access import can_edit_reporting_rules

    if not can_edit_reporting_rules(user, rule.area):
        raise PermissionDenied(RULES_ADMIN_ONLY)
    data = dict(data)
    others = data.pop("other_recipients", None)
    for name, value in data.items():
        setattr(rule, name, value)
    allowed = (rule.area_id, rule.area.parent_id)
    if rule.recipient_unit_id and rule.recipient_unit.area_id not in allowed:
        raise ValidationError({"recipient_unit": _("Cơ quan nhận phải thuộc địa bàn hoặc tỉnh của địa bàn.")})
    if others is not None and any(unit.area_id not in allowed for unit in others):
        raise ValidationError({"other_recipients": _("Cơ quan nhận phải thuộc địa bàn hoặc tỉnh của địa bàn.")})
    if rule.issuing_unit_id and rule.issuing_unit.area_id != rule.area_id:
        raise ValidationError({"issuing_unit": _("Đơn vị báo cáo phải thuộc địa bàn.")})
    rule._history_user = user
    rule.full_clean()
    rule.save()
    if others is not None:
        rule.other_recipients.set([unit for unit in others if unit.pk != rule.recipient_unit_id])
    return rule


def reporting_rule_update(*, rule_id, user, data):
    with transaction.atomic():
        rule = ReportingRule.objects.select_for_update(of=("self",)).select_related("area").get(pk=rule_id)
        return _rule_save(rule, user, data)


def reporting_rule_add(*, area, user, kind, plan=None, issuing_unit=None, **data):
    """A report kind the area (or one of its units, to the area's People's Committee) owes, for all its plans or
    one plan of its own, with its recipients and deadline. A kind removed before comes back with the values given;
    one already owed is refused."""
    if kind not in PER_YEAR_KINDS:
        raise ValidationError({"kind": _("Chọn một loại báo cáo định kỳ.")})
    if plan is not None and plan.area_id != area.id:
        raise ValidationError({"plan": _("Kế hoạch không thuộc địa bàn này.")})
    with transaction.atomic():
        rule = (ReportingRule.objects.select_for_update(of=("self",)).select_related("area")
                .filter(area=area, plan=plan, kind=kind, issuing_unit=issuing_unit).first()
                ) or ReportingRule(area=area, plan=plan, kind=kind, issuing_unit=issuing_unit)
        if rule.pk and rule.is_active:
            raise ValidationError({"kind": _("Chế độ báo cáo của địa bàn đã có %(kind)s.") % {
                "kind": rule.get_kind_display().lower()}})
        return _rule_save(rule, user, {**data, "is_active": True})


def reporting_rule_remove(*, rule_id, user):
    """The area stops owing the kind: the rule is kept, inactive, with the reports already made under it."""
    with transaction.atomic():
        rule = ReportingRule.objects.select_for_update(of=("self",)).select_related("area").get(pk=rule_id)
        return _rule_save(rule, user, {"is_active": False})


def _signer(area, user):
    if area.kind == Area.Kind.PROVINCE:
        # The Sở's deputy director signs: the leader drafting it, else the Sở's first leader in the portal.
        from people.models import User

        leader = user if user.role == User.Role.LEADER else (
            User.objects.filter(role=User.Role.LEADER, units__area=area, is_active=True).order_by("id").first())
        return (leader.get_full_name() if leader else ""), "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    plan = Plan.objects.filter(area=area).exclude(signer_name="").order_by("-issued_year", "-id").first()
    return (plan.signer_name if plan else ""), "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"


def unit_issuer(unit, area):
    """A unit as it heads its report: "Công an xã Phú Lâm", "Phòng Kinh tế xã Dân Tiến"."""
    kind = area.get_kind_display().lower()
    name = unit.name if unit.name.lower().endswith(kind) else f"{unit.name} {kind}"
    return f"{name} {area.name}".strip()


def unit_symbol(unit):
    """The symbol of a unit's reports from its name's initials, without diacritics: BC-CAX, BC-PKT."""
    import unicodedata

    letters = "".join(word[0] for word in unit.name.replace("Đ", "D").replace("đ", "d").split() if word[0].isalpha())
    plain = unicodedata.normalize("NFKD", letters).encode("ascii", "ignore").decode().upper()
    return f"BC-{plain[:8] or 'DV'}"


UNIT_ONLY = _("Chỉ cán bộ của đơn vị mới được lập, ban hành báo cáo của đơn vị.")
AREA_ONLY = _("Chỉ lãnh đạo hoặc quản trị của địa bàn mới được lập báo cáo.")


def _check_prepare(user, report, message=None):
    if not can_prepare(user, report):
        raise PermissionDenied(UNIT_ONLY if report.unit_id else (message or AREA_ONLY))


def report_draft(*, user, area, kind, year, number, plan=None, unit=None):
    """Open a draft report for a period and queue the job that takes its snapshot and renders it: the area's own,
    or one of its units' to the area's People's Committee (`unit`), by the rule the area keeps for it."""
    if unit is not None and (unit.area_id != area.id or not can_prepare_unit_report(user, unit)):
        raise PermissionDenied(UNIT_ONLY)
    if unit is None and not can_prepare_report(user, area):
        raise PermissionDenied(AREA_ONLY)
    if unit is not None and kind == ReportKind.AD_HOC:
        raise ValidationError(_("Báo cáo của đơn vị là báo cáo định kỳ theo chế độ báo cáo."))
    rules = reporting_rules_ensure(area)
    rule = next((r for r in rules if r.kind == kind and r.plan_id == (plan.id if plan else None)
                 and r.issuing_unit_id == (unit.id if unit else None) and r.is_active), None)
    try:
        if kind == ReportKind.AD_HOC:
            number = Report.objects.filter(area=area, unit__isnull=True, kind=kind, year=year).count() + 1
            period = period_of(kind, year, number, today=timezone.localdate())
        elif rule is None:
            raise ValidationError(_("Địa bàn không có chế độ báo cáo loại này; hãy thêm trong Chế độ báo cáo."))
        else:
            period = rule_period(rule, year, number)
    except ValueError:
        raise ValidationError(_("Kỳ báo cáo không hợp lệ.")) from None
    if period.window_start > timezone.localdate():
        raise ValidationError(_("Kỳ báo cáo chưa bắt đầu."))
    signer_name, signer_title = _signer(area, user) if unit is None else ("", _("THỦ TRƯỞNG ĐƠN VỊ"))
    subject = _("Kết quả thực hiện Nghị quyết số 57-NQ/TW %(period)s") % {"period": period_label(kind, year, period.number)}
    if plan:
        subject = _("Kết quả thực hiện Kế hoạch %(plan)s, %(period)s") % {
            # An unnumbered plan (the seeds' commune plans) by its title and date, never "Số: /KH-UBND".
            "plan": plan.display_name, "period": period_label(kind, year, period.number)}
    if rule is None:  # ad hoc: sent where the area's other reports go
        rule = next((r for r in rules if r.plan_id is None and r.issuing_unit_id is None), None)
    symbol = "BC-SKHCN" if area.kind == Area.Kind.PROVINCE else "BC-UBND"
    filing = _("- Lưu: VT, VH-XH.") if area.kind != Area.Kind.PROVINCE else _("- Lưu: VT, KH&CN.")
    if unit is not None:
        symbol, filing = unit_symbol(unit), _("- Lưu: VT.")
    with transaction.atomic():
        if (kind != ReportKind.AD_HOC and Report.objects.filter(area=area, unit=unit, plan=plan, kind=kind, year=year,
                                                                  period_number=period.number)
                .exclude(status=Report.Status.RETURNED).exists()):
            raise ValidationError(_("Kỳ này đã có báo cáo trong sổ; hãy mở báo cáo đó."))
        recipient = rule.recipient_unit if rule else None
        report = Report(
            area=area, unit=unit, rule=rule, plan=plan, kind=kind, year=year, period_number=period.number,
            first_month=period.first_month, last_month=period.last_month, window_start=period.window_start,
            window_end=period.window_end, deadline=period.deadline, recipient_unit=recipient,
            addressee=rule.addressee if rule else "",
            issuer=unit_issuer(unit, area) if unit else area_issuer(area), subject=subject, symbol=symbol,
            signer_name=signer_name, signer_title=signer_title,
            distribution="\n".join([_("- Như trên;"), filing]), drafted_by=user, drafted_at=timezone.now())
        report._history_user = user
        report.save()
        job_start(report=report, action=ReportJob.Action.DRAFT, user=user)
    return report


def _report_for_update(report_id):
    return Report.objects.select_for_update(of=("self",)).select_related("area", "unit").get(pk=report_id)


def report_refresh(*, report_id, user):
    """Take a new snapshot of a draft (and render it again)."""
    with transaction.atomic():
        report = _report_for_update(report_id)
        _check_prepare(user, report)
        if report.status != Report.Status.DRAFT:
            raise ValidationError(_("Báo cáo đã ban hành: số liệu không thay đổi được nữa."))
        _confirmation_clear(report, user)
        return job_start(report=report, action=ReportJob.Action.DRAFT, user=user)


def _confirmation_clear(report, user):
    """Figures taken again are no longer the ones the unit's head confirmed."""
    if report.confirmed_at:
        report.confirmed_by, report.confirmed_at = None, None
        report._history_user = user
        report._change_reason = _("Lấy lại số liệu: cần thủ trưởng xác nhận lại")
        report.save()


def report_confirm(*, report_id, user):
    """The head of the issuing unit confirms the unit's figures for the period (who and when, in the history);
    the report can be issued only then. They sign it."""
    with transaction.atomic():
        report = _report_for_update(report_id)
        if not report.unit_id:
            raise ValidationError(_("Chỉ báo cáo của đơn vị cần thủ trưởng đơn vị xác nhận."))
        if not is_unit_head(user, report.unit):
            raise PermissionDenied(_("Chỉ thủ trưởng (lãnh đạo) của %(unit)s mới được xác nhận số liệu.") % {
                "unit": report.unit})
        if report.status != Report.Status.DRAFT:
            raise ValidationError(_("Báo cáo đã ban hành: không cần xác nhận lại."))
        if not report.snapshot_taken_at:
            raise ValidationError(_("Dự thảo chưa có số liệu; hãy chờ lấy số liệu xong."))
        report.confirmed_by, report.confirmed_at = user, timezone.now()
        report.signer_name = report.signer_name or user.display_name
        report._history_user = user
        report._change_reason = _("Thủ trưởng đơn vị xác nhận số liệu kỳ báo cáo")
        report.save()
    return report


REPORT_DETAILS = ("subject", "addressee", "signer_name", "signer_title", "distribution")


def _draft_for_edit(report_id, user):
    report = _report_for_update(report_id)
    _check_prepare(user, report, _("Chỉ lãnh đạo hoặc quản trị của địa bàn mới được sửa báo cáo."))
    if report.status != Report.Status.DRAFT:
        raise ValidationError(_("Báo cáo đã ban hành: văn bản không thay đổi được nữa."))
    return report


def report_details_update(*, report_id, user, data):
    """Subject, addressee, signer and recipients of a draft; its files are rendered again."""
    with transaction.atomic():
        report = _draft_for_edit(report_id, user)
        for name in REPORT_DETAILS:
            setattr(report, name, data[name].strip()[:Report._meta.get_field(name).max_length or 2000])
        report._history_user = user
        report._change_reason = _("Sửa thông tin văn bản")
        report.save()
        if report.snapshot_taken_at:
            job_start(report=report, action=ReportJob.Action.RENDER, user=user)
    return report


def report_narrative_save(*, report_id, user, narrative):
    """The leader's narrative of each section of a draft (results, shortcomings, directions, proposals), kept
    in its snapshot so the issued PDF is final; the files are rendered again."""
    with transaction.atomic():
        report = _draft_for_edit(report_id, user)
        if not report.snapshot_taken_at:
            raise ValidationError(_("Dự thảo chưa có số liệu; hãy chờ lấy số liệu xong."))
        report.snapshot = {**report.snapshot, "narrative": {key: (narrative.get(key) or "").strip()
                                                            for key in NARRATIVE_SECTIONS}}
        report._history_user = user
        report._change_reason = _("Sửa nội dung đánh giá")
        report.save()
        job_start(report=report, action=ReportJob.Action.RENDER, user=user)
    return report


def _counter_conflict(unit_id):
    """The counter row's conflict target: the area's own (no unit) or the unit's."""
    return "(unit_id, year) WHERE unit_id IS NOT NULL" if unit_id else "(area_id, year) WHERE unit_id IS NULL"


def report_number_allocate(*, area_id, year, unit_id=None):
    """The next number of an issuer's reports in a year, from 01; one statement, safe under concurrency."""
    table = connection.ops.quote_name("reports_reportnumber")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (area_id, unit_id, year, last) VALUES (%s, %s, %s, 1) "  # noqa: S608 - names from _meta, values as parameters
            f"ON CONFLICT {_counter_conflict(unit_id)} DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [area_id, unit_id, year])
        return cursor.fetchone()[0]


REPORT_NUMBER_MAX = 99999


def report_number_next(*, area_id, year, unit_id=None):
    """The number the area's (or unit's) counter gives next in a year (what the issue form offers)."""
    from .models import ReportNumber

    counter = ReportNumber.objects.filter(unit=unit_id) if unit_id else ReportNumber.objects.filter(area=area_id,
                                                                                                    unit__isnull=True)
    last = counter.filter(year=year).values_list("last", flat=True).first() or 0
    return last + 1


def _report_number_take(report, year, number):
    """The clerk's number from the office's register, or the counter's next: unique per issuer and year.

    A clerk's number past the counter moves the counter on, so the next number taken never collides."""
    if number is None:
        return report_number_allocate(area_id=report.area_id, year=year, unit_id=report.unit_id)
    if not 1 <= number <= REPORT_NUMBER_MAX:
        raise ValidationError({"number": _("Số văn bản phải từ 1 đến %(max)s.") % {"max": REPORT_NUMBER_MAX}})
    issuer = {"unit": report.unit_id} if report.unit_id else {"area": report.area_id, "unit__isnull": True}
    taken = (Report.objects.filter(**issuer, number_year=year, number=number).exclude(pk=report.pk)
             .order_by().first())
    if taken:
        raise ValidationError({"number": _("Số %(number)s/%(symbol)s năm %(year)s đã cấp cho báo cáo “%(subject)s”: "
                                           "hãy kiểm tra lại sổ đăng ký văn bản đi.") % {
            "number": f"{number:02d}", "symbol": report.symbol, "year": year, "subject": taken.subject[:120]}})
    table = connection.ops.quote_name("reports_reportnumber")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (area_id, unit_id, year, last) VALUES (%s, %s, %s, %s) "  # noqa: S608 - names from _meta, values as parameters
            f"ON CONFLICT {_counter_conflict(report.unit_id)} DO UPDATE SET last = GREATEST({table}.last, EXCLUDED.last)",
            [report.area_id, report.unit_id, year, number])
    return number


def report_number_next_set(*, area, year, next_number, user):
    """The admin sets the counter's next number, as the office's register stands; never onto a number in use."""
    from plans.access import can_edit_reporting_rules

    from .models import ReportNumber

    if not can_edit_reporting_rules(user, area):
        raise PermissionDenied(_("Chỉ quản trị của địa bàn mới được đặt số báo cáo tiếp theo."))
    if not 1 <= next_number <= REPORT_NUMBER_MAX:
        raise ValidationError({"next_number": _("Số tiếp theo phải từ 1 đến %(max)s.") % {"max": REPORT_NUMBER_MAX}})
    with transaction.atomic():
        highest = (Report.objects.filter(area=area, unit__isnull=True, number_year=year).order_by("-number")
                   .values_list("number", flat=True).first()) or 0
        if next_number <= highest:
            raise ValidationError({"next_number": _(
                "Số %(number)s năm %(year)s đã dùng: số tiếp theo phải lớn hơn %(highest)s.") % {
                    "number": next_number, "year": year, "highest": highest}})
        ReportNumber.objects.update_or_create(area=area, unit=None, year=year, defaults={"last": next_number - 1})


def report_issue(*, report_id, user, number=None):
    """Give the draft its number (the clerk's, or the counter's next), lock its period, send it to the focal
    office and render the final files."""
    from django.contrib.auth import get_user_model

    from people.services import notify

    from .services import report_warnings_close

    with transaction.atomic():
        report = _report_for_update(report_id)
        _check_prepare(user, report, _("Chỉ lãnh đạo hoặc quản trị của địa bàn mới được ban hành báo cáo."))
        if report.status != Report.Status.DRAFT:
            raise ValidationError(_("Báo cáo này đã được ban hành."))
        if not report.snapshot_taken_at:
            raise ValidationError(_("Báo cáo chưa có số liệu: hãy chờ lấy số liệu xong rồi ban hành."))
        if report.unit_id and not report.confirmed_at:
            raise ValidationError(_("Thủ trưởng %(unit)s chưa xác nhận số liệu của kỳ báo cáo.") % {
                "unit": report.unit})
        now = timezone.now()
        report.number_year = timezone.localdate().year
        report.number = _report_number_take(report, report.number_year, number)
        report.status, report.issued_by, report.issued_at = Report.Status.ISSUED, user, now
        report.is_on_time = report.deadline is None or timezone.localdate() <= report.deadline
        # The draft's files go: the issued ones, with the number, are rendered by the job below.
        drafts = [f.name for f in (report.pdf, report.docx) if f]
        report.pdf, report.docx, report.pdf_sha256, report.docx_sha256 = "", "", "", ""
        transaction.on_commit(lambda: [report.pdf.storage.delete(name) for name in drafts])
        report._history_user = user
        report._change_reason = _("Ban hành")
        try:
            with transaction.atomic():  # a savepoint: another issue may have taken the same number meanwhile
                report.save()
        except IntegrityError:
            raise ValidationError({"number": _("Số %(number)s vừa được cấp cho báo cáo khác: hãy nhập số khác.") % {
                "number": f"{report.number:02d}"}}) from None
        job_start(report=report, action=ReportJob.Action.RENDER, user=user)
        report_warnings_close(report=report)  # sent: its "due"/"late" warning ends now, not at the next check
        units = report_recipient_units(report)
        ReportRecipient.objects.filter(report=report).delete()  # none yet; a report is issued once
        bulk_create_with_history([ReportRecipient(report=report, unit=unit) for unit in units], ReportRecipient,
                                 default_user=user, default_change_reason=_("Gửi báo cáo"))
        members = get_user_model().objects.filter(units__in=units, is_active=True).distinct()
        if units:
            notify(recipients=list(members), url=report.get_absolute_url(),
                   message=_("%(area)s gửi báo cáo %(number)s: %(subject)s") % {
                       "area": report.issuing_body, "number": report.reference, "subject": report.subject})
    return report


def report_recipient_units(report):
    """The offices an issued report goes to: the rule's focal office first, then the others its rule names."""
    units = [report.recipient_unit] if report.recipient_unit_id else []
    if report.rule_id:
        units += [u for u in report.rule.other_recipients.order_by("id") if u.pk != report.recipient_unit_id]
    return units


def _notify_area(report, message, kind="general"):
    from django.contrib.auth import get_user_model

    from people.services import notify

    users = get_user_model().objects.filter(units__area=report.area_id, role__in=["leader", "admin"])
    if report.unit_id:  # a unit's report: its own people
        users = get_user_model().objects.filter(units=report.unit_id)
    notify(recipients=[*users.distinct(), report.issued_by], message=message, url=report.get_absolute_url(),
           kind=kind)


def report_receive(*, report_id, user, accept, comment="", unit_id=None):
    """A recipient office marks an issued report received, or returns it with a comment. With several recipients
    each acts on its own: `unit_id` is the office the user acts for, else every office still waiting that they
    may act for. The report is returned once one office returns it, and received once all have received it."""
    with transaction.atomic():
        report = _report_for_update(report_id)
        rows = list(report.recipients.select_for_update(of=("self",)).select_related("unit").order_by("id"))
        allowed = [r for r in rows if can_receive_for(user, report, r.unit)] if rows else []
        if not (allowed if rows else can_receive_report(user, report)):
            raise PermissionDenied(_("Chỉ cơ quan nhận báo cáo mới được tiếp nhận hoặc trả lại."))
        if report.status != Report.Status.ISSUED:
            raise ValidationError(_("Chỉ tiếp nhận hoặc trả lại báo cáo đang chờ tiếp nhận."))
        mine = [r for r in allowed if r.status == ReportRecipient.Status.PENDING
                and (unit_id is None or r.unit_id == unit_id)]
        if rows and not mine:
            raise ValidationError(_("Cơ quan của bạn đã tiếp nhận hoặc trả lại báo cáo này."))
        comment = comment.strip()
        if not accept and not comment:
            raise ValidationError({"comment": _("Hãy ghi lý do trả lại báo cáo.")})
        now, reason = timezone.now(), Truncator(comment).chars(REASON_MAX) or _("Tiếp nhận")
        for row in mine:
            row.status = ReportRecipient.Status.RECEIVED if accept else ReportRecipient.Status.RETURNED
            row.handled_by, row.handled_at, row.comment = user, now, comment[:2000]
            row._history_user, row._change_reason = user, reason
            row.save()
        statuses = {r.status for r in rows}
        if not rows:
            report.status = Report.Status.RECEIVED if accept else Report.Status.RETURNED
        elif ReportRecipient.Status.RETURNED in statuses:
            report.status = Report.Status.RETURNED
        elif statuses == {ReportRecipient.Status.RECEIVED}:
            report.status = Report.Status.RECEIVED
        report.handled_by, report.handled_at = user, now
        if not accept:
            report.return_comment = comment[:2000]
        report._history_user = user
        # The report keeps the whole comment; the history's reason column holds REASON_MAX characters.
        offices = ", ".join(r.unit.name for r in mine)
        report._change_reason = reason  # which office: in the recipient's own history
        report.save()
        by = {"number": report.reference, "office": offices or report.area}
        if accept:
            _notify_area(report, _("Báo cáo %(number)s đã được %(office)s tiếp nhận.") % by)
        else:
            _notify_area(report, _("Báo cáo %(number)s bị %(office)s trả lại: %(comment)s") % {
                **by, "comment": comment[:300]}, kind="report_returned")
    return report


SIGNED_UPLOADS_KEPT = 50  # the log of uploads and verdicts on the report; the history keeps every one anyway


def report_signed_upload(*, report_id, user, upload, as_scan=False):
    """Keep the signed copy of an issued report: verified only when its signature covers the issued PDF itself.

    A copy without a digital signature is kept only when the user says it is a scan, and then never as verified.
    A refused copy replaces nothing; every upload and its verdict is logged on the report and in its history.
    Once the recipient has received the report, a copy already kept is replaced only after they return it.
    """
    from evidence.models import Evidence
    from evidence.validation import inspect_upload

    from .signatures import UNSIGNED, VERIFIED, signature_inspect, verdict_text

    inspected = inspect_upload(upload)
    if inspected.kind != Evidence.Kind.PDF:
        raise ValidationError(_("Bản đã ký phải là tệp PDF."))
    upload.seek(0)
    data = upload.read()
    digest = hashlib.sha256(data).hexdigest()
    stored, refusal = None, None
    try:
        with transaction.atomic():
            report = _report_for_update(report_id)
            _check_prepare(user, report, _("Chỉ lãnh đạo hoặc quản trị của địa bàn mới được tải lên bản đã ký."))
            if report.status == Report.Status.DRAFT:
                raise ValidationError(_("Hãy ban hành báo cáo trước khi tải lên bản đã ký."))
            received = report.recipients.filter(status=ReportRecipient.Status.RECEIVED).exists()
            if (report.status == Report.Status.RECEIVED or received) and report.signed_file:
                raise ValidationError(_("Cơ quan nhận đã tiếp nhận báo cáo cùng bản đã ký: muốn thay bản đã ký, "
                                        "cơ quan nhận phải trả lại báo cáo trước."))
            found = signature_inspect(data, report.pdf_sha256)
            verdict = found["verdict"]
            kept = verdict == VERIFIED or (verdict == UNSIGNED and as_scan)
            if verdict == UNSIGNED and not as_scan:
                refusal = _("%(verdict)s Nếu đây là bản quét của văn bản giấy đã ký, hãy chọn “Bản quét” để lưu "
                            "(bản quét không được coi là đã xác minh).") % {"verdict": verdict_text(verdict)}
            elif not kept:
                refusal = _("Không lưu bản đã ký: %(verdict)s") % {"verdict": verdict_text(verdict)}
            entry = {"at": timezone.localtime().strftime("%d/%m/%Y %H:%M"), "by": user.display_name,
                     "sha256": digest, "name": str(getattr(upload, "name", ""))[:120],
                     "verdict": "scan" if kept and verdict == UNSIGNED else verdict, "kept": kept}
            uploads = [*report.signature.get("uploads", []), entry][-SIGNED_UPLOADS_KEPT:]
            if kept:
                report.signed_file.save("signed.pdf", ContentFile(data), save=False)
                stored = report.signed_file.name
                report.signed_sha256 = digest
                report.signed_by, report.signed_at = user, timezone.now()
                report.signature = {**found, "scan": verdict == UNSIGNED, "uploads": uploads}
                report._change_reason = (_("Tải lên bản quét (chưa xác minh chữ ký)") if verdict == UNSIGNED
                                         else _("Tải lên bản đã ký số, đã xác minh"))
            else:
                report.signature = {**report.signature, "uploads": uploads}
                report._change_reason = Truncator(_("Từ chối bản đã ký: %(verdict)s") % {
                    "verdict": verdict_text(verdict)}).chars(REASON_MAX)
            report._history_user = user
            report.save()
    except BaseException:
        if stored:
            report.signed_file.storage.delete(stored)
        raise
    if refusal:  # raised once the refusal is in the history
        raise ValidationError(refusal)
    return report


# What the file views catch: one exception for every stored file (config/downloads.py).
StoredFileAltered = downloads.StoredFileAltered

STORED_FILE_HASHES = {"pdf": "pdf_sha256", "docx": "docx_sha256", "signed_file": "signed_sha256"}


def report_file_read(*, report, field):
    """The bytes of a report's stored file, checked against the SHA-256 recorded for it
    (`config.downloads.stored_file_read`: altered bytes are refused, the area's admins and the operators told)."""
    stored = getattr(report, field)

    def message():
        return _("Tệp %(file)s của báo cáo %(number)s (%(area)s) đã bị thay đổi trên máy chủ (SHA-256 không khớp): "
                 "tệp không được tải xuống; hãy kiểm tra và khôi phục từ bản sao lưu.") % {
            "file": stored.name.rsplit("/", 1)[-1], "number": report.reference, "area": report.area}

    return downloads.stored_file_read(stored, recorded=getattr(report, STORED_FILE_HASHES[field]),
                                      area_id=report.area_id, message=message, url=report.get_absolute_url())


def difficulty_answer(*, difficulty_id, user, answer, status):
    """Ý kiến chỉ đạo on a difficulty or proposal; the unit that raised it is notified."""
    from people.services import notify

    if status not in (Difficulty.Status.ANSWERED, Difficulty.Status.RESOLVED):
        raise ValidationError({"status": _("Trạng thái không hợp lệ.")})
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Hãy ghi ý kiến chỉ đạo.")})
    with transaction.atomic():
        difficulty = Difficulty.objects.select_for_update(of=("self",)).select_related("area", "unit").get(
            pk=difficulty_id)
        if not can_answer_difficulty(user, difficulty):
            raise PermissionDenied(_("Chỉ lãnh đạo hoặc cơ quan đầu mối mới được cho ý kiến chỉ đạo."))
        difficulty.answer, difficulty.status = answer[:5000], status
        difficulty.answered_by, difficulty.answered_at = user, timezone.now()
        difficulty._history_user = user
        difficulty.save()
        if difficulty.unit_id:
            url = difficulty.task.get_absolute_url() if difficulty.task_id else ""
            notify(recipients=list(difficulty.unit.members.all()), url=url, kind="difficulty_answered",
                   message=_("Ý kiến chỉ đạo về kiến nghị của %(unit)s: %(answer)s") % {
                       "unit": difficulty.unit, "answer": answer[:300]})
    return difficulty


def update_day(period, today):
    """The day an update speaks for: today for the current month, the month's last day for an earlier one."""
    last = period.replace(day=calendar.monthrange(period.year, period.month)[1])
    return min(today, last)


def locked_reports(*, item, period, today):
    """The issued reports whose window (from the day after the previous cut-off to the cut-off) holds the day
    the update speaks for: the area's, or the item's plan's own, and those a unit leading the item issued to its
    commune's People's Committee. An update dated after a report's cut-off belongs to the next period and is locked
    by none. One rule, for task and indicator figures, the officers' forms, the Django admin and the demo alike."""
    issuer = Q(unit__isnull=True) | Q(unit__in=item.lead_units.values("pk"))
    # Newest first, without Report's own ordering by area (a join through every area, on every save).
    return list(_reports_locking(period, today)
                .filter(Q(area=item.plan.area_id, plan__isnull=True) | Q(plan=item.plan_id), issuer)
                .order_by("-year", "-first_month", "-id"))


def period_locked_anywhere(*, period, today):
    """Whether any item's update for `period` entered `today` is locked (a report of any area holds its day):
    when none is, `locked_reports` is empty for every item, without a query each."""
    return _reports_locking(period, today).exists()


def _reports_locking(period, today):
    day = update_day(period, today)
    return Report.objects.filter(status__in=(Report.Status.ISSUED, Report.Status.RECEIVED),
                                 window_start__lte=day, window_end__gte=day)


def period_lock_check(*, item, period, reason, today=None):
    """A change inside a period already reported needs a reason; returns the reports that lock it."""
    reports = locked_reports(item=item, period=period, today=today or timezone.localdate())
    if reports and not reason.strip():
        report = reports[0]
        raise ValidationError({"reason": _(
            "Số liệu đến ngày %(cutoff)s đã khóa vì báo cáo %(report)s đã ban hành: hãy nêu lý do điều chỉnh.") % {
                "cutoff": f"{report.window_end:%d/%m/%Y}", "report": report.reference}})
    return reports


def period_lock_record(*, reports, update, user):
    LockedPeriodChange.objects.bulk_create([
        LockedPeriodChange(report=report, progress_update=update, reason=update.reason, author=user)
        for report in reports])


# Jobs: a record with a state, then the Celery job enqueued after commit.

def job_start(*, report, action, user):
    job = ReportJob.objects.create(report=report, action=action, requested_by=user)

    def refused(message):  # the broker is down (or the job unknown): say so on the record, keep it retryable
        ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.QUEUED).update(
            status=ReportJob.Status.FAILED, message=message, finished_at=timezone.now())

    enqueue_after_commit("reports.build_report", job.pk, on_refused=refused)
    return job


def job_retry(*, job_id, user):
    with transaction.atomic():
        job = ReportJob.objects.select_for_update(of=("self",)).select_related("report__area", "report__unit").get(
            pk=job_id)
        _check_prepare(user, job.report, _("Chỉ lãnh đạo hoặc quản trị của địa bàn mới được chạy lại."))
        if not job.can_retry:
            raise ValidationError(_("Việc này không ở trạng thái lỗi."))
        job.status, job.message = ReportJob.Status.FAILED, job.message or _("Đã chạy lại.")
        job.save(update_fields=["status", "message"])
        return job_start(report=job.report, action=job.action, user=user)
