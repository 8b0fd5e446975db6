from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from .models import Plan
from .selectors import plan_document, plan_filter_areas, plan_list, plan_with_references

PLANS_PER_PAGE = 25


@login_required
def plan_list_view(request):
    filters = {"area": request.GET.get("area", ""), "status": request.GET.get("status", ""),
               "query": request.GET.get("q", "").strip()}
    page = Paginator(plan_list(request.user, **filters), PLANS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "plans/plan_list.html", {
        "page": page, "filters": filters, "areas": plan_filter_areas(request.user),
        "statuses": Plan.Status.choices,
    })


@login_required
def plan_detail_view(request, slug):
    try:
        plan = plan_with_references(Plan.objects.visible_to(request.user), slug)
    except Plan.DoesNotExist:
        raise Http404
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "rows": plan_document(plan),
        "can_edit": Plan.objects.editable_by(request.user).filter(pk=plan.pk).exists(),
    })
