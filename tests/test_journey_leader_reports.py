"""A province leader watches the overview and downloads a commune's monthly report as a PDF."""
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_reads_the_overview_and_downloads_the_monthly_pdf(demo, live_server, page, sign_in):
    sign_in(page, "dongnai-leader")
    page.get_by_role("link", name="Tổng quan").click()
    rows = page.locator("table.dashboard tbody tr")
    assert rows.count() == 3 and "Xã Phú Lâm" in rows.nth(1).inner_text()
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    label = f"tháng {timezone.localdate():%m/%Y}"
    row = page.locator("table.list tbody tr", has_text="Xã Phú Lâm")
    with page.expect_download(timeout=30_000) as download:  # a PDF takes seconds on a busy machine
        row.get_by_role("link", name=label).click()
    data = open(download.value.path(), "rb").read()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert f"BÁO CÁO KẾT QUẢ THỰC HIỆN THÁNG {timezone.localdate():%m/%Y}" in text
    assert "Triển khai hệ thống điều hành giao thông thông minh" in text
