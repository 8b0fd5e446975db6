import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from plans.models import Area, Unit

from .models import NotificationPreference
from .notifications import PHONE_84


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.name} – {unit.area}"


class PersonForm(forms.ModelForm):
    """Names, e-mail, role, units and active flag; never the staff or superuser flags."""

    units = UnitChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none(),
                            widget=forms.SelectMultiple(attrs={"size": 8}))
    password = forms.CharField(label=_("Mật khẩu"), required=False, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("Để trống để giữ mật khẩu hiện tại (người dùng mới chưa đăng nhập được "
                                           "cho đến khi có mật khẩu)."))

    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email", "role", "units", "is_active"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = (Unit.objects.administered_by(actor).select_related("area")
                                         .order_by("area__kind", "area__name", "name"))
        self.fields["first_name"].label = _("Họ tên")
        self.fields["last_name"].label = _("Ghi chú tên (tùy chọn)")
        if self.instance.pk:
            self.fields["username"].disabled = True
            self.initial["units"] = [unit.pk for unit in self.instance.units.all()]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if password:
            validate_password(password, self.instance)
        return password

    def validate_unique(self):
        pass  # the service says when a username is taken

    def _post_clean(self):
        pass  # the service writes the person

    def values(self):
        return {name: self.cleaned_data[name] for name in
                ("username", "first_name", "last_name", "email", "role", "is_active")}


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["area", "name", "is_culture_social_office"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["area"]  # a unit never moves to another area
        else:
            self.fields["area"].queryset = Area.objects.administered_by(actor).order_by("kind", "name")
            self.fields["area"].empty_label = None

    def validate_unique(self):
        pass

    def _post_clean(self):
        pass


class AliasForm(forms.Form):
    alias = forms.CharField(label=_("Tên gọi khác"), max_length=255)


class NotificationPreferenceForm(forms.ModelForm):
    """A person's own channels, Zalo phone and quiet hours."""

    class Meta:
        model = NotificationPreference
        fields = ["email", "zalo", "phone", "quiet_start", "quiet_end"]
        widgets = {"quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def clean_phone(self):
        """0912 345 678, +84 912 345 678 and 84912345678 are the same number: kept as 84…, the form ZNS takes."""
        phone = re.sub(r"[\s.\-()]", "", self.cleaned_data["phone"])
        if not phone:
            return ""
        phone = "84" + phone[1:] if phone.startswith("0") else phone.removeprefix("+")
        if not PHONE_84.match(phone):
            raise forms.ValidationError(_("Số điện thoại không hợp lệ: hãy nhập số di động Việt Nam, ví dụ "
                                          "0912345678 hoặc 84912345678."))
        return phone
