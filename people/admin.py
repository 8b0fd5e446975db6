from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "role", "is_active"]
    list_filter = ["role", "units__area"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Đơn vị và vai trò"), {"fields": ["role", "units"]}),)
    filter_horizontal = ["units", "groups", "user_permissions"]

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        return users.filter(units__area__in=request.user.area_ids).distinct()
