from django.urls import path

from . import province_views, views

app_name = "reports"
urlpatterns = [
    path("", province_views.province_dashboard_view, name="dashboard"),
    path("communes/<slug:slug>/", province_views.commune_view, name="commune"),
    path("communes/<slug:slug>/items/", province_views.area_items_view, name="area_items"),
    path("plans/<slug:slug>/followed-down/", province_views.province_items_view, name="province_items"),
    path("tasks/<int:pk>/followed-down/", province_views.province_task_view, name="province_task"),
    path("scorecards/", province_views.scorecards_view, name="scorecards"),
    path("scorecards.xlsx", province_views.scorecards_xlsx_view, name="scorecards_xlsx"),
    path("warnings/", views.warning_list_view, name="warning_list"),
    path("periodic/", views.period_report_list_view, name="period_report_list"),
    path("periodic/<slug:area>/<str:kind>/<str:period>.pdf", views.period_report_pdf_view, name="period_report_pdf"),
    path("warnings/run/", views.warning_run_view, name="warning_run"),
]
