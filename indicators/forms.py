from django import forms
from django.utils.translation import gettext_lazy as _

from evidence.forms import EvidenceSlotsMixin
from plans.models import REPORT_TEXT_MAX_LENGTH
from plans.writes import REASON_MAX
from tasks.forms import MonthField

from .models import IndicatorReport


class IndicatorReportForm(EvidenceSlotsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    period = MonthField(label=_("Kỳ báo cáo (tháng)"))
    value = forms.DecimalField(label=_("Giá trị đo được"), required=False, max_digits=16, decimal_places=4)
    qualitative_state = forms.ChoiceField(label=_("Tình trạng"), required=False,
                                          choices=[("", "—")] + IndicatorReport.QualitativeState.choices)
    description = forms.CharField(label=_("Mô tả kết quả"), required=False, max_length=REPORT_TEXT_MAX_LENGTH,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("Lý do (nếu sửa số liệu của kỳ đã báo cáo)"), required=False,
                             max_length=REASON_MAX)

    def __init__(self, *args, indicator, attached=None, **kwargs):
        super().__init__(*args, **kwargs)
        if indicator.is_qualitative:
            del self.fields["value"]
        else:
            del self.fields["qualitative_state"]
            self.fields["value"].required = True
            self.fields["value"].label = _("Giá trị đo được (%(unit)s)") % {"unit": indicator.unit_of_measure or "—"}
        self.add_evidence_fields(attached)
