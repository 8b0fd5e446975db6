"""Appendix import and export, for admins of the plan's area: thin views over plans/appendix/services.py."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.downloads import xlsx_response

from . import appendix_kind_or_404, editable_plan
from ..appendix.exports import appendix_workbook
from ..appendix.services import (errors_workbook, import_confirm, import_map_units, import_retry, import_undo,
                                import_upload)
from ..forms import AppendixUploadForm, add_service_errors
from ..models import AppendixImport, Plan
from ..units import area_units


@login_required
def appendix_upload_view(request, slug):
    plan = editable_plan(request.user, slug)
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
    plan = editable_plan(user, slug)
    return get_object_or_404(AppendixImport.objects.select_related("plan", "uploaded_by", "undone_by"), plan=plan, pk=pk)


@login_required
def appendix_import_view(request, slug, pk):
    record = _import_record(request.user, slug, pk)
    context = {"plan": record.plan, "record": record, "summary": record.summary,
               "units": area_units(record.plan.area)}
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
@require_POST
def appendix_retry_view(request, slug, pk):
    record = _import_record(request.user, slug, pk)
    try:
        import_retry(record, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("plans:appendix_import", slug=slug, pk=pk)


@login_required
@require_POST
def appendix_undo_view(request, slug, pk):
    record = _import_record(request.user, slug, pk)
    try:
        record = import_undo(record, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if record.status == AppendixImport.Status.UNDONE:
            messages.success(request, _("Đã hoàn tác lần nhập: các mục đã thêm bị xoá, các mục đã sửa trở lại như "
                                        "trước."))
    # A larger undo runs as a job: its page shows its progress, then its outcome.
    return redirect("plans:appendix_import", slug=slug, pk=pk)


@login_required
def appendix_errors_view(request, slug, pk):
    record = _import_record(request.user, slug, pk)
    if not (record.errors_file or record.file):
        raise Http404
    name = f"loi-{record.original_name.rsplit('.', 1)[0]}.xlsx"
    return xlsx_response(errors_workbook(record), name)


@login_required
def appendix_export_view(request, slug, kind):
    plan = get_object_or_404(Plan.objects.visible_to(request.user), slug=slug)
    return xlsx_response(appendix_workbook(appendix_kind_or_404(kind), plan), f"{plan.slug}-{kind}.xlsx")


@login_required
def appendix_template_view(request, kind):
    return xlsx_response(appendix_workbook(appendix_kind_or_404(kind)), f"mau-{kind}.xlsx")
