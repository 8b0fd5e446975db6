from django.urls import path

from . import views

app_name = "central"

urlpatterns = [
    path("", views.export_list_view, name="export_list"),
    path("<int:pk>/", views.export_status_view, name="export_status"),
    path("<int:pk>/<str:kind>/", views.export_file_view, name="export_file"),
    path("schema/v<str:version>.json", views.schema_view, name="schema"),
]
