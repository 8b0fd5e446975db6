from django.urls import path

from . import assignment_views, views

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
    path("plans/<slug:slug>/assignment/", assignment_views.assignment_view, name="assignment"),
    path("plans/<slug:slug>/assignment/import/", assignment_views.assignment_upload_view, name="assignment_upload"),
    path("plans/<slug:slug>/assignment/import/<int:pk>/", assignment_views.assignment_import_view,
         name="assignment_import"),
    path("plans/<slug:slug>/assignment/import/<int:pk>/confirm/", assignment_views.assignment_import_confirm_view,
         name="assignment_import_confirm"),
    path("plans/<slug:slug>/assignment/export.xlsx", assignment_views.assignment_export_view,
         name="assignment_export"),
    path("plans/<slug:slug>/six-clears/", assignment_views.plan_clears_view, name="plan_clears"),
    # Plan administration for admins of the area.
    path("manage/", views.manage_view, name="manage"),
    path("manage/plans/new/", views.plan_create_view, name="plan_create"),
    path("manage/documents/", views.document_list_view, name="document_list"),
    path("manage/documents/new/", views.document_form_view, name="document_create"),
    path("manage/documents/<int:pk>/edit/", views.document_form_view, name="document_edit"),
    path("plans/<slug:slug>/edit/", views.plan_edit_view, name="plan_edit"),
    path("plans/<slug:slug>/issue/", views.plan_issue_view, name="plan_issue"),
    path("plans/<slug:slug>/structure/", views.plan_structure_view, name="plan_structure"),
    path("plans/<slug:slug>/sections/new/", views.section_form_view, name="section_create"),
    path("plans/<slug:slug>/sections/<int:pk>/edit/", views.section_form_view, name="section_edit"),
    path("plans/<slug:slug>/sections/<int:pk>/<str:direction>/", views.section_move_view, name="section_move"),
    path("plans/<slug:slug>/<str:kind>/new/", views.item_form_view, name="item_create"),
    path("plans/<slug:slug>/<str:kind>/<int:pk>/edit/", views.item_form_view, name="item_edit"),
    path("plans/<slug:slug>/<str:kind>/<int:pk>/delete/", views.item_delete_view, name="item_delete"),
    path("plans/<slug:slug>/<str:kind>/<int:pk>/<str:direction>/", views.item_move_view, name="item_move"),
]
