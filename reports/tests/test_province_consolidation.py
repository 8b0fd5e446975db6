"""The province's report adds up its communes: each from the report it owed for the period, a total row,
the Sở's answers to the communes' proposals, the Sở's signer named (a real worker renders; pypdf reads back)."""
import pytest
from django.utils import timezone

from plans.models import Area, ItemStatus
from reports.models import Difficulty
from reports.register import difficulty_answer, report_draft, report_issue
from reports.snapshot import owed_period
from tasks.models import Task
from tasks.services import task_progress_report

from .test_as_of import _wait_for_jobs
from .test_register import docx_text, pdf_text

TODAY = timezone.localdate()
MONTH = TODAY.replace(day=1)


def _issue(user, slug, kind):
    year, number, _last = owed_period(kind, MONTH)
    report = _wait_for_jobs(report_draft(user=user, area=Area.objects.get(slug=slug), kind=kind, year=year,
                                         number=number))
    return _wait_for_jobs(report_issue(report_id=report.pk, user=user))


@pytest.mark.django_db(transaction=True)
def test_the_province_report_adds_up_the_reports_its_communes_owed(demo, users, celery_worker):
    Task.objects.filter(plan__slug="phu-lam-55kh", ordinal__in=["1", "2"]).update(status=ItemStatus.COMPLETED,
                                                                                progress=100)
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=40,
                         period=MONTH, achievements="Đã trình đề án", difficulties="Thiếu kinh phí",
                         proposals="Đề nghị tỉnh bổ sung kinh phí chuyển đổi số")
    commune = _issue(users["phulam-leader"], "phu-lam", "quarterly")  # the quarterly report it owes
    other = _issue(users["daiphuoc-leader"], "dai-phuoc", "annual")  # a kind that does not stand for it
    difficulty = Difficulty.objects.get(area__slug="phu-lam")
    difficulty_answer(difficulty_id=difficulty.pk, user=users["dongnai-officer"],
                      answer="Sở KH&CN bố trí kinh phí từ nguồn sự nghiệp khoa học", status="answered")
    leader = users["dongnai-leader"]
    leader.first_name, leader.last_name = "Nguyễn Minh Tuấn", ""
    leader.save()

    province = _wait_for_jobs(report_draft(user=leader, area=Area.objects.get(slug="dong-nai"), kind="monthly",
                                           year=TODAY.year, number=TODAY.month))
    rows = {row["area"]: row for row in province.snapshot["communes"]}
    assert set(rows) == {"Xã Phú Lâm", "Xã Đại Phước"}
    assert rows["Xã Phú Lâm"]["reported"] and rows["Xã Phú Lâm"]["reference"] == commune.reference
    assert rows["Xã Phú Lâm"]["on_time"] == commune.is_on_time
    assert rows["Xã Phú Lâm"]["owed"] == str(commune.period_label)
    assert not rows["Xã Đại Phước"]["reported"] and rows["Xã Đại Phước"]["on_time"] is None, other.reference
    totals = province.snapshot["communes_totals"]
    for key in ("tasks", "tasks_completed", "indicators", "indicators_met", "indicators_no_data", "warnings"):
        assert totals[key] == sum(row["totals"][key] for row in rows.values()), key
    assert totals["tasks_completed"] == 2 and totals["tasks"] > province.snapshot["totals"]["tasks"]
    assert [d["answer"] for d in province.snapshot["directions"]] == [
        "Sở KH&CN bố trí kinh phí từ nguồn sự nghiệp khoa học"]
    assert province.signer_name == "Nguyễn Minh Tuấn"

    for text in (pdf_text(province.pdf.read()), docx_text(province.docx.read())):
        assert "Tổng hợp 2 xã, phường" in text
        assert (f"Tổng số nhiệm vụ: {totals['tasks']}, trong đó hoàn thành (minh chứng đã được chấp nhận): 2." in text)
        assert f"chưa có số liệu: {totals['indicators_no_data']}." in text
        assert "Cộng 1/2 xã đã báo cáo" in text
        assert "Xã Đại Phước" in text and "Chưa báo cáo" in text
        assert "Khó khăn: Thiếu kinh phí." in text
        # the commune's proposal with the Sở's answer, said once
        assert ("Xã Phú Lâm (Phòng Văn hóa - Xã hội): Kiến nghị: Đề nghị tỉnh bổ sung kinh phí chuyển đổi số; "
                "Ý kiến chỉ đạo: Sở KH&CN bố trí kinh phí từ nguồn sự nghiệp khoa học (Đã có ý kiến chỉ đạo)") in text
        assert text.count("Sở KH&CN bố trí kinh phí từ nguồn sự nghiệp khoa học") == 1
        assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Nguyễn Minh Tuấn" in text
