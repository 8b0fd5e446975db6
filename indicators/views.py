from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.access import can_report
from plans.cascade import cascade_panel
from plans.history_rows import history_rows
from plans.models import Plan
from plans.writes import StaleVersion

from evidence.forms import evidence_form_bind, evidence_service_errors, uploads_close
from evidence.pending import pending_uploads_clear

from .forms import IndicatorReportForm
from .models import Direction, Indicator
from .services import indicator_direction_set, indicator_value_report
from .targets import target_applying


def _visible_indicator(user, pk):
    try:
        return (Indicator.objects.select_related("section", "contributes_to", "officer").get_visible(user, pk)
                .units_load())
    except Indicator.DoesNotExist:
        raise Http404 from None


@login_required
def indicator_detail_view(request, pk):
    indicator = _visible_indicator(request.user, pk)
    can_edit = Plan.objects.editable_by(request.user).filter(pk=indicator.plan_id).exists()
    return render(request, "indicators/indicator_detail.html", {
        "indicator": indicator, "history": history_rows(indicator), **_year_targets(indicator),
        "reports": indicator.reports.select_related("author")[:50],
        "evidence_rows": indicator.evidence.select_related("uploaded_by", "reviewed_by").order_by("-uploaded_at"),
        "can_report": can_report(request.user, indicator),
        "cascade": cascade_panel(indicator, request.user, can_edit=can_edit), "can_edit": can_edit,
        "directions": Direction.choices,
    })


def _year_targets(indicator):
    """The indicator's targets by year and the one that applies today (one query)."""
    targets = list(indicator.targets.all())
    return {"year_targets": targets, "applying": target_applying(indicator, targets, timezone.localdate())}


@login_required
@require_POST
def indicator_direction_view(request, pk):
    indicator = _visible_indicator(request.user, pk)
    version = request.POST.get("version", "")
    try:
        indicator_direction_set(indicator_id=indicator.pk, user=request.user, direction=request.POST.get("direction", ""),
                                version=int(version) if version.isdigit() else -1)
    except StaleVersion:
        messages.error(request, _("Chỉ tiêu vừa được người khác cập nhật; hãy xem lại rồi đổi lại."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã lưu chiều đánh giá của chỉ tiêu."))
    return redirect(indicator.get_absolute_url())


@login_required
def indicator_report_view(request, pk):
    indicator = _visible_indicator(request.user, pk)
    if not can_report(request.user, indicator):
        raise PermissionDenied(_("Chỉ cán bộ của đơn vị chủ trì mới được báo cáo chỉ tiêu này."))
    status = 200
    if request.method == "POST":
        # Chosen files are stored at once, as the task's form does, so a refused save never asks for them again.
        form, valid = evidence_form_bind(IndicatorReportForm, request=request, item=indicator, indicator=indicator)
        if valid:
            data = form.cleaned_data
            uploads = form.uploads()
            try:
                indicator_value_report(
                    indicator_id=indicator.pk, user=request.user, version=data["version"], period=data["period"],
                    value=data.get("value"), qualitative_state=data.get("qualitative_state", ""),
                    description=data["description"], uploads=uploads, reason=data["reason"])
            except StaleVersion as stale:
                indicator, status = stale.current, 409
                form = IndicatorReportForm(initial={"version": stale.current.version, "period": data["period"],
                                                    **_kept(form)}, indicator=stale.current, attached=form.attached)
                form.add_error(None, _("Người khác vừa báo cáo chỉ tiêu này; số liệu mới nhất đang hiển thị. "
                                       "Hãy kiểm tra rồi gửi lại."))
            except ValidationError as error:
                evidence_service_errors(form, error)
            else:
                uploads_close(uploads)
                pending_uploads_clear(user=request.user, item=indicator)
                messages.success(request, _("Đã lưu kết quả chỉ tiêu %(ordinal)s.") % {"ordinal": indicator.ordinal})
                return redirect(indicator.get_absolute_url())
            uploads_close(uploads)
        if form.errors and status == 200:
            status = 400
    else:
        form = IndicatorReportForm(indicator=indicator, initial={
            "version": indicator.version, "period": timezone.localdate().replace(day=1), "value": indicator.current_value})
    return render(request, "indicators/indicator_report.html", {"indicator": indicator, "form": form,
                                                                **_year_targets(indicator)}, status=status)


def _kept(form):
    """The kept files' ids and descriptions of a form refused as stale, for the form shown again."""
    return {name: form.data.get(name, "") for slot in form.attached for name in (f"pending_{slot}", f"description_{slot}")}
