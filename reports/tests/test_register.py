"""The report register: a draft's snapshot, issuing with a number, the documents read back, the period lock."""
import datetime
import io
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from indicators.models import Indicator
from plans.models import Area, ItemStatus
from reports.documents import report_job_run
from reports.documents.layout import decree30_date
from reports.models import Report, ReportJob, ReportingRule
from reports.register import report_draft, report_issue, report_number_allocate, report_receive
from tasks.models import Task
from tasks.services import task_progress_report

# Workflows from a clean slate: the demo's year of work is left out.
pytestmark = pytest.mark.usefixtures("without_year")

TODAY = timezone.localdate()
QUARTER = (TODAY.month - 1) // 3 + 1


def pdf_text(data):
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data):
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return " ".join(" ".join(parts).split())


def run_jobs(report):
    for job in report.jobs.filter(status=ReportJob.Status.QUEUED).order_by("id"):
        assert report_job_run(job.pk) == "done"
    report.refresh_from_db()
    return report


def draft(user, area="phu-lam", kind="quarterly", year=TODAY.year, number=QUARTER):
    return run_jobs(report_draft(user=user, area=Area.objects.get(slug=area), kind=kind, year=year, number=number))


@pytest.fixture
def known_figures(users):
    """Phú Lâm: 69 tasks (55-KH row 15 counted by its 5 sub-items) (2 completed with accepted evidence), 25 indicators (3 met, 1 not met), one difficulty."""
    Task.objects.filter(plan__slug="phu-lam-55kh", ordinal__in=["1", "2"]).update(status=ItemStatus.COMPLETED,
                                                                                progress=100)
    indicators = Indicator.objects.filter(plan__slug="phu-lam-55kh").order_by("position")
    Indicator.objects.filter(pk__in=[i.pk for i in indicators[:3]]).update(is_met=True)
    Indicator.objects.filter(pk=indicators[3].pk).update(is_met=False)
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=40,
                         period=TODAY.replace(day=1), achievements="Đã trình dự thảo đề án",
                         difficulties="Thiếu chuyên gia thẩm định", proposals="Đề nghị Sở KH&CN hỗ trợ")
    return task


@pytest.mark.django_db
def test_the_default_rules_follow_the_seed_plans(users):
    draft(users["phulam-leader"])
    rule = ReportingRule.objects.get(area__slug="phu-lam", kind="quarterly", plan=None)
    assert rule.recipient_unit.name == "Sở Khoa học và Công nghệ" and rule.deadline_day == 9  # "trước ngày 10"
    assert ReportingRule.objects.filter(area__slug="phu-lam", plan__slug="phu-lam-55kh", kind="half_year").exists()


@pytest.mark.django_db(transaction=True)
def test_default_rules_another_run_created_meanwhile_stand_and_the_rest_are_made_with_history(users, monkeypatch):
    """Two runs find the same areas without rules; the later insert fails, rolls back and tries the rest again."""
    from reports import register

    ReportingRule.objects.all().delete()
    original = register.bulk_create_with_history
    phu_lam = Area.objects.get(slug="phu-lam")

    def other_run():  # its own connection: committed before this run inserts, as a real race
        try:
            ReportingRule.objects.create(area=phu_lam, kind="quarterly", cutoff_day=5, deadline_day=6)
        finally:
            connection.close()

    def another_run_got_there_first(rules, model, **kwargs):
        monkeypatch.setattr(register, "bulk_create_with_history", original)
        thread = threading.Thread(target=other_run)
        thread.start()
        thread.join()
        return original(rules, model, **kwargs)

    monkeypatch.setattr(register, "bulk_create_with_history", another_run_got_there_first)
    register.reporting_rules_defaults_create()
    phu_lam_rules = ReportingRule.objects.filter(area=phu_lam)
    # The other run's rule stands for the area; 55-KH's own cadence, which it did not make, is made on retry.
    assert list(phu_lam_rules.filter(plan=None).values_list("kind", "deadline_day")) == [("quarterly", 6)]
    assert list(phu_lam_rules.exclude(plan=None).filter(issuing_unit=None).values_list("plan__slug", "kind")) == [
        ("phu-lam-55kh", "half_year")]
    # and so are its units' six-monthly reports to the commune under 55-KH (V.2)
    assert set(phu_lam_rules.exclude(issuing_unit=None).values_list("plan__slug", "kind")) == {
        ("phu-lam-55kh", "half_year")}
    others = ReportingRule.objects.exclude(area=phu_lam)
    assert set(others.values_list("area__slug", flat=True)) == set(
        Area.objects.exclude(pk=phu_lam.pk).values_list("slug", flat=True))
    assert ReportingRule.history.filter(id__in=others.values("pk"), history_type="+").count() == others.count()


@pytest.mark.django_db
def test_a_draft_freezes_the_figures_and_the_documents_say_them(users, known_figures):
    report = draft(users["phulam-leader"])
    totals = report.snapshot["totals"]
    assert (totals["tasks"], totals["tasks_completed"], totals["indicators"], totals["indicators_met"],
            totals["indicators_not_met"]) == (69, 2, 25, 3, 1)  # 44 + 25: 55-KH row 15 counted by its 5 sub-items
    assert report.status == "draft" and report.number is None and report.pdf and report.docx
    report = run_jobs(report_issue(report_id=report.pk, user=users["phulam-leader"]))
    assert report.number == 1 and report.reference == "01/BC-UBND" and report.is_on_time
    for text in (pdf_text(report.pdf.read()), docx_text(report.docx.read())):
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
        assert "ỦY BAN NHÂN DÂN" in text and "XÃ PHÚ LÂM" in text
        assert "Số: 01/BC-UBND" in text and "BÁO CÁO" in text
        assert f"Phú Lâm, {decree30_date(TODAY.year, TODAY.month, TODAY.day)}" in text
        assert "Kính gửi: Sở Khoa học và Công nghệ tỉnh Đồng Nai." in text
        assert "Nơi nhận:" in text and "TM. ỦY BAN NHÂN DÂN" in text and "KT. CHỦ TỊCH" in text
        assert "PHÓ CHỦ TỊCH" in text and "Đỗ Xuân Hòa" in text
        for section in ("I. KẾT QUẢ THỰC HIỆN", "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
                        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", "IV. KIẾN NGHỊ, ĐỀ XUẤT", "Cảnh báo:",
                        "Điều chỉnh số liệu của kỳ đã khóa:",
                        "PHỤ LỤC I", "KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "PHỤ LỤC II", "KẾT QUẢ THỰC HIỆN CHỈ TIÊU"):
            assert section in text, section
        assert ("Tổng số nhiệm vụ: 69, trong đó hoàn thành (minh chứng đã được chấp nhận): 2. (nhiệm vụ có nội dung "
                "con được tính theo từng nội dung con)") in " ".join(text.split())
        # each plan's paragraph counts its tasks as the total does: 44 + 25 = 69
        assert re.findall(r"(\d+) nhiệm vụ, (\d+) hoàn thành", " ".join(text.split())) == [("44", "0"), ("25", "2")]
        assert "Tổng số chỉ tiêu: 25, trong đó đạt: 3, chưa đạt: 1, chưa có số liệu: 21." in text
        assert "Thiếu chuyên gia thẩm định" in text and "Đề nghị Sở KH&CN hỗ trợ" in text
        assert "Đã trình dự thảo đề án" in text


@pytest.mark.django_db
def test_the_pdf_is_a4_with_landscape_appendices_and_page_numbers_from_page_two(users, known_figures):
    report = draft(users["phulam-leader"])
    pages = PdfReader(io.BytesIO(report.pdf.read())).pages
    first = pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (595, 842)
    assert float(pages[-1].mediabox.width) > float(pages[-1].mediabox.height)  # an appendix, landscape
    assert "1" not in pages[0].extract_text().splitlines()
    assert "2" in pages[1].extract_text().splitlines() and "3" in pages[2].extract_text().splitlines()
    fonts = {str(font) for page in pages for font in _fonts(page)}
    assert any("Liberation-Serif" in font or "Times" in font for font in fonts), fonts


def _fonts(page):
    resources = page.get("/Resources") or {}
    for font in (resources.get("/Font") or {}).values():
        yield font.get_object().get("/BaseFont")


@pytest.mark.django_db
def test_issued_files_never_change_and_a_second_render_keeps_them(users):
    report = run_jobs(report_issue(report_id=draft(users["phulam-leader"]).pk, user=users["phulam-leader"]))
    digest, name = report.pdf_sha256, report.pdf.name
    job = ReportJob.objects.create(report=report, action=ReportJob.Action.RENDER, requested_by=users["phulam-leader"])
    report_job_run(job.pk)
    report.refresh_from_db()
    assert (report.pdf_sha256, report.pdf.name) == (digest, name)
    assert report_job_run(job.pk) == "skipped"  # delivered twice: runs once


@pytest.mark.django_db
def test_numbers_run_from_01_each_year_per_issuer(users):
    phu_lam, dai_phuoc = Area.objects.get(slug="phu-lam"), Area.objects.get(slug="dai-phuoc")
    assert [report_number_allocate(area_id=phu_lam.pk, year=2026) for _ in range(3)] == [1, 2, 3]
    assert report_number_allocate(area_id=dai_phuoc.pk, year=2026) == 1
    assert report_number_allocate(area_id=phu_lam.pk, year=2027) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_never_share_a_number(demo):
    area = Area.objects.get(slug="phu-lam")
    barrier, numbers = threading.Barrier(4, timeout=20), []

    def allocate():
        barrier.wait()
        numbers.append(report_number_allocate(area_id=area.pk, year=2030))
        connection.close()

    threads = [threading.Thread(target=allocate) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(numbers) == [1, 2, 3, 4]


@pytest.mark.django_db
def test_one_live_report_per_period(users):
    draft(users["phulam-leader"])
    with pytest.raises(ValidationError):
        report_draft(user=users["phulam-admin"], area=Area.objects.get(slug="phu-lam"), kind="quarterly",
                     year=TODAY.year, number=QUARTER)


@pytest.mark.django_db
def test_a_change_to_a_locked_period_needs_a_reason_and_is_flagged_in_the_next_report(users, known_figures):
    report = run_jobs(report_issue(report_id=draft(users["phulam-leader"]).pk, user=users["phulam-leader"]))
    task = Task.objects.get(pk=known_figures.pk)
    with pytest.raises(ValidationError) as refused:
        task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=60,
                             period=TODAY.replace(day=1), achievements="Bổ sung", difficulties="-", proposals="-")
    assert "đã khóa" in str(refused.value.message_dict["reason"])
    task.refresh_from_db()
    assert task.progress == 40
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=60,
                         period=TODAY.replace(day=1), achievements="Bổ sung", difficulties="-", proposals="-",
                         reason="Số liệu tháng bị sót")
    change = report.late_changes.get()
    assert change.reason == "Số liệu tháng bị sót" and change.progress_update.progress_after == 60
    report_receive(report_id=report.pk, user=users["dongnai-officer"], accept=True)
    next_one = draft(users["phulam-leader"], kind="annual", number=1)
    assert [c["reason"] for c in next_one.snapshot["late_changes"]] == ["Số liệu tháng bị sót"]
    assert "Số liệu tháng bị sót" in pdf_text(next_one.pdf.read())


@pytest.mark.django_db
def test_a_period_that_does_not_exist_is_refused(users):
    with pytest.raises(ValidationError):
        report_draft(user=users["phulam-leader"], area=Area.objects.get(slug="phu-lam"), kind="quarterly",
                     year=9999, number=4)
    with pytest.raises(ValidationError):
        report_draft(user=users["phulam-leader"], area=Area.objects.get(slug="phu-lam"), kind="quarterly",
                     year=TODAY.year, number=5)
    assert not Report.objects.exists()


def test_the_document_fetcher_reaches_only_static_files(settings, tmp_path):
    from reports.documents.fetcher import StaticFilesFetcher

    fetcher = StaticFilesFetcher()
    assert fetcher.fetch((settings.BASE_DIR / "reports/static/reports/document.css").as_uri()).read()
    for url in ("file:///etc/passwd", "http://127.0.0.1:1/", (settings.BASE_DIR / "config/settings.py").as_uri()):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


@pytest.mark.parametrize("kind, year, number, window, deadline", [
    ("quarterly", 2026, 1, (datetime.date(2025, 12, 15), datetime.date(2026, 3, 14)), datetime.date(2026, 3, 20)),
    ("monthly", 2026, 1, (datetime.date(2025, 12, 15), datetime.date(2026, 1, 14)), datetime.date(2026, 1, 20)),
    ("half_year", 2026, 1, (datetime.date(2025, 12, 15), datetime.date(2026, 6, 14)), datetime.date(2026, 6, 20)),
    ("annual", 2026, 1, (datetime.date(2025, 12, 15), datetime.date(2026, 12, 14)), datetime.date(2026, 12, 20)),
])
def test_decree_09_cut_off_windows(kind, year, number, window, deadline):
    from reports.periods import period_of

    period = period_of(kind, year, number, cutoff_day=14, deadline_day=20)
    assert (period.window_start, period.window_end) == window and period.deadline == deadline


@pytest.mark.django_db
def test_a_plan_with_its_own_cadence_reports_on_that_plan_alone(users):
    from plans.models import Plan
    from reports.documents import report_snapshot_take

    plan = Plan.objects.get(slug="phu-lam-55kh")
    half = 1 if TODAY.month <= 6 else 2
    report = report_draft(user=users["phulam-leader"], area=plan.area, kind="half_year", year=TODAY.year,
                          number=half, plan=plan)
    report_snapshot_take(report.pk)
    report.refresh_from_db()
    assert [p["reference"] for p in report.snapshot["plans"]] == [plan.reference]
    assert (report.snapshot["totals"]["tasks"], report.snapshot["totals"]["indicators"]) == (25, 25)  # row 15 by its 5
    # The commune reports 55-KH up to the province's focal office (its units report to the commune).
    assert (report.recipient_unit.area.slug, report.recipient_unit.name) == ("dong-nai", "Sở Khoa học và Công nghệ")
    # Named as pages name it: an unnumbered plan by its title and date, never "Số: /KH-UBND".
    assert "Kế hoạch" in report.subject and plan.display_name in report.subject and "/KH-UBND" not in report.subject
