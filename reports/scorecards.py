"""Scorecards for emulation and rewards (thi đua, khen thưởng): per unit and per officer in charge, over a year.

Grouped in SQL like the rest of the province's view; the workbook is what the emulation council receives.
"""
import datetime
import io
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, DateField, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from config.numbers import percent
from evidence.models import Evidence
from indicators.models import Indicator
from plans.models import Area, ItemStatus, Unit
from plans.appendix.exports import write_cell  # the appendix export's cell writer: formula-like text stays text
from tasks.models import Task

from .province import RECURRING, live_plans, reporting_timeliness, reporting_window

COMPLETED = ItemStatus.COMPLETED
DECIDED = [Evidence.Status.ACCEPTED, Evidence.Status.REJECTED]


def _evidence(model):
    return Evidence.objects.filter(**{model._meta.model_name: OuterRef("pk")})


def _deadline(model, year):
    end_of_year = Value(datetime.date(year, 12, 31), output_field=DateField())
    if model is Task:
        return Case(When(Q(timeline_kind__in=RECURRING) | Q(ends_on__isnull=True), then=end_of_year),
                    default=F("ends_on"), output_field=DateField())
    return Coalesce(F("deadline"), end_of_year)


def _in_year(model, year):
    if model is Task:
        return (Q(timeline_kind__in=RECURRING) | Q(starts_on__isnull=True) | Q(ends_on__isnull=True)
                | Q(starts_on__year__lte=year, ends_on__year__gte=year))
    return Q(deadline__isnull=True) | Q(deadline__year__gte=year)


def _scored(model, items, year, today):
    accepted_at = Subquery(_evidence(model).filter(status=Evidence.Status.ACCEPTED).order_by("-reviewed_at", "-id")
                           .values("reviewed_at")[:1])
    first_decision = Subquery(_evidence(model).filter(status__in=DECIDED).order_by("reviewed_at", "id").values("status")[:1])
    return items.filter(_in_year(model, year)).annotate(
        deadline_in_year=_deadline(model, year), accepted_on=TruncDate(accepted_at), first_decision=first_decision)


def _figures(model, items, key, year, today):
    done = Q(status=COMPLETED)
    cutoff = min(today, datetime.date(year, 12, 31))
    rows = _scored(model, items, year, today).values(key).annotate(
        led=Count("id", distinct=True),
        on_time=Count("id", distinct=True, filter=done & (Q(accepted_on__isnull=True)
                                                          | Q(accepted_on__lte=F("deadline_in_year")))),
        late=Count("id", distinct=True, filter=done & Q(accepted_on__gt=F("deadline_in_year"))),
        overdue=Count("id", distinct=True, filter=~done & Q(deadline_in_year__lt=cutoff)),
        due=Count("id", distinct=True, filter=done | Q(deadline_in_year__lte=cutoff)),
        reviewed=Count("id", distinct=True, filter=Q(first_decision__isnull=False)),
        first_accepted=Count("id", distinct=True, filter=Q(first_decision=Evidence.Status.ACCEPTED)),
    ).order_by()
    return {row.pop(key): row for row in rows}


@dataclass
class Scorecard:
    """One unit's (or officer's) year: items led, completed on time or late, overdue, first reviews, updates on time."""

    subject: object
    area: object
    heads: list
    led: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    due: int = 0
    reviewed: int = 0
    first_accepted: int = 0
    updates_due: int = 0
    updates_on_time: int = 0
    rank_in_area: int = 0
    rank: int = 0

    @property
    def on_time_rate(self):
        return percent(self.on_time, self.due)

    @property
    def first_review_rate(self):
        return percent(self.first_accepted, self.reviewed)

    @property
    def updates_rate(self):
        return percent(self.updates_on_time, self.updates_due)

    @property
    def score(self):
        """The mean of the rates that apply: completed on time, accepted at first review, updates on time."""
        rates = [r for r in (self.on_time_rate, self.first_review_rate, self.updates_rate) if r is not None]
        return round(sum(rates) / len(rates)) if rates else 0


def _rank(cards, attribute):
    previous, rank = None, 0
    for position, card in enumerate(cards, start=1):
        if card.score != previous:
            rank, previous = position, card.score
        setattr(card, attribute, rank)


def _combine(cards, model_figures, reporting):
    for card in cards:
        key = card.subject.pk
        for figures in model_figures:
            for name, value in figures.get(key, {}).items():
                setattr(card, name, getattr(card, name) + value)
        card.updates_due = reporting.get(key, {}).get("due", 0)
        card.updates_on_time = reporting.get(key, {}).get("on_time", 0)
    cards = sorted((c for c in cards if c.led), key=lambda c: (-c.score, -c.led, str(c.subject)))
    _rank(cards, "rank")
    by_area = {}
    for card in cards:
        by_area.setdefault(card.area.pk if card.area else None, []).append(card)
    for area_cards in by_area.values():
        _rank(area_cards, "rank_in_area")
    return cards


def scorecard_areas(user, *, province=None, commune=None):
    """The areas whose units a user may rank: the communes they follow, and their province if they belong to it."""
    areas = Area.objects.communes_visible_to(user)
    if commune is not None:
        return areas.filter(pk=commune.pk)
    if province is not None:
        areas = areas.filter(parent=province)
        if user.is_superuser or province.pk in user.area_ids:
            areas = areas | Area.objects.filter(pk=province.pk)
    return areas


def unit_scorecards(areas, *, year, today):
    """Every unit of the areas that leads something in the year, ranked in its area and across all of them."""
    plans = live_plans().filter(area__in=areas).values("pk")
    tasks, indicators = Task.objects.filter(plan__in=plans), Indicator.objects.filter(plan__in=plans)
    units = Unit.objects.filter(area__in=areas).select_related("area").prefetch_related(
        Prefetch("members", queryset=get_user_model().objects.filter(role="leader", is_active=True), to_attr="heads"))
    figures = [_figures(Task, tasks, "lead_units", year, today), _figures(Indicator, indicators, "lead_units", year, today)]
    reporting = reporting_timeliness(tasks=tasks.filter(_in_year(Task, year)),
                                     indicators=indicators.filter(_in_year(Indicator, year)), key="lead_units",
                                     window=reporting_window(today, year))
    cards = [Scorecard(subject=unit, area=unit.area, heads=[u.get_full_name() or u.username for u in unit.heads])
             for unit in units]
    return _combine(cards, figures, reporting)


def officer_scorecards(areas, *, year, today):
    """Every officer in charge of tasks (rõ người) in the areas, ranked the same way."""
    plans = live_plans().filter(area__in=areas).values("pk")
    tasks = Task.objects.filter(plan__in=plans, officer__isnull=False)
    figures = _figures(Task, tasks, "officer", year, today)
    reporting = reporting_timeliness(tasks=tasks.filter(_in_year(Task, year)), indicators=None, key="officer",
                                     window=reporting_window(today, year))
    officers = get_user_model().objects.filter(pk__in=figures.keys()).prefetch_related("units__area")
    cards = []
    for officer in officers:
        units = list(officer.units.all())
        cards.append(Scorecard(subject=officer, area=units[0].area if units else None,
                               heads=[unit.name for unit in units]))
    return _combine(cards, [figures], reporting)


PLACE_HEADERS = [gettext_lazy("Hạng toàn tỉnh"), gettext_lazy("Hạng trong xã"), gettext_lazy("Địa bàn")]
FIGURE_HEADERS = [
    gettext_lazy("Hoàn thành đúng hạn"), gettext_lazy("Hoàn thành trễ hạn"), gettext_lazy("Quá hạn chưa hoàn thành"),
    gettext_lazy("Tỷ lệ hoàn thành đúng hạn (%)"), gettext_lazy("Minh chứng đạt ngay lần đầu"),
    gettext_lazy("Đã thẩm định"), gettext_lazy("Cập nhật đúng hạn"), gettext_lazy("Cập nhật phải có"),
    gettext_lazy("Điểm"),
]
UNIT_HEADERS = [*PLACE_HEADERS, gettext_lazy("Đơn vị"), gettext_lazy("Lãnh đạo đơn vị"),
                gettext_lazy("Số việc chủ trì"), *FIGURE_HEADERS]
OFFICER_HEADERS = [*PLACE_HEADERS, gettext_lazy("Cán bộ phụ trách"), gettext_lazy("Đơn vị"),
                   gettext_lazy("Số nhiệm vụ phụ trách"), *FIGURE_HEADERS]


def _row(card, name):
    return [card.rank, card.rank_in_area, str(card.area) if card.area else "", name, "; ".join(card.heads),
            card.led, card.on_time, card.late, card.overdue, card.on_time_rate, card.first_accepted, card.reviewed,
            card.updates_on_time, card.updates_due, card.score]


def scorecard_workbook(*, units, officers, title):
    """The scorecards as xlsx bytes: one sheet for units, one for officers; text never read as a formula."""
    book = Workbook()
    sheets = ((book.active, _("Đơn vị"), UNIT_HEADERS, [_row(c, c.subject.name) for c in units]),
              (book.create_sheet(), _("Cán bộ"), OFFICER_HEADERS,
               [_row(c, c.subject.get_full_name() or c.subject.username) for c in officers]))
    for sheet, name, headers, rows in sheets:
        sheet.title = name
        write_cell(sheet, 1, 1, title, bold=True)
        for column, header in enumerate(headers, start=1):
            write_cell(sheet, 3, column, str(header), bold=True)
        for r, values in enumerate(rows, start=4):
            for column, value in enumerate(values, start=1):
                write_cell(sheet, r, column, value)
        sheet.freeze_panes = "A4"
        for letter, width in zip("ABCDEFGHIJKLMNO", [8, 8, 24, 36, 28] + [12] * 10):
            sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


