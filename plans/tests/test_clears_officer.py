"""Issue 25: the six-clears page names the lead units nobody has an account in (their items can never name an
officer in charge), and the area's admin creates one from there, through the people page's form and service."""
import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import ValidationError

from indicators.models import Indicator
from people.models import User
from plans.assignment import Change, assignment_save
from plans.models import Plan, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("targets_unassigned")]
PLAN = "dai-phuoc-2026"
PASSWORD = "Cong-an-Dai-Phuoc-2026"  # noqa: S105 - a test account's


@pytest.fixture
def police(users):
    """Two targets led by Đại Phước's commune police, whose only account is closed."""
    plan = Plan.objects.get(slug=PLAN)
    police = Unit.objects.get(area__slug="dai-phuoc", name="Công an xã")
    User.objects.filter(units=police).update(is_active=False)
    targets = list(Indicator.objects.filter(plan=plan).order_by("position")[:2])
    assignment_save(plan=plan, user=users["daiphuoc-admin"], changes=[
        Change(key=f"indicator-{target.pk}", version=target.version, values={"lead_units": [police.pk]})
        for target in targets])
    return police, targets


def test_the_page_names_the_lead_units_without_an_account_and_the_admin_creates_one(client, users, police):
    unit, targets = police
    plan = Plan.objects.get(slug=PLAN)
    with pytest.raises(ValidationError, match="đơn vị chủ trì"):  # nobody of the unit can be given the items
        assignment_save(plan=plan, user=users["daiphuoc-admin"], changes=[Change(
            key=f"indicator-{targets[0].pk}", version=None, values={"officer": users["daiphuoc-officer"].pk})])
    client.force_login(users["daiphuoc-admin"])
    page = client.get(f"/plans/{PLAN}/six-clears/").content.decode()
    flagged = page.split('id="clears-no-officer"', 1)[1].split("</section>", 1)[0]
    assert "Công an xã" in flagged and "chủ trì 2 mục" in flagged and "Phòng Kinh tế" not in flagged
    create = f"/plans/{PLAN}/six-clears/officer/{unit.pk}/"
    assert create in flagged

    form = client.get(create)
    assert form.status_code == 200
    initial = {name: form.context["form"][name].value() for name in ("username", "first_name", "role", "units")}
    assert initial == {"username": "dai-phuoc-cong-an-xa", "first_name": "Cán bộ Công an xã (Xã Đại Phước)",
                       "role": "officer", "units": [unit.pk]}
    response = client.post(create, {"username": "dai-phuoc-cong-an-xa", "first_name": "Trần Văn Bình",
                                    "role": "officer", "units": [unit.pk], "is_active": "on", "password": PASSWORD},
                           follow=True)
    assert response.redirect_chain[-1][0] == f"/plans/{PLAN}/six-clears/"
    assert "Đã tạo tài khoản dai-phuoc-cong-an-xa" in response.content.decode()
    assert 'id="clears-no-officer"' not in response.content.decode()
    person = User.objects.get(username="dai-phuoc-cong-an-xa")
    assert person.check_password(PASSWORD) and person.role == "officer" and list(person.units.all()) == [unit]
    assert not person.is_staff and not person.is_superuser
    logged = LogEntry.objects.get(object_id=str(person.pk))  # who created it and when, in the person's history
    assert logged.user == users["daiphuoc-admin"] and logged.action_flag == ADDITION
    # Now the unit's items can name a person.
    assignment_save(plan=plan, user=users["daiphuoc-admin"], changes=[Change(
        key=f"indicator-{targets[0].pk}", version=None, values={"officer": person.pk})])
    assert Indicator.objects.get(pk=targets[0].pk).officer == person
    assert client.get(create).status_code == 404  # the unit has an account now


def test_a_refused_account_changes_nothing_and_says_why(client, users, police):
    unit, _targets = police
    client.force_login(users["daiphuoc-admin"])
    create = f"/plans/{PLAN}/six-clears/officer/{unit.pk}/"
    taken = client.post(create, {"username": "daiphuoc-officer", "first_name": "Trần Văn Bình", "role": "officer",
                                 "units": [unit.pk], "is_active": "on", "password": PASSWORD})
    assert taken.status_code == 400 and "Tên đăng nhập đã có người dùng" in taken.content.decode()
    weak = client.post(create, {"username": "dp-congan", "first_name": "Trần Văn Bình", "role": "officer",
                                "units": [unit.pk], "is_active": "on", "password": "123"})
    assert weak.status_code == 400 and not User.objects.filter(username="dp-congan").exists()
    # The form offers this unit only: another is refused.
    other = Unit.objects.get(area__slug="dai-phuoc", name="Phòng Kinh tế")
    forged = client.post(create, {"username": "dp-congan", "first_name": "Trần Văn Bình", "role": "officer",
                                  "units": [other.pk], "is_active": "on", "password": PASSWORD})
    assert forged.status_code == 400 and not User.objects.filter(username="dp-congan").exists()
    assert not User.objects.filter(units=unit, is_active=True).exists()


def test_a_leader_sees_the_flag_but_no_way_to_create(client, users, police):
    unit, _targets = police
    client.force_login(users["daiphuoc-leader"])
    page = client.get(f"/plans/{PLAN}/six-clears/").content.decode()
    assert 'id="clears-no-officer"' in page and "data-create-officer" not in page
    assert client.get(f"/plans/{PLAN}/six-clears/officer/{unit.pk}/").status_code == 403
    assert client.post(f"/plans/{PLAN}/six-clears/officer/{unit.pk}/", {
        "username": "dp-congan", "first_name": "X", "role": "officer", "units": [unit.pk], "is_active": "on",
        "password": PASSWORD}).status_code == 403
    assert not User.objects.filter(username="dp-congan").exists()
