"""A unit's monthly report, in a browser: the warnings job tells Dân Tiến's economic office its report is due (or
late), the office drafts it, its head confirms the office's figures, the office issues it to the commune's People's
Committee (the warning closes at once), and the Culture-Social office receives it; the commune's leader sees the
other units' reports still owed."""
import pytest

from plans.models import Unit
from reports.models import Report, Warning
from reports.services import warnings_raise

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
JOB_TIMEOUT = 120_000  # drafting and rendering run in the worker; the page refreshes itself until done


def test_a_units_monthly_report_goes_to_the_communes_peoples_committee(demo, live_server, browser, page, sign_in,
                                                                        celery_worker):
    unit = Unit.objects.get(area__slug="dan-tien", name="Phòng Kinh tế")
    warnings_raise()  # the daily job: the unit owes a monthly report (late before the 15th, due or late after it)
    owed = (Warning.objects.filter(unit=unit, closed_at__isnull=True, details__kind="monthly",
                                   kind__in=[Warning.Kind.REPORT_DUE, Warning.Kind.REPORT_LATE])
            .order_by("period").first())
    assert owed is not None
    row = f"Phòng Kinh tế · {owed.period_label}"

    sign_in(page, "dantien-economic")
    page.goto(f"{live_server.url}/reports/warnings/?kind={owed.kind}")
    assert page.get_by_role("link", name=row, exact=True).count() == 1
    page.get_by_role("link", name=row, exact=True).click()  # to the register, where the report is drafted
    option = page.locator("#id_period option", has_text=f"Phòng Kinh tế · Báo cáo tháng · {owed.period_label}")
    page.select_option("#id_period", option.first.get_attribute("value"))
    page.click("#draft-submit")
    page.locator("#download-pdf").wait_for(timeout=JOB_TIMEOUT)
    assert "Chờ thủ trưởng đơn vị xác nhận số liệu" in page.locator("#confirmation").inner_text()
    assert page.locator("#issue-report").count() == 0  # not before the head confirms
    assert page.locator("#confirm-report").count() == 0  # an officer of the unit is not its head
    report_url = page.url

    chief = browser.new_context().new_page()
    sign_in(chief, "dantien-truong-kinhte")  # the demo's head of the economic office
    chief.goto(report_url)
    chief.click("#confirm-report")
    assert "Trưởng phòng Kinh tế xã Dân Tiến đã xác nhận số liệu" in chief.locator("#confirmation").inner_text()
    chief.context.close()

    page.goto(report_url)
    page.click("#issue-report")
    page.locator("#download-pdf").wait_for(timeout=JOB_TIMEOUT)
    assert page.locator("#report-number").inner_text() == "Số: 01/BC-PKT"
    page.goto(f"{live_server.url}/reports/warnings/?kind={owed.kind}")
    assert page.get_by_role("link", name=row, exact=True).count() == 0  # sent: its warning closed with the issue

    office = browser.new_context().new_page()
    sign_in(office, "dantien-officer")
    office.goto(f"{live_server.url}/reports/register/inbox/")
    office.get_by_role("link", name="01/BC-PKT").click()
    office.click("#receive-report")
    assert office.locator("#report-status").inner_text() == "Đã tiếp nhận"
    office.context.close()
    report = Report.objects.get(unit=unit)
    assert report.confirmed_by.username == "dantien-truong-kinhte"
    assert report.recipients.get().handled_by.username == "dantien-officer"

    # The commune's leader sees the reports its other units still owe for the period.
    leader = browser.new_context().new_page()
    sign_in(leader, "dantien-leader")
    leader.goto(f"{live_server.url}/reports/warnings/?kind={owed.kind}")
    owing = leader.locator("table.warnings tbody").inner_text()
    assert f"Công an xã · {owed.period_label}" in owing and f"Các trường học · {owed.period_label}" in owing
    assert row not in owing
    leader.context.close()
