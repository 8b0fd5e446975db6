from django.contrib import admin

from plans.admin import ScopedAdmin
from plans.models import Plan

from .models import Task


@admin.register(Task)
class TaskAdmin(ScopedAdmin):
    list_display = ["ordinal", "title", "plan", "status", "progress"]
    list_filter = ["status", "timeline_kind", "plan"]
    search_fields = ["title"]
    filter_horizontal = ["lead_units", "support_units"]
    raw_id_fields = ["carries_out", "officer"]

    def scope(self, queryset, user):
        return queryset.filter(plan__in=Plan.objects.editable_by(user).values("pk"))
