"""Evidence files kept across a refused save: stored at once, claimed by the same user for the same item."""
import datetime

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.item_kinds import ITEM_KINDS, kind_of
from plans.text import upload_display_name

from .models import PendingUpload
from .validation import inspect_upload

# An upload nobody saved within this time is abandoned.
PENDING_UPLOAD_KEPT = datetime.timedelta(days=1)


def _item_filter(item):
    return {kind.name: item if kind is kind_of(item) else None for kind in ITEM_KINDS}


def _claimable(user, item):
    """The only pending uploads a form may name: the user's own, for this very item (a forged id finds none)."""
    return PendingUpload.objects.filter(uploaded_by=user, **_item_filter(item))


def _discard(uploads):
    for pending in uploads:
        default_storage.delete(pending.file.name)
        pending.delete()


def pending_uploads_keep(*, data, files, user, item, slots):
    """Store every chosen file at once and resolve the files kept from a refused save.

    Returns the form data with each slot's `pending_N` set to its kept upload, the kept uploads by slot,
    and the errors by field (a file refused by its content is not kept; a forged or expired id is refused).
    """
    data = data.copy()
    attached, errors = {}, {}
    claimable = _claimable(user, item)
    for slot in slots:
        kept_field, file_field = f"pending_{slot}", f"file_{slot}"
        kept_id = data.get(kept_field, "").strip()
        kept = None
        if kept_id:
            kept = claimable.filter(pk=kept_id).first() if kept_id.isdigit() else None
            if kept is None:
                errors[file_field] = _("Tệp đã đính kèm không còn (hoặc không phải của bạn); hãy chọn lại tệp.")
                data[kept_field] = ""
        if kept is not None and data.pop(f"remove_{slot}", None):
            _discard([kept])
            kept, data[kept_field] = None, ""
        chosen = files.get(file_field)
        if chosen:
            try:
                inspect_upload(chosen)
            except ValidationError as error:
                errors[file_field] = error.messages
            else:
                if kept is not None:  # a new file chosen in the slot replaces the kept one
                    _discard([kept])
                kept = PendingUpload(uploaded_by=user, original_name=upload_display_name(chosen), **_item_filter(item))
                kept.file.save(kept.original_name, chosen, save=True)
                data[kept_field] = str(kept.pk)
        if kept is not None:
            attached[slot] = kept
    return data, attached, errors


def pending_upload_file(pending):
    """The kept file, opened, under the name the user gave it (what the evidence records)."""
    opened = default_storage.open(pending.file.name, "rb")
    opened.name = pending.original_name
    return opened


def pending_uploads_clear(*, user, item):
    """After a successful save: the user's uploads for the item are evidence now (or abandoned), and anyone's
    upload older than PENDING_UPLOAD_KEPT was never claimed."""
    stale = PendingUpload.objects.filter(uploaded_at__lt=timezone.now() - PENDING_UPLOAD_KEPT)
    _discard(list(_claimable(user, item).union(stale)))
