"""Pages of the report register: list, report, inbox, completeness, answers, reporting rules."""
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plans.access import can_edit_reporting_rules, can_prepare, can_receive_for, can_receive_report, is_unit_head
from plans.models import Area, Plan
from plans.units import area_units

from .. import register
from ..forms import (DifficultyAnswerForm, IssueForm, NarrativeForm, NextNumberForm, ReportDetailsForm,
                    ReportingRuleAddForm, ReportingRuleForm, ReturnForm, SignedCopyForm)
from ..models import Difficulty, Report, ReportingRule, ReportJob, ReportKind, ReportNumber
from ..selectors import completeness, draft_choices, inbox, preparable_areas, report_difficulties, report_list


def _error_text(error):
    return " ".join(error.messages)


def _form_errors(form):
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _visible_report(request, pk):
    return get_object_or_404(Report.objects.visible_to(request.user).select_related("area", "plan", "recipient_unit",
                                                                                     "unit"), pk=pk)


@login_required
def report_list_view(request):
    filters = {key: request.GET.get(key, "") for key in ("kind", "status", "area")}
    page = Paginator(report_list(request.user, **filters), 30).get_page(request.GET.get("page"))
    areas = preparable_areas(request.user)
    return render(request, "reports/report_list.html", {
        "page": page, "filters": filters, "kinds": ReportKind.choices, "statuses": Report.Status.choices,
        "choices": draft_choices(request.user, timezone.localdate(), areas=areas),
        "owing_nothing": areas["unplanned"],
    })


@login_required
@require_POST
def report_draft_view(request):
    value, started = request.POST.get("period", ""), timezone.now()
    if value not in {choice for choice, _label in draft_choices(request.user, timezone.localdate())}:
        raise Http404
    try:
        if value.startswith("adhoc:"):
            area = Area.objects.get(pk=value.split(":")[1])
            report = register.report_draft(user=request.user, area=area, kind=ReportKind.AD_HOC,
                                           year=timezone.localdate().year, number=0)
        else:
            rule_id, year, number = (int(part) for part in value.split(":"))
            rule = ReportingRule.objects.select_related("area", "plan", "issuing_unit").get(pk=rule_id)
            report = register.report_draft(user=request.user, area=rule.area, kind=rule.kind, year=year,
                                           number=number, plan=rule.plan, unit=rule.issuing_unit)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("reports:report_list")
    if not _job_failed(request, report, started):
        messages.success(request, _("Đã mở dự thảo báo cáo; hệ thống đang lấy số liệu và dựng văn bản."))
    return redirect(report)


def _job_failed(request, report, since):
    """With the broker down the job record is failed at once: say so instead of promising a result."""
    job = report.jobs.filter(created_at__gte=since).order_by("-id").first()
    if job and job.status == ReportJob.Status.FAILED:
        messages.error(request, job.message)
        return True
    return False


@login_required
def report_detail_view(request, pk):
    report = _visible_report(request, pk)
    jobs = list(report.jobs.select_related("requested_by")[:5])
    recipients = list(report.recipients.select_related("unit", "handled_by"))
    issued = report.status == Report.Status.ISSUED
    for recipient in recipients:
        recipient.can_act = (issued and recipient.status == recipient.Status.PENDING
                             and can_receive_for(request.user, report, recipient.unit))
    return render(request, "reports/report_detail.html", {
        "report": report, "jobs": jobs, "latest_job": jobs[0] if jobs else None,
        "working": any(job.status in (ReportJob.Status.QUEUED, ReportJob.Status.RUNNING) and not job.is_stuck
                       for job in jobs),
        "can_prepare": can_prepare(request.user, report), "recipients": recipients,
        "can_confirm": (report.unit_id and report.status == Report.Status.DRAFT and report.snapshot_taken_at
                        and is_unit_head(request.user, report.unit)),
        # One recipient (or none, before recipients were kept) acts through the single form; several, a form each.
        "can_receive": ((not recipients and issued and can_receive_report(request.user, report))
                        or (len(recipients) == 1 and recipients[0].can_act)),
        "late_changes": report.late_changes.select_related("progress_update__task", "author"),
        "difficulties": report_difficulties(report, request.user),
        "history": report.history.select_related("history_user").order_by("-history_date")[:20],
        "return_form": ReturnForm(), "signed_form": SignedCopyForm(), "answer_form": DifficultyAnswerForm(),
        "details_form": ReportDetailsForm(instance=report),
        "narrative_form": NarrativeForm(initial=report.snapshot.get("narrative") or {}),
        "next_number": (register.report_number_next(area_id=report.area_id, year=timezone.localdate().year,
                                                    unit_id=report.unit_id)
                        if report.status == Report.Status.DRAFT else None),
        "totals": report.snapshot.get("totals", {}), "communes": report.snapshot.get("communes"),
    })


def _step(request, pk, action, success):
    report = _visible_report(request, pk)
    started = timezone.now()
    try:
        action()
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if not _job_failed(request, report, started):
            messages.success(request, success)
    return redirect("reports:report_detail", pk)


@login_required
@require_POST
def report_refresh_view(request, pk):
    return _step(request, pk, lambda: register.report_refresh(report_id=pk, user=request.user),
                 _("Đang lấy lại số liệu cho dự thảo."))


@login_required
@require_POST
def report_details_view(request, pk):
    report = _visible_report(request, pk)
    return _form_step(request, pk, ReportDetailsForm(request.POST, instance=report),
                      lambda data: register.report_details_update(report_id=pk, user=request.user, data=data),
                      _("Đã lưu thông tin văn bản; văn bản đang được dựng lại."))


def _form_step(request, pk, form, action, success):
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("reports:report_detail", pk)
    return _step(request, pk, lambda: action(form.cleaned_data), success)


@login_required
@require_POST
def report_narrative_view(request, pk):
    _visible_report(request, pk)
    return _form_step(request, pk, NarrativeForm(request.POST),
                      lambda data: register.report_narrative_save(report_id=pk, user=request.user, narrative=data),
                      _("Đã lưu nội dung đánh giá; văn bản đang được dựng lại."))


@login_required
@require_POST
def report_issue_view(request, pk):
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("reports:report_detail", pk)
    return _step(request, pk, lambda: register.report_issue(report_id=pk, user=request.user,
                                                            number=form.cleaned_data["number"]),
                 _("Đã ban hành báo cáo và gửi tới cơ quan nhận."))


@login_required
@require_POST
def report_confirm_view(request, pk):
    return _step(request, pk, lambda: register.report_confirm(report_id=pk, user=request.user),
                 _("Đã xác nhận số liệu của đơn vị cho kỳ báo cáo."))


@login_required
@require_POST
def report_receive_view(request, pk):
    accept = request.POST.get("decision") != "return"
    unit = request.POST.get("unit", "")
    return _step(request, pk, lambda: register.report_receive(report_id=pk, user=request.user, accept=accept,
                                                              comment=request.POST.get("comment", "")[:2000],
                                                              unit_id=int(unit) if unit.isdigit() else None),
                 _("Đã tiếp nhận báo cáo.") if accept else _("Đã trả lại báo cáo."))


@login_required
@require_POST
def report_signed_view(request, pk):
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Hãy chọn tệp PDF đã ký."))
        return redirect("reports:report_detail", pk)
    as_scan = request.POST.get("as_scan") in ("on", "1", "true")
    return _step(request, pk, lambda: register.report_signed_upload(report_id=pk, user=request.user, upload=upload,
                                                                    as_scan=as_scan),
                 _("Đã lưu bản quét (chưa xác minh chữ ký).") if as_scan else
                 _("Đã lưu bản đã ký: chữ ký số bao trùm đúng bản đã ban hành."))


@login_required
@require_POST
def job_retry_view(request, pk):
    job = get_object_or_404(ReportJob.objects.filter(report__in=Report.objects.visible_to(request.user)), pk=pk)
    return _step(request, job.report_id, lambda: register.job_retry(job_id=pk, user=request.user),
                 _("Đã gửi lại yêu cầu."))


FILES = {"pdf": ("pdf", "application/pdf", "pdf"),
         "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
         "signed": ("signed_file", "application/pdf", "pdf")}


@login_required
def report_file_view(request, pk, kind):
    report = _visible_report(request, pk)
    if kind not in FILES:
        raise Http404
    field, content_type, suffix = FILES[kind]
    stored = getattr(report, field)
    if not stored:
        raise Http404
    name = f"bao-cao-{report.area.slug}-{report.kind}-{report.year}-{report.period_number}"
    name += "-da-ky" if kind == "signed" else ("" if report.number else "-du-thao")
    try:
        data = register.report_file_read(report=report, field=field)
    except register.StoredFileAltered:
        return render(request, "reports/report_file_altered.html", {"report": report}, status=500)
    response = FileResponse(io.BytesIO(data), as_attachment=True, filename=f"{name}.{suffix}",
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def inbox_view(request):
    page = Paginator(inbox(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "reports/inbox.html", {"page": page})


@login_required
def completeness_view(request):
    provinces = Area.objects.filter(kind=Area.Kind.PROVINCE)
    if not request.user.is_superuser:
        provinces = provinces.filter(pk__in=request.user.area_ids)
    province = provinces.filter(slug=request.GET.get("province", "")).first() or provinces.order_by("name").first()
    if province is None:
        raise PermissionDenied(_("Trang này dành cho cán bộ cấp tỉnh."))
    today = timezone.localdate()
    kind = request.GET.get("kind") or ReportKind.QUARTERLY
    try:
        year = int(request.GET.get("year") or today.year)
        number = int(request.GET.get("number") or ((today.month - 1) // 3 + 1 if kind == ReportKind.QUARTERLY else 1))
        from ..periods import period_of

        period = period_of(kind, year, number)
    except ValueError:
        raise Http404 from None
    return render(request, "reports/completeness.html", {
        "province": province, "provinces": provinces, "kind": kind, "year": year, "number": number,
        "period": period, "kinds": [c for c in ReportKind.choices if c[0] != ReportKind.AD_HOC],
        "rows": completeness(user=request.user, province=province, kind=kind, year=year, number=number, today=today),
    })


@login_required
@require_POST
def difficulty_answer_view(request, pk):
    difficulty = get_object_or_404(Difficulty.objects.filter(
        area__in=Plan.objects.visible_to(request.user).values("area")), pk=pk)
    form = DifficultyAnswerForm(request.POST)
    next_url = request.POST.get("next", "")
    target = next_url if next_url.startswith("/reports/") else "reports:report_list"
    if not form.is_valid():
        messages.error(request, _("Hãy ghi ý kiến chỉ đạo."))
        return redirect(target)
    try:
        register.difficulty_answer(difficulty_id=difficulty.pk, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Đã gửi ý kiến chỉ đạo tới đơn vị."))
    return redirect(target)


@login_required
def rule_list_view(request):
    # The areas the user administers: their own and, for a province admin, its communes.
    areas = [area for area in Area.objects.administered_by(request.user).order_by("kind", "name")
             if can_edit_reporting_rules(request.user, area)]
    if not areas:
        raise PermissionDenied(_("Chỉ quản trị của địa bàn mới được xem và sửa chế độ báo cáo."))
    year = timezone.localdate().year
    last = dict(ReportNumber.objects.filter(area__in=[a.id for a in areas], year=year).values_list("area", "last"))
    blocks = []
    for area in areas:
        rules = register.reporting_rules_of(area)
        blocks.append({
            "area": area, "without_rules": not rules,
            "rules": [(rule, ReportingRuleForm(instance=rule, prefix=f"rule{rule.pk}", units=area_units(area)))
                      for rule in rules if rule.is_active],
            "removed": [rule for rule in rules if not rule.is_active],
            "add_form": ReportingRuleAddForm(prefix=f"add{area.pk}", area=area, units=area_units(area)),
            "number_form": NextNumberForm(prefix=f"area{area.pk}", initial={"next_number": last.get(area.id, 0) + 1})})
    return render(request, "reports/rule_list.html", {"blocks": blocks, "year": year})


@login_required
@require_POST
def report_number_next_view(request, area_id):
    area = get_object_or_404(Area, pk=area_id)
    if not can_edit_reporting_rules(request.user, area):
        raise Http404
    form = NextNumberForm(request.POST, prefix=f"area{area.pk}")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("reports:rule_list")
    try:
        register.report_number_next_set(area=area, year=timezone.localdate().year,
                                        next_number=form.cleaned_data["next_number"], user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Đã đặt số báo cáo tiếp theo của %(area)s.") % {"area": area})
    return redirect("reports:rule_list")


@login_required
@require_POST
def rule_defaults_view(request, area_id):
    """An area still without rules (no plan issued yet) takes the defaults the seeds set: on request, never on a
    page view."""
    area = get_object_or_404(Area, pk=area_id)
    if not can_edit_reporting_rules(request.user, area):
        raise Http404
    register.reporting_rules_defaults_create(area_ids=[area.pk])
    messages.success(request, _("Đã tạo chế độ báo cáo mặc định cho %(area)s.") % {"area": area})
    return redirect("reports:rule_list")


@login_required
@require_POST
def rule_add_view(request, area_id):
    area = get_object_or_404(Area.objects.select_related("parent"), pk=area_id)
    if not can_edit_reporting_rules(request.user, area):
        raise Http404
    form = ReportingRuleAddForm(request.POST, prefix=f"add{area.pk}", area=area, units=area_units(area))
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("reports:rule_list")
    try:
        rule = register.reporting_rule_add(area=area, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Đã thêm %(kind)s vào chế độ báo cáo của %(area)s.") % {
            "kind": rule.get_kind_display().lower(), "area": area})
    return redirect("reports:rule_list")


@login_required
@require_POST
def rule_remove_view(request, pk):
    rule = _editable_rule(request, pk)
    register.reporting_rule_remove(rule_id=pk, user=request.user)
    messages.success(request, _("Đã bỏ %(kind)s khỏi chế độ báo cáo của %(area)s.") % {
        "kind": rule.get_kind_display().lower(), "area": rule.area})
    return redirect("reports:rule_list")


def _editable_rule(request, pk):
    """The rule, if the user may edit its area's rules; another area's admin learns nothing of it (404)."""
    rule = get_object_or_404(ReportingRule.objects.select_related("area"), pk=pk)
    if not can_edit_reporting_rules(request.user, rule.area):
        raise Http404
    return rule


@login_required
@require_POST
def rule_edit_view(request, pk):
    rule = _editable_rule(request, pk)
    form = ReportingRuleForm(request.POST, instance=rule, prefix=f"rule{pk}",
                             units=area_units(rule.area))
    if form.is_valid():
        try:
            register.reporting_rule_update(rule_id=pk, user=request.user, data={
                name: form.cleaned_data[name] for name in form.Meta.fields})
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Đã lưu chế độ báo cáo."))
    else:
        messages.error(request, _form_errors(form))
    return redirect("reports:rule_list")
