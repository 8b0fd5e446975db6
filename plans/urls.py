from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list_view, name="plan_list"),
    path("plans/<slug:slug>/", views.plan_detail_view, name="plan_detail"),
]
