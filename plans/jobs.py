"""Celery jobs for appendix imports and assignment workbooks: they take ids and call the workflows
(plans/appendix/services.py, plans/assignment.py)."""
from celery import shared_task

from . import assignment
from .appendix import services


@shared_task(name=services.PREVIEW_JOB, acks_late=True)
def preview_appendix_import(import_id, token):
    services.import_preview_run(import_id, token)


@shared_task(name=services.APPLY_JOB, acks_late=True)
def apply_appendix_import(import_id, token):
    services.import_apply_run(import_id, token)


@shared_task(name="plans.sweep_appendix_imports", acks_late=True, expires=25)
def sweep_appendix_imports():
    assignment.assignment_import_sweep()
    return services.sweep_imports()


@shared_task(name=services.UNDO_JOB, acks_late=True)
def undo_appendix_import(import_id, token):
    services.import_undo_run(import_id, token)


@shared_task(name=assignment.PREVIEW_JOB, acks_late=True)
def preview_assignment_import(import_id):
    assignment.assignment_preview_run(import_id)


@shared_task(name=assignment.APPLY_JOB, acks_late=True)
def apply_assignment_import(import_id, token):
    assignment.assignment_import_run(import_id, token)
