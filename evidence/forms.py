from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Evidence

EVIDENCE_SLOTS = 3


class EvidenceSlotsMixin:
    """Up to three evidence files, each with what it proves; the service checks their content."""

    def add_evidence_fields(self):
        for slot in range(1, EVIDENCE_SLOTS + 1):
            self.fields[f"file_{slot}"] = forms.FileField(label=_("Tệp minh chứng %(n)s") % {"n": slot}, required=False)
            self.fields[f"description_{slot}"] = forms.CharField(
                label=_("Minh chứng cho nội dung"), required=False, max_length=500)

    @property
    def evidence_slots(self):
        return [(self[f"file_{slot}"], self[f"description_{slot}"]) for slot in range(1, EVIDENCE_SLOTS + 1)]

    def uploads(self):
        return [(self.cleaned_data[f"file_{slot}"], self.cleaned_data[f"description_{slot}"])
                for slot in range(1, EVIDENCE_SLOTS + 1) if self.cleaned_data.get(f"file_{slot}")]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Chấp nhận")), ("reject", _("Trả lại"))], widget=forms.RadioSelect)
    reason = forms.ChoiceField(label=_("Lý do trả lại"), choices=[("", "—")] + Evidence.RejectionReason.choices, required=False)
    note = forms.CharField(label=_("Ghi chú (bắt buộc khi trả lại)"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=Evidence._meta.get_field("review_note").max_length)
