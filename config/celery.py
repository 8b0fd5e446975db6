import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Job modules are named jobs.py, never tasks.py: tasks/ is the plan-task app.
app.autodiscover_tasks(related_name="jobs")

