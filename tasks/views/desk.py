"""The month at a desk ("Cập nhật nhiều mục"): a table of the officer's own items; tasks.desk.desk_rows_save saves
each row on its own."""
import hashlib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.access import reports_for_lead_units

from ..desk import desk_row_form, desk_rows_save
from ..forms import DeskPeriodForm
from ..selectors import desk_rows, desk_rows_hydrate, work_rows_order
from .work import _visit_began

DESK_ROWS_PER_PAGE = 40  # two months of a commune office's items fit one page, one request saves them all


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
        period = period_form.cleaned_data["period"] if period_form.is_valid() else None
        outcomes, summary = desk_rows_save(user=user, kind=kind, rows=rows(), data=request.POST, period=period)
        status = 400 if summary["refused"] or summary["forged"] or period_form.errors else 200
    page = Paginator(rows(), DESK_ROWS_PER_PAGE).get_page(params.get("page"))
    desk_rows_hydrate(page.object_list)
    for row in page.object_list:  # a refused row keeps what was typed; a saved one shows its new figures
        form, row.saved = outcomes.get(row.pk, (None, ""))
        row.form = form or desk_row_form(kind, row.item)
    query = QueryDict(mutable=True)
    query.update({"kind": f"{kind}s", "visit": stamp, **{name: value for name, value in
                                                         (("plan", filters["plan"]), ("q", filters["query"])) if value}})
    return render(request, "tasks/desk.html", {
        "kind": kind, "page": page, "filters": filters, "visit": stamp, "period_form": period_form,
        "summary": summary, "page_query": query.urlencode(),
    }, status=status)
