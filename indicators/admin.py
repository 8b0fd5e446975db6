from django.contrib import admin

from plans.admin import ScopedAdmin
from plans.models import Plan

from .models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdmin):
    list_display = ["ordinal", "content", "plan", "target_text", "status"]
    list_filter = ["status", "plan"]
    search_fields = ["content"]
    filter_horizontal = ["lead_units", "support_units"]
    raw_id_fields = ["contributes_to"]

    def scope(self, queryset, user):
        return queryset.filter(plan__in=Plan.objects.editable_by(user).values("pk"))
