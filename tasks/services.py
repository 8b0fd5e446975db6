"""Workflows on tasks: progress reports and comments. Views, admin and imports all call these."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from evidence.models import Evidence
from evidence.services import evidence_inspect_all, evidence_store, files_removed_on_failure, item_status_after_evidence
from plans.access import can_comment, can_report
from plans.models import ItemStatus
from plans.writes import REASON_MAX, item_lock, month_start, text_lengths_check
from reports.register import period_lock_check, period_lock_record
from reports.services import not_updated_warnings_close

from .models import Comment, ProgressUpdate, Task
from .schedule import task_expected_progress


def task_progress_report(*, task_id, user, version, progress, period, achievements,
                         difficulties="", proposals="", reason="", uploads=()):
    """Record a progress update with its evidence files, all or nothing.

    Raises PermissionDenied for someone who may not report, StaleVersion when another
    update was saved since `version` was read, ValidationError (in Vietnamese) otherwise.
    """
    text_lengths_check(ProgressUpdate, achievements=achievements, difficulties=difficulties, proposals=proposals,
                       reason=reason)
    inspected = evidence_inspect_all(list(uploads))
    today = timezone.localdate()
    with files_removed_on_failure() as stored, transaction.atomic():
        task = item_lock(Task, pk=task_id, version=version)
        if not can_report(user, task):
            raise PermissionDenied(_("Chỉ cán bộ của cơ quan chủ trì mới được cập nhật tiến độ nhiệm vụ này."))
        parent_report_refuse(task)
        _check_update(task, progress=progress, period=period, today=today, achievements=achievements,
                      difficulties=difficulties, proposals=proposals, reason=reason, has_new_evidence=bool(inspected))
        locking_reports = period_lock_check(item=task, period=month_start(period), reason=reason, today=today)
        update = ProgressUpdate.objects.create(
            task=task, author=user, period=month_start(period), progress_before=task.progress, progress_after=progress,
            achievements=achievements.strip(), difficulties=difficulties.strip(), proposals=proposals.strip(),
            reason=reason.strip(),
        )
        period_lock_record(reports=locking_reports, update=update, user=user)
        not_updated_warnings_close(item=task, period=update.period, today=today)
        evidence_store(item=task, user=user, inspected=inspected, stored_paths=stored, progress_update=update)
        task.progress = progress
        if progress == 0:
            task.status = ItemStatus.NOT_STARTED
        elif progress < 100:
            task.status = ItemStatus.IN_PROGRESS
        else:
            task.status = item_status_after_evidence(task)
        task.version += 1
        task._history_user = user
        # The history keeps REASON_MAX characters of the reason; the update itself keeps all of it.
        task._change_reason = (Truncator(reason.strip()).chars(REASON_MAX)
                               or _("Báo cáo tiến độ tháng %(period)s") % {"period": f"{period:%m/%Y}"})
        task.save()
        if task.parent_id:
            task_rollup(parent_id=task.parent_id, user=user)
    return update


def parent_report_refuse(task):
    """A task with sub-items takes its progress from them (`task_rollup`): a figure reported on it directly would
    be overwritten by the next sub-item's report, and its evidence belongs with the sub-items. Refused, naming them."""
    ordinals = list(task.subitems.order_by("position").values_list("ordinal", flat=True))
    if ordinals:
        raise ValidationError(subitems_message(task, ordinals))


def subitems_message(task, ordinals):
    return _("Nhiệm vụ %(ordinal)s có %(count)s nội dung con (%(subitems)s): tiến độ của nhiệm vụ được tổng hợp "
             "tự động từ các nội dung con. Hãy cập nhật tiến độ và gửi minh chứng ở từng nội dung con.") % {
        "ordinal": task.ordinal, "count": len(ordinals), "subitems": ", ".join(ordinals)}


def task_rollup(*, parent_id, user):
    """Set an item's progress to the mean of its sub-items' progress and its status from theirs, with a history
    row saying so; nothing is written when the figures already agree. Call inside the sub-item's transaction (a
    progress report, an evidence review).

    The item is reported through its sub-items only (`parent_report_refuse`), so it is completed when every
    sub-item is (each on its own accepted evidence); with all at 100%, it waits on the one least far along.
    """
    parent = Task.objects.select_for_update().get(pk=parent_id)
    figures = list(parent.subitems.values_list("progress", "status"))
    if not figures:
        return parent
    progress = round(sum(figure for figure, _status in figures) / len(figures))
    statuses = {status for _figure, status in figures}
    if statuses == {ItemStatus.NOT_STARTED}:
        status = ItemStatus.NOT_STARTED
    elif progress < 100:
        status = ItemStatus.IN_PROGRESS
    else:
        status = next((s for s in _AT_FULL_PROGRESS if s in statuses), ItemStatus.IN_PROGRESS)
    if progress == parent.progress and status == parent.status:
        return parent
    parent.progress, parent.status = progress, status
    parent.version += 1
    parent._history_user = user
    parent._change_reason = _("Tổng hợp từ các nội dung con")
    parent.save()
    return parent


# With every sub-item at 100%, the item stands where the least advanced of them does.
_AT_FULL_PROGRESS = (ItemStatus.IN_PROGRESS, ItemStatus.EVIDENCE_REJECTED, ItemStatus.AWAITING_REVIEW,
                     ItemStatus.COMPLETED)


def difficulties_asked(*, progress, expected):
    """Whether an update to `progress` must say its difficulties and proposals: behind the schedule's `expected`.
    The report form prefills last month's where it will be asked (tasks.views.work.task_report_view)."""
    return expected is not None and progress < expected


def _check_update(task, *, progress, period, today, achievements, difficulties, proposals, reason, has_new_evidence):
    errors = {}
    if not 0 <= progress <= 100:
        errors["progress"] = _("Tiến độ phải từ 0 đến 100%.")
    if month_start(period) > month_start(today):
        errors["period"] = _("Không thể báo cáo cho kỳ chưa đến.")
    if not achievements.strip():
        errors["achievements"] = _("Hãy nêu kết quả đã thực hiện trong kỳ.")
    if progress < task.progress and not reason.strip():
        errors["reason"] = _("Tiến độ giảm từ %(before)s%% xuống %(after)s%%: hãy nêu lý do.") % {
            "before": task.progress, "after": progress}
    expected = task_expected_progress(task, today)
    if difficulties_asked(progress=progress, expected=expected) and not (difficulties.strip() and proposals.strip()):
        errors["difficulties"] = _("Tiến độ %(actual)s%% chậm so với lộ trình %(expected)s%%: hãy nêu khó khăn, "
                                   "vướng mắc và kiến nghị.") % {"actual": progress, "expected": expected}
    if progress == 100 and not has_new_evidence and not task.evidence.exclude(status=Evidence.Status.REJECTED).exists():
        errors["uploads"] = _("Báo cáo hoàn thành phải kèm tệp minh chứng (văn bản đã ký, ảnh sản phẩm...).")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def task_comment_add(*, task_id, user, body):
    task = Task.objects.select_related("plan__area").get(pk=task_id)
    if not can_comment(user, task):
        raise PermissionDenied(_("Chỉ cơ quan chủ trì hoặc phối hợp mới được góp ý cho nhiệm vụ này."))
    if not body.strip():
        raise ValidationError({"body": _("Ý kiến không được để trống.")})
    text_lengths_check(Comment, body=body.strip())
    return Comment.objects.create(task=task, author=user, body=body.strip())
