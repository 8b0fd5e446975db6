"""Workflows on indicators: reporting a measured value or state for a month."""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.models import Evidence
from evidence.services import evidence_inspect_all, evidence_store, files_removed_on_failure, item_status_after_evidence
from plans.access import can_report
from plans.models import ItemStatus
from plans.writes import REASON_MAX, item_lock, month_start, text_lengths_check
from reports.register import period_lock_check
from reports.services import not_updated_warnings_close

from .models import Indicator, IndicatorReport


def indicator_value_report(*, indicator_id, user, version, period, value=None, qualitative_state="",
                           description="", uploads=(), reason=""):
    """Record the month's figure; a target reported met counts as completed once its evidence is accepted.

    A figure inside a period already reported needs a reason (kept as the history's change reason, so at most
    REASON_MAX characters) and is flagged on the next report."""
    text_lengths_check(IndicatorReport, description=description)
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Lý do tối đa %(max)s ký tự.") % {"max": REASON_MAX}})
    inspected = evidence_inspect_all(list(uploads))
    today = timezone.localdate()
    with files_removed_on_failure() as stored, transaction.atomic():
        indicator = item_lock(Indicator, pk=indicator_id, version=version)
        if not can_report(user, indicator):
            raise PermissionDenied(_("Chỉ cán bộ của đơn vị chủ trì mới được báo cáo chỉ tiêu này."))
        value, is_met = _figure(indicator, value, qualitative_state, month_start(period))
        errors = {}
        if month_start(period) > month_start(today):
            errors["period"] = _("Không thể báo cáo cho kỳ chưa đến.")
        if is_met and not inspected and not indicator.evidence.exclude(status=Evidence.Status.REJECTED).exists():
            errors["uploads"] = _("Chỉ tiêu báo cáo đạt phải kèm tệp minh chứng.")
        if errors:
            raise ValidationError(errors)
        period_lock_check(item=indicator, period=month_start(period), reason=reason, today=today)
        report = IndicatorReport.objects.create(
            indicator=indicator, author=user, period=month_start(period), value=value,
            qualitative_state=qualitative_state if indicator.is_qualitative else "",
            description=description.strip(), is_met=is_met,
        )
        evidence_store(item=indicator, user=user, inspected=inspected, stored_paths=stored, indicator_report=report)
        not_updated_warnings_close(item=indicator, period=report.period, today=today)
        indicator.current_value = value
        indicator.current_period = report.period
        indicator.is_met = is_met
        if is_met:
            indicator.status = item_status_after_evidence(indicator)
        elif qualitative_state == IndicatorReport.QualitativeState.NOT_STARTED:
            indicator.status = ItemStatus.NOT_STARTED
        else:
            indicator.status = ItemStatus.IN_PROGRESS
        indicator.version += 1
        indicator._history_user = user
        indicator._change_reason = reason or _("Báo cáo kết quả tháng %(period)s") % {"period": f"{period:%m/%Y}"}
        indicator.save()
    return report


def _figure(indicator, value, qualitative_state, period):
    if indicator.is_qualitative:
        if qualitative_state not in IndicatorReport.QualitativeState.values:
            raise ValidationError({"qualitative_state": _("Hãy chọn tình trạng thực hiện chỉ tiêu.")})
        return None, qualitative_state == IndicatorReport.QualitativeState.ACHIEVED
    try:
        value = Decimal(str(value).replace(",", ".")) if value not in (None, "") else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError({"value": _("Hãy nhập giá trị đo được (một con số, đơn vị: %(unit)s).")
                               % {"unit": indicator.unit_of_measure or "—"}})
    return value, indicator.judge(value, period)  # against the target of the period's year


def indicator_direction_set(*, indicator_id, user, version, direction):
    """Change whether more or less is better, and judge the latest figure again by it."""
    from .models import Direction
    from plans.models import Plan

    with transaction.atomic():
        indicator = item_lock(Indicator, pk=indicator_id, version=version)
        if not Plan.objects.editable_by(user).filter(pk=indicator.plan_id).exists():
            raise PermissionDenied(_("Chỉ quản trị của địa bàn mới được sửa chỉ tiêu này."))
        if direction not in Direction.values:
            raise ValidationError({"direction": _("Hãy chọn chiều đánh giá.")})
        if direction == indicator.direction:
            return indicator
        indicator.direction = direction
        if not indicator.is_qualitative and indicator.current_value is not None:
            indicator.is_met = indicator.judge(indicator.current_value, indicator.current_period)
        indicator.version += 1
        indicator._history_user = user
        indicator._change_reason = _("Đổi chiều đánh giá chỉ tiêu")
        indicator.save()
    return indicator


_TARGET_FIELDS = ("year", "label", "target_text", "comparator", "value", "value_upper", "unit")


def _target_key(values):
    return tuple(values[name] for name in _TARGET_FIELDS)


def indicator_targets_replace(wanted, *, user=None, reason=""):
    """Make the targets by year of each indicator in `wanted` ({indicator id: [IndicatorTarget fields]}) exactly
    those given, writing history (who, why) for what is removed and what is added; indicators whose targets are
    already those are left alone. A bounded number of queries whatever the number of indicators.

    The one writer of targets by year: the appendix import, the seed loading and the demo call it."""
    from plans.history import history_copy

    from .models import IndicatorTarget

    if not wanted:
        return 0
    existing = {}
    for target in IndicatorTarget.objects.filter(indicator_id__in=list(wanted)).order_by("indicator_id", "year"):
        existing.setdefault(target.indicator_id, []).append(target)
    stale, fresh = [], []
    for indicator_id, rows in wanted.items():
        rows = sorted(rows, key=lambda values: values["year"])
        have = [_target_key({name: getattr(t, name) for name in _TARGET_FIELDS}) for t in existing.get(indicator_id, [])]
        if have == [_target_key(values) for values in rows]:
            continue
        stale += [t.pk for t in existing.get(indicator_id, [])]
        fresh += [IndicatorTarget(indicator_id=indicator_id, **{name: values[name] for name in _TARGET_FIELDS})
                  for values in rows]
    if stale:
        history_copy(IndicatorTarget, stale, user=user, reason=reason[:100], history_type="-")
        stale_rows = IndicatorTarget.objects.filter(pk__in=stale)
        stale_rows._raw_delete(stale_rows.db)  # their history is written above: no per-row delete signals
    if fresh:
        from simple_history.utils import bulk_create_with_history

        bulk_create_with_history(fresh, IndicatorTarget, default_user=user, default_change_reason=reason[:100])
    return len(fresh)
