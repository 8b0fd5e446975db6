"""The province's view: the dashboard of communes, a commune's units, their items, province items followed down,
unit scorecards. Each view starts from the areas the user follows (`Area.objects.communes_visible_to`)."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.downloads import NO_STORE, XLSX
from plans.models import Area, ItemStatus, Plan, Unit
from tasks.models import Task

from ..charts import trend_charts
from ..scorecards import (
    row_dict, rows_matching, scorecard_areas, scorecard_rows, scorecards_kept, workbook_file, workbook_name,
    workbook_request, workbook_state,
)
from ..province import (
    area_for, area_items, commune_figures, commune_rows, commune_rows_from, commune_tasks_carrying_out, followed_down,
    month_ends, sort_rows, total_row, trend_series, unit_rows,
)
from ..province_figures import Figures, followed_down_kept, kept_for, province_figures

COMMUNES_PER_PAGE = 50
ITEMS_PER_PAGE = 50


def _charts(months, completion, warnings):
    return trend_charts(months, completion, warnings, title_completion=_("Tỷ lệ hoàn thành theo tháng"),
                        title_warnings=_("Cảnh báo đang mở cuối mỗi tháng"))


def _province(user, slug):
    provinces = Area.objects.provinces_visible_to(user).order_by("name")
    province = provinces.filter(slug=slug).first() if slug else provinces.first()
    if province is None and slug:
        raise Http404
    return province, provinces


# Province pk → (computed_at, rows, total, completion trend, warnings trend): a huge province's ranked rows built
# once a process per kept computation, not on every view; sorting and paging stay per request.
_KEPT_ROWS = {}


def _dashboard_rows(province, communes, figures):
    if figures.pending:
        return [], total_row([], province), [], []
    cached = _KEPT_ROWS.get(province.pk) if figures.computed_at else None
    if cached is None or cached[0] != figures.computed_at:
        rows = commune_rows_from(list(communes), figures.communes)
        cached = (figures.computed_at, rows, total_row(rows, province), *trend_series(rows))
        if figures.computed_at:  # kept figures: every commune of the province, the same for every viewer
            _KEPT_ROWS[province.pk] = cached
    return cached[1:]


@login_required
def province_dashboard_view(request):
    province, provinces = _province(request.user, request.GET.get("province", ""))
    today = timezone.localdate()
    communes = Area.objects.communes_visible_to(request.user).filter(parent=province).order_by("name")
    whole_province = province is not None and (request.user.is_superuser or province.pk in request.user.area_ids)
    if whole_province:
        figures = province_figures(province, today=today)  # the whole province: kept where that is slow
    else:  # a commune's people: their commune only
        figures = Figures(commune_figures(communes.values("pk"), today=today))
    rows, total, completion, warnings = _dashboard_rows(province, communes, figures)
    # A commune's people see their commune only: the page is titled with it, not with the province.
    own_commune = rows[0].subject if len(rows) == 1 and not whole_province else None
    sort = request.GET.get("sort", "rank")
    page = Paginator(sort_rows(rows, sort), COMMUNES_PER_PAGE).get_page(request.GET.get("page"))
    months = [month for month, _end in month_ends(today)]
    return render(request, "reports/province_dashboard.html", {
        "province": province, "provinces": provinces, "own_commune": own_commune, "page": page, "total": total, "sort": sort, "figures": figures,
        "charts": _charts(months, completion, warnings),
        "plans": Plan.objects.visible_to(request.user).filter(area=province).order_by("slug") if province else [],
    })


@login_required
def commune_view(request, slug):
    area = area_for(request.user, slug)
    if area is None:
        raise Http404
    today = timezone.localdate()
    commune = commune_rows(Area.objects.filter(pk=area.pk), today=today)[0]
    units = sort_rows(unit_rows(area, today=today), request.GET.get("sort", "rank"))
    completion, warnings = trend_series([commune])
    months = [month for month, _end in month_ends(today)]
    return render(request, "reports/commune.html", {
        "area": area, "commune": commune, "units": units, "sort": request.GET.get("sort", "rank"),
        "charts": _charts(months, completion, warnings),
    })


@login_required
def area_items_view(request, slug):
    area = area_for(request.user, slug)
    if area is None:
        raise Http404
    unit = None
    if request.GET.get("unit", "").isdigit():
        unit = get_object_or_404(Unit, pk=request.GET["unit"], area=area)
    filters = {
        "kind": "indicators" if request.GET.get("kind") == "indicators" else "tasks",
        "status": request.GET.get("status", "") if request.GET.get("status", "") in ItemStatus.values else "",
        "overdue": request.GET.get("overdue") == "1", "behind": request.GET.get("behind") == "1",
        "met": request.GET.get("met") == "1",
    }
    items = area_items(area, today=timezone.localdate(), unit=unit, **filters)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reports/area_items.html", {
        "area": area, "unit": unit, "page": page, "filters": filters, "statuses": ItemStatus.choices,
        "units": area.units.order_by("name"),
    })


def _province_plan(user, slug):
    plan = Plan.objects.visible_to(user).filter(slug=slug, area__kind=Area.Kind.PROVINCE).select_related("area").first()
    if plan is None:
        raise Http404
    return plan


@login_required
def province_items_view(request, slug):
    plan = _province_plan(request.user, slug)
    communes = Area.objects.communes_visible_to(request.user).filter(parent=plan.area)
    today, count = timezone.localdate(), communes.count()
    kept, refreshing, rollups = None, False, None
    if _kept_scope(request.user, None, plan.area, count):  # all of a huge province's communes: kept rollups
        kept, refreshing = followed_down_kept(plan, today=today)
        rollups = kept or {"tasks": {}, "indicators": {}}
    tasks, indicators = followed_down(plan, communes.values("pk"), today=today, rollups=rollups)
    return render(request, "reports/province_items.html", {
        "plan": plan, "tasks": tasks, "indicators": indicators, "commune_count": count, "kept": kept,
        "kept_time": kept and datetime.datetime.fromisoformat(kept["computed_at"]), "refreshing": refreshing,
        "computing": kept is None and refreshing,
    })


@login_required
def province_task_view(request, pk):
    task = get_object_or_404(Task.objects.visible_to(request.user).filter(plan__area__kind=Area.Kind.PROVINCE)
                             .select_related("plan__area"), pk=pk)
    communes = Area.objects.communes_visible_to(request.user).filter(parent=task.plan.area).values("pk")
    children = (commune_tasks_carrying_out(communes, timezone.localdate()).filter(carries_out=task)
                .select_related("plan__area").prefetch_related("lead_units").order_by("plan__area__name", "position"))
    page = Paginator(children, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reports/province_task.html", {"task": task, "page": page})


def _scorecard_scope(request):
    """The year and the areas ranked: a commune (`?commune=`) or a province's communes (`?province=`)."""
    today = timezone.localdate()
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else today.year
    if not 2000 <= year <= today.year:
        year = today.year
    commune = None
    if request.GET.get("commune"):
        commune = area_for(request.user, request.GET["commune"])
        if commune is None:
            raise Http404
    province, _provinces = _province(request.user, request.GET.get("province", ""))
    if commune is not None:
        province = commune.parent
    return today, year, commune, province, scorecard_areas(request.user, province=province, commune=commune)


def _kept_scope(user, commune, province, count=None):
    """Whether the page shows a whole huge province (`count` communes), whose figures a job keeps."""
    if commune is not None or province is None or not (user.is_superuser or province.pk in user.area_ids):
        return False
    return kept_for(Area.objects.filter(parent=province).count() if count is None else count)


def _scorecard_query(request):
    query = request.GET.copy()
    for key in ("page", "officers_page"):
        query.pop(key, None)
    return query.urlencode()


def _scorecard_title(year, place):
    return _("Bảng điểm thi đua năm %(year)s – %(place)s") % {"year": year, "place": place}


@login_required
def scorecards_view(request):
    today, year, commune, province, areas = _scorecard_scope(request)
    kept, refreshing = None, False
    if _kept_scope(request.user, commune, province):
        kept, refreshing = scorecards_kept(province, year=year, today=today)
        rows = kept or {"units": [], "officers": []}
    else:
        rows = scorecard_rows(areas, year=year, today=today)
    text = request.GET.get("q", "")
    # Paged on the page (a province has thousands of units); the workbook holds them all.
    units = Paginator(rows_matching(rows["units"], text), ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    officers = Paginator(rows_matching(rows["officers"], text), ITEMS_PER_PAGE).get_page(
        request.GET.get("officers_page"))
    units.object_list = [row_dict(row) for row in units.object_list]
    officers.object_list = [row_dict(row) for row in officers.object_list]
    area_ids = list(areas.values_list("pk", flat=True))
    return render(request, "reports/scorecards.html", {
        "year": year, "years": range(today.year, today.year - 3, -1), "commune": commune, "province": province,
        "units": units, "officers": officers, "query": _scorecard_query(request), "text": text,
        "kept": kept, "kept_time": kept and datetime.datetime.fromisoformat(kept["computed_at"]),
        "computing": kept is None and refreshing, "refreshing": refreshing,
        "workbook": workbook_state(workbook_name(area_ids, year)),
    })


@login_required
@require_POST
def scorecards_workbook_view(request):
    """Ask for the workbook of what the user may rank; the page shows its state and, once built, the link."""
    today, year, commune, province, areas = _scorecard_scope(request)
    place = commune or province
    state = workbook_request(
        area_ids=list(areas.values_list("pk", flat=True)), year=year, title=_scorecard_title(year, place),
        filename=f"bang-diem-thi-dua-{year}-{place.slug if place else 'tat-ca'}.xlsx", user=request.user)
    if state["state"] == "failed":
        messages.error(request, state["error"])
    else:
        messages.success(request, _("Đang tạo bảng điểm (Excel); khi xong, đường tải về hiện trên trang này."))
    return redirect(f"{reverse('reports:scorecards')}?{_scorecard_query(request)}")


@login_required
def scorecards_xlsx_view(request):
    """The built workbook, only for the areas the user may rank now (its name is derived from them)."""
    _today, year, _commune, _province, areas = _scorecard_scope(request)
    name = workbook_name(list(areas.values_list("pk", flat=True)), year)
    state, path = workbook_state(name), workbook_file(name)
    if not state or state["state"] != "done" or path is None:
        messages.info(request, _("Bảng điểm (Excel) chưa được tạo; hãy bấm “Tạo bảng điểm (Excel)”."))
        return redirect(f"{reverse('reports:scorecards')}?{_scorecard_query(request)}")
    response = FileResponse(path.open("rb"), as_attachment=True, filename=state["filename"], content_type=XLSX)
    response["Cache-Control"] = NO_STORE
    return response
