"""What each resource shows: the fields of the pages a person of the token's area reads; no personal accounts."""
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from indicators.models import Indicator, IndicatorReport
from plans.models import Area, Plan, Unit
from reports.models import Report, Warning
from tasks.models import ProgressUpdate, Task


def _slug(source=None):
    """A related row by its slug; `source` when the field is named otherwise ("task.plan")."""
    return serializers.SlugRelatedField(slug_field="slug", read_only=True, **({"source": source} if source else {}))


class AreaSerializer(serializers.ModelSerializer):
    parent = _slug()
    label = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Area
        fields = ["id", "slug", "kind", "name", "label", "parent"]


class UnitSerializer(serializers.ModelSerializer):
    area = _slug()

    class Meta:
        model = Unit
        fields = ["id", "slug", "name", "area", "is_culture_social_office", "is_placeholder"]


class PlanSerializer(serializers.ModelSerializer):
    area = _slug()
    implements_plan = _slug()
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "slug", "area", "reference", "number", "symbol", "issuer", "issued_year", "issued_month",
                  "issued_day", "title", "status", "implements_plan"]


class _ItemSerializer(serializers.ModelSerializer):
    plan = _slug()
    area = _slug("plan.area")
    section = serializers.CharField(source="section.__str__", default=None, read_only=True)
    lead_units = serializers.SlugRelatedField(many=True, slug_field="slug", read_only=True)
    support_units = serializers.SlugRelatedField(many=True, slug_field="slug", read_only=True)

    ITEM_FIELDS = ["id", "plan", "area", "section", "ordinal", "position", "status", "lead_units", "support_units"]


class TaskSerializer(_ItemSerializer):
    class Meta:
        model = Task
        fields = [*_ItemSerializer.ITEM_FIELDS, "title", "details", "product", "timeline_text", "starts_on",
                  "ends_on", "timeline_kind", "authority", "centrally_assigned", "progress", "carries_out"]


class IndicatorSerializer(_ItemSerializer):
    class Meta:
        model = Indicator
        fields = [*_ItemSerializer.ITEM_FIELDS, "content", "unit_of_measure", "target_text", "target_comparator",
                  "target_value", "target_value_upper", "target_unit", "direction", "timeline_text", "starts_on",
                  "deadline", "baseline", "current_value", "current_period", "is_met", "contributes_to"]


class ProgressUpdateSerializer(serializers.ModelSerializer):
    plan = _slug("task.plan")
    area = _slug("task.plan.area")

    class Meta:
        model = ProgressUpdate
        fields = ["id", "task", "plan", "area", "period", "progress_before", "progress_after", "achievements",
                  "difficulties", "proposals", "reason", "created_at"]


class IndicatorReportSerializer(serializers.ModelSerializer):
    plan = _slug("indicator.plan")
    area = _slug("indicator.plan.area")
    ordinal = serializers.CharField(source="indicator.ordinal", read_only=True)
    content = serializers.CharField(source="indicator.content", read_only=True)
    unit_of_measure = serializers.CharField(source="indicator.unit_of_measure", read_only=True)
    target_text = serializers.CharField(source="indicator.target_text", read_only=True)

    class Meta:
        model = IndicatorReport
        fields = ["id", "indicator", "plan", "area", "ordinal", "content", "unit_of_measure", "target_text", "period",
                  "value", "qualitative_state", "description", "is_met", "created_at"]


REPORT_FILES = {"pdf": ("pdf", "application/pdf", "pdf"),
                "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
                "signed": ("signed_file", "application/pdf", "pdf")}


class ReportSerializer(serializers.ModelSerializer):
    area = _slug()
    plan = _slug()
    reference = serializers.CharField(read_only=True)
    period = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "area", "plan", "kind", "year", "period_number", "period", "first_month", "last_month",
                  "window_start", "window_end", "deadline", "reference", "subject", "status", "issued_at",
                  "is_on_time", "handled_at", "files"]

    def get_period(self, report) -> str:
        return f"{report.kind}-{report.year}-{report.period_number}"

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string", "format": "uri"}})
    def get_files(self, report):
        """Links to the report's stored files (pdf, docx, signed), each downloaded through the API."""
        request = self.context.get("request")
        links = {}
        for kind, (field, _type, _suffix) in REPORT_FILES.items():
            if getattr(report, field):
                url = reverse("api:report-file", args=[report.pk, kind])
                links[kind] = request.build_absolute_uri(url) if request else url
        return links


class WarningSerializer(serializers.ModelSerializer):
    plan = serializers.SerializerMethodField()
    area = serializers.SerializerMethodField()
    unit = _slug()
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Warning
        fields = ["id", "kind", "task", "indicator", "unit", "plan", "area", "period", "raised_at", "closed_at",
                  "is_open", "details"]

    def get_plan(self, warning) -> str | None:
        plan = warning.plan
        return plan.slug if plan else None

    def get_area(self, warning) -> str:
        item = warning.task or warning.indicator
        return (item.plan.area if item else warning.unit.area).slug

    def get_is_open(self, warning) -> bool:
        return warning.closed_at is None
