"""An officer reports an indicator's value from "My work": below target it stays in progress; met, it awaits review.
With targets by year, the figure is judged against this year's target, and the page shows each year's."""
import pytest
from django.utils import timezone

from conftest import SCREENS, screen_page
from indicators.models import Indicator
from indicators.services import indicator_targets_replace
from indicators.targets import year_target_values
from tests import files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("screen", ["phone", "desk"])
def test_officer_reports_an_indicator_below_then_at_its_target(demo, live_server, browser, sign_in, tmp_path, screen):
    evidence = tmp_path / "danh-sach-can-bo.xlsx"
    evidence.write_bytes(files.xlsx_bytes())
    indicator = Indicator.objects.get(plan__slug="phu-lam-55kh", ordinal="14")
    year = timezone.localdate().year
    stage = year_target_values("≥ 30", year=2030, label="Nhiệm kỳ 2025 – 2030", unit_of_measure="%")
    indicator_targets_replace({indicator.pk: [
        year_target_values("≥ 20", year=year, label=f"Năm {year}", unit_of_measure="%"), stage]})
    with screen_page(browser, screen) as page:
        sign_in(page, "phulam-officer")
        page.goto(f"{live_server.url}/tasks/my-work/?kind=indicators&q=kỹ năng số nâng cao")
        row = page.locator("tbody.work-item", has_text="Cán bộ, công chức, viên chức có kỹ năng số nâng cao")
        row.get_by_role("link", name="Báo cáo").click()
        form = page.locator("main").inner_text()
        assert f"Năm {year}: ≥ 20 (đang áp dụng)" in form and "Nhiệm kỳ 2025 – 2030: ≥ 30" in form

        page.locator("input[name=value]").fill("15")
        page.locator("textarea[name=description]").fill("15% cán bộ có chứng chỉ")
        page.get_by_role("button", name="Lưu kết quả").click()
        facts = page.locator("dl.facts").inner_text()
        assert "chưa đạt" in facts
        assert f"Năm {year}: ≥ 20 (đang áp dụng)" in facts and "Nhiệm kỳ 2025 – 2030: ≥ 30" in facts

        page.get_by_role("link", name="Báo cáo kết quả").click()
        page.locator("input[name=value]").fill("25")  # under the stage's 30, over this year's 20
        page.get_by_role("button", name="Lưu kết quả").click()
        refusal = page.get_by_text("Chỉ tiêu báo cáo đạt phải kèm tệp minh chứng.").first
        assert refusal.is_visible()  # nothing saved, and said where the officer looks: in view at either width
        box = refusal.bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= SCREENS[screen]["viewport"]["height"]
        page.locator("input[name=file_1]").set_input_files(str(evidence))
        page.locator("input[name=description_1]").fill("Danh sách cán bộ có kỹ năng số nâng cao")
        page.get_by_role("button", name="Lưu kết quả").click()
        facts = page.locator("dl.facts").inner_text()
        assert "đạt chỉ tiêu" in facts and "Chờ thẩm định" in facts
        assert "danh-sach-can-bo.xlsx" in page.locator(".evidence-list").inner_text()
        indicator.refresh_from_db()
        assert indicator.reports.count() == 2 and indicator.current_value == 25 and indicator.is_met
