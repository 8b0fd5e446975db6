"""Celery jobs for appendix imports: they take ids and call the import workflow."""
from celery import shared_task

from .imports import import_apply_run, import_preview_run


@shared_task(name="plans.preview_appendix_import", acks_late=True)
def preview_appendix_import(import_id):
    import_preview_run(import_id)


@shared_task(name="plans.apply_appendix_import", acks_late=True)
def apply_appendix_import(import_id, user_id):
    return import_apply_run(import_id, user_id)
