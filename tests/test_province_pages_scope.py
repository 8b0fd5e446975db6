"""On the province's pages a commune's staff see other communes only as the public results show them: no other
commune's rows, officers' names or warnings, and of the warnings check neither who ran it elsewhere nor the
counts of every area."""
import pytest
from django.utils import timezone

from reports.models import Warning, WarningRun
from tasks.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(users):
    """A Đại Phước task in the charge of a named officer, a warning on a Đồng Nai (province) task, and a check
    run by the Đồng Nai admin with counts over every area."""
    officer = users["daiphuoc-officer"]
    officer.first_name, officer.last_name = "Trần Thị", "Bí Mật"
    officer.save()
    Task.objects.filter(pk=Task.objects.filter(plan__slug="dai-phuoc-2026").order_by("position").first().pk).update(
        officer=officer)
    province_task = Task.objects.filter(plan__slug="dong-nai-182").order_by("position").first()
    warning = Warning.objects.create(kind="overdue", task=province_task, raised_at=timezone.now())
    admin = users["dongnai-admin"]
    admin.first_name, admin.last_name = "Lê Văn", "Quản Trị"
    admin.save()
    WarningRun.objects.create(state=WarningRun.State.DONE, requested_by=admin, finished_at=timezone.now(),
                              result={"raised": 777, "closed": 555, "open": 999})
    return warning


@pytest.mark.parametrize("url", ["/reports/?province=dong-nai", "/reports/scorecards/?province=dong-nai",
                                 "/reports/plans/dong-nai-182/followed-down/"])
def test_a_commune_leader_sees_no_other_commune_on_province_pages(client, users, named, url):
    client.force_login(users["phulam-leader"])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bí Mật" not in html and "dai-phuoc" not in html and "Đại Phước" not in html
    if url.startswith("/reports/?"):
        assert [row.subject.slug for row in response.context["page"]] == ["phu-lam"]
    if "commune_count" in response.context:
        assert response.context["commune_count"] == 1


def test_the_province_leader_sees_the_officers_of_its_communes(client, users, named):
    client.force_login(users["dongnai-leader"])
    assert "Bí Mật" in client.get("/reports/scorecards/?province=dong-nai").content.decode()


@pytest.mark.parametrize("username", ["phulam-leader", "phulam-admin", "daiphuoc-officer"])
def test_a_communes_warnings_page_holds_no_province_warnings(client, users, named, username):
    client.force_login(users[username])
    assert named not in client.get("/reports/warnings/?state=all").context["page"]


def test_the_province_sees_its_own_warnings(client, users, named):
    client.force_login(users["dongnai-leader"])
    assert named in client.get("/reports/warnings/?state=all").context["page"]


@pytest.mark.parametrize("username, name_shown", [("phulam-admin", False), ("dantien-admin", False),
                                                  ("dongnai-admin", True)])
def test_the_last_check_shows_who_ran_it_and_counts_only_within_the_users_area(client, users, named, username,
                                                                                name_shown):
    client.force_login(users[username])
    html = client.get("/reports/warnings/").content.decode()
    assert "Lần kiểm tra gần nhất" in html
    assert ("Quản Trị" in html) is name_shown
    assert "999" not in html and "777" not in html  # every area's counts: a superuser's only
    assert "cảnh báo đang mở trong địa bàn của bạn" in html
