from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.shortcuts import render, resolve_url
from django.utils import timezone


@login_required
def notifications_view(request):
    notices = request.user.notifications.all()
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    unread = [n.pk for n in page if n.read_at is None]
    response = render(request, "people/notifications.html", {"page": page, "unread_ids": unread})
    request.user.notifications.filter(pk__in=unread).update(read_at=timezone.now())
    return response


class PortalLoginView(LoginView):
    """Officers land on their own work after signing in; other roles keep LOGIN_REDIRECT_URL."""

    def get_default_redirect_url(self):
        if self.request.user.role == self.request.user.Role.OFFICER and not self.request.user.is_superuser:
            return resolve_url("tasks:my_work")
        return super().get_default_redirect_url()
