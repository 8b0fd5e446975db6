from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("warnings/", views.warning_list_view, name="warning_list"),
    path("periodic/", views.period_report_list_view, name="period_report_list"),
    path("periodic/<slug:area>/<str:kind>/<str:period>.pdf", views.period_report_pdf_view, name="period_report_pdf"),
    path("warnings/run/", views.warning_run_view, name="warning_run"),
]
