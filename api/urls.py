from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("areas", views.AreaViewSet, basename="area")
router.register("units", views.UnitViewSet, basename="unit")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("progress-updates", views.ProgressUpdateViewSet, basename="progress-update")
router.register("indicator-reports", views.IndicatorReportViewSet, basename="indicator-report")
router.register("reports", views.ReportViewSet, basename="report")
router.register("warnings", views.WarningViewSet, basename="warning")

urlpatterns = [
    # The schema describes the API, not its data: it is served without a token.
    path("schema/", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]), name="schema"),
    path("", include(router.urls)),
]
