"""The appendix import inside the Django admin, through django-import-export's import/confirm screens.

django-import-export supplies the admin flow (upload, preview, confirm, temporary storage); the reading,
preview and all-or-nothing writing are the same services the portal's own import page uses.
"""
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.admin import ImportMixin
from import_export.formats.base_formats import XLSX
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.results import Result, RowResult
from tablib import Dataset

from ..models import Plan
from .preview import appendix_preview
from .readers import read_sheets
from .table import AppendixError
from .write import appendix_import


class OfficeWorkbook(XLSX):
    """An xlsx file read the way offices keep it: every sheet's raw rows, checked before parsing."""

    def create_dataset(self, in_stream, **kwargs):
        sheets = read_sheets(in_stream, _("tệp tải lên"))
        dataset = Dataset(headers=["sheet", "rows"])
        for sheet in sheets:
            dataset.append([sheet.title, len(sheet.rows)])
        dataset.sheets = sheets  # the rows themselves, for AppendixResource
        return dataset


class AppendixResource(resources.Resource):
    def __init__(self, plan=None, user=None, **kwargs):
        super().__init__(**kwargs)
        self.plan, self.user = plan, user

    @classmethod
    def get_display_name(cls):
        return _("Phụ lục (chỉ tiêu hoặc nhiệm vụ)")

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        if self.plan is None or not Plan.objects.editable_by(self.user).filter(pk=self.plan.pk).exists():
            raise PermissionDenied
        result = Result()
        result.diff_headers = [_("Dòng"), _("Mục"), _("STT"), _("Nội dung"), _("Đọc được"), _("Chủ trì"), _("Phối hợp")]
        try:
            preview = appendix_preview(plan=self.plan, sheets=dataset.sheets)
        except AppendixError as error:
            result.append_invalid_row(1, {}, ValidationError(str(error)))
            return result
        for part, row in ((found, row) for found in preview.parts for row in found.rows):
            section = part.sections[row.section] if row.section is not None else None
            values = [row.sheet_row, f"{section.number}. {section.title}" if section else "", row.ordinal,
                      row.summary, row.values.get("target_text") or row.values.get("timeline_text", ""),
                      "; ".join(u.name for u in row.lead), "; ".join(u.name for u in row.support)]
            problems = row.errors + [_("Không tìm thấy đơn vị “%(name)s” (chọn hoặc tạo đơn vị trên trang nhập phụ lục "
                                       "của kế hoạch).") % {"name": name} for name in row.unknown]
            if problems:
                result.append_invalid_row(row.sheet_row, dict(zip(result.diff_headers, values, strict=True)),
                                          ValidationError(problems))
                continue
            row_result = RowResult()
            row_result.import_type = {"new": RowResult.IMPORT_TYPE_NEW, "changed": RowResult.IMPORT_TYPE_UPDATE,
                                      "unchanged": RowResult.IMPORT_TYPE_SKIP}[row.state]
            row_result.diff = values
            result.append_row_result(row_result)
            result.increment_row_result_total(row_result)
        result.total_rows = len(preview.rows)
        if not dry_run and not result.has_validation_errors():
            appendix_import(plan=self.plan, preview=preview, user=self.user)
        return result


class AppendixImportForm(ImportForm):
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), label=gettext_lazy("Kế hoạch nhận phụ lục"))
    field_order = ["plan", "import_file", "format", "resource"]


class AppendixConfirmForm(ConfirmImportForm):
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), widget=forms.HiddenInput)


class AppendixImportMixin(ImportMixin):
    """Adds "Import" to the plan list in the admin, scoped to the plans the user may edit."""

    resource_classes = [AppendixResource]
    import_formats = [OfficeWorkbook]
    import_form_class = AppendixImportForm
    confirm_form_class = AppendixConfirmForm
    skip_admin_log = True  # history rows on the imported items record who and when

    def has_import_permission(self, request):
        return Plan.objects.editable_by(request.user).exists()

    def _scoped(self, form, request):
        form.fields["plan"].queryset = Plan.objects.editable_by(request.user)
        return form

    def create_import_form(self, request):
        return self._scoped(super().create_import_form(request), request)

    def create_confirm_form(self, request, import_form=None):
        return self._scoped(super().create_confirm_form(request, import_form), request)

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["plan"] = import_form.cleaned_data["plan"].pk
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        plan = form.cleaned_data.get("plan") if form is not None and hasattr(form, "cleaned_data") else None
        return {"plan": plan, "user": request.user}

    def get_import_data_kwargs(self, **kwargs):
        return {}

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ValidationError):
            form.add_error("import_file", e.messages)
        else:
            super().add_data_read_fail_error_to_form(form, e)
