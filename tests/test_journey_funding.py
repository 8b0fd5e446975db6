"""Issue 24's funding journey: Phú Lâm's Economic office sets the plan's share (1% of GRDP) and the year's GRDP,
enters a task's planned amount and a quarter's allocation in the browser, and sees the share on the plan page;
a leader reads it without the entry links."""
import pytest
from django.utils import timezone

from funding.models import FundingPeriod, TaskFunding
from tasks.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_economic_office_enters_funding_and_sees_the_share_of_grdp(demo, live_server, page, sign_in):
    year = timezone.localdate().year
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="2")  # "bố trí ít nhất 1% GRDP", led by Economics
    sign_in(page, "phulam-economic")
    page.goto(f"{live_server.url}/plans/phu-lam-55kh/")
    page.locator("#plan-funding-link").click()
    page.fill("#id_share-percent", "1")
    page.select_option("#id_share-base_kind", label="GRDP")
    page.fill("#id_share-purpose", "phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số")
    page.get_by_role("button", name="Lưu tỷ lệ").click()
    page.wait_for_url("**/plans/phu-lam-55kh/#funding")
    assert "Tỷ lệ chi tối thiểu: 1% GRDP" in page.locator("#funding").inner_text()
    page.locator("#plan-funding-link").click()
    page.fill("#id_base-year", str(year))
    page.fill("#id_base-amount", "500 tỷ")
    page.get_by_role("button", name="Lưu số liệu năm").click()
    page.wait_for_url("**/plans/phu-lam-55kh/#funding")

    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    page.locator("#task-funding-link").click()
    page.fill("#id_planned_amount", "5.000.000.000")
    page.select_option("#id_source", label="Ngân sách xã")
    page.select_option("#id_periods-0-period", label=f"Quý I/{year}")
    page.fill("#id_periods-0-allocated", "1,5 tỷ")
    page.fill("#id_periods-0-disbursed", "2 tỷ")  # more than allocated: refused, nothing saved
    page.get_by_role("button", name="Lưu kinh phí").click()
    assert "vượt số đã phân bổ" in page.locator("#task-funding-form").inner_text()
    assert not TaskFunding.objects.filter(task=task).exists()
    page.fill("#id_periods-0-disbursed", "500 triệu")
    page.get_by_role("button", name="Lưu kinh phí").click()
    page.wait_for_url(f"**/tasks/{task.pk}/")
    block = page.locator("#task-funding").inner_text()
    assert "5.000.000.000 đ" in block and "Ngân sách xã" in block and f"Quý I/{year}" in block
    assert "1.500.000.000 đ" in block and "500.000.000 đ" in block
    period = FundingPeriod.objects.get(task=task)
    assert (period.allocated, period.disbursed, period.updated_by.username) == (1_500_000_000, 500_000_000,
                                                                                 "phulam-economic")

    page.goto(f"{live_server.url}/plans/phu-lam-55kh/")
    share = page.locator(f"#funding li[data-year='{year}']").inner_text()
    assert share == f"Năm {year}: Đã phân bổ 1,5 tỷ / 1% GRDP = 5,0 tỷ (30%)"

    # a leader of the commune reads the same, with no way to enter it
    page.context.clear_cookies()
    sign_in(page, "phulam-leader")
    page.goto(f"{live_server.url}/plans/phu-lam-55kh/")
    assert page.locator(f"#funding li[data-year='{year}']").inner_text() == share
    assert page.locator("#plan-funding-link").count() == 0
    assert page.goto(f"{live_server.url}/funding/tasks/{task.pk}/").status == 403
