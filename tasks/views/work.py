import datetime
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from plans.access import can_comment, can_report, reports_for_lead_units
from plans.cascade import cascade_panel, carried_out_below
from plans.history_rows import history_page
from plans.models import ItemStatus, Plan
from plans.selectors import shown_digest
from plans.writes import StaleVersion

from evidence.forms import evidence_form_bind, evidence_service_errors, uploads_close
from evidence.models import Evidence
from evidence.pending import pending_uploads_clear

from ..forms import CommentForm, ProgressReportForm
from ..models import Task, has_sub_items
from ..rows import work_rows_shown
from ..schedule import task_expected_progress
from ..selectors import (
    VISIT_SECONDS, latest_evidence_status, my_indicator_rows, my_task_rows, my_work_plans, plan_sections, task_subitems,
    work_rows_hydrate, work_rows_order,
)
from ..services import difficulties_asked, parent_report_refuse, task_comment_add, task_progress_report

ROWS_PER_PAGE = 20  # four screens of cards on a phone
DEADLINE_WINDOWS = [(30, gettext_lazy("30 ngày tới")), (90, gettext_lazy("90 ngày tới")),
                    (365, gettext_lazy("12 tháng tới"))]

def _visible_task(user, pk, tasks=Task.objects):
    try:
        return tasks.select_related("section", "officer", "carries_out", "parent").get_visible(user, pk).units_load()
    except Task.DoesNotExist:
        raise Http404 from None

def _task_for_page(user, pk):
    """The task as its page shows it: what `_visible_task` reads, with its funding (the funding block) and whether
    it has sub-items and lower items carrying it out, asked on the same row: most tasks have neither, and asking
    apart cost a query each."""
    return _visible_task(user, pk, Task.objects.select_related("funding__updated_by").annotate(
        has_sub_items=has_sub_items(), carried_out=carried_out_below(Task)))

def _reportable_task(user, pk):
    """The task as the report form needs it: its plan's area and lead units are what can_report reads; whether it
    has sub-items (reported through them) and its latest evidence's status (a rejection heads the form), asked on
    the same row: most tasks have no sub-item and no rejected evidence, and asking apart cost a query each."""
    try:
        return (Task.objects.annotate(has_sub_items=has_sub_items(),
                                      evidence_latest_status=latest_evidence_status(Task))
                .get_visible(user, pk).units_load(["lead_units"]))
    except Task.DoesNotExist:
        raise Http404 from None

@login_required
def my_work_view(request):
    kind = "indicators" if request.GET.get("kind") == "indicators" else "tasks"
    within = request.GET.get("within", "")
    filters = {
        "role": request.GET.get("role", ""), "plan": request.GET.get("plan", "").strip(),
        "section": request.GET.get("section", "") if request.GET.get("section", "").isdigit() else "",
        "status": request.GET.get("status", ""), "query": request.GET.get("q", "").strip(),
        "within_days": int(within) if within.isdigit() else None,
        "overdue_only": request.GET.get("overdue") == "1",
    }
    visit = _visit_began(request.GET.get("visit", ""))
    select = my_indicator_rows if kind == "indicators" else my_task_rows
    rows = select(request.user, today=timezone.localdate(), visit=visit, **filters)
    # The order this visit first showed stays: a saved item does not jump away from under the officer's thumb.
    stamp = round(visit.timestamp() * 1000)
    digest = hashlib.sha256(repr(sorted(filters.items())).encode()).hexdigest()[:16]
    rows = work_rows_order(rows, key=f"my-work-order:{request.user.pk}:{stamp}:{kind}:{digest}")
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    work_rows_shown(work_rows_hydrate(page.object_list))
    query = request.GET.copy()
    query["visit"] = stamp
    query.pop("page", None)
    back = query.copy()
    back["page"] = page.number
    plans = list(my_work_plans(request.user))
    return render(request, "tasks/my_work.html", {
        "kind": kind, "page": page, "filters": filters, "within": within, "visit": stamp,
        "page_query": query.urlencode(), "back": back.urlencode(),
        "plans": plans, "plan_typed": filters["plan"] not in {plan.slug for plan in plans},
        "sections": plan_sections(request.user, filters["plan"]),
        "statuses": ItemStatus.choices, "windows": DEADLINE_WINDOWS,
        "updates_many": reports_for_lead_units(request.user),
    })

def _visit_began(value):
    """When this visit to My work began: the `visit` its links and forms carry (milliseconds since the epoch),
    or now for a fresh one. A visit older than VISIT_SECONDS, or one in the future, starts again."""
    now = timezone.now()
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    if value.isdigit() and len(value) <= 15:
        began = datetime.datetime.fromtimestamp(int(value) / 1000, tz=datetime.UTC)
        if now - datetime.timedelta(seconds=VISIT_SECONDS) < began <= now:
            return began
    return now

def _my_work_back(back, pk):
    """My work as the officer left it (its query re-encoded: only the query comes from the form), at the row."""
    return f"{reverse('tasks:my_work')}?{QueryDict(back).urlencode()}#work-task-{pk}"

@login_required
def task_detail_view(request, pk):
    task = _task_for_page(request.user, pk)
    can_edit = Plan.objects.editable_by(request.user).filter(pk=task.plan_id).exists()
    subitems = task_subitems(task) if task.has_sub_items else []
    history = history_page(task, request.GET.get("history_page"))
    return render(request, "tasks/task_detail.html", {
        "task": task, "history": history,
        # The change history, laid out once and kept in the fragments cache under a digest of what it shows.
        "history_key": shown_digest("task", history.number, history.paginator.num_pages, history.object_list),
        "expected": task_expected_progress(task, timezone.localdate()),
        "updates": task.updates.select_related("author")[:50],
        "evidence_rows": task.evidence.select_related("uploaded_by", "reviewed_by").order_by("-uploaded_at"),
        "comments": task.comments.select_related("author"),
        # A task with sub-items is reported through them (tasks.services.parent_report_refuse): its page lists them.
        "can_report": can_report(request.user, task) and not subitems, "can_comment": can_comment(request.user, task),
        "can_edit": can_edit, "comment_form": CommentForm(),
        "warnings": task.warnings.filter(closed_at__isnull=True),
        "cascade": cascade_panel(task, request.user, can_edit=can_edit, carried_out=task.carried_out),
        "subitems": subitems,
    })

@login_required
def task_report_view(request, pk):
    task = _reportable_task(request.user, pk)
    if not can_report(request.user, task):
        raise PermissionDenied(_("Chỉ cán bộ của cơ quan chủ trì mới được cập nhật tiến độ nhiệm vụ này."))
    try:
        if task.has_sub_items:  # else nothing to refuse (the service asks again, under its lock)
            parent_report_refuse(task)
    except ValidationError as refused:  # reported through its sub-items: their list is on the task's page
        messages.warning(request, " ".join(refused.messages))
        return redirect(task.get_absolute_url())
    status = 200
    if request.method == "POST":
        # Chosen files are stored at once, so a refused save never asks for them again.
        form, valid = evidence_form_bind(ProgressReportForm, request=request, item=task)
        if valid:
            data = form.cleaned_data
            uploads = form.uploads()
            try:
                task_progress_report(
                    task_id=task.pk, user=request.user, version=data["version"], progress=data["progress"],
                    period=data["period"], achievements=data["achievements"], difficulties=data["difficulties"],
                    proposals=data["proposals"], reason=data["reason"], uploads=uploads)
            except StaleVersion as stale:
                task, form, status = stale.current, _stale_form(stale.current, form), 409
            except ValidationError as error:
                evidence_service_errors(form, error)
            else:
                uploads_close(uploads)
                pending_uploads_clear(user=request.user, item=task)
                saved = _("Đã lưu tiến độ %(progress)s%% cho nhiệm vụ %(ordinal)s.") % {
                    "progress": data["progress"], "ordinal": task.ordinal}
                if request.htmx:  # the confirmation shows in the refreshed row, not on the next page
                    return _work_row_response(request, task.pk, saved=saved)
                messages.success(request, saved)
                back = request.POST.get("back", "")
                return redirect(_my_work_back(back, task.pk) if back else task.get_absolute_url())
            uploads_close(uploads)
        if form.errors and status == 200:
            status = 400
    else:
        form = ProgressReportForm(initial={"version": task.version, "period": timezone.localdate().replace(day=1),
                                           "progress": task.progress})
    # A resubmission after a rejection: the reviewer's note heads the form, the last report's text is kept.
    form.rejection = _latest_rejection(task)
    if form.rejection and not form.is_bound:
        form.initial["achievements"] = (
            task.updates.order_by("-created_at", "-id").values_list("achievements", flat=True).first() or "")
    expected = task_expected_progress(task, timezone.localdate())
    if not form.is_bound and difficulties_asked(progress=task.progress, expected=expected):
        # Still behind: the rule will ask again for the difficulties and proposals, most often last month's.
        last = task.updates.order_by("-period", "-created_at", "-id").first()
        if last:
            form.carry_over(last)
    if request.htmx and request.method == "POST":
        return _work_row_response(request, task.pk, form=form, status=status)
    context = {"task": task, "form": form, "expected": expected,
               "inline": bool(request.htmx), "back": request.POST.get("back") or request.GET.get("back", "")}
    if context["back"]:
        context["back_url"] = _my_work_back(context["back"], task.pk)
    template = "tasks/inc/report_form.html" if request.htmx else "tasks/task_report.html"
    return render(request, template, context, status=status)

def _latest_rejection(task):
    if getattr(task, "evidence_latest_status", Evidence.Status.REJECTED) != Evidence.Status.REJECTED:
        return None  # read with the task (`_reportable_task`): the latest evidence was not rejected, or is none
    latest = task.evidence.order_by("-uploaded_at", "-id").first()
    return latest if latest and latest.status == Evidence.Status.REJECTED else None

def _stale_form(current, submitted):
    """The submitted text kept, the figures and version replaced by the newer ones, and why."""
    data = submitted.data.copy()
    data["version"] = current.version
    data["progress"] = current.progress
    form = ProgressReportForm(data, attached=submitted.attached)
    form.is_valid()
    latest = current.history.select_related("history_user").first()
    who = latest.history_user.display_name if latest and latest.history_user else "?"
    form.add_error(None, _("%(who)s vừa cập nhật nhiệm vụ này (tiến độ hiện là %(progress)s%%). Biểu mẫu đã hiện số "
                           "liệu mới nhất; hãy kiểm tra rồi lưu lại.") % {"who": who, "progress": current.progress})
    return form

def _work_row_response(request, pk, *, form=None, saved="", status=200):
    """The task's row of "My work", refreshed, with the form still open when it was refused."""
    rows = my_task_rows(request.user, today=timezone.localdate(), pk=pk)
    if not rows:  # not one of the user's own items (an admin correcting a figure): show the task
        if saved:
            messages.success(request, saved)
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("tasks:task_detail", args=[pk])
        return response
    row = work_rows_shown(work_rows_hydrate(rows))[0]
    return render(request, "tasks/inc/work_rows.html", {
        "rows": [row], "form": form, "saved": saved, "task": row.item, "expected": row.expected,
    }, status=status)

@login_required
@require_POST
def task_comment_view(request, pk):
    task = _visible_task(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            task_comment_add(task_id=task.pk, user=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã gửi ý kiến."))
    else:
        messages.error(request, _("Ý kiến không được để trống."))
    return redirect(task.get_absolute_url())
