from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone


@login_required
def notifications_view(request):
    notices = request.user.notifications.all()
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    unread = [n.pk for n in page if n.read_at is None]
    response = render(request, "people/notifications.html", {"page": page, "unread_ids": unread})
    request.user.notifications.filter(pk__in=unread).update(read_at=timezone.now())
    return response


def sign_in_locked_out(request, original_response=None, credentials=None):
    """The page django-axes answers with while a username or address is locked out (429)."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "registration/locked_out.html",
                  {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    """Reset links are built from PORTAL_URL, never from the request's Host header."""

    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form):
        self.extra_email_context = {"portal_url": settings.PORTAL_URL}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the e-mailed link also lifts a sign-in lockout on that username."""

    def form_valid(self, form):
        from axes.utils import reset

        response = super().form_valid(form)
        reset(username=form.user.get_username())
        return response
