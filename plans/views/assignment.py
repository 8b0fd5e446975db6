"""Pages for a plan's admins: the assignment table, its workbook import, and the six clears."""
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.downloads import xlsx_response
from people.forms import PersonForm
from people.models import User
from people.services import user_save, username_suggest

from ..assignment import (
    FIELDS, Change, assignment_import_confirm, assignment_officer_spread, assignment_officers, assignment_save,
    assignment_upload, current_values, item_key, item_label,
)
from ..assignment_workbook import assignment_workbook
from ..clears import CLEARS, lead_units_without_officer
from ..forms import AssignmentUploadForm
from ..item_kinds import ITEM_KIND_NAMES
from ..forms import add_service_errors
from ..models import AssignmentImport, Plan, Unit
from ..selectors import plan_clears_summary, plan_item_keys, plan_items_hydrate
from ..units import area_units
from . import editable_plan

ITEMS_PER_PAGE = 50
_ONLY_ADMINS = gettext_lazy("Chỉ quản trị của địa bàn mới được phân công nhiệm vụ của kế hoạch này.")


def _filters(request):
    section = request.GET.get("section", "")
    return {"kind": request.GET.get("kind", "") if request.GET.get("kind") in ITEM_KIND_NAMES else "",
            "section": section if section.isdigit() else "",
            "missing": request.GET.get("missing", "") if request.GET.get("missing") in (*CLEARS, "any") else "",
            "query": request.GET.get("q", "").strip(), "only": request.GET.get("only", "")}


def _row(item, values=None, *, selected=False, initial=None):
    current = current_values(item)
    return {"item": item, "key": item_key(item), "label": item_label(item), "values": values or current,
            "version": item.version,
            "initial": initial if initial is not None else json.dumps(current), "selected": selected}


def _ids(values):
    return sorted({int(value) for value in values if value.isdigit()})


def _posted(post, prefix):
    officer = post.get(f"{prefix}-officer", "")
    return {"lead_units": _ids(post.getlist(f"{prefix}-lead_units")),
            "support_units": _ids(post.getlist(f"{prefix}-support_units")),
            "officer": int(officer) if officer.isdigit() else None,
            **{name: post.get(f"{prefix}-{name}", "").strip() for name in ("product", "timeline", "authority")}}


def _bulk(post):
    """What the "apply to the ticked rows" bar sets: only the fields filled in."""
    values = _posted(post, "bulk")
    return {name: value for name, value in values.items() if value not in ([], None, "")}


def _changes(plan, post):
    """The rows of the page as posted, each with the fields changed since the page was shown, and the ticked rows
    the bar's officer was not given to (they are not of its lead units)."""
    rows, changes = [], []
    bulk, selected = _bulk(post), set(post.getlist("selected"))
    officer = bulk.pop("officer", None)
    posted = {key: _posted(post, key) | (bulk if key in selected else {}) for key in post.getlist("row")}
    left_out = assignment_officer_spread(
        plan=plan, officer=officer, rows={key: values for key, values in posted.items() if key in selected}) \
        if officer else []
    for key, values in posted.items():
        try:
            initial = json.loads(post.get(f"{key}-initial", ""))
        except ValueError:
            initial = {}
        version = post.get(f"{key}-version", "")
        changed = {name: value for name, value in values.items() if name in FIELDS and initial.get(name) != value}
        changes.append(Change(key=key, version=int(version) if version.isdigit() else -1, values=changed))
        rows.append((key, values, key in selected, post.get(f"{key}-initial", "")))
    return rows, changes, left_out


@login_required
def assignment_view(request, slug):
    plan = editable_plan(request.user, slug, _ONLY_ADMINS)
    filters = _filters(request)
    status, errors = 200, []
    posted = {}
    if request.method == "POST":
        rows, changes, left_out = _changes(plan, request.POST)
        try:
            changed = assignment_save(plan=plan, user=request.user, changes=changes,
                                      reason=request.POST.get("reason", ""))
        except ValidationError as error:
            errors, status = error.messages, 400
            posted = {key: (values, selected, initial) for key, values, selected, initial in rows}
        else:
            messages.success(request, _("Đã lưu phân công cho %(count)s mục.") % {"count": changed})
            if left_out:
                messages.warning(request, _(
                    "Cán bộ đã chọn không thuộc đơn vị chủ trì của %(items)s nên chưa được giao các mục này; "
                    "hãy chọn cán bộ của đơn vị chủ trì cho từng mục.") % {"items": ", ".join(left_out)})
            return redirect(request.get_full_path())
    page = Paginator(plan_item_keys(plan, **filters), ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for item in plan_items_hydrate(list(page.object_list)):
        key = item_key(item)
        if key in posted:
            values, selected, initial = posted[key]
            rows.append(_row(item, values, selected=selected, initial=initial))
        else:
            rows.append(_row(item))
    officers = list(assignment_officers(plan))
    choosable = {officer.pk for officer in officers}
    for row in rows:  # an officer whose account was closed stays shown, so a save does not drop them unasked
        if row["item"].officer_id and row["item"].officer_id not in choosable:
            row["closed_officer"] = row["item"].officer
    units = list(area_units(plan.area))
    for unit in units:
        unit.label = unit.name if unit.area_id == plan.area_id else f"{unit.name} ({unit.area})"
    return render(request, "plans/assignment.html", {
        "plan": plan, "page": page, "rows": rows, "filters": filters, "errors": errors,
        "units": units, "officers": officers,
        "sections": plan.sections.order_by("position"), "clears": CLEARS.items(),
        "reason": request.POST.get("reason", ""),
    }, status=status)


@login_required
def plan_clears_view(request, slug):
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("area"), slug=slug)
    missing = request.GET.get("missing", "any")
    filters = {"missing": missing if missing in CLEARS else "any"}
    page = Paginator(plan_item_keys(plan, **filters), ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "plans/plan_clears.html", {
        "plan": plan, "page": page, "items": plan_items_hydrate(list(page.object_list)), "filters": filters,
        "summary": plan_clears_summary([plan.pk])[plan.pk], "clears": CLEARS.items(),
        "can_edit": Plan.objects.editable_by(request.user).filter(pk=plan.pk).exists(),
        "without_officer": lead_units_without_officer(plan),
    })


@login_required
def plan_clears_officer_view(request, slug, unit_pk):
    """An officer account for a lead unit of the plan that has none, from the six-clears page: the people page's
    form and service (`people.services.user_save`), the unit, a username and a name filled in."""
    plan = editable_plan(request.user, slug, _ONLY_ADMINS)
    unit = get_object_or_404(lead_units_without_officer(plan).filter(
        area=plan.area, pk__in=Unit.objects.administered_by(request.user).values("pk")), pk=unit_pk)
    form = PersonForm(request.POST or None, actor=request.user, initial={
        "username": username_suggest(unit.slug), "role": User.Role.OFFICER, "units": [unit.pk], "is_active": True,
        "first_name": _("Cán bộ %(unit)s (%(area)s)") % {"unit": unit.name, "area": unit.area}})
    form.fields["units"].queryset = Unit.objects.filter(pk=unit.pk).select_related("area")
    if request.method == "POST" and form.is_valid():
        try:
            person = user_save(actor=request.user, values=form.values(), units=form.cleaned_data["units"],
                               password=form.cleaned_data["password"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã tạo tài khoản %(username)s cho %(unit)s: giờ có thể giao cho người này các "
                                        "mục đơn vị chủ trì.") % {"username": person.username, "unit": unit.name})
            return redirect("plans:plan_clears", slug=plan.slug)
    return render(request, "plans/plan_clears_officer.html", {"plan": plan, "unit": unit, "form": form},
                  status=400 if form.errors else 200)


# The "Phân công nhiệm vụ" workbook: upload, preview item by item, confirm.

@login_required
def assignment_upload_view(request, slug):
    plan = editable_plan(request.user, slug, _ONLY_ADMINS)
    form = AssignmentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = assignment_upload(plan=plan, user=request.user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            return redirect("plans:assignment_import", slug=plan.slug, pk=record.pk)
    return render(request, "plans/assignment_upload.html", {"plan": plan, "form": form},
                  status=400 if form.errors else 200)


def _assignment_import(user, slug, pk):
    plan = editable_plan(user, slug, _ONLY_ADMINS)
    return get_object_or_404(AssignmentImport.objects.select_related("plan", "uploaded_by"), plan=plan, pk=pk)


@login_required
def assignment_import_view(request, slug, pk):
    record = _assignment_import(request.user, slug, pk)
    context = {"plan": record.plan, "record": record, "summary": record.summary}
    if request.htmx:  # the state block polls itself while the job is queued or running
        if request.GET.get("reading") and record.status != AssignmentImport.Status.READING:
            return HttpResponse(headers={"HX-Refresh": "true"})  # read: the whole page now has a preview to show
        return render(request, "plans/assignment_import_status.html", context)
    return render(request, "plans/assignment_import.html", context)


@login_required
@require_POST
def assignment_import_confirm_view(request, slug, pk):
    record = _assignment_import(request.user, slug, pk)
    try:
        record = assignment_import_confirm(record=record, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("plans:assignment_import", slug=slug, pk=pk)
    if record.status != AssignmentImport.Status.DONE:  # a job applies it: its page shows how it goes
        return redirect("plans:assignment_import", slug=slug, pk=pk)
    messages.success(request, _("Đã áp dụng bảng phân công: %(count)s mục được cập nhật.")
                     % {"count": record.applied_count})
    return redirect("plans:assignment", slug=slug)


@login_required
def assignment_export_view(request, slug):
    plan = editable_plan(request.user, slug, _ONLY_ADMINS)
    return xlsx_response(assignment_workbook(plan), f"phan-cong-{plan.slug}.xlsx")
