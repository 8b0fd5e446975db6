from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("warnings/", views.warning_list_view, name="warning_list"),
    path("warnings/run/", views.warning_run_view, name="warning_run"),
]
