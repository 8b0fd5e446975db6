"""A province leader watches the overview and opens the report register (the journey of a report: test_journey_report_register)."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_reads_the_overview_and_opens_the_register(demo, live_server, page, sign_in):
    sign_in(page, "dongnai-leader")
    page.get_by_role("link", name="Tổng quan").click()
    rows = page.locator("table.dashboard tbody tr")
    assert rows.count() == 2 and "Xã Phú Lâm" in rows.all_inner_texts()[0] + rows.all_inner_texts()[1]
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    assert page.locator("h1").inner_text() == "Sổ báo cáo"
    labels = page.locator("#id_period option").all_inner_texts()
    assert labels and all(label.startswith("Tỉnh Đồng Nai") for label in labels)  # only its own area's reports
