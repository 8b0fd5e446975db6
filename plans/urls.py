from django.urls import path

from . import assignment_views, cascade_views, views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list_view, name="plan_list"),
    path("plans/<slug:slug>/", views.plan_detail_view, name="plan_detail"),
    path("plans/<slug:slug>/import/", views.appendix_upload_view, name="appendix_upload"),
    path("plans/<slug:slug>/import/<int:pk>/", views.appendix_import_view, name="appendix_import"),
    path("plans/<slug:slug>/import/<int:pk>/units/", views.appendix_map_units_view, name="appendix_map_units"),
    path("plans/<slug:slug>/import/<int:pk>/confirm/", views.appendix_confirm_view, name="appendix_confirm"),
    path("plans/<slug:slug>/import/<int:pk>/errors.xlsx", views.appendix_errors_view, name="appendix_errors"),
    path("plans/<slug:slug>/export/<str:kind>.xlsx", views.appendix_export_view, name="appendix_export"),
    path("appendix-templates/<str:kind>.xlsx", views.appendix_template_view, name="appendix_template"),
    path("plans/<slug:slug>/assignment/", assignment_views.assignment_view, name="assignment"),
    path("plans/<slug:slug>/assignment/import/", assignment_views.assignment_upload_view, name="assignment_upload"),
    path("plans/<slug:slug>/assignment/import/<int:pk>/", assignment_views.assignment_import_view,
         name="assignment_import"),
    path("plans/<slug:slug>/assignment/import/<int:pk>/confirm/", assignment_views.assignment_import_confirm_view,
         name="assignment_import_confirm"),
    path("plans/<slug:slug>/assignment/export.xlsx", assignment_views.assignment_export_view,
         name="assignment_export"),
    path("plans/<slug:slug>/coverage/", cascade_views.plan_coverage_view, name="plan_coverage"),
    path("items/<str:kind>/<int:pk>/link/", cascade_views.item_link_view, name="item_link"),
    path("plans/<slug:slug>/six-clears/", assignment_views.plan_clears_view, name="plan_clears"),
]
