from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Evidence
from .pending import pending_upload_file

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
    def evidence_slots(self):
        return [(self[f"file_{slot}"], self[f"description_{slot}"]) for slot in range(1, EVIDENCE_SLOTS + 1)]

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


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Chấp nhận")), ("reject", _("Trả lại"))], widget=forms.RadioSelect)
    reason = forms.ChoiceField(label=_("Lý do trả lại"), choices=[("", "—")] + Evidence.RejectionReason.choices, required=False)
    note = forms.CharField(label=_("Ghi chú (bắt buộc khi trả lại)"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=Evidence._meta.get_field("review_note").max_length)
