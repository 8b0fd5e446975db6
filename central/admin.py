from django.contrib import admin

from .models import CentralExport


@admin.register(CentralExport)
class CentralExportAdmin(admin.ModelAdmin):
    list_display = ["area", "period_kind", "year", "number", "status", "created_at", "requested_by"]
    list_filter = ["status", "period_kind"]
    readonly_fields = [field.name for field in CentralExport._meta.fields]

    def has_add_permission(self, request):
        return False
