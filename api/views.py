"""Read-only endpoints: a list and a detail per resource, scoped by the token's area (`selectors.py`).

Every answer to a GET carries an ETag (a report's file: its SHA-256); a request whose If-None-Match names it gets
304 Not Modified (Django's ConditionalGetMiddleware, applied to these views only)."""
import hashlib

from django.http import Http404, HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils.decorators import decorator_from_middleware
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action

from config.downloads import StoredFileAltered, file_response
from reports import register

from . import selectors, serializers

conditional_get = decorator_from_middleware(ConditionalGetMiddleware)

PARAMETERS = {
    "area": OpenApiParameter("area", str, description="Địa bàn (slug), ví dụ phu-lam"),
    "plan": OpenApiParameter("plan", str, description="Kế hoạch (slug)"),
    "period": OpenApiParameter("period", str, description="Kỳ: YYYY-MM (một tháng) hoặc loại-năm-kỳ "
                                                          "(monthly, quarterly, half_year, nine_month, annual), "
                                                          "ví dụ quarterly-2026-1"),
    "status": OpenApiParameter("status", str, description="Trạng thái"),
}


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """A list (cursor-paginated, filtered) and a detail, from the selector `select(principal, **filters)`."""

    filters = ()
    select = None

    @classmethod
    def as_view(cls, *args, **kwargs):
        return conditional_get(super().as_view(*args, **kwargs))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types, with no token
            return self.get_serializer_class().Meta.model.objects.none()
        filters = {name: self.request.query_params.get(name, "").strip() for name in self.filters}
        if self.action != "list":
            filters = {}
        return type(self).select(self.request.user, **filters)


def _read_only(name, select, serializer, filters):
    """A viewset class for one resource, documented with its filters."""
    documented = extend_schema_view(
        list=extend_schema(parameters=[PARAMETERS[name] for name in filters]),
    )
    return documented(type(name, (ReadOnlyViewSet,), {
        "select": staticmethod(select), "serializer_class": serializer, "filters": filters,
        "__doc__": serializer.__doc__ or name,
    }))


AreaViewSet = _read_only("AreaViewSet", selectors.area_list, serializers.AreaSerializer, ("area",))
UnitViewSet = _read_only("UnitViewSet", selectors.unit_list, serializers.UnitSerializer, ("area",))
PlanViewSet = _read_only("PlanViewSet", selectors.plan_list, serializers.PlanSerializer, ("area", "status"))
TaskViewSet = _read_only("TaskViewSet", selectors.task_list, serializers.TaskSerializer, ("area", "plan", "status"))
IndicatorViewSet = _read_only("IndicatorViewSet", selectors.indicator_list, serializers.IndicatorSerializer,
                              ("area", "plan", "status"))
ProgressUpdateViewSet = _read_only("ProgressUpdateViewSet", selectors.progress_update_list,
                                   serializers.ProgressUpdateSerializer, ("area", "plan", "period"))
IndicatorReportViewSet = _read_only("IndicatorReportViewSet", selectors.indicator_report_list,
                                    serializers.IndicatorReportSerializer, ("area", "plan", "period"))
WarningViewSet = _read_only("WarningViewSet", selectors.warnings_list, serializers.WarningSerializer,
                            ("area", "plan", "period", "status"))


@extend_schema_view(list=extend_schema(parameters=[PARAMETERS[name] for name in ("area", "plan", "period", "status")]))
class ReportViewSet(ReadOnlyViewSet):
    select = staticmethod(selectors.report_list)
    serializer_class = serializers.ReportSerializer
    filters = ("area", "plan", "period", "status")

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
                              404: None, 500: None},
                   parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(serializers.REPORT_FILES))])
    @action(detail=True, url_path=r"files/(?P<kind>pdf|docx|signed)", url_name="file")
    def file(self, request, pk=None, kind=None):
        """A report's stored file, served only while its SHA-256 matches the one recorded when it was stored."""
        report = self.get_object()
        field, content_type, suffix = serializers.REPORT_FILES[kind]
        if not getattr(report, field):
            raise Http404
        try:
            data = register.report_file_read(report=report, field=field)
        except FileNotFoundError as error:
            raise Http404 from error
        except StoredFileAltered:
            return HttpResponse(_("Tệp đã bị thay đổi trên máy chủ (SHA-256 không khớp): không được tải xuống."),
                                status=500, content_type="text/plain; charset=utf-8")
        name = f"bao-cao-{report.area.slug}-{report.kind}-{report.year}-{report.period_number}.{suffix}"
        response = file_response(data, filename=name, content_type=content_type)
        response["X-Content-Type-Options"] = "nosniff"
        # The bytes' SHA-256 as the ETag: a copy already fetched is answered 304 (`conditional_get`), which skips
        # no-store responses when it makes ETags itself; the file is read and checked first, so an altered file
        # is refused, never answered "not modified".
        response["ETag"] = quote_etag(hashlib.sha256(data).hexdigest())
        return response
