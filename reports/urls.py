from django.urls import path
from django.views.generic import RedirectView

from .views import province as province_views, register as register_views, warnings as views

app_name = "reports"
urlpatterns = [
    path("", province_views.province_dashboard_view, name="dashboard"),
    path("communes/<slug:slug>/", province_views.commune_view, name="commune"),
    path("communes/<slug:slug>/items/", province_views.area_items_view, name="area_items"),
    path("plans/<slug:slug>/followed-down/", province_views.province_items_view, name="province_items"),
    path("tasks/<int:pk>/followed-down/", province_views.province_task_view, name="province_task"),
    path("scorecards/", province_views.scorecards_view, name="scorecards"),
    path("scorecards/workbook/", province_views.scorecards_workbook_view, name="scorecards_workbook"),
    path("scorecards.xlsx", province_views.scorecards_xlsx_view, name="scorecards_xlsx"),
    path("warnings/", views.warning_list_view, name="warning_list"),
    path("warnings/run/", views.warning_run_view, name="warning_run"),
    # The old per-period PDF page became the report register.
    path("periodic/", RedirectView.as_view(pattern_name="reports:report_list"), name="period_report_list"),
    path("register/", register_views.report_list_view, name="report_list"),
    path("register/new/", register_views.report_draft_view, name="report_draft"),
    path("register/inbox/", register_views.inbox_view, name="inbox"),
    path("register/completeness/", register_views.completeness_view, name="completeness"),
    path("register/<int:pk>/", register_views.report_detail_view, name="report_detail"),
    path("register/<int:pk>/refresh/", register_views.report_refresh_view, name="report_refresh"),
    path("register/<int:pk>/details/", register_views.report_details_view, name="report_details"),
    path("register/<int:pk>/narrative/", register_views.report_narrative_view, name="report_narrative"),
    path("register/<int:pk>/issue/", register_views.report_issue_view, name="report_issue"),
    path("register/<int:pk>/confirm/", register_views.report_confirm_view, name="report_confirm"),
    path("register/<int:pk>/receive/", register_views.report_receive_view, name="report_receive"),
    path("register/<int:pk>/upload-signed/", register_views.report_signed_view, name="report_signed"),
    path("register/<int:pk>/<str:kind>/", register_views.report_file_view, name="report_file"),
    path("register/jobs/<int:pk>/retry/", register_views.job_retry_view, name="job_retry"),
    path("difficulties/<int:pk>/answer/", register_views.difficulty_answer_view, name="difficulty_answer"),
    path("rules/", register_views.rule_list_view, name="rule_list"),
    path("rules/<int:pk>/", register_views.rule_edit_view, name="rule_edit"),
    path("rules/<int:pk>/remove/", register_views.rule_remove_view, name="rule_remove"),
    path("rules/defaults/<int:area_id>/", register_views.rule_defaults_view, name="rule_defaults"),
    path("rules/add/<int:area_id>/", register_views.rule_add_view, name="rule_add"),
    path("rules/numbers/<int:area_id>/", register_views.report_number_next_view, name="report_number_next"),
]
