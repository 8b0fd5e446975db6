from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("<int:pk>/", views.indicator_detail_view, name="indicator_detail"),
    path("<int:pk>/report/", views.indicator_report_view, name="indicator_report"),
    path("<int:pk>/direction/", views.indicator_direction_view, name="indicator_direction"),
]
