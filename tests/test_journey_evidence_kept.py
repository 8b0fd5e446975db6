"""Issue 25's first point: a refused save keeps the chosen file; the officer fixes the field and saves again."""
import datetime

import pytest
from django.utils import timezone

from conftest import SCREENS, screen_page
from evidence.models import Evidence, PendingUpload
from tasks.models import Task
from tests import files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("screen", ["phone", "desk"])
def test_a_refused_save_never_asks_for_the_file_again(demo, live_server, browser, sign_in, tmp_path, screen):
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    signed = tmp_path / "quyet-dinh-da-ky.pdf"
    signed.write_bytes(files.pdf_bytes("Quyết định (đã ký)"))
    this_month = timezone.localdate().replace(day=1)
    next_month = (this_month + datetime.timedelta(days=32)).replace(day=1)
    with screen_page(browser, screen) as page:
        sign_in(page, "phulam-officer")
        page.goto(f"{live_server.url}/tasks/{task.pk}/report/")
        page.locator("input[name=progress]").fill("100")
        page.locator("input[name=period]").fill(f"{next_month:%Y-%m}")  # a slip: the coming month
        page.locator("textarea[name=achievements]").fill("Đề án đã được phê duyệt")
        for name in ("difficulties", "proposals"):
            if page.locator(f"textarea[name={name}]").is_visible():
                page.locator(f"textarea[name={name}]").fill("Không có")
        page.locator("input[name=file_1]").set_input_files(str(signed))
        # The description is left empty: the file's name stands for it.
        page.get_by_role("button", name="Lưu tiến độ").click()

        period = page.locator(".field.invalid", has=page.locator("input[name=period]"))
        assert "kỳ chưa đến" in period.inner_text()  # said beside the field
        box, height = period.bounding_box(), SCREENS[screen]["viewport"]["height"]
        assert 0 <= box["y"] and box["y"] + box["height"] <= height  # and brought into view, screens down on a phone
        attached = page.locator("[data-attached]")
        assert "Đã đính kèm: quyet-dinh-da-ky.pdf" in attached.inner_text() and attached.is_visible()
        assert not Evidence.objects.filter(task=task).exists() and PendingUpload.objects.filter(task=task).count() == 1

        page.locator("input[name=period]").fill(f"{this_month:%Y-%m}")
        page.get_by_role("button", name="Lưu tiến độ").click()  # no second file pick
        page.wait_for_url(f"**/tasks/{task.pk}/")
        assert page.locator("#task-status").inner_text() == "Chờ thẩm định"
        evidence = Evidence.objects.get(task=task)
        assert (evidence.original_name, evidence.description) == ("quyet-dinh-da-ky.pdf", "quyet-dinh-da-ky.pdf")
        assert not PendingUpload.objects.exists()
