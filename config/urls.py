from django.contrib import admin
from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from people.views import PasswordResetConfirmView, PasswordResetView, PortalLoginView, landing_view

def health(request):
    """For the container healthcheck: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz/", health, name="healthz"),
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("favicon.svg")), name="favicon"),
    path("", landing_view, name="landing"),  # where each kind of user's day starts (people.views.landing_url)
    path("", include("plans.urls")),
    path("tasks/", include("tasks.urls")),
    path("indicators/", include("indicators.urls")),
    path("evidence/", include("evidence.urls")),
    path("", include("people.urls")),
    path("reports/", include("reports.urls")),
    path("central/", include("central.urls")),
    path("cong-khai/", include("public.urls")),
    path("funding/", include("funding.urls")),
    path("api/v1/", include("api.urls")),
    path("manage/api-tokens/", include("api.page_urls")),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/reset/<uidb64>/<token>/", PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/", include("django.contrib.auth.urls")),  # sign-out, password change and reset
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
