from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("<slug:slug>/", views.area_view, name="area"),
    path("<slug:slug>/du-lieu.json", views.area_json_view, name="area_json"),
    path("<slug:slug>/du-lieu.csv", views.area_csv_view, name="area_csv"),
]
