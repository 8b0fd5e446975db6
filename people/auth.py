"""Sign-in helpers: the client address that throttling counts by, and the backend that reads the signed-in
user."""
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, FilteredRelation, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import User


def client_ip(request):
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the outermost trusted proxy saw.

    Only the entries our own proxies appended are trusted: a client can put anything
    at the start of X-Forwarded-For.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_parameters(request_or_attempt, credentials=None):
    """What django-axes counts wrong passwords by (AXES_LOCKOUT_PARAMETERS).

    A username together with its address: one person's wrong passwords lock neither the officer they
    typed (from the officer's own desk) nor everyone behind their office's one address. Past
    SIGN_IN_USERNAME_FAILURE_LIMIT wrong passwords for a username from all addresses together (a guessing
    run spread over many addresses), the username alone counts too, and axes' own limit, far below it, locks
    it everywhere. Axes has a single failure limit for every parameter, hence the second limit here.
    """
    from axes.helpers import get_client_username
    from axes.models import AccessAttempt, AccessBase

    combined = [["username", "ip_address"]]
    if isinstance(request_or_attempt, AccessBase):
        username = request_or_attempt.username
    else:
        username = get_client_username(request_or_attempt, credentials)
    if not username:
        return combined
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        total=Coalesce(Sum("failures_since_start"), 0))["total"]
    return combined + ["username"] if failures >= settings.SIGN_IN_USERNAME_FAILURE_LIMIT else combined


class UserBackend(ModelBackend):
    """Django's ModelBackend, with the signed-in user of each request read together with the bell's count
    (`unread_count`, shown by people.context_processors) in one query."""

    def get_user(self, user_id):
        # The unread notifications joined on their index (recipient, read_at) and counted: every signed-in request
        # builds this query, and the ORM builds and compiles a join in about half the time of a counting subquery.
        unread = FilteredRelation("notifications", condition=Q(notifications__read_at__isnull=True))
        user = next(iter(User.objects.annotate(unread=unread).annotate(unread_count=Count("unread")).filter(pk=user_id)),
                    None)
        return user if user is not None and self.user_can_authenticate(user) else None
