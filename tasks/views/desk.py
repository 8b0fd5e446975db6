"""The month at a desk ("Cập nhật nhiều mục"): a table of the officer's own items, each row saved on its own by the
same service as the single form (tasks.services.task_progress_report, indicators.services.indicator_value_report),
so one row's refusal loses none of the others and each row is all or nothing."""
import hashlib
import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.services import indicator_value_report
from plans.access import reports_for_lead_units
from plans.forms import add_service_errors
from plans.writes import StaleVersion

from ..forms import DeskIndicatorRowForm, DeskPeriodForm, DeskTaskRowForm
from ..selectors import desk_rows, desk_rows_hydrate, work_rows_order
from ..services import task_progress_report
from .work import _visit_began

DESK_ROWS_PER_PAGE = 40  # two months of a commune office's items fit one page, one request saves them all
POSTED_ROW = re.compile(r"^(task|indicator)-(\d+)-version$")


@login_required
def desk_view(request):
    user = request.user
    if not reports_for_lead_units(user):
        raise PermissionDenied(_("Chỉ cán bộ của cơ quan chủ trì mới cập nhật tiến độ ở đây."))
    params = request.GET  # the form posts to the page's own address: the same rows, the same page
    kind = "indicator" if params.get("kind") == "indicators" else "task"
    filters = {"plan": params.get("plan", "").strip(), "query": params.get("q", "").strip()}
    today = timezone.localdate()
    visit = _visit_began(params.get("visit", ""))
    stamp = round(visit.timestamp() * 1000)
    digest = hashlib.sha256(repr(sorted(filters.items())).encode()).hexdigest()[:16]

    def rows():
        # The order this visit first showed stays: a saved row does not move from under the officer's eyes.
        return work_rows_order(desk_rows(user, kind=kind, today=today, visit=visit, **filters),
                               key=f"desk-order:{user.pk}:{stamp}:{kind}:{digest}")

    period_form = DeskPeriodForm(request.POST or None, initial={"period": today.replace(day=1)})
    outcomes, summary, status = {}, None, 200
    if request.method == "POST":
        outcomes, summary = _rows_save(request, kind, rows(), period_form)
        status = 400 if summary["refused"] or summary["forged"] or period_form.errors else 200
    page = Paginator(rows(), DESK_ROWS_PER_PAGE).get_page(params.get("page"))
    desk_rows_hydrate(page.object_list)
    for row in page.object_list:  # a refused row keeps what was typed; a saved one shows its new figures
        form, row.saved = outcomes.get(row.pk, (None, ""))
        row.form = form or _row_form(kind, row.item)
    query = QueryDict(mutable=True)
    query.update({"kind": f"{kind}s", "visit": stamp, **{name: value for name, value in
                                                         (("plan", filters["plan"]), ("q", filters["query"])) if value}})
    return render(request, "tasks/desk.html", {
        "kind": kind, "page": page, "filters": filters, "visit": stamp, "period_form": period_form,
        "summary": summary, "page_query": query.urlencode(),
    }, status=status)


def _row_form(kind, item, data=None):
    prefix = f"{kind}-{item.pk}"
    if kind == "task":
        return DeskTaskRowForm(data, prefix=prefix, task=item,
                               initial={"version": item.version, "progress": item.progress})
    return DeskIndicatorRowForm(data, prefix=prefix, indicator=item, initial={"version": item.version})


def _rows_save(request, kind, rows, period_form):
    """Save each posted row the officer changed, each on its own. Returns {pk: (form, saved)} for the rows
    posted and a summary: saved, refused, and rows posted for items that are not the officer's (never saved)."""
    posted = {int(found[2]) for found in map(POSTED_ROW.match, request.POST) if found and found[1] == kind}
    forged = len([key for key in request.POST if (found := POSTED_ROW.match(key)) and found[1] != kind])
    own = [row for row in rows if row.pk in posted]
    summary = {"saved": 0, "refused": 0, "forged": forged + len(posted - {row.pk for row in own})}
    if not period_form.is_valid():
        return {}, summary
    period = period_form.cleaned_data["period"]
    outcomes = {}
    for row in desk_rows_hydrate(own):
        form = _row_form(kind, row.item, request.POST)
        if not form.touched():
            continue
        save = _task_row_save if kind == "task" else _indicator_row_save
        form, saved = save(request.user, form, period)
        outcomes[row.pk] = (None, saved) if saved else (form, "")
        summary["saved" if saved else "refused"] += 1
    return outcomes, summary


def _task_row_save(user, form, period):
    if not form.is_valid():
        return form, ""
    data = form.cleaned_data
    if data["progress"] is None:
        form.add_error("progress", _("Hãy nhập tiến độ (%)."))
        return form, ""
    try:
        task_progress_report(
            task_id=form.item.pk, user=user, version=data["version"], progress=data["progress"], period=period,
            achievements=data["achievements"], difficulties=data["difficulties"], proposals=data["proposals"],
            reason=data["reason"])
    except StaleVersion as stale:
        return _stale(form, stale.current, progress=stale.current.progress), ""
    except (PermissionDenied, ValidationError) as error:
        _refusal_add(form, error)
        return form, ""
    return form, _("Đã lưu %(progress)s%%") % {"progress": data["progress"]}


def _indicator_row_save(user, form, period):
    if not form.is_valid():
        return form, ""
    data = form.cleaned_data
    try:
        indicator_value_report(
            indicator_id=form.item.pk, user=user, version=data["version"], period=period, value=data.get("value"),
            qualitative_state=data.get("qualitative_state", ""), description=data["description"],
            reason=data["reason"])
    except StaleVersion as stale:
        return _stale(form, stale.current), ""
    except (PermissionDenied, ValidationError) as error:
        _refusal_add(form, error)
        return form, ""
    return form, _("Đã lưu")


def _refusal_add(form, error):
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error))
        return
    add_service_errors(form, error)


def _stale(form, current, **figures):
    """The row's words kept, its version (and figure) replaced by the newer ones, and why."""
    data = form.data.copy()
    data[form.add_prefix("version")] = current.version
    for name, value in figures.items():
        data[form.add_prefix(name)] = value
    item = {"task": current} if isinstance(form, DeskTaskRowForm) else {"indicator": current}
    fresh = type(form)(data, prefix=form.prefix, **item)
    fresh.is_valid()
    fresh.add_error(None, _("Người khác vừa cập nhật mục này; số liệu mới nhất đang hiển thị. Hãy kiểm tra rồi lưu "
                            "lại."))
    return fresh
