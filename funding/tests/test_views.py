"""The funding pages and blocks: entered through the forms by those who may, read by everyone who sees the plan,
in a fixed number of queries."""
import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection

from funding.models import FundingBase, FundingPeriod, TaskFunding
from tasks.models import Task

pytestmark = pytest.mark.django_db


def _task(ordinal="3"):
    return Task.objects.get(plan__slug="phu-lam-55kh", ordinal=ordinal)


def _form(**values):
    data = {"planned_amount": "1.500.000.000", "source": "commune_budget", "note": "",
            "periods-TOTAL_FORMS": "2", "periods-INITIAL_FORMS": "0", "periods-MIN_NUM_FORMS": "0",
            "periods-MAX_NUM_FORMS": "200", "periods-0-period": "quarterly-2026-1", "periods-0-allocated": "1,2 tỷ",
            "periods-0-disbursed": "300 triệu", "periods-1-period": "", "periods-1-allocated": "",
            "periods-1-disbursed": ""}
    data.update(values)
    return data


def test_the_economic_office_saves_a_tasks_funding_through_the_form(client, users):
    task = _task()
    client.force_login(users["phulam-economic"])
    assert client.get(f"/funding/tasks/{task.pk}/").status_code == 200
    response = client.post(f"/funding/tasks/{task.pk}/", _form())
    assert response.status_code == 302 and response.url == task.get_absolute_url()
    assert TaskFunding.objects.get(task=task).planned_amount == 1_500_000_000
    period = FundingPeriod.objects.get(task=task)
    assert (period.kind, period.allocated, period.disbursed) == ("quarterly", 1_200_000_000, 300_000_000)
    page = client.get(task.get_absolute_url()).content.decode()
    assert "1.500.000.000 đ" in page and "Quý I/2026" in page and "Ngân sách xã" in page


@pytest.mark.parametrize("values, message", [
    ({"planned_amount": "một tỷ"}, "Không đọc được số tiền"),
    ({"periods-0-disbursed": "2 tỷ"}, "vượt số đã phân bổ"),
    ({"periods-0-period": "", "periods-0-allocated": "5 triệu"}, "Hãy chọn tháng hoặc quý"),
    ({"periods-0-allocated": "-5"}, "không được âm"),
])
def test_bad_input_is_refused_in_vietnamese_and_changes_nothing(client, users, values, message):
    task = _task()
    client.force_login(users["phulam-economic"])
    response = client.post(f"/funding/tasks/{task.pk}/", _form(**values))
    assert response.status_code == 400 and message in response.content.decode()
    assert not TaskFunding.objects.filter(task=task).exists() and not FundingPeriod.objects.filter(task=task).exists()


def test_the_share_of_grdp_is_shown_against_what_was_allocated(client, users):
    """The demo: Phú Lâm sets at least 1% of GRDP; its Economic office entered GRDP 500 tỷ and 3,2 tỷ allocated
    this year (the demo's quarters up to last month)."""
    client.force_login(users["phulam-leader"])
    page = client.get("/plans/phu-lam-55kh/").content.decode()
    assert "Tỷ lệ chi tối thiểu: 1% GRDP" in page
    assert "/ 1% GRDP = 5,0 tỷ (" in page and 'id="plan-funding-link"' not in page  # a leader reads only


def test_the_economic_office_enters_the_share_and_the_years_grdp(client, users):
    client.force_login(users["phulam-economic"])
    url = "/funding/plans/phu-lam-55kh/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "base", "base-year": "2031", "base-kind": "grdp",
                                 "base-amount": "800 tỷ"})
    assert response.status_code == 302
    assert FundingBase.objects.get(area__slug="phu-lam", year=2031).amount == 800 * 10 ** 9
    response = client.post(url, {"action": "share", "share-percent": "1,5", "share-base_kind": "grdp",
                                 "share-purpose": "KH, CN, ĐMST và CĐS"})
    assert response.status_code == 302
    assert "Tỷ lệ chi tối thiểu: 1,5% GRDP" in client.get("/plans/phu-lam-55kh/").content.decode()
    response = client.post(url, {"action": "base", "base-year": "2031", "base-kind": "grdp", "base-amount": "0"})
    assert response.status_code == 400 and "lớn hơn 0" in response.content.decode()


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured]


def test_the_plan_pages_funding_section_reads_a_fixed_number_of_queries(client, users):
    # (1) the tasks with funding, (2) their sums by year, (3) the plan's budget share, (4) the area's base figures,
    # (5) the user's units (is it the finance office?): the same with one funded task or many
    client.force_login(users["phulam-economic"])
    before = _queries(client, "/plans/phu-lam-55kh/")
    funding = [q for q in before if "funding_" in q]
    assert len(funding) == 4, funding
    for ordinal in ("4", "5", "6"):
        client.post(f"/funding/tasks/{_task(ordinal).pk}/", _form())
    after = _queries(client, "/plans/phu-lam-55kh/")
    assert len(after) == len(before)
