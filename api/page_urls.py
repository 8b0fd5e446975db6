from django.urls import path

from . import pages

app_name = "api_tokens"

urlpatterns = [
    path("", pages.token_list_view, name="token_list"),
    path("<int:pk>/revoke/", pages.token_revoke_view, name="token_revoke"),
]
