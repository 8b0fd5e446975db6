from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .appendix import INDICATORS, TASKS


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
