from django.contrib import admin
from import_export import resources
from import_export.admin import ExportMixin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from reports.locked_admin import LockedFigureAdmin
from .models import Indicator, IndicatorTarget


class IndicatorResource(resources.ModelResource):
    """A flat export for analysis; appendices in the office layout come from the plan's page."""

    class Meta:
        model = Indicator
        fields = ("plan__slug", "section__title", "ordinal", "content", "unit_of_measure", "target_text", "status", "current_value")


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0
    fields = ["year", "label", "target_text", "comparator", "value", "value_upper", "unit"]


@admin.register(Indicator)
class IndicatorAdmin(LockedFigureAdmin, ExportMixin, SimpleHistoryAdmin):
    inlines = [IndicatorTargetInline]
    figure_fields = ("current_value", "is_met", "status")
    resource_classes = [IndicatorResource]
    list_display = ["ordinal", "content", "plan", "target_text", "status"]
    list_filter = ["status", "plan"]
    search_fields = ["content"]
    filter_horizontal = ["lead_units", "support_units"]
    raw_id_fields = ["contributes_to"]

    def figure_period(self, indicator):
        """The month the indicator's current value was reported for (this month without one)."""
        return indicator.current_period or timezone.localdate().replace(day=1)
