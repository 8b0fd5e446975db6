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

from .models import Warning, WarningRun
from .selectors import warning_list
from .services import WarningRunBusy, warning_run_request


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
        "can_run": request.user.is_portal_admin,
        "last_run": WarningRun.objects.first() if request.user.is_portal_admin else None,
    })


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
        messages.error(request, _("Chưa chạy được kiểm tra cảnh báo: hàng đợi công việc đang không phản hồi. "
                                  "Lần chạy đã được ghi lại là thất bại; hãy bấm “Chạy lại” sau ít phút."))
    else:
        messages.success(request, _("Đã yêu cầu kiểm tra cảnh báo; kết quả sẽ có sau ít giây, hãy tải lại trang."))
    return redirect("reports:warning_list")


