"""Issue 10's journey: an admin of Đại Phước builds and issues a plan in the portal, corrects an item with a
reason the history shows, and adds a colleague to a unit, without the Django admin."""
import pytest
from playwright.sync_api import expect

from people.models import User
from plans.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_builds_issues_and_corrects_a_plan_then_adds_a_user(demo, live_server, page, sign_in):
    sign_in(page, "daiphuoc-admin")
    page.get_by_role("navigation").get_by_role("link", name="Quản trị").click()
    page.get_by_role("link", name="Tạo kế hoạch").click()
    page.fill("#id_issuer", "UBND xã Đại Phước")
    page.fill("#id_title", "Kế hoạch chuyển đổi số xã Đại Phước năm 2027")
    page.fill("#id_issued_year", "2027")
    page.select_option("#id_legal_basis", label="57-NQ/TW – Bộ Chính trị")
    page.select_option("#id_implements_plan", label="182/KH-UBND – UBND tỉnh Đồng Nai")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#plan-status")).to_have_text("Dự thảo")
    plan = Plan.objects.get(title="Kế hoạch chuyển đổi số xã Đại Phước năm 2027")
    assert plan.area.slug == "dai-phuoc" and plan.implements_plan.slug == "dong-nai-182"

    page.get_by_role("link", name="Thêm mục").click()
    page.fill("#id_number", "1.")
    page.fill("#id_title", "Phát triển hạ tầng số")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("link", name="Thêm nhiệm vụ").click()
    page.select_option("#id_section", label="1. Phát triển hạ tầng số")
    page.fill("#id_ordinal", "1")
    page.fill("#id_title", "Phủ sóng 5G các ấp")
    page.fill("#id_timeline_text", "Giai đoạn 2027-2028")
    page.select_option("#id_lead_units", label="Phòng Kinh tế")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("h1")).to_have_text("Nhiệm vụ 1")
    assert "(01/01/2027 – 31/12/2028" in page.locator("dl.facts").first.inner_text()

    page.locator("p.crumbs a").first.click()  # back to the plan
    page.get_by_role("link", name="Quản trị kế hoạch").click()
    page.get_by_role("button", name="Ban hành kế hoạch").click()
    expect(page.locator(".message.error")).to_contain_text("phải có số")  # refused: nothing changed
    expect(page.locator("#plan-status")).to_have_text("Dự thảo")
    page.get_by_role("link", name="Sửa thông tin kế hoạch").click()
    page.fill("#id_number", "45")
    page.fill("#id_issued_day", "10")
    page.fill("#id_issued_month", "1")
    page.fill("#id_signer_name", "Nguyễn Văn An")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("button", name="Ban hành kế hoạch").click()
    expect(page.locator("#plan-status")).to_have_text("Đã ban hành")

    page.locator("tr.task-row").get_by_role("link", name="Sửa").click()
    page.fill("#id_title", "Phủ sóng 5G toàn bộ các ấp")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#id_reason + .muted + .error, .field.invalid .error").first).to_contain_text("lý do")
    page.fill("#id_reason", "Theo Công văn 12/UBND của tỉnh")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("p.lead")).to_have_text("Phủ sóng 5G toàn bộ các ấp")
    latest = page.locator("#history > li").first
    expect(latest).to_contain_text("Theo Công văn 12/UBND của tỉnh")
    expect(latest).to_contain_text("Quản trị xã Đại Phước")
    expect(latest).to_contain_text("Phủ sóng 5G toàn bộ các ấp")

    page.get_by_role("navigation").get_by_role("link", name="Quản trị").click()
    page.get_by_role("link", name="Người dùng").click()
    page.get_by_role("link", name="Thêm người dùng").click()
    page.fill("#id_username", "daiphuoc-hatang")
    page.fill("#id_first_name", "Trần Thị Bình")
    page.select_option("#id_role", label="Cán bộ")
    page.select_option("#id_units", label="Phòng Kinh tế – Xã Đại Phước")
    page.fill("#id_password", "Ha-tang-so-2027")
    page.get_by_role("button", name="Lưu").click()
    row = page.locator("#people tr", has_text="daiphuoc-hatang")
    expect(row).to_contain_text("Phòng Kinh tế")
    person = User.objects.get(username="daiphuoc-hatang")
    assert [u.name for u in person.units.all()] == ["Phòng Kinh tế"] and not person.is_staff
