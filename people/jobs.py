"""Celery jobs: thin wrappers that take plain values and call a service."""
from celery import shared_task
from django.conf import settings

from .notifications import delivery_send


@shared_task(name="people.send_delivery", bind=True, acks_late=True, max_retries=None)
def send_delivery(self, delivery_id):
    """One notice over one channel; a transient failure is tried again later (the delivery counts the attempts)."""
    outcome = delivery_send(delivery_id)
    if outcome == "retry":
        raise self.retry(countdown=settings.NOTIFY_RETRY_DELAY)
    return outcome
