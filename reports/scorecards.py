"""Scorecards for emulation and rewards (thi đua, khen thưởng): per unit and per officer in charge, over a year.

Grouped in SQL like the rest of the province's view; the workbook is what the emulation council receives.
"""
import datetime
import hashlib
import io
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, DateField, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle

from config.jobs import enqueue_after_commit
from config.numbers import percent
from evidence.models import Evidence
from indicators.models import Indicator
from plans.models import Area, ItemStatus, Unit
from plans.workbooks import safe_text
from tasks.models import Task

from .province import RECURRING, live_plans, reporting_timeliness, reporting_window
from .province_figures import (
    _age, _now, kept_compute, kept_for, kept_fresh, kept_or_refresh, kept_path, kept_read, kept_replace, kept_write,
)

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
    cards = [Scorecard(subject=unit, area=unit.area, heads=[u.display_name for u in unit.heads])
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


# Scorecards as plain rows: what the page, the kept figures and the workbook show --------------------------------

# A row is a list (compact when kept as JSON for 17,000 units): these are its fields, in order.
ROW_FIELDS = ("rank", "rank_in_area", "area", "area_slug", "area_kind", "pk", "name", "heads", "led", "on_time",
              "late", "overdue", "on_time_rate", "first_accepted", "reviewed", "updates_on_time", "updates_due",
              "score")


def _as_row(card, name, heads):
    area = card.area
    return [card.rank, card.rank_in_area, str(area) if area else "", area.slug if area else "",
            area.kind if area else "", card.subject.pk, name, heads, card.led, card.on_time, card.late, card.overdue,
            card.on_time_rate, card.first_accepted, card.reviewed, card.updates_on_time, card.updates_due, card.score]


def scorecard_rows(areas, *, year, today):
    """{"units": rows, "officers": rows} of the areas, ranked: JSON-safe, so a job can keep them."""
    units = unit_scorecards(areas, year=year, today=today)
    officers = officer_scorecards(areas, year=year, today=today)
    return {"units": [_as_row(c, c.subject.name, c.heads) for c in units],
            "officers": [_as_row(c, c.subject.display_name, c.heads) for c in officers]}


def row_dict(row):
    return dict(zip(ROW_FIELDS, row, strict=False))


def rows_matching(rows, text):
    """The rows whose name, heads or area contain `text` (any case)."""
    text = text.strip().casefold()
    if not text:
        return rows
    return [row for row in rows if text in f"{row[6]}\n{row[2]}\n{'; '.join(row[7])}".casefold()]


# The province's kept scorecards ------------------------------------------------------------------------------------

SCORECARDS_FRESH_FOR = datetime.timedelta(minutes=10)  # the ranks move slowly: a few minutes old is still true


def kept_scorecards_name(province, year):
    return f"scorecards-{province.pk}-{year}"


def scorecards_kept(province, *, year, today):
    """The kept scorecards of a whole huge province (None before the first computation), asking a job for new
    ones when they are stale. Returns (kept values or None, whether a refresh is on its way)."""
    return kept_or_refresh(kept_scorecards_name(province, year), today=today, fresh_for=SCORECARDS_FRESH_FOR,
                           job="reports.refresh_scorecards", args=(province.pk, year, today.isoformat()))


def scorecards_keep(*, province_id, year, today=None):
    """The job: compute a province's scorecards of a year (its communes and its own units) and keep them."""
    province = Area.objects.filter(pk=province_id, kind=Area.Kind.PROVINCE).first()
    if province is None:
        return None
    today = today or timezone.localdate()
    areas = Area.objects.filter(Q(parent=province) | Q(pk=province.pk))
    kept = kept_compute(kept_scorecards_name(province, year), lambda: scorecard_rows(areas, year=year, today=today),
                        today=today)
    return len(kept["units"])


# The workbook: built by a job, downloaded through a view that checks the scope ------------------------------------

WORKBOOK_LOST_AFTER = datetime.timedelta(minutes=10)  # queued or running longer: the worker died; retry offered

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


def workbook_name(area_ids, year):
    """One workbook per year and set of areas ranked: whoever may rank the same areas downloads the same file."""
    digest = hashlib.sha256(f"{year}:{','.join(map(str, sorted(area_ids)))}".encode()).hexdigest()[:24]
    return f"workbook-{digest}"


def workbook_state(name):
    """The workbook's state as the page shows it: queued, running, done or failed (a lost run is failed)."""
    kept = kept_read(name)
    if not kept:
        return None
    state = dict(kept)  # a copy: what kept_read returns is shared
    if state["state"] in ("queued", "running") and _age(state["requested_at"]) > WORKBOOK_LOST_AFTER:
        state.update(state="failed", error=_("Việc tạo bảng điểm bị gián đoạn; hãy bấm “Tạo lại”."))
    state["requested_time"] = datetime.datetime.fromisoformat(state["requested_at"])
    if state.get("finished_at"):
        state["finished_time"] = datetime.datetime.fromisoformat(state["finished_at"])
    return state


def workbook_request(*, area_ids, year, title, filename, user):
    """Ask a job for the workbook of these areas unless one is on its way; its state."""
    name = workbook_name(area_ids, year)
    state = workbook_state(name)
    if state and state["state"] in ("queued", "running"):
        return state
    queued = kept_write(name, {"state": "queued", "requested_at": _now(), "requested_by": user.pk, "title": title,
                               "filename": filename, "error": ""})
    enqueue_after_commit("reports.build_scorecard_workbook", name, sorted(area_ids), year, title, on_refused=lambda: kept_write(
        name, {**queued, "state": "failed", "error": _("Hàng đợi công việc đang không phản hồi; hãy bấm “Tạo lại” "
                                                        "sau ít phút.")}))
    return workbook_state(name)


def _workbook_rows(area_ids, *, year, today):
    """The rows to write: for all of a huge province, its kept scorecards (kept anew unless fresh), so that the
    workbook says what the page says and the ranking runs once; otherwise computed."""
    province = Area.objects.filter(pk__in=area_ids, kind=Area.Kind.PROVINCE).first()
    if province is not None:
        communes = set(Area.objects.filter(parent=province).values_list("pk", flat=True))
        if kept_for(len(communes)) and communes | {province.pk} == set(area_ids):
            name = kept_scorecards_name(province, year)
            if not kept_fresh(kept_read(name), fresh_for=SCORECARDS_FRESH_FOR, today=today):
                scorecards_keep(province_id=province.pk, year=year, today=today)
            return kept_read(name)
    return scorecard_rows(Area.objects.filter(pk__in=area_ids), year=year, today=today)


def workbook_build(*, name, area_ids, year, title, today=None):
    """The job: rank the areas and write the workbook; the state says done (or failed, with the reason)."""
    state = kept_read(name) or {"requested_at": _now(), "filename": "bang-diem.xlsx"}
    kept_write(name, {**state, "state": "running", "started_at": _now()})
    try:
        rows = _workbook_rows(area_ids, year=year, today=today or timezone.localdate())
        kept_replace(kept_path(f"{name}.xlsx"), scorecard_workbook(units=rows["units"], officers=rows["officers"],
                                                                    title=title))
    except Exception as error:
        kept_write(name, {**state, "state": "failed", "finished_at": _now(),
                          "error": _("Không tạo được bảng điểm: %(error)s") % {"error": str(error)[:300]}})
        raise
    kept_write(name, {**state, "state": "done", "finished_at": _now(), "units": len(rows["units"]),
                      "officers": len(rows["officers"])})
    return len(rows["units"])


def workbook_file(name):
    """The built workbook's path, or None."""
    path = kept_path(f"{name}.xlsx")
    return path if path.exists() else None


def _sheet_row(row):
    values = row_dict(row)
    return [values["rank"], values["rank_in_area"], values["area"], values["name"], "; ".join(values["heads"]),
            values["led"], values["on_time"], values["late"], values["overdue"], values["on_time_rate"],
            values["first_accepted"], values["reviewed"], values["updates_on_time"], values["updates_due"],
            values["score"]]


def _cell(sheet, value, style):
    cell = WriteOnlyCell(sheet, value)
    cell.style = style
    if safe_text(value):  # formula-like text: kept and shown as text, never evaluated
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def scorecard_workbook(*, units, officers, title):
    """The scorecards (rows) as xlsx bytes, streamed (write-only) with shared named styles (never a style object a
    cell: 306,000 cells at 3,400 communes): one sheet for units, one for officers; text never read as a formula."""
    book = Workbook(write_only=True)
    book.add_named_style(NamedStyle("scorecard-body", alignment=Alignment(wrap_text=True, vertical="top")))
    book.add_named_style(NamedStyle("scorecard-head", font=Font(bold=True),
                                    alignment=Alignment(wrap_text=True, vertical="top")))
    for name, headers, rows in ((_("Đơn vị"), UNIT_HEADERS, units), (_("Cán bộ"), OFFICER_HEADERS, officers)):
        sheet = book.create_sheet(name)
        sheet.freeze_panes = "A4"
        for letter, width in zip("ABCDEFGHIJKLMNO", [8, 8, 24, 36, 28] + [12] * 10, strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.append([_cell(sheet, title, "scorecard-head")])
        sheet.append([])
        sheet.append([_cell(sheet, str(header), "scorecard-head") for header in headers])
        for row in rows:  # plain values, fast to stream; a cell of its own only for formula-like text
            sheet.append([_cell(sheet, value, "scorecard-body") if safe_text(value) else value
                          for value in _sheet_row(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
