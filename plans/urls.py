from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list_view, name="plan_list"),
    path("plans/<slug:slug>/", views.plan_detail_view, name="plan_detail"),
    path("plans/<slug:slug>/import/", views.appendix_upload_view, name="appendix_upload"),
    path("plans/<slug:slug>/import/<int:pk>/", views.appendix_import_view, name="appendix_import"),
    path("plans/<slug:slug>/import/<int:pk>/units/", views.appendix_map_units_view, name="appendix_map_units"),
    path("plans/<slug:slug>/import/<int:pk>/confirm/", views.appendix_confirm_view, name="appendix_confirm"),
    path("plans/<slug:slug>/import/<int:pk>/retry/", views.appendix_retry_view, name="appendix_retry"),
    path("plans/<slug:slug>/import/<int:pk>/undo/", views.appendix_undo_view, name="appendix_undo"),
    path("plans/<slug:slug>/import/<int:pk>/errors.xlsx", views.appendix_errors_view, name="appendix_errors"),
    path("plans/<slug:slug>/export/<str:kind>.xlsx", views.appendix_export_view, name="appendix_export"),
    path("appendix-templates/<str:kind>.xlsx", views.appendix_template_view, name="appendix_template"),
]
