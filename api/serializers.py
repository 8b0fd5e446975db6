"""What each resource shows: the fields of the pages a person of the token's area reads; no personal accounts."""
from operator import attrgetter

from django.urls import reverse
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from indicators.models import Indicator, IndicatorReport
from plans.models import Area, Plan, Unit
from reports.models import Report, Warning
from tasks.models import ProgressUpdate, Task


# A ModelSerializer whose rows are written by one plain loop, each field's reader worked out once a serializer (a
# page), where DRF's own loop works it out once a row and field (`get_attribute` walks the source and inspects
# whether the value is a callable, every time): a quarter of the CPU of a page of 100 items. A field showing one of
# the model's own columns reads it as a plain attribute; every other field (related rows' slugs, method fields,
# properties) reads itself as in DRF; every value still goes through its field's `to_representation`, so the JSON is
# DRF's (`api/tests/test_rows.py` compares the two). Comments, not a docstring: drf-spectacular would publish a
# docstring as every resource's description.
class RowSerializer(serializers.ModelSerializer):
    @cached_property
    def _row_readers(self):
        columns = {field.attname for field in self.Meta.model._meta.concrete_fields if not field.is_relation}
        readers = []
        for field in self._readable_fields:
            plain = (type(field).get_attribute is serializers.Field.get_attribute and len(field.source_attrs) == 1
                     and field.source_attrs[0] in columns)
            readers.append((field.field_name, attrgetter(field.source_attrs[0]) if plain else None, field))
        return readers

    def to_representation(self, instance):
        row = {}
        for name, read, field in self._row_readers:
            if read is not None:
                value = read(instance)
                row[name] = None if value is None else field.to_representation(value)
                continue
            try:
                value = field.get_attribute(instance)
            except SkipField:
                continue
            if (value.pk if isinstance(value, PKOnlyObject) else value) is None:
                row[name] = None
            else:
                row[name] = field.to_representation(value)
        return row


def _slug(source=None):
    """A related row by its slug; `source` when the field is named otherwise ("task.plan")."""
    return serializers.SlugRelatedField(slug_field="slug", read_only=True, **({"source": source} if source else {}))


class AreaSerializer(RowSerializer):
    parent = _slug()
    label = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Area
        fields = ["id", "slug", "kind", "name", "label", "parent"]


class UnitSerializer(RowSerializer):
    area = _slug()

    class Meta:
        model = Unit
        fields = ["id", "slug", "name", "area", "is_culture_social_office", "is_placeholder"]


class PlanSerializer(RowSerializer):
    area = _slug()
    implements_plan = _slug()
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "slug", "area", "reference", "number", "symbol", "issuer", "issued_year", "issued_month",
                  "issued_day", "title", "status", "implements_plan"]


class _ItemSerializer(RowSerializer):
    plan = _slug()
    area = _slug("plan.area")
    section = serializers.SerializerMethodField()
    # the units' slugs as the selector's query reads them, arrays in the items' own rows (`selectors._items`)
    lead_units = serializers.ListField(child=serializers.CharField(), source="lead_unit_slugs", read_only=True)
    support_units = serializers.ListField(child=serializers.CharField(), source="support_unit_slugs", read_only=True)

    ITEM_FIELDS = ["id", "plan", "area", "section", "ordinal", "position", "status", "lead_units", "support_units"]

    def get_section(self, item) -> str | None:
        return str(item.section) if item.section_id else None


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


class ProgressUpdateSerializer(RowSerializer):
    plan = _slug("task.plan")
    area = _slug("task.plan.area")

    class Meta:
        model = ProgressUpdate
        fields = ["id", "task", "plan", "area", "period", "progress_before", "progress_after", "achievements",
                  "difficulties", "proposals", "reason", "created_at"]


class IndicatorReportSerializer(RowSerializer):
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


class ReportSerializer(RowSerializer):
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


class WarningSerializer(RowSerializer):
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
        return warning.area.slug

    def get_is_open(self, warning) -> bool:
        return warning.closed_at is None
