"""Notification channels: the bell always, then e-mail and Zalo as each person chose, outside their quiet hours.

`deliver` logs one `Delivery` per person and channel and sends it through the `people.send_delivery` job,
which retries a channel's transient failures. A channel is one class with a `send(delivery)` that raises
`DeliveryError` (with `retry` saying whether trying again may help).

Zalo: ZNS template messages over its HTTP API (POST ZALO_ZNS_URL, header `access_token`, body
{phone, template_id, template_data, tracking_id}; the answer {error, message, data}, error 0 = sent).
Each kind of notice has its own approved template (ZALO_ZNS_TEMPLATES), with the parameters `message`
(the notice, cut to ZNS's parameter length) and `url`.
"""
import datetime
import json
import re
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

KINDS = ("general", "warning", "evidence_rejected", "report_returned", "difficulty_answered", "report_due")
PHONE_84 = re.compile(r"^84[35789]\d{8}$")
ZNS_PARAM_MAX = 100  # ZNS limits a template's text parameters; longer notices are cut to it
ZNS_RETRYABLE = {-100, -32}  # unknown error (try again later), rate limit: worth another attempt


def absolute_url(url):
    """A portal path as the link a message outside the portal carries."""
    return f"{settings.PORTAL_URL}{url}" if url.startswith("/") else url


class DeliveryError(Exception):
    def __init__(self, message, *, retry=True):
        super().__init__(message)
        self.retry = retry


class EmailChannel:
    name = "email"

    def send(self, delivery):
        if not delivery.user.email:
            raise DeliveryError("no e-mail address", retry=False)
        link = absolute_url(delivery.url)
        try:
            send_mail(delivery.message[:120], f"{delivery.message}\n\n{link}", settings.DEFAULT_FROM_EMAIL,
                      [delivery.user.email])
        except OSError as error:
            raise DeliveryError(f"SMTP: {error}") from error


class ZaloChannel:
    name = "zalo"

    def send(self, delivery):
        templates = settings.ZALO_ZNS_TEMPLATES
        template_id = templates.get(delivery.kind) or templates.get("general")
        if not settings.ZALO_ZNS_URL or not template_id:
            raise DeliveryError("Zalo ZNS is not configured (ZALO_ZNS_URL, ZALO_ZNS_TEMPLATES)", retry=False)
        preference = getattr(delivery.user, "notification_preference", None)
        message = delivery.message if len(delivery.message) <= ZNS_PARAM_MAX else delivery.message[:ZNS_PARAM_MAX - 1] + "…"
        link = absolute_url(delivery.url)
        body = {"phone": preference.phone if preference else "", "template_id": template_id,
                "template_data": {"message": message, "url": link[:ZNS_PARAM_MAX]},
                "tracking_id": f"delivery-{delivery.pk}-{delivery.attempts}"}
        request = urllib.request.Request(  # noqa: S310 - the deployment's configured https (or test) address
            settings.ZALO_ZNS_URL, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json", "access_token": settings.ZALO_ZNS_ACCESS_TOKEN})
        try:
            with urllib.request.urlopen(request, timeout=settings.ZALO_ZNS_TIMEOUT) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except (OSError, ValueError) as error:  # unreachable, HTTP error, not JSON: try again later
            raise DeliveryError(f"Zalo ZNS: {error}") from error
        code = answer.get("error")
        if code != 0:
            raise DeliveryError(f"Zalo ZNS {code}: {answer.get('message', '')}", retry=code in ZNS_RETRYABLE)


CHANNELS = {channel.name: channel for channel in (EmailChannel(), ZaloChannel())}


def quiet_until(preference, now=None):
    """The end of the person's quiet hours when `now` lies within them, else None (local time)."""
    if preference is None or preference.quiet_start is None or preference.quiet_end is None:
        return None
    now = timezone.localtime(now or timezone.now())
    start, end, time = preference.quiet_start, preference.quiet_end, now.time()
    if start == end:
        return None
    inside = start <= time < end if start < end else (time >= start or time < end)
    if not inside:
        return None
    ends = now.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return ends if ends > now else ends + datetime.timedelta(days=1)


def deliver(notices, *, kind="general", channels=("email", "zalo")):
    """Log and send `notices` ((recipient id, message, url)) over each recipient's chosen `channels`, once the
    transaction commits; held until their quiet hours end."""
    from config.jobs import enqueue_after_commit

    from .models import Delivery, NotificationPreference, User

    if not notices:
        return []
    kind = kind if kind in KINDS else "general"
    preferences = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=[n[0] for n in notices])}
    emails = dict(User.objects.filter(pk__in=[n[0] for n in notices]).values_list("pk", "email"))
    now = timezone.now()
    rows = []
    for user_id, message, url in notices:
        preference = preferences.get(user_id)
        chosen = {"email": preference.email if preference else bool(emails.get(user_id)),
                  "zalo": bool(preference and preference.zalo and preference.phone)}
        held = quiet_until(preference, now)
        rows += [Delivery(user_id=user_id, channel=channel, kind=kind, message=message[:500], url=url[:300],
                          not_before=held) for channel in channels if chosen.get(channel)]
    deliveries = Delivery.objects.bulk_create(rows)
    for delivery in deliveries:
        countdown = max(0, int((delivery.not_before - now).total_seconds())) if delivery.not_before else 0
        enqueue_after_commit("people.send_delivery", delivery.pk, countdown=countdown)
    return deliveries


def delivery_send(delivery_id):
    """One attempt at a delivery. Returns "sent", "failed", "retry" (a transient failure, tries left) or "skip".

    The row stays locked while the channel sends (bounded by its timeout): a second copy of the job (Redis
    redelivers a message whose ETA outlives its visibility timeout: quiet hours) skips it, never sends twice.
    """
    from django.db import transaction

    from .models import Delivery

    with transaction.atomic():
        delivery = Delivery.objects.select_for_update(skip_locked=True, of=("self",)).select_related(
            "user__notification_preference").filter(pk=delivery_id, status=Delivery.Status.QUEUED).first()
        if delivery is None:
            return "skip"
        delivery.attempts += 1
        try:
            CHANNELS[delivery.channel].send(delivery)
        except DeliveryError as error:
            delivery.last_error = str(error)[:500]
            retry = error.retry and delivery.attempts < settings.NOTIFY_MAX_ATTEMPTS
            if not retry:
                delivery.status = Delivery.Status.FAILED
            delivery.save(update_fields=["attempts", "last_error", "status"])
            return "retry" if retry else "failed"
        delivery.status, delivery.sent_at = Delivery.Status.SENT, timezone.now()
        delivery.save(update_fields=["attempts", "status", "sent_at"])
        return "sent"
