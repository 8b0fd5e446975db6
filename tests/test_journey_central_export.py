"""A province leader sends the quarter's figures up: asks for the export of the province with its communes, waits
for the worker on the page, and downloads the .xlsx that the central system's officers check before uploading."""
import io

import openpyxl
import pytest
from django.utils import timezone

from indicators.models import Indicator
from tasks.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_exports_the_province_for_the_central_system(demo, live_server, page, sign_in, celery_worker):
    today = timezone.localdate()
    sign_in(page, "dongnai-leader")
    page.goto(f"{live_server.url}/central/")
    page.select_option("#id_area", label="Tỉnh Đồng Nai")
    page.select_option("#id_kind", "quarterly")
    page.fill("#id_year", str(today.year))
    page.fill("#id_number", "5")
    page.click("#export-submit")
    assert "chỉ có 4 kỳ trong năm" in page.locator("#export-form").inner_text()  # refused beside the field
    page.fill("#id_number", str((today.month - 1) // 3 + 1))
    page.click("#export-submit")
    row = page.locator("#exports tbody tr").first
    row.get_by_role("link", name=".xlsx").wait_for(timeout=60_000)  # the row refreshes itself until done
    items = Task.objects.filter(plan__area__slug__in=["dong-nai", "phu-lam", "dai-phuoc"]).exclude(
        plan__status="replaced").count() + Indicator.objects.filter(
        plan__area__slug__in=["dong-nai", "phu-lam", "dai-phuoc"]).exclude(plan__status="replaced").count()
    assert f"{items}/{items} mục" in row.inner_text()
    with page.expect_download() as download:
        row.get_by_role("link", name=".xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert book.sheetnames == ["Thông tin", "Nhiệm vụ", "Chỉ tiêu"]
    communes = {row[1] for row in book["Nhiệm vụ"].iter_rows(min_row=2, values_only=True)}
    assert {"Đồng Nai", "Phú Lâm"} <= communes
