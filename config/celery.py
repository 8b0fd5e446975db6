import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Job modules are named jobs.py, never tasks.py: tasks/ is the plan-task app.
app.autodiscover_tasks(related_name="jobs")


@app.on_after_configure.connect
def _schedule_job_sweeps(sender, **kwargs):
    """Beat's entry beside CELERY_BEAT_SCHEDULE: warnings runs and report jobs whose worker died (heartbeat
    older than JOB_HEARTBEAT_TIMEOUT, 60 s) are failed with a retry within two minutes of the kill."""
    sender.add_periodic_task(30.0, sender.signature("reports.sweep_jobs"), name="sweep-jobs", expires=25)
