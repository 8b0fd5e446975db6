"""Report documents: the snapshot taken, then rendered as PDF (WeasyPrint) and .docx (python-docx).

`report_job_run` is what the Celery job calls: it claims the job record with a conditional
update (so a job delivered twice runs once), does the work, and leaves the state on the record.
"""
import hashlib
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import jobs

from ..models import Report, ReportJob
from ..snapshot import snapshot_gather

logger = logging.getLogger(__name__)
WORKER_STOPPED = gettext_lazy("Tiến trình xử lý nền bị dừng giữa chừng (máy xử lý ngừng hoạt động); không có gì "
                              "được ghi. Bấm “Thử lại” để chạy lại.")
NEVER_TAKEN = gettext_lazy("Không có tiến trình xử lý nền nào nhận việc này; bấm “Thử lại” để chạy lại.")


# WeasyPrint and python-docx are imported where a document is rendered: loading them costs 1.7 s, which a web
# process would otherwise pay on its first enqueue (config/jobs.py imports the job modules, and this one).

def pdf_render(doc):
    from weasyprint import HTML

    from .fetcher import StaticFilesFetcher, base_url

    html = render_to_string("reports/document.html", {"doc": doc})
    return HTML(string=html, base_url=base_url(), url_fetcher=StaticFilesFetcher()).write_pdf()


def report_snapshot_take(report_id):
    """A new snapshot for a draft; an issued report keeps the one it was issued with."""
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("area").get(pk=report_id)
        if report.status != Report.Status.DRAFT:
            return report
        report.snapshot = snapshot_gather(report)
        report.snapshot_taken_at = timezone.now()
        # New figures are not the ones a unit's head confirmed (a refresh queued before they confirmed, say).
        report.confirmed_by, report.confirmed_at = None, None
        report.save(update_fields=["snapshot", "snapshot_taken_at", "confirmed_by", "confirmed_at"])
    return report


def report_files_render(report_id):
    """PDF and .docx of the report; once an issued report has its files, they never change."""
    from .layout import document_build
    from .word import docx_render

    report = Report.objects.select_related("area").get(pk=report_id)
    if report.status != Report.Status.DRAFT and report.pdf_sha256 and report.docx_sha256:
        return report
    with translation.override("vi"):
        doc = document_build(report)
        pdf, docx = pdf_render(doc), docx_render(doc)
    with transaction.atomic():
        locked = Report.objects.select_for_update(of=("self",)).get(pk=report_id)
        if locked.status != report.status or locked.snapshot_taken_at != report.snapshot_taken_at:
            return locked  # issued or refreshed meanwhile: the job that did it renders again
        old = [f.name for f in (locked.pdf, locked.docx) if f]
        stem = f"bao-cao-{locked.area_id}-{locked.kind}-{locked.year}-{locked.period_number}"
        locked.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        locked.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
        locked.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        locked.docx_sha256 = hashlib.sha256(docx).hexdigest()
        locked.save(update_fields=["pdf", "docx", "pdf_sha256", "docx_sha256"])
        transaction.on_commit(lambda: [locked.pdf.storage.delete(name) for name in old])
    return locked


def report_job_run(job_id):
    now = timezone.now()
    claimed = ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.QUEUED).update(
        status=ReportJob.Status.RUNNING, started_at=now, heartbeat_at=now)
    if not claimed:
        return "skipped"
    job = ReportJob.objects.get(pk=job_id)
    try:
        with jobs.heartbeat(ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RUNNING)):
            if job.action == ReportJob.Action.DRAFT:
                report_snapshot_take(job.report_id)
            report_files_render(job.report_id)
    except SoftTimeLimitExceeded:
        _finish(job_id, ReportJob.Status.FAILED, _("Quá thời gian cho phép; hãy thử lại hoặc báo quản trị hệ thống."))
        raise
    except Exception as exc:
        logger.exception("report job %s failed", job_id)
        _finish(job_id, ReportJob.Status.FAILED, _("Lỗi khi lập báo cáo: %(error)s") % {"error": str(exc)[:300]})
        raise
    _finish(job_id, ReportJob.Status.DONE, "")
    return "done"


def report_jobs_sweep(*, now=None):
    """Fail the report jobs no worker will finish (heartbeat stopped, or never taken): the page offers
    "Thử lại" at once, and a late delivery of their message finds nothing to claim. Returns how many."""
    return jobs.lost_jobs_fail(ReportJob.objects.all(), state="status", sent_at="created_at", error="message",
                               stopped=WORKER_STOPPED, never_taken=NEVER_TAKEN, now=now)


def _finish(job_id, status, message):
    ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RUNNING).update(status=status, message=message, finished_at=timezone.now())
