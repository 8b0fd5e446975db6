"""Cascade pages: linking an item to the higher item it carries out, and a province plan's coverage."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..cascade import item_link, plan_coverage
from ..item_kinds import ITEM_KIND_NAMES, item_kind
from ..models import Plan
from ..writes import StaleVersion


@login_required
@require_POST
def item_link_view(request, kind, pk):
    if kind not in ITEM_KIND_NAMES:
        raise Http404
    model = item_kind(kind).model
    item = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    target = request.POST.get("target", "")
    version = request.POST.get("version", "")
    try:
        item_link(model=model, item_id=item.pk, user=request.user, version=int(version) if version.isdigit() else -1,
                  target_id=int(target) if target.isdigit() else None)
    except StaleVersion:
        messages.error(request, _("Mục này vừa được người khác sửa; hãy xem lại rồi liên kết lại."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã lưu liên kết với kế hoạch cấp trên."))
    return redirect(item.get_absolute_url())


@login_required
def plan_coverage_view(request, slug):
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("area"), slug=slug)
    return render(request, "plans/plan_coverage.html", {"plan": plan, **plan_coverage(plan, request.user)})
