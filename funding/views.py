from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from plans.forms import add_service_errors
from plans.models import Plan
from tasks.models import Task

from .access import can_enter_funding
from .forms import BudgetShareForm, FundingBaseForm, TaskFundingForm, period_formset
from .models import BudgetShare, FundingBase, FundingPeriod, TaskFunding
from .services import REFUSED, budget_share_save, funding_base_save, task_funding_save


def _entered_task(user, pk):
    try:
        task = Task.objects.get_visible(user, pk)
    except Task.DoesNotExist:
        raise Http404 from None
    if not can_enter_funding(user, task.plan.area):
        raise PermissionDenied(REFUSED)
    return task


@login_required
def task_funding_view(request, pk):
    task = _entered_task(request.user, pk)
    funding = TaskFunding.objects.filter(task=task).first()
    periods = list(FundingPeriod.objects.filter(task=task).order_by("starts_on"))
    initial = {"planned_amount": funding.planned_amount, "source": funding.source, "note": funding.note} if funding else {}
    data = request.POST if request.method == "POST" else None
    form, formset = TaskFundingForm(data, initial=initial), period_formset(task, periods, data)
    if data is not None and form.is_valid() & formset.is_valid():
        try:
            task_funding_save(task_id=task.pk, user=request.user, planned_amount=form.cleaned_data["planned_amount"],
                              source=form.cleaned_data["source"], note=form.cleaned_data["note"],
                              periods=formset.entries())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu kinh phí của nhiệm vụ %(ordinal)s.") % {"ordinal": task.ordinal})
            return redirect(task.get_absolute_url())
    status = 400 if data is not None else 200
    return render(request, "funding/task_funding.html", {"task": task, "form": form, "formset": formset},
                  status=status)


@login_required
def plan_funding_view(request, slug):
    plan = Plan.objects.visible_to(request.user).select_related("area").filter(slug=slug).first()
    if plan is None:
        raise Http404
    if not can_enter_funding(request.user, plan.area):
        raise PermissionDenied(REFUSED)
    share = BudgetShare.objects.filter(plan=plan).first()
    action = request.POST.get("action") if request.method == "POST" else None
    share_form = BudgetShareForm(request.POST if action == "share" else None, prefix="share", initial={
        "percent": share.percent, "base_kind": share.base_kind, "purpose": share.purpose} if share else {})
    base_form = FundingBaseForm(request.POST if action == "base" else None, prefix="base")
    form = {"share": share_form, "base": base_form}.get(action)
    if request.method == "POST" and form is None:
        return redirect(request.path)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "share":
                budget_share_save(plan_id=plan.pk, user=request.user, percent=data["percent"],
                                  base_kind=data["base_kind"], purpose=data["purpose"])
            else:
                funding_base_save(area_id=plan.area_id, user=request.user, year=data["year"], kind=data["kind"],
                                  amount=data["amount"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu tỷ lệ chi của kế hoạch.") if action == "share"
                             else _("Đã lưu số liệu năm %(year)s.") % {"year": data["year"]})
            return redirect(plan.get_absolute_url() + "#funding")
    return render(request, "funding/plan_funding.html", {
        "plan": plan, "share_form": share_form, "base_form": base_form,
        "bases": FundingBase.objects.filter(area=plan.area_id).select_related("updated_by"),
    }, status=400 if form is not None else 200)
