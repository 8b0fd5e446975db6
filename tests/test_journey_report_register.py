"""Issue 11's journey: a Phú Lâm leader drafts, issues and signs the quarterly report; the Sở KH&CN receives it."""
import io

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader

from reports.models import Report
from tasks.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
JOB_TIMEOUT = 120_000  # drafting and rendering run in the worker; the page refreshes itself until done


def test_a_quarterly_report_travels_from_phu_lam_to_the_department(demo, live_server, browser, page, sign_in,
                                                                    celery_worker, tmp_path):
    today = timezone.localdate()
    quarter = "I II III IV".split()[(today.month - 1) // 3]
    sign_in(page, "phulam-leader")
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    option = page.locator("#id_period option", has_text=f"Xã Phú Lâm · Báo cáo quý · Quý {quarter}/{today.year}")
    page.select_option("#id_period", option.first.get_attribute("value"))
    page.click("#draft-submit")
    assert "Dự thảo" in page.locator("#report-status").inner_text()
    page.locator("#download-pdf").wait_for(timeout=JOB_TIMEOUT)
    # The files' links and the job's state are two parts of the page the poll fills; the state may come a poll later.
    expect(page.locator("#job-state")).to_contain_text("Hoàn thành", timeout=JOB_TIMEOUT)

    page.click("#issue-report")
    page.locator("#download-pdf").wait_for(timeout=JOB_TIMEOUT)
    assert page.locator("#report-number").inner_text() == "Số: 01/BC-UBND"
    with page.expect_download() as download:
        page.click("#download-pdf")
    pdf = open(download.value.path(), "rb").read()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Số: 01/BC-UBND" in text and "Nơi nhận:" in text
    with page.expect_download() as download:
        page.click("#download-docx")
    document = Document(download.value.path())
    assert "Số: 01/BC-UBND" in " ".join(p.text for t in document.tables for c in t._cells for p in c.paragraphs)

    signed = tmp_path / "ban-da-ky.pdf"
    signed.write_bytes(pdf)
    page.set_input_files("#id_signed", str(signed))
    page.check("#id_as_scan")  # the unsigned PDF, kept as a scan of the paper copy
    page.click("#upload-signed")
    assert "Bản quét, không có chữ ký số" in page.locator("#signature").inner_text()

    office = browser.new_context().new_page()
    sign_in(office, "dongnai-officer")
    office.goto(f"{live_server.url}/reports/register/inbox/")
    office.get_by_role("link", name="01/BC-UBND").click()
    office.click("#receive-report")
    assert office.locator("#report-status").inner_text() == "Đã tiếp nhận"
    office.goto(f"{live_server.url}/reports/register/")
    office.get_by_role("link", name="Tình hình nộp báo cáo của các xã").click()
    table = office.locator("#completeness")
    assert "Đúng hạn" in table.locator("tr", has_text="Xã Phú Lâm").inner_text()
    assert "Chưa báo cáo" in table.locator("tr", has_text="Xã Đại Phước").inner_text()
    office.context.close()

    officer = browser.new_context().new_page()
    sign_in(officer, "phulam-officer")
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    officer.goto(f"{live_server.url}/tasks/{task.pk}/report/")
    officer.locator("input[name=progress]").fill("30")
    officer.locator("textarea[name=achievements]").fill("Bổ sung sau khi đã báo cáo")
    officer.locator("textarea[name=difficulties]").fill("Chưa có kinh phí")
    officer.locator("textarea[name=proposals]").fill("Đề nghị bố trí kinh phí")
    officer.get_by_role("button", name="Lưu tiến độ").click()
    assert "đã khóa vì báo cáo 01/BC-UBND đã ban hành" in officer.content()
    task.refresh_from_db()
    assert task.progress == 0 and not Report.objects.get().late_changes.exists()
    officer.context.close()
