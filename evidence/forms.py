from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Evidence
from .pending import pending_upload_file, pending_uploads_keep

EVIDENCE_SLOTS = 3
EVIDENCE_SLOT_NUMBERS = range(1, EVIDENCE_SLOTS + 1)


class EvidenceSlotsMixin:
    """Up to three evidence files, each with what it proves; the service checks their content."""

    def add_evidence_fields(self, attached=None):
        self.attached = attached or {}
        for slot in range(1, EVIDENCE_SLOTS + 1):
            self.fields[f"file_{slot}"] = forms.FileField(label=_("Tệp minh chứng %(n)s") % {"n": slot}, required=False)
            self.fields[f"description_{slot}"] = forms.CharField(
                label=_("Minh chứng cho nội dung (không bắt buộc)"), required=False, max_length=500,
                help_text=_("Để trống thì dùng tên tệp."))
            # A file kept from a refused save (evidence/pending.py): its id, and a way to drop it.
            self.fields[f"pending_{slot}"] = forms.CharField(required=False, widget=forms.HiddenInput)
            self.fields[f"remove_{slot}"] = forms.BooleanField(label=_("Bỏ tệp này"), required=False)

    @property
    def evidence_slot_rows(self):
        """Each slot with the file kept from a refused save, if any (`attached`, set by the view)."""
        attached = self.attached
        return [{"file": self[f"file_{slot}"], "description": self[f"description_{slot}"],
                 "pending": self[f"pending_{slot}"], "remove": self[f"remove_{slot}"], "attached": attached.get(slot)}
                for slot in range(1, EVIDENCE_SLOTS + 1)]

    def uploads(self):
        """(file, description) for each slot: the kept upload when the view resolved one, else the chosen file."""
        attached = self.attached
        uploads = []
        for slot in range(1, EVIDENCE_SLOTS + 1):
            description = self.cleaned_data.get(f"description_{slot}", "")
            if slot in attached:
                uploads.append((pending_upload_file(attached[slot]), description))
            elif self.cleaned_data.get(f"file_{slot}"):
                uploads.append((self.cleaned_data[f"file_{slot}"], description))
        return uploads


def evidence_form_bind(form_class, *, request, item, **kwargs):
    """A report form with evidence slots (tasks, indicators) bound to a POST, its chosen files kept at once
    (evidence/pending.py) so that a refused save never asks for them again. Returns the form and whether it,
    files included, is valid."""
    posted, attached, upload_errors = pending_uploads_keep(
        data=request.POST, files=request.FILES, user=request.user, item=item, slots=EVIDENCE_SLOT_NUMBERS)
    form = form_class(posted, attached=attached, **kwargs)
    valid = form.is_valid()
    for field, error in upload_errors.items():
        form.add_error(field, error)
    return form, valid and not upload_errors


def evidence_service_errors(form, error):
    """A service's refusal on the form: a missing or refused file (`uploads`) said beside the first file."""
    from plans.forms import add_service_errors

    if hasattr(error, "error_dict") and "uploads" in error.error_dict:
        error.error_dict["file_1"] = error.error_dict.pop("uploads")
    add_service_errors(form, error)


def uploads_close(uploads):
    """Close the files `EvidenceSlotsMixin.uploads` opened, once the service has read them."""
    for file, _description in uploads:
        file.close()


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Chấp nhận")), ("reject", _("Trả lại"))], widget=forms.RadioSelect)
    reason = forms.ChoiceField(label=_("Lý do trả lại"), choices=[("", "—")] + Evidence.RejectionReason.choices, required=False)
    note = forms.CharField(label=_("Ghi chú (bắt buộc khi trả lại)"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=Evidence._meta.get_field("review_note").max_length)
