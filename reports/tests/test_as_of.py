"""A report for a past period says what stood at its cut-off, whatever changed between the cut-off and the draft."""
import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from evidence.models import Evidence
from evidence.services import evidence_review
from indicators.models import Indicator
from indicators.services import indicator_value_report
from plans.models import Area
from reports.as_of import area_figures
from reports.models import ReportingRule, ReportJob, Warning
from reports.periods import rule_period
from reports.register import report_draft, reporting_rules_ensure
from reports.snapshot import snapshot_gather
from tasks.models import ProgressUpdate, Task
from tasks.services import task_progress_report
from tests import files

from .test_register import pdf_text

TODAY = timezone.localdate()
QUARTER = (TODAY.month - 1) // 3 + 1
# The quarter before this one: its cut-off has passed when the test drafts it.
PAST_YEAR, PAST_QUARTER = (TODAY.year, QUARTER - 1) if QUARTER > 1 else (TODAY.year - 1, 4)


def _backdate(since, when):
    """Move everything written since `since` to `when`, as if it had happened then."""
    for model in (Task, Indicator, Evidence):
        model.history.filter(history_date__gte=since).update(history_date=when)
    ProgressUpdate.objects.filter(created_at__gte=since).update(created_at=when)
    Evidence.objects.filter(uploaded_at__gte=since).update(uploaded_at=when)


def _quarterly_rule(area):
    reporting_rules_ensure(area)
    return ReportingRule.objects.get(area=area, kind="quarterly", plan=None)


def _wait_for_jobs(report, timeout=120):
    deadline = time.monotonic() + timeout
    while report.jobs.exclude(status__in=[ReportJob.Status.DONE, ReportJob.Status.FAILED]).exists():
        assert time.monotonic() < deadline, "the worker did not finish the report's job"
        time.sleep(0.5)
    assert not report.jobs.filter(status=ReportJob.Status.FAILED).exists(), list(report.jobs.values("message"))
    report.refresh_from_db()
    return report


@pytest.mark.django_db(transaction=True)
def test_a_past_quarter_drafted_today_shows_the_cut_offs_figures(demo, users, celery_worker):
    officer = users["phulam-officer"]
    area = Area.objects.get(slug="phu-lam")
    cutoff = rule_period(_quarterly_rule(area), PAST_YEAR, PAST_QUARTER).window_end
    then = timezone.make_aware(datetime.datetime.combine(cutoff - datetime.timedelta(days=10), datetime.time(9)))

    started = timezone.now()
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    task_progress_report(task_id=task.pk, user=officer, version=task.version, progress=40,
                         period=then.date().replace(day=1), achievements="Đã trình dự thảo đề án số hóa",
                         difficulties="Thiếu chuyên gia", proposals="Đề nghị hỗ trợ",
                         uploads=[(SimpleUploadedFile("bien-ban.pdf", files.pdf_bytes()), "Biên bản")])
    _backdate(started, then)

    # Later changes, all today.
    evidence = Evidence.objects.get(task=task)
    evidence_review(evidence_id=evidence.pk, reviewer=users["phulam-reviewer"], accept=True)
    task.refresh_from_db()
    task_progress_report(task_id=task.pk, user=officer, version=task.version, progress=100,
                         period=TODAY.replace(day=1), achievements="Đã hoàn thành đề án")
    indicator = (Indicator.objects.filter(plan__slug="phu-lam-55kh", target_value__isnull=False)
                 .exclude(target_comparator="").order_by("position").first())
    indicator.lead_units.add(*officer.units.all())
    indicator_value_report(indicator_id=indicator.pk, user=officer, version=indicator.version,
                           period=TODAY.replace(day=1), value=indicator.target_value,
                           uploads=[(SimpleUploadedFile("so-lieu.pdf", files.pdf_bytes("Số liệu")), "Số liệu")])
    Warning.objects.filter(task=task).delete()
    Warning.objects.create(kind=Warning.Kind.OVERDUE, task=task, raised_at=timezone.now())
    task.refresh_from_db()
    assert (task.progress, task.status) == (100, "completed")

    report = report_draft(user=users["phulam-leader"], area=area, kind="quarterly", year=PAST_YEAR,
                         number=PAST_QUARTER)
    again = _wait_for_jobs(report)
    (row,) = [t for p in again.snapshot["plans"] for t in p["tasks"] if t["title"] == task.title]
    assert (row["progress"], row["status"], row["evidence"]) == (40, "in_progress", "pending")
    assert row["results"] == ["Đã trình dự thảo đề án số hóa"]
    (figure,) = [i for p in again.snapshot["plans"] for i in p["indicators"] if i["content"] == indicator.content]
    assert (figure["current"], figure["met"]) == (None, None)
    totals = again.snapshot["totals"]
    assert (totals["tasks_completed"], totals["indicators_met"], totals["evidence_accepted"],
            totals["evidence_pending"], totals["warnings"]) == (0, 0, 0, 1, 0)
    assert again.snapshot["warnings"] == []
    text = pdf_text(again.pdf.read())
    assert "trong đó hoàn thành (minh chứng đã được chấp nhận): 0." in text
    assert "đạt: 0, chưa đạt: 0, chưa có số liệu: 25." in text
    assert "Minh chứng: 0 đã chấp nhận, 1 chờ thẩm định, 0 bị trả lại." in text
    assert "Cảnh báo đang mở: 0." in text and "Đã trình dự thảo đề án số hóa" in text
    assert "Đã hoàn thành đề án" not in text and "Quá hạn" not in text

    # The same function answers for today: the later changes count.
    today = area_figures([area.pk], as_of=TODAY)[area.pk]
    assert (today["tasks_completed"], today["evidence_accepted"], today["warnings"]) >= (1, 1, 1)
    at_cutoff = area_figures([area.pk], as_of=cutoff)[area.pk]
    assert (at_cutoff["tasks_completed"], at_cutoff["indicators_met"], at_cutoff["evidence_pending"],
            at_cutoff["warnings"]) == (0, 0, 1, 0)


@pytest.mark.django_db
def test_the_snapshot_of_a_past_period_costs_a_fixed_number_of_queries(users, without_year, django_assert_num_queries):
    area = Area.objects.get(slug="phu-lam")
    report = report_draft(user=users["phulam-leader"], area=area, kind="quarterly", year=PAST_YEAR,
                          number=PAST_QUARTER)
    with django_assert_num_queries(QUERIES):
        snapshot_gather(report)
    Task.objects.filter(plan__area=area).update(progress=10)
    task = Task.objects.filter(plan__area=area).first()
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=50,
                         period=TODAY.replace(day=1), achievements="Thêm", difficulties="-", proposals="-")
    with django_assert_num_queries(QUERIES):
        snapshot_gather(report)


# whatever the number of items, updates and evidence (the totals: two item scans, four for evidence, one for
# warnings; the indicators' targets by year, prefetched; funding: two each for planned amounts and periods as they
# stood, one for budget shares with their base figures)
QUERIES = 33
