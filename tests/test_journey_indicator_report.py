"""An officer reports an indicator's value from "My work": below target it stays in progress; met, it awaits review."""
import pytest

from indicators.models import Indicator
from tests import files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_reports_an_indicator_below_then_at_its_target(demo, live_server, page, sign_in, tmp_path):
    evidence = tmp_path / "danh-sach-can-bo.xlsx"
    evidence.write_bytes(files.xlsx_bytes())
    sign_in(page, "phulam-officer")
    page.goto(f"{live_server.url}/tasks/my-work/?kind=indicators&q=kỹ năng số nâng cao")
    row = page.locator("tbody.work-item", has_text="Cán bộ, công chức, viên chức có kỹ năng số nâng cao")
    row.get_by_role("link", name="Báo cáo").click()
    assert "≥ 30" in page.locator("main").inner_text()

    page.locator("input[name=value]").fill("25")
    page.locator("textarea[name=description]").fill("25% cán bộ có chứng chỉ")
    page.get_by_role("button", name="Lưu kết quả").click()
    assert "chưa đạt" in page.locator("dl.facts").inner_text()

    page.get_by_role("link", name="Báo cáo kết quả").click()
    page.locator("input[name=value]").fill("30")
    page.get_by_role("button", name="Lưu kết quả").click()
    assert "Chỉ tiêu báo cáo đạt phải kèm tệp minh chứng." in page.locator("main").inner_text()  # nothing saved
    page.locator("input[name=file_1]").set_input_files(str(evidence))
    page.locator("input[name=description_1]").fill("Danh sách cán bộ có kỹ năng số nâng cao")
    page.get_by_role("button", name="Lưu kết quả").click()
    facts = page.locator("dl.facts").inner_text()
    assert "đạt chỉ tiêu" in facts and "Chờ thẩm định" in facts
    assert "danh-sach-can-bo.xlsx" in page.locator(".evidence-list").inner_text()
    indicator = Indicator.objects.get(plan__slug="phu-lam-55kh", ordinal="14")
    assert indicator.reports.count() == 2 and indicator.current_value == 30
