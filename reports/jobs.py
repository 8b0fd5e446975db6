"""Celery jobs: thin wrappers that take plain values and call a service."""
import datetime

from celery import shared_task
from django.conf import settings

from .documents import report_job_run, report_jobs_sweep
from .province_figures import province_figures_refresh, province_figures_refresh_kept
from .services import warning_digest_send, warning_run_execute, warning_runs_sweep, warnings_raise


@shared_task(name="reports.raise_warnings", acks_late=True)
def raise_warnings(today=None):
    day = datetime.date.fromisoformat(today) if today else None
    return warnings_raise(today=day)


@shared_task(name="reports.run_warnings", acks_late=True)
def run_warnings(run_id):
    """The "run now" button's job: one recorded run (reports.models.WarningRun)."""
    return warning_run_execute(run_id=run_id)


@shared_task(name="reports.sweep_jobs", acks_late=True, expires=25)
def sweep_jobs():
    """Beat's `sweep-jobs`: warnings runs and report jobs whose worker died fail, with a retry."""
    return {"warning_runs": warning_runs_sweep(), "report_jobs": report_jobs_sweep()}


@shared_task(name="reports.send_warning_digests", acks_late=True)
def send_warning_digests():
    return warning_digest_send()


@shared_task(name="reports.build_report", acks_late=True,
             soft_time_limit=settings.REPORT_JOB_SOFT_TIME_LIMIT, time_limit=settings.REPORT_JOB_TIME_LIMIT)
def build_report(job_id):
    return report_job_run(job_id)


@shared_task(name="reports.refresh_province_figures", acks_late=True)
def refresh_province_figures(province_id, today=None):
    return province_figures_refresh(province_id=province_id,
                                    today=datetime.date.fromisoformat(today) if today else None)


@shared_task(name="reports.refresh_kept_province_figures", acks_late=True)
def refresh_kept_province_figures():
    return province_figures_refresh_kept()


@shared_task(name="reports.refresh_scorecards", acks_late=True)
def refresh_scorecards(province_id, year, today=None):
    from .scorecards import scorecards_keep

    return scorecards_keep(province_id=province_id, year=year,
                           today=datetime.date.fromisoformat(today) if today else None)


@shared_task(name="reports.build_scorecard_workbook", acks_late=True)
def build_scorecard_workbook(name, area_ids, year, title):
    from .scorecards import workbook_build

    return workbook_build(name=name, area_ids=area_ids, year=year, title=title)


@shared_task(name="reports.refresh_followed_down", acks_late=True)
def refresh_followed_down(plan_id, today=None):
    from .province_figures import followed_down_keep

    return followed_down_keep(plan_id=plan_id, today=datetime.date.fromisoformat(today) if today else None)
