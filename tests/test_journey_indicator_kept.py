"""Issue 25: the indicator report form keeps a chosen file across a refused save, as the task form does; the
officer fixes the field and saves again without picking the file a second time."""
import pytest
from django.utils import timezone

from conftest import screen_page
from evidence.models import Evidence, PendingUpload
from indicators.models import Indicator
from tests import files
from tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("screen", ["phone", "desk"])
def test_a_refused_indicator_report_never_asks_for_the_file_again(demo, live_server, browser, sign_in, tmp_path,
                                                                  screen):
    indicator = Indicator.objects.get(plan__slug="phu-lam-55kh", ordinal="14")  # ≥ 30 %
    evidence = tmp_path / "danh-sach-can-bo.pdf"
    evidence.write_bytes(files.pdf_bytes("Danh sách cán bộ có kỹ năng số"))
    with screen_page(browser, screen) as page:
        sign_in(page, "phulam-officer")
        page.goto(f"{live_server.url}/indicators/{indicator.pk}/report/")
        page.get_by_label("Kỳ báo cáo (tháng)").fill("2099-01")  # a slip: a month to come
        page.locator("input[name=value]").fill("35")
        page.get_by_label("Tệp minh chứng 1").set_input_files(str(evidence))
        page.get_by_role("button", name="Lưu kết quả").click()

        period = page.locator(".field.invalid", has=page.locator("input[name=period]"))
        assert period.is_visible() and period.locator(".error").count() >= 1  # said beside the field
        attached = page.locator("[data-attached]")
        assert "Đã đính kèm: danh-sach-can-bo.pdf" in attached.inner_text() and attached.is_visible()
        assert page.get_by_label("Bỏ tệp này").count() == 1
        assert_accessible(page)  # every evidence field is labelled
        assert not Evidence.objects.filter(indicator=indicator).exists()
        assert PendingUpload.objects.filter(indicator=indicator).count() == 1

        page.get_by_label("Kỳ báo cáo (tháng)").fill(f"{timezone.localdate():%Y-%m}")
        page.get_by_role("button", name="Lưu kết quả").click()  # no second file pick
        page.wait_for_url(f"**/indicators/{indicator.pk}/")
        assert "danh-sach-can-bo.pdf" in page.locator(".evidence-list").inner_text()
        saved = Evidence.objects.get(indicator=indicator)
        assert (saved.original_name, saved.description) == ("danh-sach-can-bo.pdf", "danh-sach-can-bo.pdf")
        assert not PendingUpload.objects.exists()
