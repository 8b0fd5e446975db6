"""A unit's monthly report, in a browser: Dân Tiến's economic office drafts it, its head confirms the office's
figures, the office issues it to the commune's People's Committee, and the Culture-Social office receives it."""
import pytest
from django.utils import timezone

from plans.models import Unit
from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
JOB_TIMEOUT = 120_000  # drafting and rendering run in the worker; the page refreshes itself until done


def test_a_units_monthly_report_goes_to_the_communes_peoples_committee(demo, live_server, browser, page, sign_in,
                                                                        celery_worker, django_user_model):
    today = timezone.localdate()
    unit = Unit.objects.get(area__slug="dan-tien", name="Phòng Kinh tế")
    head = django_user_model.objects.create_user("dantien-economic-head", password="demo-2026", role="leader",
                                                 first_name="Trưởng phòng Kinh tế")
    head.units.set([unit])

    sign_in(page, "dantien-economic")
    page.goto(f"{live_server.url}/reports/register/")
    option = page.locator("#id_period option", has_text=f"Phòng Kinh tế · Báo cáo tháng · Tháng {today.month}/{today.year}")
    page.select_option("#id_period", option.first.get_attribute("value"))
    page.click("#draft-submit")
    page.locator("#download-pdf").wait_for(timeout=JOB_TIMEOUT)
    assert "Chờ thủ trưởng đơn vị xác nhận số liệu" in page.locator("#confirmation").inner_text()
    assert page.locator("#issue-report").count() == 0  # not before the head confirms
    assert page.locator("#confirm-report").count() == 0  # an officer of the unit is not its head
    report_url = page.url

    chief = browser.new_context().new_page()
    sign_in(chief, "dantien-economic-head")
    chief.goto(report_url)
    chief.click("#confirm-report")
    assert "Trưởng phòng Kinh tế đã xác nhận số liệu" in chief.locator("#confirmation").inner_text()
    chief.context.close()

    page.goto(report_url)
    page.click("#issue-report")
    page.locator("#download-pdf").wait_for(timeout=JOB_TIMEOUT)
    assert page.locator("#report-number").inner_text() == "Số: 01/BC-PKT"

    office = browser.new_context().new_page()
    sign_in(office, "dantien-officer")
    office.goto(f"{live_server.url}/reports/register/inbox/")
    office.get_by_role("link", name="01/BC-PKT").click()
    office.click("#receive-report")
    assert office.locator("#report-status").inner_text() == "Đã tiếp nhận"
    office.context.close()
    report = Report.objects.get(unit=unit)
    assert report.confirmed_by == head and report.recipients.get().handled_by.username == "dantien-officer"
