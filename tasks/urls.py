from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("my-work/", views.my_work_view, name="my_work"),
    path("my-work/desk/", views.desk_view, name="desk"),
    path("<int:pk>/", views.task_detail_view, name="task_detail"),
    path("<int:pk>/report/", views.task_report_view, name="task_report"),
    path("<int:pk>/comment/", views.task_comment_view, name="task_comment"),
]
