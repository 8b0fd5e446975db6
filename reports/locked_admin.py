"""The period lock in the Django admin: a superuser's change to a figure an issued report covers needs a reason.

The admin edits the item's figures directly (its change form, and simple-history's revert to an earlier version,
which saves through the same form), not through the services that check the lock for officers. So the form asks
for the reason the same rule asks for (`period_lock_check`), refuses the save without one, and keeps it as the
history's change reason.
"""
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _, gettext_lazy

from plans.services import REASON_MAX

from .register import locked_reports


class LockedFigureForm(forms.ModelForm):
    """The admin's change form of an item with locked figures; `figure_fields` and `figure_period` set by the admin."""

    lock_reason = forms.CharField(
        label=gettext_lazy("Lý do điều chỉnh số liệu đã khóa"), required=False, max_length=REASON_MAX,
        help_text=gettext_lazy("Bắt buộc khi sửa (hoặc khôi phục phiên bản cũ của) số liệu thuộc kỳ đã có báo cáo "
                               "ban hành; được ghi vào lịch sử thay đổi."))
    figure_fields = ()
    figure_period = None

    def clean(self):
        cleaned = super().clean()
        self.locking = []
        if not self.instance.pk:
            return cleaned
        # The live row, not `self.instance`: on a history revert the instance holds the old version's values.
        current = type(self.instance)._default_manager.get(pk=self.instance.pk)
        changed = [name for name in self.figure_fields if name in cleaned and cleaned[name] != getattr(current, name)]
        if not changed:
            return cleaned
        self.locking = locked_reports(item=current, period=self.figure_period(current),
                                      today=timezone.localdate())
        if self.locking and not (cleaned.get("lock_reason") or "").strip():
            report = self.locking[0]
            raise ValidationError({"lock_reason": _(
                "Số liệu đến ngày %(cutoff)s đã khóa vì báo cáo %(report)s đã ban hành: hãy nêu lý do điều chỉnh "
                "(%(fields)s).") % {"cutoff": f"{report.window_end:%d/%m/%Y}", "report": report.reference,
                                    "fields": ", ".join(str(current._meta.get_field(n).verbose_name) for n in changed)}})
        return cleaned


class LockedFigureAdmin:
    """Mixin for a SimpleHistoryAdmin: `figure_fields` are the figures a report reads; `figure_period(item)` the
    month the item's figures speak for."""

    form = LockedFigureForm
    figure_fields = ()

    def figure_period(self, item):
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"figure_fields": self.figure_fields,
                                             "figure_period": staticmethod(self.figure_period)})

    def save_model(self, request, obj, form, change):
        locking = getattr(form, "locking", [])
        reason = (form.cleaned_data.get("lock_reason") or "").strip()
        if locking and reason:
            obj._change_reason = Truncator(_("Quản trị sửa số liệu đã khóa (%(report)s): %(reason)s") % {
                "report": locking[0].reference, "reason": reason}).chars(REASON_MAX)
        elif reason:
            obj._change_reason = Truncator(reason).chars(REASON_MAX)
        super().save_model(request, obj, form, change)
