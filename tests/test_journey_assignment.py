"""Issue 10's journey: an admin of Đại Phước assigns its 44 targets in one save from the assignment page; the
officer of that unit then finds them on My work; the six-clears list shrinks; a province leader opens an item of
plan 182 and sees Phú Lâm's item carrying it out, with its progress."""
import pytest
from playwright.sync_api import expect

from tests.a11y import assert_accessible

from conftest import SCREENS, screen_page
from indicators.models import Indicator
from tasks.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OFFICE = "Phòng Văn hóa - Xã hội"


def _missing(page, live_server, clear):
    page.goto(f"{live_server.url}/plans/dai-phuoc-2026/six-clears/?missing={clear}")
    return page.locator("#clears-missing tbody tr:not(:has(td.muted))").count()


def test_admin_assigns_44_targets_in_one_save_and_the_officer_sees_them(demo, targets_unassigned, live_server, browser,
                                                                      sign_in):
    # the demo assignment names the six tasks' clears, a gap or two aside
    tasks = Task.objects.filter(plan__slug="dai-phuoc-2026")
    no_authority, no_product = tasks.filter(authority="").count(), tasks.filter(product="").count()
    admin = browser.new_context().new_page()
    sign_in(admin, "daiphuoc-admin")
    before = {clear: _missing(admin, live_server, clear) for clear in ("responsibility", "person", "authority")}
    assert before == {"responsibility": 44, "person": 44, "authority": 44 + no_authority}
    assert "/50" in admin.locator("#clears-share").inner_text()

    admin.goto(f"{live_server.url}/plans/dai-phuoc-2026/")
    admin.locator("#assignment-link").click()
    admin.select_option("#assignment-filters select[name=kind]", "indicator")
    admin.select_option("#assignment-filters select[name=missing]", "responsibility")
    admin.get_by_role("button", name="Lọc").click()
    admin.wait_for_url("**/assignment/?kind=indicator*missing=responsibility*")
    expect(admin.locator("table.assignment tbody tr")).to_have_count(44)
    admin.select_option("select[name=bulk-lead_units]", label=OFFICE)
    admin.select_option("select[name=bulk-officer]", label="Cán bộ Phòng VH-XH xã Đại Phước")
    admin.locator("input[name=bulk-authority]").fill("Chủ tịch UBND xã")
    admin.locator("#select-all").check()
    expect(admin.locator("input[name=selected]:checked")).to_have_count(44)
    admin.locator("#assignment-save").click()
    expect(admin.locator("[role=status]")).to_contain_text("Đã lưu phân công cho 44 mục")
    expect(admin.locator("table.assignment tbody tr")).to_have_count(1)  # nothing left missing a lead unit
    expect(admin.locator("table.assignment tbody td.muted")).to_have_count(1)

    after = {clear: _missing(admin, live_server, clear) for clear in ("responsibility", "person", "authority")}
    assert after == {"responsibility": 0, "person": 0, "authority": no_authority}
    assert _missing(admin, live_server, "product") == 44 + no_product  # still to be named: the list says so
    targets = Indicator.objects.filter(plan__slug="dai-phuoc-2026").prefetch_related("lead_units")
    assert {unit.name for t in targets for unit in t.lead_units.all()} == {OFFICE}
    assert targets[0].history.first().history_user.username == "daiphuoc-admin"

    officer = browser.new_context().new_page()
    sign_in(officer, "daiphuoc-officer")
    officer.get_by_role("link", name="Việc của tôi").click()
    officer.get_by_role("link", name="Chỉ tiêu").click()
    assert "Tỷ lệ phủ sóng 5G trên địa bàn xã" in officer.locator("main").inner_text()
    officer.goto(f"{live_server.url}/tasks/my-work/?kind=indicators&plan=dai-phuoc-2026&page=2")
    assert "Trang 2/3" in officer.locator("main").inner_text()  # 44 targets, 20 a page


def test_province_leader_sees_the_commune_item_carrying_out_a_province_item(demo, live_server, page, sign_in):
    lower = Task.objects.get(plan__slug="phu-lam-11nq", section__number="3.", ordinal="6")
    Task.objects.filter(pk=lower.pk).update(progress=35, status="in_progress")
    province_item = Task.objects.get(plan__slug="dong-nai-182", section__number="3.", ordinal="e)")
    sign_in(page, "dongnai-leader")
    page.goto(f"{live_server.url}/plans/dong-nai-182/")
    page.get_by_role("link", name=province_item.title[:40], exact=False).first.click()
    lower_rows = page.locator("#cascade-lower tbody tr")
    expect(lower_rows).to_have_count(1)
    text = lower_rows.first.inner_text()
    assert "Phú Lâm" in text and "Triển khai hiệu quả chương trình" in text
    assert lower_rows.first.locator("progress").get_attribute("value") == "35"
    lower_rows.first.get_by_role("link").click()
    assert "Thực hiện nhiệm vụ cấp trên" in page.locator("main").inner_text()


def _one_officer_for_every_row(admin, live_server, screen):
    """Issue 25: one officer picked for all the targets goes to those of their unit, the others are named and keep
    theirs. The part of the assignment journey that runs at both widths: on a phone the bulk fields, the tick-all
    box and the save button stay within the screen (the table itself scrolls inside its box)."""
    from people.models import User
    from plans.models import Unit

    culture = Unit.objects.get(area__slug="dai-phuoc", name=OFFICE)
    targets = Indicator.objects.filter(plan__slug="dai-phuoc-2026")
    theirs = set(targets.filter(lead_units=culture).values_list("pk", flat=True))
    others = {target.pk: target.officer_id for target in targets.exclude(lead_units=culture)}
    assert theirs and others  # the demo shares the targets between two offices

    admin.goto(f"{live_server.url}/plans/dai-phuoc-2026/assignment/?kind=indicator")
    assert_accessible(admin)  # every row's fields are named (issue 25 found 138 without)
    width = SCREENS[screen]["viewport"]["width"]
    if screen == "phone":  # the table scrolls inside its box; the page, and the reason box under it, do not
        assert admin.evaluate("document.documentElement.scrollWidth") <= width
    # (At a desk the ten-column table is wider than the screen and the page scrolls with it; the fields that apply
    # to the ticked rows and the save button stay on the left, as checked below.)
    select_all, officer, save = (admin.locator("#select-all"), admin.locator("select[name=bulk-officer]"),
                                 admin.locator("#assignment-save"))
    for control in (select_all, officer, save, admin.locator("#assignment-form input[name=reason]")):
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, control
    select_all.check()
    officer.select_option(label="Cán bộ Phòng VH-XH xã Đại Phước")
    save.click()
    expect(admin.locator("[role=status]").first).to_contain_text("Đã lưu phân công cho")
    expect(admin.locator(".message.warning")).to_contain_text("không thuộc đơn vị chủ trì")
    person = User.objects.get(username="daiphuoc-officer")
    assert set(targets.filter(officer=person).values_list("pk", flat=True)) == theirs
    assert {target.pk: target.officer_id for target in targets.exclude(lead_units=culture)} == others


def test_admin_gives_a_unit_an_account_spreads_one_officer_and_reimports_the_same_workbook(
        demo, live_server, browser, sign_in, tmp_path):
    """Issue 25: the six-clears page names the commune police, whose only account is closed; the admin creates one
    from there. One officer picked for all the targets goes to those of their unit, the others are named. The
    workbook downloaded and uploaded again says there is no change."""
    from people.models import User
    from plans.models import Unit

    police = Unit.objects.get(area__slug="dai-phuoc", name="Công an xã")
    User.objects.filter(units=police).update(is_active=False)
    with screen_page(browser, "desk") as admin:
        _account_spread_and_reimport(live_server, sign_in, tmp_path, admin, police)


def _account_spread_and_reimport(live_server, sign_in, tmp_path, admin, police):
    from people.models import User
    from plans.models import AssignmentImport

    sign_in(admin, "daiphuoc-admin")

    admin.goto(f"{live_server.url}/plans/dai-phuoc-2026/six-clears/")
    flagged = admin.locator("#clears-no-officer")
    expect(flagged).to_contain_text("Công an xã")
    assert_accessible(admin)
    flagged.get_by_role("link", name="Tạo tài khoản cán bộ").click()
    expect(admin.get_by_label("Tên đăng nhập")).to_have_value("dai-phuoc-cong-an-xa")
    assert_accessible(admin)
    admin.get_by_label("Họ tên").fill("Trần Văn Bình")
    admin.get_by_label("Mật khẩu").fill("Cong-an-Dai-Phuoc-2026")
    admin.get_by_role("button", name="Tạo tài khoản").click()
    expect(admin.locator("[role=status]")).to_contain_text("Đã tạo tài khoản dai-phuoc-cong-an-xa")
    expect(admin.locator("#clears-no-officer")).to_have_count(0)
    person = User.objects.get(username="dai-phuoc-cong-an-xa")
    assert list(person.units.all()) == [police] and person.role == "officer"

    _one_officer_for_every_row(admin, live_server, "desk")

    with admin.expect_download() as download:
        admin.get_by_role("link", name="Tải bảng phân công (xlsx)").click()
    workbook = tmp_path / "phan-cong.xlsx"
    download.value.save_as(workbook)
    admin.get_by_role("link", name="Nhập bảng “Phân công nhiệm vụ” từ Excel").click()
    admin.locator("input[type=file]").set_input_files(str(workbook))
    admin.get_by_role("button", name="Tải lên và xem trước").click()
    expect(admin.locator("#assignment-unchanged")).to_contain_text("Không có thay đổi")
    assert "Có lỗi" not in admin.locator("main").inner_text()
    assert AssignmentImport.objects.get().status == "unchanged"


def test_an_admin_on_a_phone_gives_one_officer_many_rows(demo, live_server, phone, sign_in):
    """The one-officer part of the journey above on a phone; the account and the workbook are desk work."""
    sign_in(phone, "daiphuoc-admin")
    _one_officer_for_every_row(phone, live_server, "phone")
