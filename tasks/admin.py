from django.contrib import admin
from import_export import resources
from import_export.admin import ExportMixin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from reports.locked_admin import LockedFigureAdmin
from .models import Task


class TaskResource(resources.ModelResource):
    """A flat export for analysis; appendices in the office layout come from the plan's page."""

    class Meta:
        model = Task
        fields = ("plan__slug", "section__title", "ordinal", "title", "product", "timeline_text", "starts_on", "ends_on", "status", "progress")


@admin.register(Task)
class TaskAdmin(LockedFigureAdmin, ExportMixin, SimpleHistoryAdmin):
    figure_fields = ("progress", "status")
    resource_classes = [TaskResource]
    list_display = ["ordinal", "title", "plan", "status", "progress"]
    list_filter = ["status", "timeline_kind", "plan"]
    search_fields = ["title"]
    filter_horizontal = ["lead_units", "support_units"]
    raw_id_fields = ["carries_out", "officer", "parent"]

    def figure_period(self, task):
        """The month of the task's latest progress update (this month without one)."""
        latest = task.updates.order_by("-period").values_list("period", flat=True).first()
        return latest or timezone.localdate().replace(day=1)
