"""Funding forms: amounts typed as offices write them ("1.500.000.000", "1,5 tỷ"), labels and messages in
Vietnamese."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .amounts import amount_input, amount_parse
from .models import BaseKind, FundingSource
from .selectors import period_choices, period_from_key, period_key
from .services import PeriodEntry


class AmountField(forms.CharField):
    """Whole đồng, read by `amounts.amount_parse`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Ví dụ: 1.500.000.000 hoặc 1,5 tỷ"))
        super().__init__(**kwargs)  # no max_length: its validator would measure the parsed number
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": "40"})

    def prepare_value(self, value):
        return amount_input(value) if isinstance(value, int) else value

    def to_python(self, value):
        text = super().to_python(value)
        if len(text) > 40:
            raise forms.ValidationError(_("Số tiền quá dài; hãy ghi như 1.500.000.000 hoặc 1,5 tỷ."))
        return amount_parse(text)


class TaskFundingForm(forms.Form):
    planned_amount = AmountField(label=_("Kinh phí dự kiến (đồng)"), required=False)
    source = forms.ChoiceField(label=_("Nguồn kinh phí"), required=False,
                               choices=[("", _("— Chưa xác định —")), *FundingSource.choices])
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Kỳ"), required=False)
    allocated = AmountField(label=_("Đã phân bổ (đồng)"), required=False, help_text="")
    disbursed = AmountField(label=_("Đã giải ngân (đồng)"), required=False, help_text="")

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [("", _("— Chọn tháng hoặc quý —")), *choices]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        key = data.get("period")
        if not key:
            if data.get("allocated") is not None or data.get("disbursed") is not None:
                self.add_error("period", _("Hãy chọn tháng hoặc quý của số tiền này."))
            return data
        try:
            kind, starts_on = period_from_key(key)
        except (KeyError, ValueError):
            self.add_error("period", _("Kỳ không hợp lệ."))
            return data
        data["entry"] = PeriodEntry(kind=kind, starts_on=starts_on, allocated=data.get("allocated") or 0,
                                    disbursed=data.get("disbursed") or 0)
        return data


class BasePeriodFormSet(forms.BaseFormSet):
    def __init__(self, *args, choices=(), **kwargs):
        self.choices = choices
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"choices": self.choices}

    def entries(self):
        return [form.cleaned_data["entry"] for form in self.forms if form.cleaned_data.get("entry")]


PeriodFormSet = forms.formset_factory(PeriodForm, formset=BasePeriodFormSet, extra=2, max_num=200,
                                      validate_max=True)


def period_formset(task, periods, data=None):
    """The task's periods, each editable, and two blank rows for new ones; the choices cover the task's years,
    the last two and the next."""
    today = timezone.localdate()
    years = {today.year - 2, today.year - 1, today.year, today.year + 1}
    years |= {p.starts_on.year for p in periods}
    for day in (task.starts_on, task.ends_on):
        if day and 2000 <= day.year <= 2100:
            years.add(day.year)
    years = range(min(years), max(years) + 1)
    initial = [{"period": period_key(p), "allocated": p.allocated, "disbursed": p.disbursed} for p in periods]
    return PeriodFormSet(data, initial=initial, prefix="periods", choices=period_choices(years))


class BudgetShareForm(forms.Form):
    percent = forms.DecimalField(label=_("Tỷ lệ tối thiểu (%)"), required=False, max_digits=5, decimal_places=2,
                                 min_value=0, max_value=100, localize=True,
                                 help_text=_("Ví dụ: 1 (ít nhất 1% GRDP). Để trống để bỏ tỷ lệ."))
    base_kind = forms.ChoiceField(label=_("Tính trên"), choices=BaseKind.choices, initial=BaseKind.GRDP)
    purpose = forms.CharField(label=_("Nội dung chi"), required=False, max_length=255,
                              help_text=_("Ví dụ: phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số"))


class FundingBaseForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Loại số liệu"), choices=BaseKind.choices, initial=BaseKind.GRDP)
    amount = AmountField(label=_("Giá trị (đồng)"))
