from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .models import Difficulty, Report, ReportingRule


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("Lý do trả lại"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class IssueForm(forms.Form):
    number = forms.IntegerField(label=_("Số văn bản (theo sổ đăng ký văn bản đi)"), required=False, min_value=1,
                                max_value=99999)


class NextNumberForm(forms.Form):
    next_number = forms.IntegerField(label=_("Số báo cáo tiếp theo"), min_value=1, max_value=99999)


class SignedCopyForm(forms.Form):
    file = forms.FileField(label=_("Bản đã ký (PDF)"))
    as_scan = forms.BooleanField(label=_("Bản quét của văn bản giấy đã ký (không có chữ ký số)"), required=False)


class DifficultyAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Ý kiến chỉ đạo"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(label=_("Trạng thái"), choices=[
        (Difficulty.Status.ANSWERED, Difficulty.Status.ANSWERED.label),
        (Difficulty.Status.RESOLVED, Difficulty.Status.RESOLVED.label)])


class ReportingRuleForm(forms.ModelForm):
    class Meta:
        model = ReportingRule
        fields = ["recipient_unit", "other_recipients", "addressee", "cutoff_day", "deadline_day",
                  "deadline_month_offset", "is_active"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["recipient_unit"].queryset = units
            self.fields["other_recipients"].queryset = units


class ReportingRuleAddForm(forms.ModelForm):
    """A report kind the area adds: for all its plans, or one of them, with its recipient and deadline."""

    class Meta:
        model = ReportingRule
        fields = ["kind", "plan", "issuing_unit", "recipient_unit", "other_recipients", "addressee", "cutoff_day",
                  "deadline_day", "deadline_month_offset"]

    def __init__(self, *args, area, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0] != "ad_hoc"]
        self.fields["plan"].queryset = area.plans.order_by("issued_year", "id")
        self.fields["plan"].empty_label = _("Mọi kế hoạch của địa bàn")
        # The seeds' plans are unnumbered ("Số: /KH-UBND"): told apart by their titles.
        self.fields["plan"].label_from_instance = lambda plan: Truncator(plan.title).words(10)
        self.fields["recipient_unit"].queryset = units
        self.fields["other_recipients"].queryset = units
        # A unit of the area reporting to its People's Committee; empty for the area's own report.
        self.fields["issuing_unit"].queryset = area.units.filter(is_placeholder=False).order_by("name")
        self.fields["issuing_unit"].empty_label = _("Địa bàn (UBND) báo cáo lên cấp trên")


class ReportDetailsForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["subject", "addressee", "signer_name", "signer_title", "distribution"]
        widgets = {"signer_title": forms.Textarea(attrs={"rows": 3}), "distribution": forms.Textarea(attrs={"rows": 3})}


class NarrativeForm(forms.Form):
    """The leader's words for each section of the report, printed before the portal's figures."""

    results = forms.CharField(label=_("I. Kết quả thực hiện (đánh giá chung)"), max_length=10000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    shortcomings = forms.CharField(label=_("II. Tồn tại, hạn chế và nguyên nhân"), max_length=10000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    directions = forms.CharField(label=_("III. Phương hướng, nhiệm vụ kỳ tới"), max_length=10000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    proposals = forms.CharField(label=_("IV. Kiến nghị, đề xuất"), max_length=10000, required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))
