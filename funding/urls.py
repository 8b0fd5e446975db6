from django.urls import path

from . import views

app_name = "funding"
urlpatterns = [
    path("tasks/<int:pk>/", views.task_funding_view, name="task_funding"),
    path("plans/<slug:slug>/", views.plan_funding_view, name="plan_funding"),
]
