"""Celery jobs for appendix imports: they take ids and call the import workflow (plans/appendix/services.py)."""
from celery import shared_task

from .appendix import services


@shared_task(name=services.PREVIEW_JOB, acks_late=True)
def preview_appendix_import(import_id, token):
    services.import_preview_run(import_id, token)


@shared_task(name=services.APPLY_JOB, acks_late=True)
def apply_appendix_import(import_id, token):
    services.import_apply_run(import_id, token)


@shared_task(name="plans.sweep_appendix_imports", acks_late=True, expires=25)
def sweep_appendix_imports():
    return services.sweep_imports()
