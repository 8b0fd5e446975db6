from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator
from indicators.targets import year_targets_text
from tasks.models import Task

from .appendix import INDICATORS, TASKS
from .models import Area, LegalDocument, Plan, Section
from .item_kinds import INDICATOR, TASK
from .units import area_units
from .services import PLAN_FIELDS


def add_service_errors(form, error: ValidationError):
    """Show a workflow's refusal on the form: beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class AppendixUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp phụ lục (.xlsx, .xls, .ods) hoặc văn bản kế hoạch (.docx)"))
    kind = forms.ChoiceField(label=_("Loại phụ lục"), required=False, choices=[
        ("", _("Tự nhận biết theo dòng tiêu đề")), (INDICATORS, _("Phụ lục I – Chỉ tiêu")),
        (TASKS, _("Phụ lục II – Nhiệm vụ"))])


# Plan administration. Every choice is narrowed to the user's scope, so a forged id is refused by the form.

class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(label=_("Lý do thay đổi"), required=False, max_length=100,
                         help_text=_("Bắt buộc khi kế hoạch đã ban hành; được ghi vào lịch sử thay đổi."), **kwargs)


class ReasonForm(forms.Form):
    reason = ReasonField()


def _reason_only_once_issued(form, plan):
    """A draft changes freely, so its forms do not ask why."""
    if plan is None or plan.status == Plan.Status.DRAFT:
        del form.fields["reason"]


class PlanForm(forms.ModelForm):
    reason = ReasonField()

    class Meta:
        model = Plan
        fields = ["area", "number", "symbol", "issued_day", "issued_month", "issued_year", "issuer", "signer_name",
                  "signer_title", "title", "legal_basis", "implements", "implements_plan", "replaces"]
        widgets = {"title": forms.Textarea(attrs={"rows": 3}),
                   "legal_basis": forms.SelectMultiple(attrs={"size": 8}),
                   "implements": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        documents = LegalDocument.objects.usable_by(user).order_by("issued_on", "reference")
        for name in ("legal_basis", "implements", "replaces"):
            self.fields[name].queryset = documents
            self.fields[name].label_from_instance = lambda document: f"{document.reference} – {document.issuer}"
        higher = Plan.objects.visible_to(user).select_related("area").order_by("area__kind", "slug")
        _reason_only_once_issued(self, self.instance if self.instance.pk else None)
        if self.instance.pk:
            higher = higher.exclude(pk=self.instance.pk)
            del self.fields["area"]
        else:
            self.fields["area"].queryset = Area.objects.administered_by(user).order_by("kind", "name")
            self.fields["area"].empty_label = None
        self.fields["implements_plan"].queryset = higher
        self.fields["issued_day"].widget.attrs.update(min=1, max=31)
        self.fields["issued_month"].widget.attrs.update(min=1, max=12)

    def _post_clean(self):
        pass  # the service writes the plan; the model's constraints are checked there

    def values(self):
        data = self.cleaned_data
        return {name: data[name] for name in PLAN_FIELDS}


class LegalDocumentForm(forms.ModelForm):
    class Meta:
        model = LegalDocument
        fields = ["area", "kind", "reference", "issued_on", "issuer", "title"]
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "title": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["area"]
        else:
            self.fields["area"].queryset = Area.objects.administered_by(user).order_by("kind", "name")
            self.fields["area"].empty_label = None
            self.fields["area"].required = True

    def validate_unique(self):
        pass  # the service says which document already exists

    def values(self):
        return {name: self.cleaned_data[name] for name in ("kind", "reference", "issued_on", "issuer", "title")}


class SectionForm(forms.ModelForm):
    reason = ReasonField()

    class Meta:
        model = Section
        fields = ["appendix", "number", "title", "parent"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = plan.sections.exclude(pk=self.instance.pk).order_by("position")
        self.fields["parent"].label = _("Thuộc mục")
        _reason_only_once_issued(self, plan)

    def _post_clean(self):
        pass

    def values(self):
        return {name: self.cleaned_data[name] for name in ("appendix", "number", "title", "parent")}


class ItemForm(forms.ModelForm):
    """An indicator's or task's own text and place; lead and support units for this one item."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = ReasonField()
    own_fields = ()

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = plan.sections.order_by("position")
        self.fields["section"].label = _("Thuộc mục")
        _reason_only_once_issued(self, plan)
        units = area_units(plan.area)
        for name in ("lead_units", "support_units"):
            self.fields[name].queryset = units
            self.fields[name].widget.attrs["size"] = 6

    def _post_clean(self):
        pass

    def values(self):
        return {name: self.cleaned_data[name] for name in ("section", "ordinal", *self.own_fields)}


class IndicatorForm(ItemForm):
    own_fields = ("content", "unit_of_measure", "target_text", "year_targets", "baseline", "baseline_label")
    field_order = ["section", "ordinal", *own_fields]
    year_targets = forms.CharField(
        label=_("Chỉ tiêu theo năm"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một năm hoặc giai đoạn: “Năm 2026: ≥ 80%”, “Đến năm 2030: ≥ 95%”."))

    class Meta:
        model = Indicator
        fields = ["section", "ordinal", "content", "unit_of_measure", "target_text", "baseline", "baseline_label",
                  "lead_units", "support_units"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"target_text": _("Ghi như văn bản: ≥ 80, >30%, 06 - 10, hoặc bằng chữ."),
                      "baseline_label": _("Ví dụ: Thực hiện năm 2025.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year_targets"].widget.attrs["placeholder"] = "Năm 2026: ≥ 80%"
        if self.instance.pk:
            self.initial.setdefault("year_targets", year_targets_text(self.instance.targets.all()))

    def clean_year_targets(self):
        """None when the form was sent without the field: the targets by year are then left as they are."""
        return self.cleaned_data["year_targets"] if "year_targets" in self.data else None


class TaskForm(ItemForm):
    own_fields = ("title", "details", "product", "timeline_text", "centrally_assigned")

    class Meta:
        model = Task
        fields = ["section", "ordinal", "title", "details", "product", "timeline_text", "centrally_assigned",
                  "lead_units", "support_units"]
        widgets = {"title": forms.Textarea(attrs={"rows": 3}), "details": forms.Textarea(attrs={"rows": 3}),
                   "product": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"timeline_text": _("Ghi như văn bản: Năm 2026, Giai đoạn 2026-2027, Hàng năm, Thường xuyên.")}


ITEM_FORMS = {INDICATOR.appendix: IndicatorForm, TASK.appendix: TaskForm}


class AssignmentUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp “Phân công nhiệm vụ” (.xlsx)"))
