"""Celery jobs of the central export: they take ids and call central/services.py."""
from celery import shared_task

from . import services


@shared_task(name=services.BUILD_JOB, acks_late=True)
def export_build(export_id):
    services.export_build(export_id)
