from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("notifications/", views.notifications_view, name="notifications"),
    path("notifications/preferences/", views.notification_preferences_view, name="notification_preferences"),
    path("manage/deliveries/failed/", views.delivery_failures_view, name="delivery_failures"),
    path("manage/people/", views.user_list_view, name="user_list"),
    path("manage/people/new/", views.user_form_view, name="user_create"),
    path("manage/people/<int:pk>/edit/", views.user_form_view, name="user_edit"),
    path("manage/people/<int:pk>/deactivate/", views.user_deactivate_view, name="user_deactivate"),
    path("manage/units/", views.unit_list_view, name="unit_list"),
    path("manage/units/new/", views.unit_form_view, name="unit_create"),
    path("manage/units/<int:pk>/edit/", views.unit_form_view, name="unit_edit"),
    path("manage/units/<int:pk>/aliases/", views.unit_alias_add_view, name="unit_alias_add"),
    path("manage/units/<int:pk>/aliases/<int:alias_pk>/delete/", views.unit_alias_remove_view, name="unit_alias_remove"),
]
