import datetime

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from evidence.forms import EvidenceSlotsMixin
from plans.models import COMMENT_MAX_LENGTH, REPORT_TEXT_MAX_LENGTH
from plans.writes import REASON_MAX


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

    def carry_over(self, update):
        """Prefill the difficulties and proposals `update` (the last report) gave, each labelled as such: the
        officer confirms them rather than types them again. They become this period's only when the form is saved."""
        for name in ("difficulties", "proposals"):
            text = getattr(update, name)
            if not text:
                continue
            self.initial[name] = text
            field = self.fields[name]
            field.label = format_lazy("{} ({})", field.label, _("từ báo cáo tháng %(period)s — sửa nếu đã khác") % {
                "period": f"{update.period:%m/%Y}"})
            field.widget.attrs["data-carried"] = ""


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Ý kiến"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=COMMENT_MAX_LENGTH)


# "Cập nhật nhiều mục": one row a task or indicator, each bound with its own prefix (`task-12-progress`), each
# saved by the same service as the single form. A row left as it was is not saved; single-line boxes, so that
# Enter in any of them saves the table.

def _line(label, max_length=REPORT_TEXT_MAX_LENGTH):
    return forms.CharField(label=label, required=False, max_length=max_length, widget=forms.TextInput)


class DeskPeriodForm(forms.Form):
    period = MonthField(label=_("Kỳ báo cáo (tháng)"))


class DeskTaskRowForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    progress = forms.IntegerField(label=_("Tiến độ mới (%)"), required=False, min_value=0, max_value=100,
                                  widget=forms.NumberInput(attrs={"step": 5, "inputmode": "numeric"}))
    achievements = _line(_("Kết quả thực hiện trong kỳ"))
    difficulties = _line(_("Khó khăn, vướng mắc"))
    proposals = _line(_("Kiến nghị, đề xuất"))
    reason = _line(_("Lý do"))

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = task

    def touched(self):
        """Whether the officer changed anything on the row: a new figure, or any words."""
        value = self._raw("progress").strip()
        return value != str(self.item.progress) or any(
            self._raw(name).strip() for name in ("achievements", "difficulties", "proposals", "reason"))

    def _raw(self, name):
        return self.data.get(self.add_prefix(name), "") if self.is_bound else ""


class DeskIndicatorRowForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    # Words as typed ("12,5" or "12.5"): indicators.services reads the figure and says what is wrong with it.
    value = forms.CharField(label=_("Giá trị kỳ này"), required=False, max_length=32,
                            widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    qualitative_state = forms.ChoiceField(label=_("Tình trạng kỳ này"), required=False, choices=[])
    description = _line(_("Mô tả kết quả"))
    reason = _line(_("Lý do (nếu sửa số liệu của kỳ đã báo cáo)"), max_length=REASON_MAX)

    def __init__(self, *args, indicator, **kwargs):
        from indicators.models import IndicatorReport

        super().__init__(*args, **kwargs)
        self.item = indicator
        if indicator.is_qualitative:
            del self.fields["value"]
            self.fields["qualitative_state"].choices = [("", "—")] + IndicatorReport.QualitativeState.choices
        else:
            del self.fields["qualitative_state"]
            self.fields["value"].label = _("Giá trị kỳ này (%(unit)s)") % {"unit": indicator.unit_of_measure or "—"}

    def touched(self):
        return any(self.data.get(self.add_prefix(name), "").strip()
                   for name in ("value", "qualitative_state", "description", "reason")) if self.is_bound else False
