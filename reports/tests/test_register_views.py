"""The register's pages: drafting from the page, the job state, broker down, the old periodic URLs."""
import pytest
from django.utils import timezone

from plans.models import Area
from reports.documents import report_job_run, report_snapshot_take
from reports.models import Report, ReportJob
from reports.register import report_draft

# Workflows from a clean slate: the demo's year of work is left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]
TODAY = timezone.localdate()
QUARTER = (TODAY.month - 1) // 3 + 1


def test_the_old_periodic_pages_lead_to_the_register(client, users):
    client.force_login(users["phulam-leader"])
    assert client.get("/reports/periodic/")["Location"] == "/reports/register/"
    for url in ("/reports/periodic/phu-lam/monthly/9999-12.pdf", "/reports/periodic/phu-lam/monthly/2026-11.pdf"):
        assert client.get(url).status_code == 404


def test_a_leader_drafts_from_the_page_and_sees_the_job_state(client, users):
    client.force_login(users["phulam-leader"])
    page = client.get("/reports/register/")
    value = next(v for v, label in page.context["choices"] if label.startswith("Xã Phú Lâm · Báo cáo quý")
                 and f"Quý {'I II III IV'.split()[QUARTER - 1]}/{TODAY.year}" in label)
    response = client.post("/reports/register/new/", {"period": value})
    report = Report.objects.get()
    assert response["Location"] == f"/reports/register/{report.pk}/"
    detail = client.get(f"/reports/register/{report.pk}/")
    assert detail.context["latest_job"].status == ReportJob.Status.QUEUED and detail.context["working"]
    assert 'http-equiv="refresh"' in detail.content.decode()
    report_job_run(report.jobs.get().pk)
    detail = client.get(f"/reports/register/{report.pk}/")
    assert detail.context["latest_job"].status == ReportJob.Status.DONE and not detail.context["working"]
    assert b'id="download-pdf"' in detail.content and b'id="issue-report"' in detail.content


def test_a_forged_period_is_refused(client, users):
    client.force_login(users["phulam-leader"])
    for value in ("999999:9999:4", "adhoc:999999", "nonsense"):
        assert client.post("/reports/register/new/", {"period": value}).status_code == 404
    assert not Report.objects.exists()


def test_a_failed_job_says_why_and_can_be_retried(client, users):
    report = report_draft(user=users["phulam-leader"], area=Area.objects.get(slug="phu-lam"), kind="quarterly",
                          year=TODAY.year, number=QUARTER)
    job = report.jobs.get()
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.FAILED, message="Lỗi khi lập báo cáo: x")
    client.force_login(users["phulam-leader"])
    page = client.get(f"/reports/register/{report.pk}/").content.decode()
    assert "Lỗi khi lập báo cáo: x" in page and 'id="job-retry"' in page
    client.post(f"/reports/register/jobs/{job.pk}/retry/")
    retried = report.jobs.order_by("-id").first()
    assert retried.pk != job.pk and retried.status == ReportJob.Status.QUEUED
    client.force_login(users["daiphuoc-leader"])
    assert client.post(f"/reports/register/jobs/{retried.pk}/retry/").status_code == 404


def test_with_the_broker_down_the_request_says_so_and_leaves_a_retryable_record(client, users, monkeypatch,
                                                                                 django_capture_on_commit_callbacks):
    from config.celery import app

    if app.conf.task_always_eager:
        pytest.skip("needs a broker (CELERY_BROKER_URL)")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    app._pool = None
    app.amqp._producer_pool = None
    try:
        client.force_login(users["phulam-leader"])
        value = next(v for v, label in client.get("/reports/register/").context["choices"]
                     if label.startswith("Xã Phú Lâm · Báo cáo quý"))
        started = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/reports/register/new/", {"period": value})
        assert (timezone.now() - started).total_seconds() < 10
    finally:
        monkeypatch.undo()
        app._pool = None
        app.amqp._producer_pool = None
    report = Report.objects.get()
    job = report.jobs.get()
    assert job.status == ReportJob.Status.FAILED and "hàng đợi" in job.message and job.can_retry
    page = client.get(f"/reports/register/{report.pk}/").content.decode()
    assert "máy chủ hàng đợi không phản hồi" in page and 'id="job-retry"' in page


def test_a_stuck_job_can_be_retried(users, settings):
    report = report_draft(user=users["phulam-leader"], area=Area.objects.get(slug="phu-lam"), kind="quarterly",
                          year=TODAY.year, number=QUARTER)
    job = report.jobs.get()
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.RUNNING,
                                               started_at=timezone.now() - timezone.timedelta(hours=1))
    job.refresh_from_db()
    assert job.is_stuck and job.can_retry


def test_rules_are_edited_by_area_admins_only(client, users):
    client.force_login(users["phulam-admin"])
    page = client.get("/reports/rules/")
    rule = next(rule for block in page.context["blocks"] for rule, _form in block["rules"]
                if rule.kind == "quarterly" and rule.plan_id is None and rule.area.slug == "phu-lam")
    data = {f"rule{rule.pk}-{name}": value for name, value in {
        "recipient_unit": rule.recipient_unit_id, "addressee": rule.addressee, "cutoff_day": 12, "deadline_day": 15,
        "deadline_month_offset": 0, "is_active": "on"}.items()}
    client.post(f"/reports/rules/{rule.pk}/", data)
    rule.refresh_from_db()
    assert (rule.cutoff_day, rule.deadline_day) == (12, 15) and rule.history.count() >= 2
    client.force_login(users["daiphuoc-admin"])
    assert client.post(f"/reports/rules/{rule.pk}/", {**data, f"rule{rule.pk}-cutoff_day": 3}).status_code == 404
    client.force_login(users["phulam-officer"])
    assert client.get("/reports/rules/").status_code == 403
    rule.refresh_from_db()
    assert rule.cutoff_day == 12


def test_the_register_list_costs_the_same_queries_as_it_grows(client, users, django_assert_max_num_queries):
    leader = users["phulam-leader"]
    area = Area.objects.get(slug="phu-lam")
    report_snapshot_take(report_draft(user=leader, area=area, kind="quarterly", year=TODAY.year, number=QUARTER).pk)
    client.force_login(leader)
    client.get("/reports/register/")  # rules created on first visit
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/reports/register/")
    for number in range(1, QUARTER):
        report_draft(user=leader, area=area, kind="quarterly", year=TODAY.year, number=number)
    report_draft(user=leader, area=area, kind="annual", year=TODAY.year, number=1)
    with CaptureQueriesContext(connection) as many:
        client.get("/reports/register/")
    assert len(one) == len(many)


def test_a_job_past_its_soft_time_limit_is_failed_with_a_message(users, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    import reports.documents

    report = report_draft(user=users["phulam-leader"], area=Area.objects.get(slug="phu-lam"), kind="quarterly",
                          year=TODAY.year, number=QUARTER)

    def too_long(report_id):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(reports.documents, "report_snapshot_take", too_long)
    job = report.jobs.get()
    with pytest.raises(SoftTimeLimitExceeded):
        report_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and "Quá thời gian" in job.message and job.can_retry


def test_the_job_carries_celery_time_limits(settings):
    from reports.jobs import build_report

    assert build_report.soft_time_limit == settings.REPORT_JOB_SOFT_TIME_LIMIT
    assert build_report.time_limit == settings.REPORT_JOB_TIME_LIMIT > build_report.soft_time_limit


def test_the_completeness_link_is_shown_to_those_it_opens_for(client, users):
    link = 'href="/reports/register/completeness/"'
    client.force_login(users["phulam-leader"])
    assert link not in client.get("/reports/register/").content.decode()
    assert client.get("/reports/register/completeness/").status_code == 403
    client.force_login(users["dongnai-leader"])
    assert link in client.get("/reports/register/").content.decode()
    assert client.get("/reports/register/completeness/").status_code == 200


def test_a_province_without_a_plan_is_told_it_owes_no_report_yet(client, users):
    """The demo province Minh họa has no plan of its own and its commune's is a draft: its leader reads why there is
    nothing to draft."""
    from plans.models import Area

    province = Area.objects.get(slug="tinh-cua-dan-tien")
    client.force_login(users["minhhoa-leader"])
    page = client.get("/reports/register/").content.decode()
    assert f'id="owing-nothing-{province.pk}"' in page
    assert "Tỉnh Minh họa chưa có kế hoạch nào trên cổng nên chưa phải lập báo cáo định kỳ." in page
    assert "Tỉnh Minh họa · Báo cáo" not in page  # no empty report offered
