"""The Đồng Nai leader compares communes, opens the reddest, drills down to an overdue task, has the scorecards
workbook built (a real worker) and downloads it."""
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from tasks.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_follows_the_reddest_commune_down_to_an_overdue_task(demo, live_server, page, sign_in, celery_worker):
    today = timezone.localdate()
    overdue = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    Task.objects.filter(pk=overdue.pk).update(starts_on=today - datetime.timedelta(days=200),
                                              ends_on=today - datetime.timedelta(days=30), progress=20)
    Task.objects.filter(plan__slug="dai-phuoc-2026").update(progress=100)  # Đại Phước is on track
    # the one overdue task of Phú Lâm: the demo assignment's other ended timelines left out
    Task.objects.filter(plan__area__slug="phu-lam").exclude(pk=overdue.pk).update(starts_on=None, ends_on=None)

    sign_in(page, "dongnai-leader")
    page.get_by_role("link", name="Tổng quan").click()
    page.get_by_role("link", name="Tỷ lệ hoàn thành").click()
    page.wait_for_url("**sort=completion**")
    # the URL changes when the new page is committed, before its rows are parsed: wait for them
    expect(page.locator("table.dashboard tbody tr")).to_have_count(2)
    assert page.locator("tr[data-area=dai-phuoc] .health").inner_text().strip().endswith("Đúng tiến độ")
    red = page.locator("tbody tr.health-red")
    assert red.count() == 1 and "Chậm dưới một nửa lộ trình hoặc quá hạn" in red.inner_text()
    red.get_by_role("link", name="Xã Phú Lâm").click()

    page.get_by_role("heading", name="Xã Phú Lâm").wait_for()
    assert page.locator("svg.chart").count() == 2
    unit_row = page.locator("table.units tbody tr", has_text="Phòng Văn hóa - Xã hội")
    unit_row.get_by_role("link", name="1 quá hạn").click()
    page.wait_for_url("**overdue=1**")
    items = page.locator("table.items tbody tr")
    expect(items).to_have_count(1)
    items.get_by_role("link").first.click()
    page.wait_for_url(f"{live_server.url}/tasks/{overdue.pk}/")
    assert overdue.title[:30] in page.locator("main").inner_text()

    page.go_back()
    page.go_back()
    page.get_by_role("link", name="Bảng điểm thi đua").click()
    page.get_by_role("heading", name="Bảng điểm thi đua", exact=False).wait_for()
    page.get_by_role("button", name="Tạo bảng điểm (Excel)").click()  # a job builds it; the page shows its state
    link = page.get_by_role("link", name="Tải bảng điểm (Excel)")
    for _attempt in range(60):
        if link.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"bang-diem-thi-dua-{today.year}-phu-lam.xlsx"
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    units = book["Đơn vị"]
    assert units["D3"].value == "Đơn vị"
    rows = list(units.iter_rows(min_row=4, values_only=True))
    names = {row[3]: row for row in rows}
    assert "Phòng Văn hóa - Xã hội" in names
    assert names["Phòng Văn hóa - Xã hội"][8] == 1  # its overdue task, counted in the scorecard
