from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from plans.models import Area


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên khóa"), max_length=120,
                           help_text=_("Dùng để nhận ra khóa, ví dụ: Bảng điều khiển Sở KH&CN."))
    area = forms.ModelChoiceField(label=_("Địa bàn"), queryset=Area.objects.none(), empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A province's admin finds the province first, then its communes.
        self.fields["area"].queryset = Area.objects.administered_by(user).order_by(
            F("parent_id").asc(nulls_first=True), "name")
