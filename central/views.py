import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from config.downloads import StoredFileAltered

from . import mapping, services
from .forms import ExportForm


def _areas(request):
    areas = services.exportable_areas(request.user).order_by("kind", "name")
    if not areas.exists():
        raise PermissionDenied(_("Trang này dành cho lãnh đạo và quản trị của địa bàn."))
    return areas


@login_required
def export_list_view(request):
    areas = _areas(request)
    form = ExportForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.export_request(user=request.user, area=data["area"], kind=data["kind"],
                                             year=data["year"], number=data["number"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if record.status == record.Status.FAILED:
                messages.error(request, record.message)
            else:
                messages.success(request, _("Đã nhận yêu cầu xuất dữ liệu; bản xuất sẽ sẵn sàng sau ít giây."))
            return redirect("central:export_list")
    page = Paginator(services.exports_visible_to(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "central/export_list.html", {"form": form, "page": page, "version": mapping.VERSION})


@login_required
def export_status_view(request, pk):
    record = get_object_or_404(services.exports_visible_to(request.user), pk=pk)
    return render(request, "central/inc/export_row.html", {"record": record})


@login_required
def export_file_view(request, pk, kind):
    record = get_object_or_404(services.exports_visible_to(request.user), pk=pk,
                               status=services.CentralExport.Status.DONE)
    if kind not in services.FILES:
        raise Http404
    try:
        data = services.export_file_read(record, kind)
    except FileNotFoundError as error:
        raise Http404 from error
    except StoredFileAltered:
        return render(request, "central/file_altered.html", {"record": record}, status=500)
    name = f"trung-uong-{record.area.slug}-{record.period_kind}-{record.year}-{record.number}.{kind}"
    response = FileResponse(io.BytesIO(data), as_attachment=True, filename=name,
                            content_type=services.FILES[kind][2])
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def schema_view(request, version):
    """The structure, public: whoever builds the receiving side reads it without an account."""
    if version != mapping.VERSION:
        raise Http404
    response = FileResponse(io.BytesIO(mapping.schema_bytes()), content_type="application/schema+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response
