"""Storing evidence and reviewing it; the status of the item it proves follows the decision."""
from contextlib import contextmanager

from django.conf import settings
from django.core.files.storage import default_storage
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from people.services import notify
from plans.access import can_review
from plans.item_kinds import ITEM_KINDS, kind_of
from plans.models import ItemStatus
from plans.writes import text_lengths_check

from .models import Evidence
from .validation import inspect_upload


def evidence_inspect_all(uploads):
    """Inspect every (file, description) before anything is written: one bad file refuses them all."""
    if len(uploads) > settings.EVIDENCE_FILES_PER_UPDATE:
        raise ValidationError(_("Mỗi lần cập nhật chỉ được đính kèm tối đa %(n)s tệp.") % {"n": settings.EVIDENCE_FILES_PER_UPDATE})
    inspected = []
    for upload, description in uploads:
        file = inspect_upload(upload)
        # Left empty, the description is the file's name: a missing description never refuses a save.
        inspected.append((file, ((description or "").strip() or file.original_name)[:500]))
    return inspected


@contextmanager
def files_removed_on_failure():
    """Yields a list to record stored file paths in; they are deleted if the block fails.

    Wrap the transaction with it, so a refused workflow step leaves no file behind on disk.
    """
    paths = []
    try:
        yield paths
    except BaseException:
        for path in paths:
            default_storage.delete(path)
        raise


def evidence_store(*, item, user, inspected, stored_paths, progress_update=None, indicator_report=None):
    """Save inspected files as evidence of an item, inside the caller's transaction."""
    now = timezone.now()
    created = []
    for file, description in inspected:
        evidence = Evidence(
            **{kind.name: item if kind is kind_of(item) else None for kind in ITEM_KINDS},
            progress_update=progress_update, indicator_report=indicator_report,
            original_name=file.original_name, kind=file.kind, size=file.size, sha256=file.sha256,
            description=description, uploaded_by=user, uploaded_at=now,
        )
        evidence.file.save(file.original_name, file.upload, save=False)
        stored_paths.append(evidence.file.name)
        evidence._history_user = user
        evidence.save()
        created.append(evidence)
    if created:
        reviewers = get_user_model().objects.filter(role="reviewer", units__area=item.plan.area_id, is_active=True)
        notify(recipients=list(reviewers),
               message=_("Có %(n)s minh chứng mới chờ thẩm định: %(item)s") % {"n": len(created), "item": str(item)[:200]},
               url=reverse("evidence:review_queue"))
    return created


def item_status_after_evidence(item):
    """An item reported complete is completed once any of its evidence is accepted."""
    statuses = set(item.evidence.values_list("status", flat=True))
    if Evidence.Status.ACCEPTED in statuses:
        return ItemStatus.COMPLETED
    if Evidence.Status.PENDING in statuses:
        return ItemStatus.AWAITING_REVIEW
    if Evidence.Status.REJECTED in statuses:
        return ItemStatus.EVIDENCE_REJECTED
    return ItemStatus.IN_PROGRESS


@transaction.atomic
def evidence_review(*, evidence_id, reviewer, accept, reason="", note=""):
    evidence = (Evidence.objects.select_for_update(of=("self",))
                .select_related("task__plan", "indicator__plan").get(pk=evidence_id))
    item = evidence.item
    if not can_review(reviewer, item):
        raise PermissionDenied(_("Chỉ Phòng Văn hóa - Xã hội của địa bàn mới được thẩm định minh chứng này."))
    if evidence.status != Evidence.Status.PENDING:
        raise ValidationError(_("Minh chứng này đã được thẩm định lúc %(when)s; quyết định không thể thay đổi.")
                              % {"when": timezone.localtime(evidence.reviewed_at).strftime("%d/%m/%Y %H:%M")})
    text_lengths_check(Evidence, review_note=note)
    if not accept:
        if reason not in Evidence.RejectionReason.values:
            raise ValidationError(_("Hãy chọn lý do trả lại minh chứng."))
        if not note.strip():
            raise ValidationError(_("Hãy ghi rõ cần bổ sung gì khi trả lại minh chứng."))
    evidence.status = Evidence.Status.ACCEPTED if accept else Evidence.Status.REJECTED
    evidence.rejection_reason = "" if accept else reason
    evidence.review_note = note.strip()
    evidence.reviewed_by = reviewer
    evidence.reviewed_at = timezone.now()
    evidence._history_user = reviewer
    evidence.save()

    item = type(item).objects.select_for_update().get(pk=item.pk)
    if item.status in (ItemStatus.AWAITING_REVIEW, ItemStatus.EVIDENCE_REJECTED):
        item.status = item_status_after_evidence(item)
        item.version += 1
        item._history_user = reviewer
        item._change_reason = _("Thẩm định minh chứng “%(name)s”: %(decision)s") % {
            "name": evidence.original_name, "decision": evidence.get_status_display()}
        item.save()
        if getattr(item, "parent_id", None):  # a sub-item's decision moves its item (tasks.services.task_rollup)
            from tasks.services import task_rollup  # tasks.services imports this module

            task_rollup(parent_id=item.parent_id, user=reviewer)
    officers = get_user_model().objects.filter(role="officer", units__in=item.lead_units.all(), is_active=True)
    if accept:
        message = _("Minh chứng “%(name)s” đã được chấp nhận: %(item)s")
    else:
        # The reviewer's note is what the officer acts on: it travels in the notification itself.
        message = _("Minh chứng “%(name)s” bị trả lại (%(reason)s): %(note)s — %(item)s")
    notify(recipients=list(officers), url=item.get_absolute_url(), kind="general" if accept else "evidence_rejected",
           message=message % {
               "name": evidence.original_name[:60], "item": str(item)[:120],
               "reason": evidence.get_rejection_reason_display(), "note": Truncator(evidence.review_note).chars(200)})
    return evidence
