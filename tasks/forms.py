import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from evidence.forms import EvidenceSlotsMixin
from plans.models import COMMENT_MAX_LENGTH, REPORT_TEXT_MAX_LENGTH


class MonthField(forms.DateField):
    """A reporting period picked as a month (`2026-11`), stored as its first day."""

    widget = forms.DateInput(attrs={"type": "month"})
    input_formats = ["%Y-%m", "%m/%Y"]

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, datetime.date) else value


class ProgressReportForm(EvidenceSlotsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    period = MonthField(label=_("Kỳ báo cáo (tháng)"))
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100,
                                  widget=forms.NumberInput(attrs={"step": 5}))
    achievements = forms.CharField(label=_("Kết quả thực hiện trong kỳ"), max_length=REPORT_TEXT_MAX_LENGTH,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    difficulties = forms.CharField(label=_("Khó khăn, vướng mắc"), required=False, max_length=REPORT_TEXT_MAX_LENGTH,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    proposals = forms.CharField(label=_("Kiến nghị, đề xuất"), required=False, max_length=REPORT_TEXT_MAX_LENGTH,
                                widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Lý do (nếu điều chỉnh giảm tiến độ hoặc sửa kỳ đã khóa)"), required=False,
                             max_length=REPORT_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, attached=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_evidence_fields(attached)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Ý kiến"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=COMMENT_MAX_LENGTH)
