from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plans.models import Area, Plan, Unit

from ..models import Warning, WarningRun
from ..selectors import warning_list
from ..services import WarningRunBusy, warning_run_request


@login_required
def warning_list_view(request):
    filters = {key: request.GET.get(key, "") for key in ("unit", "kind", "plan", "area")}
    filters["state"] = request.GET.get("state", "open")
    page = Paginator(warning_list(request.user, **filters), 50).get_page(request.GET.get("page"))
    # A commune's warnings, opened from the province's view: its units join the unit filter.
    area = Area.objects.communes_visible_to(request.user).filter(slug=filters["area"]).first() if filters["area"] else None
    return render(request, "reports/warning_list.html", {
        "page": page, "filters": filters, "kinds": Warning.Kind.choices, "area": area,
        "plans": Plan.objects.visible_to(request.user).order_by("slug"),
        "units": Unit.objects.filter(Q(area__in=request.user.area_ids) | Q(area=area)).order_by("name"),
        "can_run": request.user.is_portal_admin, **_last_run(request.user),
    })


def _last_run(user):
    """The last check, as far as the user's area goes: a check runs over every area, so its time and state are
    shown to every admin, but who asked for it only within their areas, and the counts only for the user's area
    (all of them for a superuser)."""
    if not user.is_portal_admin:
        return {"last_run": None}
    run = WarningRun.objects.select_related("requested_by").first()
    if run is None:
        return {"last_run": None}
    by = run.requested_by
    # A name within the user's areas: someone of their own area or, for a province, of one of its communes.
    shown = by is not None and (user.is_superuser or bool((by.area_ids | by.parent_area_ids) & user.area_ids))
    return {"last_run": run, "run_by": by if shown else None,
            "open_here": None if user.is_superuser else warning_list(user, state="open").count()}


@login_required
@require_POST
def warning_run_view(request):
    if not request.user.is_portal_admin:
        raise PermissionDenied(_("Chỉ quản trị mới được chạy kiểm tra cảnh báo."))
    try:
        run = warning_run_request(user=request.user)
    except WarningRunBusy as busy:
        messages.info(request, _("Một lần kiểm tra cảnh báo đang chạy (yêu cầu lúc %(time)s); kết quả sẽ có khi "
                                 "lần đó xong, không cần bấm lại.") % {
            "time": timezone.localtime(busy.run.requested_at).strftime("%H:%M:%S") if busy.run else "—"})
        return redirect("reports:warning_list")
    if run.state == WarningRun.State.FAILED:
        messages.error(request, _("Chưa chạy được kiểm tra cảnh báo: %(reason)s Lần chạy đã được ghi lại là thất bại; "
                                  "hãy bấm “Chạy lại” sau ít phút.") % {"reason": run.error})
    else:
        messages.success(request, _("Đã yêu cầu kiểm tra cảnh báo; kết quả sẽ có sau ít giây, hãy tải lại trang."))
    return redirect("reports:warning_list")


