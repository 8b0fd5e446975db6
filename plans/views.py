from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.downloads import file_response

from .appendix import INDICATORS, TASKS
from .history import history_rows
from .exports import appendix_workbook
from .forms import AppendixUploadForm, add_service_errors
from .imports import errors_workbook, import_confirm, import_map_units, import_upload
from .models import AppendixImport, Plan, Unit
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
        "plan": plan, "rows": plan_document(plan), "history": history_rows(plan, limit=20),
        "can_edit": Plan.objects.editable_by(request.user).filter(pk=plan.pk).exists(),
    })


# Appendix import and export, for admins of the plan's area.

def _editable_plan(user, slug):
    plan = Plan.objects.editable_by(user).select_related("area").filter(slug=slug).first()
    if plan is None:
        if Plan.objects.visible_to(user).filter(slug=slug).exists():
            raise PermissionDenied(_("Chỉ quản trị của địa bàn mới được nhập phụ lục cho kế hoạch này."))
        raise Http404
    return plan


@login_required
def appendix_upload_view(request, slug):
    plan = _editable_plan(request.user, slug)
    form = AppendixUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = import_upload(plan=plan, user=request.user, upload=form.cleaned_data["file"],
                                   kind=form.cleaned_data["kind"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("plans:appendix_import", slug=plan.slug, pk=record.pk)
    return render(request, "plans/appendix_upload.html", {"plan": plan, "form": form,
                                                          "recent": plan.imports.select_related("uploaded_by")[:10]},
                  status=400 if form.errors else 200)


def _import_record(user, slug, pk):
    plan = _editable_plan(user, slug)
    return get_object_or_404(AppendixImport.objects.select_related("plan", "uploaded_by"), plan=plan, pk=pk)


@login_required
def appendix_import_view(request, slug, pk):
    record = _import_record(request.user, slug, pk)
    context = {"plan": record.plan, "record": record, "summary": record.summary,
               "units": Unit.objects.filter(Q(area=record.plan.area) | Q(area=record.plan.area.parent_id)).order_by("name")}
    if request.htmx:
        return render(request, "plans/inc/import_status.html", context)
    return render(request, "plans/appendix_import.html", context)


@login_required
@require_POST
def appendix_map_units_view(request, slug, pk):
    record = _import_record(request.user, slug, pk)
    # Each choice travels with the name it is for, so a preview that changed meanwhile cannot mismatch them.
    known = record.summary.get("unknown_units", {})
    mapping = {}
    for key, name in request.POST.items():
        if key.startswith("name-") and name in known:
            mapping[name] = request.POST.get(f"unit-{key.removeprefix('name-')}", "")
    import_map_units(record, mapping)
    return redirect("plans:appendix_import", slug=slug, pk=pk)


@login_required
@require_POST
def appendix_confirm_view(request, slug, pk):
    record = _import_record(request.user, slug, pk)
    if record.status != AppendixImport.Status.PREVIEWED or not record.summary.get("can_import"):
        messages.error(request, _("Tệp còn lỗi hoặc đơn vị chưa xác định; hãy sửa rồi tải lên lại."))
        return redirect("plans:appendix_import", slug=slug, pk=pk)
    import_confirm(record, request.user)
    record.refresh_from_db()
    if record.status == AppendixImport.Status.DONE:
        counts = record.summary["imported"]
        messages.success(request, _("Đã nhập phụ lục: %(new)s dòng mới, %(changed)s dòng cập nhật, %(unchanged)s "
                                    "dòng không đổi.") % counts)
    return redirect("plans:appendix_import", slug=slug, pk=pk)


@login_required
def appendix_errors_view(request, slug, pk):
    record = _import_record(request.user, slug, pk)
    return _xlsx_response(errors_workbook(record), f"loi-{record.original_name}")


@login_required
def appendix_export_view(request, slug, kind):
    plan = get_object_or_404(Plan.objects.visible_to(request.user), slug=slug)
    return _xlsx_response(appendix_workbook(_kind(kind), plan), f"{plan.slug}-{kind}.xlsx")


@login_required
def appendix_template_view(request, kind):
    return _xlsx_response(appendix_workbook(_kind(kind)), f"mau-{kind}.xlsx")


def _kind(kind):
    if kind not in (INDICATORS, TASKS):
        raise Http404
    return kind


def _xlsx_response(data, filename):
    return file_response(data, filename=filename,
                         content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
