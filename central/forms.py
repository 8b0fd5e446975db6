from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models import ReportKind
from reports.periods import PER_YEAR


class ExportForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Địa bàn"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Loại kỳ"), choices=[(k, ReportKind(k).label) for k in PER_YEAR])
    year = forms.IntegerField(label=_("Năm"), min_value=2020, max_value=2100)
    number = forms.IntegerField(label=_("Kỳ số"), min_value=1, max_value=12,
                                help_text=_("Tháng 1-12, quý 1-4, 6 tháng 1-2; kỳ năm và 9 tháng: 1."))

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        cleaned = super().clean()
        kind, number = cleaned.get("kind"), cleaned.get("number")
        if kind and number and number > PER_YEAR[kind]:
            self.add_error("number", _("Loại kỳ này chỉ có %(n)s kỳ trong năm.") % {"n": PER_YEAR[kind]})
        return cleaned
