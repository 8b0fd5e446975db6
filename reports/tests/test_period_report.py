"""Monthly and quarterly PDF reports: real PDFs from WeasyPrint, read back with pypdf."""
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from reports.periods import QUARTERLY, period_of
from tasks.models import Task
from tasks.services import task_progress_report

pytestmark = pytest.mark.django_db


def _text(response):
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def reported(users):
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=40,
                         period=timezone.localdate().replace(day=1), achievements="Đã trình dự thảo đề án",
                         difficulties="Thiếu chuyên gia thẩm định", proposals="Đề nghị Sở KH&CN hỗ trợ")
    return task


def test_the_monthly_report_carries_the_months_figures(client, users, reported):
    month = timezone.localdate().strftime("%Y-%m")
    client.force_login(users["phulam-leader"])
    text = _text(client.get(f"/reports/periodic/phu-lam/monthly/{month}.pdf"))
    assert f"BÁO CÁO KẾT QUẢ THỰC HIỆN THÁNG {timezone.localdate():%m/%Y}" in text
    assert "Xã Phú Lâm" in text and "Đã trình dự thảo đề án" in text
    assert "Thiếu chuyên gia thẩm định" in text and "Đề nghị Sở KH&CN hỗ trợ" in text
    assert "40%" in text


def test_the_quarterly_report_covers_the_quarter(client, users, reported):
    today = timezone.localdate()
    quarter = period_of(QUARTERLY, today.year, today.month)
    client.force_login(users["dongnai-leader"])
    text = _text(client.get(f"/reports/periodic/phu-lam/quarterly/{today:%Y-%m}.pdf"))
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN QUÝ" in text and f"{quarter.start:%d/%m/%Y}" in text
    assert "Đã trình dự thảo đề án" in text


@pytest.mark.parametrize("username, status", [("phulam-officer", 200), ("dongnai-leader", 200),
                                              ("daiphuoc-leader", 404), ("dantien-admin", 404)])
def test_reports_are_scoped_to_visible_areas(client, users, username, status):
    client.force_login(users[username])
    assert client.get("/reports/periodic/phu-lam/monthly/2026-11.pdf").status_code == status


def test_bad_periods_are_not_found(client, users):
    client.force_login(users["phulam-leader"])
    for url in ("/reports/periodic/phu-lam/weekly/2026-11.pdf", "/reports/periodic/phu-lam/monthly/2026-13.pdf",
                "/reports/periodic/phu-lam/monthly/abc.pdf"):
        assert client.get(url).status_code == 404


def test_the_report_costs_the_same_queries_as_items_grow(client, users, reported):
    client.force_login(users["phulam-leader"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            _text(client.get("/reports/periodic/phu-lam/monthly/2026-11.pdf"))
        return len(queries)

    before = count()
    plan = reported.plan
    for index in range(5):
        task = Task.objects.create(plan=plan, position=300 + index, ordinal=f"9{index}", title=f"Thêm {index}")
        task.lead_units.set(reported.lead_units.all())
    assert 0 < before == count()
