from django.contrib import admin
from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

from people.views import PortalLoginView

def health(request):
    """For the container healthcheck: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


admin.site.site_header = _("Quản trị cổng theo dõi NQ 57")
admin.site.site_title = _("Cổng theo dõi NQ 57")

urlpatterns = [
    path("healthz/", health),
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("favicon.svg"))),
    path("", include("plans.urls")),
    path("tasks/", include("tasks.urls")),
    path("indicators/", include("indicators.urls")),
    path("evidence/", include("evidence.urls")),
    path("notifications/", include("people.urls")),
    path("reports/", include("reports.urls")),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
