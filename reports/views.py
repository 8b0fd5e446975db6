from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plans.models import Plan, Unit

from .jobs import raise_warnings
from .models import Warning
from .selectors import dashboard, warning_list


@login_required
def warning_list_view(request):
    filters = {key: request.GET.get(key, "") for key in ("unit", "kind", "plan")}
    filters["state"] = request.GET.get("state", "open")
    page = Paginator(warning_list(request.user, **filters), 50).get_page(request.GET.get("page"))
    return render(request, "reports/warning_list.html", {
        "page": page, "filters": filters, "kinds": Warning.Kind.choices,
        "plans": Plan.objects.visible_to(request.user).order_by("slug"),
        "units": Unit.objects.filter(area__in=request.user.area_ids).order_by("name"),
        "can_run": request.user.is_portal_admin,
    })


@login_required
@require_POST
def warning_run_view(request):
    if not request.user.is_portal_admin:
        raise PermissionDenied(_("Chỉ quản trị mới được chạy kiểm tra cảnh báo."))
    raise_warnings.delay_on_commit()
    messages.success(request, _("Đã yêu cầu kiểm tra cảnh báo; kết quả sẽ có sau ít giây, hãy tải lại trang."))
    return redirect("reports:warning_list")


@login_required
def dashboard_view(request):
    return render(request, "reports/dashboard.html", {"rows": dashboard(request.user), "kinds": Warning.Kind})


