from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("review/", views.review_queue_view, name="review_queue"),
    path("<int:pk>/review/", views.review_view, name="review"),
    path("<int:pk>/download/", views.download_view, name="download"),
    path("<int:pk>/preview/", views.preview_view, name="preview"),
]
