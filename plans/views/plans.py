"""Plans: their list and page, and their administration for admins of the area (thin views over
plans/services.py)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import appendix_kind_or_404, editable_plan
from ..access import portal_admin_required
from ..forms import ITEM_FORMS, LegalDocumentForm, PlanForm, ReasonForm, SectionForm, add_service_errors
from ..history_rows import history_rows
from ..item_kinds import item_model
from ..models import LegalDocument, Plan
from ..selectors import (plan_document, plan_item_history, plan_list, plan_structure, plan_with_references,
                         shown_digest)
from ..services import (item_delete, item_move, item_save, legal_document_save, plan_issue, plan_save, section_move,
                        section_save)
from ..writes import StaleVersion

PLANS_PER_PAGE = 25


@login_required
def plan_list_view(request):
    filters = {"area": request.GET.get("area", "").strip(), "status": request.GET.get("status", ""),
               "query": request.GET.get("q", "").strip()}
    page = Paginator(plan_list(request.user, **filters), PLANS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "plans/plan_list.html", {
        "page": page, "filters": filters,
        "statuses": Plan.Status.choices,
    })


@login_required
def plan_detail_view(request, slug):
    try:
        plan = plan_with_references(request.user, slug)
    except Plan.DoesNotExist:
        raise Http404 from None
    rows, clears = plan_document(plan, section=request.GET.get("section"), page=request.GET.get("page"))
    history, item_history = history_rows(plan, limit=20), plan_item_history(plan, limit=20)
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "rows": rows, "history": history, "clears": clears,
        "can_edit": Plan.objects.editable_by(request.user).filter(pk=plan.pk).exists(),
        # The two change lists, laid out once and kept in the fragments cache under a digest of their rows.
        "item_history": item_history, "history_key": shown_digest("plan", history, item_history),
    })


# Plan administration for admins of the area: thin views over plans/services.py.

@portal_admin_required
def manage_view(request):
    plans = plan_list(request.user).filter(pk__in=Plan.objects.editable_by(request.user).values("pk"))
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "plans/manage/overview.html", {"page": page})


def _save_form(request, form, save, *, success, template, context):
    """Run a service on a valid form; its refusal is shown on the form, with nothing changed."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except StaleVersion:
            form.add_error(None, _("Người khác vừa sửa mục này; hãy mở lại trang để xem nội dung mới nhất."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(saved)
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


@portal_admin_required
def plan_create_view(request):
    form = PlanForm(request.POST or None, user=request.user)

    def save(data):
        plan = plan_save(user=request.user, area=data["area"], values=form.values(), legal_basis=data["legal_basis"],
                         implements=data["implements"])
        return reverse("plans:plan_structure", args=[plan.slug])

    return _save_form(request, form, save, success=_("Đã tạo kế hoạch dự thảo."), template="plans/manage/form.html",
                      context={"title": _("Tạo kế hoạch")})


@login_required
def plan_edit_view(request, slug):
    plan = editable_plan(request.user, slug)
    form = PlanForm(request.POST or None, instance=plan, user=request.user)

    def save(data):
        plan_save(user=request.user, plan=plan, values=form.values(), legal_basis=data["legal_basis"],
                  implements=data["implements"], reason=data.get("reason", ""))
        return reverse("plans:plan_structure", args=[plan.slug])

    return _save_form(request, form, save, success=_("Đã lưu kế hoạch."), template="plans/manage/form.html",
                      context={"title": _("Sửa kế hoạch %(reference)s") % {"reference": plan.reference}, "plan": plan})


@login_required
@require_POST
def plan_issue_view(request, slug):
    plan = editable_plan(request.user, slug)
    try:
        plan_issue(user=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã ban hành kế hoạch %(reference)s.") % {"reference": plan.reference})
    return redirect("plans:plan_structure", slug=slug)


@login_required
def plan_structure_view(request, slug):
    plan = editable_plan(request.user, slug)
    return render(request, "plans/manage/plan_structure.html", {
        "plan": plan, "rows": plan_structure(plan), "issued": plan.status != Plan.Status.DRAFT,
        "moves": [("up", _("Lên")), ("down", _("Xuống"))], "item_history": plan_item_history(plan, limit=30),
    })


@login_required
def section_form_view(request, slug, pk=None):
    plan = editable_plan(request.user, slug)
    section = get_object_or_404(plan.sections, pk=pk) if pk else None
    form = SectionForm(request.POST or None, instance=section, plan=plan)

    def save(data):
        section_save(user=request.user, plan=plan, section=section, values=form.values(), reason=data.get("reason", ""))
        return reverse("plans:plan_structure", args=[plan.slug])

    return _save_form(request, form, save, success=_("Đã lưu mục."), template="plans/manage/form.html",
                      context={"plan": plan, "title": _("Sửa mục") if section else _("Thêm mục")})


@login_required
@require_POST
def section_move_view(request, slug, pk, direction):
    plan = editable_plan(request.user, slug)
    section = get_object_or_404(plan.sections, pk=pk)
    return _structure_action(request, plan, lambda reason: section_move(
        user=request.user, section=section, direction=_direction(direction), reason=reason))


def _structure_action(request, plan, action):
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        action(form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("plans:plan_structure", slug=plan.slug)


def _direction(direction):
    if direction not in ("up", "down"):
        raise Http404
    return direction


def _plan_item(plan, kind, pk):
    return get_object_or_404(item_model(appendix_kind_or_404(kind)).objects.filter(plan=plan), pk=pk)


@login_required
def item_form_view(request, slug, kind, pk=None):
    kind = appendix_kind_or_404(kind)
    plan = editable_plan(request.user, slug)
    item = _plan_item(plan, kind, pk) if pk else None
    form = ITEM_FORMS[kind](request.POST or None, instance=item, plan=plan,
                            initial={"version": item.version} if item else None)

    def save(data):
        saved = item_save(user=request.user, plan=plan, kind=kind, item_id=pk, version=data["version"],
                          values=form.values(), lead_units=data["lead_units"], support_units=data["support_units"],
                          reason=data.get("reason", ""))
        return saved.get_absolute_url()

    title = {("indicators", True): _("Sửa chỉ tiêu"), ("indicators", False): _("Thêm chỉ tiêu"),
             ("tasks", True): _("Sửa nhiệm vụ"), ("tasks", False): _("Thêm nhiệm vụ")}[kind, bool(item)]
    return _save_form(request, form, save, success=_("Đã lưu."), template="plans/manage/form.html",
                      context={"plan": plan, "title": title})


@login_required
@require_POST
def item_move_view(request, slug, kind, pk, direction):
    plan = editable_plan(request.user, slug)
    item = _plan_item(plan, kind, pk)
    return _structure_action(request, plan, lambda reason: item_move(
        user=request.user, item=item, direction=_direction(direction), reason=reason))


@login_required
@require_POST
def item_delete_view(request, slug, kind, pk):
    plan = editable_plan(request.user, slug)
    item = _plan_item(plan, kind, pk)
    response = _structure_action(request, plan, lambda reason: item_delete(user=request.user, item=item, reason=reason))
    if not type(item).objects.filter(pk=pk).exists():
        messages.success(request, _("Đã xóa %(item)s.") % {"item": item})
    return response


# Legal documents plans cite.

@portal_admin_required
def document_list_view(request):
    documents = LegalDocument.objects.usable_by(request.user).select_related("area").order_by("-issued_on", "reference")
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    editable = set(LegalDocument.objects.editable_by(request.user).filter(pk__in=[d.pk for d in page])
                   .values_list("pk", flat=True))
    return render(request, "plans/manage/document_list.html", {"page": page, "editable": editable})


@portal_admin_required
def document_form_view(request, pk=None):
    document = None
    if pk:
        document = get_object_or_404(LegalDocument.objects.usable_by(request.user), pk=pk)
        if not LegalDocument.objects.editable_by(request.user).filter(pk=pk).exists():
            raise PermissionDenied(_("Văn bản này dùng chung hoặc được kế hoạch của địa bàn khác trích dẫn; "
                                     "chỉ quản trị hệ thống được sửa."))
    form = LegalDocumentForm(request.POST or None, instance=document, user=request.user)

    def save(data):
        legal_document_save(user=request.user, document=document, area=data.get("area"), values=form.values())
        return reverse("plans:document_list")

    return _save_form(request, form, save, success=_("Đã lưu văn bản."), template="plans/manage/form.html",
                      context={"title": _("Sửa văn bản") if document else _("Thêm văn bản")})
