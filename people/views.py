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
