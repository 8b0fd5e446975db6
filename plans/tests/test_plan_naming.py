"""A plan's name on every page (Plan.display_name): its number, or its title and date while it has none."""
import pytest

from plans.models import Area, Plan

pytestmark = pytest.mark.django_db

TITLE = ("Triển khai Kế hoạch số 55-KH/TU ngày 11/02/2026 của Ban Chấp hành Đảng bộ tỉnh về thực hiện Nghị quyết "
         "Đại hội đại biểu Đảng bộ tỉnh")


def _plan(title=TITLE, **values):
    area = Area.objects.get_or_create(kind="commune", name="Xã Thử", slug="xa-thu")[0]
    return Plan(area=area, issuer="UBND xã Thử", title=title, **values)


def test_a_numbered_plan_is_named_by_its_number():
    assert _plan(number="182", symbol="KH-UBND", issued_year=2026).display_name == "182/KH-UBND"


@pytest.mark.parametrize(("date", "said"), [
    ({"issued_year": 2026, "issued_month": 4, "issued_day": 10}, "(10/4/2026)"),
    ({"issued_year": 2026, "issued_month": 4}, "(tháng 4/2026)"),
    ({"issued_year": 2026}, "(năm 2026)"),
])
def test_a_plan_without_a_number_is_named_by_its_title_and_date(date, said):
    name = _plan(**date).display_name
    assert name == f"Triển khai Kế hoạch số 55-KH/TU ngày 11/02/2026 của Ban Chấp hành … {said}"
    assert "Số: /" not in name


def test_a_plan_without_a_number_or_a_date_is_named_by_its_title():
    assert _plan().display_name == "Triển khai Kế hoạch số 55-KH/TU ngày 11/02/2026 của Ban Chấp hành …"
    assert str(_plan(title="Kế hoạch ngắn")) == "Kế hoạch ngắn – UBND xã Thử"


def test_the_two_phu_lam_drafts_read_differently_on_every_page(client, users):
    plans = Plan.objects.filter(slug__in=["phu-lam-11nq", "phu-lam-55kh"])
    names = {plan.display_name for plan in plans}
    assert len(names) == 2
    client.force_login(users["phulam-leader"])
    for path in ("/plans/", "/reports/warnings/", "/tasks/my-work/", "/plans/phu-lam-55kh/"):
        page = client.get(path).content.decode()
        assert "Số: /KH-UBND ·" not in page and "Số: /KH-UBND –" not in page, path
    warnings = client.get("/reports/warnings/").content.decode()
    options = warnings[warnings.index('<select name="plan">'):]
    options = options[:options.index("</select>")]
    assert all(name in options for name in names)  # the filter lists each plan once, by its own name


def test_a_commune_leaders_overview_is_titled_with_the_commune(client, users):
    client.force_login(users["phulam-leader"])
    page = client.get("/reports/").content.decode()
    assert "Tổng quan thực hiện: Xã Phú Lâm" in page and "Tổng quan thực hiện: Tỉnh Đồng Nai" not in page
    client.force_login(users["dongnai-leader"])
    assert "Tổng quan thực hiện: Tỉnh Đồng Nai" in client.get("/reports/").content.decode()
