"""What a token reads, shaped for the API's list pages: every queryset starts from the portal's own scope rules
(`plans/querysets.py`, `reports/selectors.py`) applied to the token's principal, then narrows by the filters.

Each list page costs a fixed number of queries: foreign keys are joined, many-to-many fields read as arrays."""
import datetime
import re

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from indicators.models import Indicator, IndicatorReport
from plans.models import Area, Plan, Unit
from reports.periods import period_of
from reports.selectors import report_list as register_list
from reports.selectors import warning_list
from tasks.models import ProgressUpdate, Task

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
KIND_PERIOD = re.compile(r"^([a-z_]+)-(\d{4})-(\d{1,2})$")


def period_filter(value):
    """`2026-03` (a month) or `quarterly-2026-1` (a report's kind, year and number) → (kind, year, number, first
    month, last month); a clear 400 otherwise."""
    if match := MONTH.match(value):
        try:
            month = datetime.date(int(match[1]), int(match[2]), 1)
        except ValueError:
            month = None
        if month:
            return None, month.year, None, month, month
    elif match := KIND_PERIOD.match(value):
        try:
            period = period_of(match[1], int(match[2]), int(match[3]))
        except ValueError:
            period = None
        if period:
            return period.kind, period.year, period.number, period.first_month, period.last_month
    raise ValidationError({"period": _("Kỳ không hợp lệ: dùng YYYY-MM (ví dụ 2026-03) hoặc loại-năm-kỳ "
                                       "(ví dụ quarterly-2026-1, half_year-2026-1, annual-2026-1).")})


def read_by(principal, area="pk"):
    """Rows whose `area` is one the token's area follows (itself and, for a province, its communes) or its province.

    The two scopes as two IN lists on the rows' own column: PostgreSQL then walks a page's rows in id order and
    checks each against both (hashed), where `area__in` an area list built from them joined all 17,000 units of
    a province of 3,400 communes before the first row of the unit list (80 ms)."""
    return (Q(**{f"{area}__in": Area.objects.communes_visible_to(principal).values("pk")})
            | Q(**{f"{area}__in": Area.objects.provinces_visible_to(principal).values("pk")}))


def area_list(principal, *, area=""):
    areas = Area.objects.filter(read_by(principal)).select_related("parent")
    if area:
        areas = areas.filter(Q(slug=area) | Q(parent__slug=area))
    return areas


def unit_list(principal, *, area=""):
    units = Unit.objects.filter(read_by(principal, "area")).select_related("area")
    if area:
        units = units.filter(area__slug=area)
    return units


def plan_list(principal, *, area="", status=""):
    # `visible_to`'s scope as a semi-join, without its DISTINCT over every column of every plan the token sees
    plans = Plan.objects.filter(pk__in=Plan.objects.visible_ids(principal)).select_related("area", "implements_plan")
    if area:
        plans = plans.filter(area__slug=area)
    if status:
        plans = plans.filter(status=status)
    return plans


def _unit_slugs(model, field):
    """The slugs of an item's `field` units (lead or support), in the units' own order, as an array column."""
    units = Unit.objects.filter(**{model._meta.get_field(field).related_query_name(): OuterRef("pk")})
    return ArraySubquery(units.values("slug"))


def _items(model, principal, *, area="", plan="", status=""):
    # The units' slugs as arrays in the items' own query: prefetching them cost two queries and a Unit and a
    # queryset per item and unit, a third of a page's time at 100 items.
    items = model.objects.visible_to(principal).select_related("plan__area", "section").annotate(
        lead_unit_slugs=_unit_slugs(model, "lead_units"), support_unit_slugs=_unit_slugs(model, "support_units"))
    if area:
        items = items.filter(plan__area__slug=area)
    if plan:
        items = items.filter(plan__slug=plan)
    if status:
        items = items.filter(status=status)
    return items


def task_list(principal, **filters):
    return _items(Task, principal, **filters)


def indicator_list(principal, **filters):
    return _items(Indicator, principal, **filters)


def _monthly(rows, item, principal, *, area="", plan="", period=""):
    """Progress updates or indicator reports: monthly rows of items the token sees."""
    rows = rows.filter(**{f"{item}__plan__in": Plan.objects.visible_ids(principal)}).select_related(
        f"{item}__plan__area")
    if area:
        rows = rows.filter(**{f"{item}__plan__area__slug": area})
    if plan:
        rows = rows.filter(**{f"{item}__plan__slug": plan})
    if period:
        _kind, _year, _number, first, last = period_filter(period)
        rows = rows.filter(period__gte=first, period__lte=last)
    return rows


def progress_update_list(principal, **filters):
    return _monthly(ProgressUpdate.objects.all(), "task", principal, **filters)


def indicator_report_list(principal, **filters):
    return _monthly(IndicatorReport.objects.all(), "indicator", principal, **filters)


def report_list(principal, *, area="", plan="", period="", status=""):
    """The register page's own rule (`reports.selectors.report_list`), by plan and period too."""
    reports = register_list(principal, status=status, area=area)
    if plan:
        reports = reports.filter(plan__slug=plan)
    if period:
        kind, year, number, first, last = period_filter(period)
        if kind:
            reports = reports.filter(kind=kind, year=year, period_number=number)
        else:  # a month: the reports whose period covers it
            reports = reports.filter(first_month__lte=first, last_month__gte=last)
    return reports


def warnings_list(principal, *, area="", plan="", period="", status=""):
    """The warnings page's own rule (`reports.selectors.warning_list`); `status` is open or closed."""
    if status not in ("", "open", "closed"):
        raise ValidationError({"status": _("Trạng thái cảnh báo là open hoặc closed.")})
    warnings = warning_list(principal, plan=plan, area=area, state=status)
    if period:
        _kind, _year, _number, first, last = period_filter(period)
        warnings = warnings.filter(raised_at__date__gte=first,
                                   raised_at__date__lt=(last.replace(day=28) + datetime.timedelta(days=4)).replace(
                                       day=1))
    return warnings
