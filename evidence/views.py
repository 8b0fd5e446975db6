from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from config.downloads import NO_STORE
from plans.access import can_review

from .forms import ReviewForm
from .models import Evidence
from .selectors import evidence_files_visible_to, evidence_visible_to, pending_evidence, review_groups
from .services import evidence_review

EVIDENCE_PER_PAGE = 20

CONTENT_TYPES = {
    Evidence.Kind.PDF: "application/pdf", Evidence.Kind.JPEG: "image/jpeg", Evidence.Kind.PNG: "image/png",
    Evidence.Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Evidence.Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Evidence.Kind.ODT: "application/vnd.oasis.opendocument.text",
    Evidence.Kind.ODS: "application/vnd.oasis.opendocument.spreadsheet",
}


def _reviewer_required(user):
    if not (user.is_superuser or user.role == user.Role.REVIEWER):
        raise PermissionDenied(_("Chỉ cán bộ thẩm định của Phòng Văn hóa - Xã hội mới mở được trang này."))


@login_required
def review_queue_view(request):
    _reviewer_required(request.user)
    page = Paginator(pending_evidence(request.user), EVIDENCE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "evidence/review_queue.html", {
        "page": page, "groups": review_groups(page.object_list), "form": ReviewForm()})


@login_required
@require_POST
def review_view(request, pk):
    _reviewer_required(request.user)
    evidence = evidence_visible_to(request.user).select_related("task__plan", "indicator__plan").filter(pk=pk).first()
    if evidence is None or not can_review(request.user, evidence.item):
        raise PermissionDenied(_("Bạn không được thẩm định minh chứng này."))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn chấp nhận hoặc trả lại."))
        return redirect("evidence:review_queue")
    data = form.cleaned_data
    try:
        evidence_review(evidence_id=pk, reviewer=request.user, accept=data["decision"] == "accept",
                        reason=data["reason"], note=data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã ghi nhận quyết định thẩm định cho “%(name)s”.") % {"name": evidence.original_name})
    return redirect("evidence:review_queue")


def _file_response(request, pk, *, inline):
    evidence = evidence_files_visible_to(request.user).filter(pk=pk).first()
    if evidence is None:
        # 403, not 404: the file exists but is outside the user's scope, and saying so hides nothing useful.
        raise PermissionDenied(_("Bạn không có quyền xem tệp minh chứng này."))
    inline = inline and evidence.is_previewable
    # FileResponse builds Content-Disposition with Django's content_disposition_header, as file_response does.
    response = FileResponse(evidence.file.open("rb"), as_attachment=not inline, filename=evidence.original_name,
                            content_type=CONTENT_TYPES[evidence.kind])
    response["Cache-Control"] = NO_STORE
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; frame-ancestors 'self'"
    return response


@login_required
def download_view(request, pk):
    return _file_response(request, pk, inline=False)


@login_required
@xframe_options_sameorigin
def preview_view(request, pk):
    return _file_response(request, pk, inline=True)
