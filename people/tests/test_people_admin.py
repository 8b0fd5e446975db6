"""People and units of an area, managed by its admins through the portal."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import User
from people.services import user_deactivate, user_save
from plans.models import Unit

pytestmark = pytest.mark.django_db


def _unit(area, name="Phòng Kinh tế"):
    return Unit.objects.get(area__slug=area, name=name)


VALUES = {"username": "dp-canbo2", "first_name": "Trần Thị B", "last_name": "", "email": "b@example.org",
          "role": "officer", "is_active": True}


def test_an_admin_adds_a_person_to_a_unit_of_their_area(users):
    person = user_save(actor=users["daiphuoc-admin"], values=VALUES, units=[_unit("dai-phuoc")], password="Mk-2026-dai-phuoc")
    assert person.check_password("Mk-2026-dai-phuoc") and not person.is_staff and not person.is_superuser
    assert list(person.units.all()) == [_unit("dai-phuoc")]


def test_an_area_admin_never_grants_staff_or_superuser(users):
    admin = users["daiphuoc-admin"]
    for flags in ({"is_staff": True}, {"is_superuser": True}):
        with pytest.raises(PermissionDenied):
            user_save(actor=admin, values=VALUES, units=[_unit("dai-phuoc")], **flags)
        with pytest.raises(PermissionDenied):
            user_save(actor=admin, person=users["daiphuoc-officer"], values={**VALUES, "username": "daiphuoc-officer"},
                      units=[_unit("dai-phuoc")], **flags)
    assert not User.objects.filter(username="dp-canbo2").exists()
    officer = User.objects.get(username="daiphuoc-officer")
    assert not officer.is_staff and not officer.is_superuser
    granted = user_save(actor=users["admin"], values=VALUES, units=[_unit("dai-phuoc")], is_staff=True)
    assert granted.is_staff


def test_an_admin_never_uses_or_changes_another_areas_people_or_units(users):
    admin = users["daiphuoc-admin"]
    with pytest.raises(PermissionDenied):
        user_save(actor=admin, values=VALUES, units=[_unit("phu-lam")])
    with pytest.raises(PermissionDenied):
        user_save(actor=admin, person=users["phulam-officer"], values={**VALUES, "username": "phulam-officer"},
                  units=[_unit("dai-phuoc")])
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=admin, person=users["phulam-officer"])
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=admin, person=users["admin"])
    assert User.objects.get(username="phulam-officer").is_active


def test_a_person_needs_a_unit_and_a_free_username(users):
    with pytest.raises(ValidationError):
        user_save(actor=users["daiphuoc-admin"], values=VALUES, units=[])
    with pytest.raises(ValidationError):
        user_save(actor=users["daiphuoc-admin"], values={**VALUES, "username": "DAIPHUOC-officer"}, units=[_unit("dai-phuoc")])


def test_an_admin_deactivates_a_person_but_not_themselves(users):
    admin = users["daiphuoc-admin"]
    assert not user_deactivate(actor=admin, person=users["daiphuoc-officer"]).is_active
    with pytest.raises(ValidationError):
        user_deactivate(actor=admin, person=admin)


def test_the_people_list_shows_only_the_admins_area_and_filters(client, users):
    client.force_login(users["daiphuoc-admin"])
    listed = {u.username for u in client.get("/manage/people/").context["page"]}
    assert listed == {"daiphuoc-officer", "daiphuoc-reviewer", "daiphuoc-leader", "daiphuoc-admin", "daiphuoc-economic",
                      "daiphuoc-vanphong", "daiphuoc-congan", "daiphuoc-danguy"}  # the demo's officers of its lead units
    office = _unit("dai-phuoc", "Phòng Văn hóa - Xã hội")
    assert {u.username for u in client.get(f"/manage/people/?unit={office.pk}&role=reviewer").context["page"]} == {"daiphuoc-reviewer"}
    assert {u.username for u in client.get("/manage/people/?q=kinh").context["page"]} == {"daiphuoc-economic"}
    user_deactivate(actor=users["daiphuoc-admin"], person=users["daiphuoc-officer"])
    assert {u.username for u in client.get("/manage/people/?active=0").context["page"]} == {"daiphuoc-officer"}
    client.force_login(users["dongnai-admin"])  # the province's admin follows its communes too
    assert "daiphuoc-officer" in {u.username for u in client.get("/manage/people/").context["page"]}


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_people_list_keeps_its_query_count_as_people_grow(client, users):
    client.force_login(users["daiphuoc-admin"])
    few = _queries(client, "/manage/people/")
    units = list(Unit.objects.filter(area__slug="dai-phuoc"))
    for index in range(25):
        person = User.objects.create(username=f"dp-{index}", role="officer")
        person.units.set(units[index % len(units):][:2])
    # user with the bell's count (the session is the cache's), the admin's areas, count, unit filter choices, the page,
    # its people's units
    assert few == _queries(client, "/manage/people/") == 6


def test_the_units_list_keeps_its_query_count_as_units_grow(client, users):
    client.force_login(users["dongnai-admin"])
    few = _queries(client, "/manage/units/")
    area = Unit.objects.filter(area__slug="dai-phuoc").first().area
    for index in range(20):
        unit = Unit.objects.create(area=area, name=f"Ban {index}", slug=f"ban-{index}")
        unit.aliases.create(alias=f"B{index}")
    assert 0 < few == _queries(client, "/manage/units/")


def test_adding_a_person_through_the_page(client, users):
    client.force_login(users["daiphuoc-admin"])
    office = _unit("dai-phuoc", "Phòng Văn hóa - Xã hội")
    response = client.post("/manage/people/new/", {**VALUES, "units": [office.pk], "password": "Mk-2026-dai-phuoc",
                                                   "is_active": "on", "is_staff": "on", "is_superuser": "on"})
    assert response.status_code == 302
    person = User.objects.get(username="dp-canbo2")
    assert list(person.units.all()) == [office] and not person.is_staff and not person.is_superuser
    forged = client.post("/manage/people/new/", {**VALUES, "username": "dp-x", "units": [_unit("phu-lam").pk]})
    assert forged.status_code == 400 and not User.objects.filter(username="dp-x").exists()


def test_editing_a_person_through_the_page(client, users):
    client.force_login(users["daiphuoc-admin"])
    officer = users["daiphuoc-officer"]
    economic = _unit("dai-phuoc")
    response = client.post(f"/manage/people/{officer.pk}/edit/", {
        "username": "ignored", "first_name": "Cán bộ mới", "email": "", "role": "reviewer", "units": [economic.pk],
        "is_active": "on"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert (officer.username, officer.role, officer.first_name) == ("daiphuoc-officer", "reviewer", "Cán bộ mới")
    assert list(officer.units.all()) == [economic]


def test_units_and_aliases_through_the_pages(client, users):
    client.force_login(users["daiphuoc-admin"])
    response = client.post("/manage/units/new/", {"area": _unit("dai-phuoc").area_id, "name": "Tổ công nghệ số"})
    unit = Unit.objects.get(name="Tổ công nghệ số")
    assert response.status_code == 302 and unit.area.slug == "dai-phuoc"
    client.post(f"/manage/units/{unit.pk}/aliases/", {"alias": "Tổ CNS"})
    assert [a.alias for a in unit.aliases.all()] == ["Tổ CNS"]
    phu_lam = _unit("phu-lam").area
    client.post(f"/manage/units/{unit.pk}/edit/", {"name": "Tổ Công nghệ số cộng đồng", "area": phu_lam.pk})
    unit.refresh_from_db()
    assert unit.name == "Tổ Công nghệ số cộng đồng" and unit.area.slug == "dai-phuoc"
    client.post(f"/manage/units/{unit.pk}/aliases/{unit.aliases.get().pk}/delete/")
    assert not unit.aliases.exists()
    listed = client.get("/manage/units/").context["page"]
    assert unit in listed and {u.area.slug for u in listed} == {"dai-phuoc"}


def test_a_person_shared_with_another_area_is_left_to_a_superuser(client, users):
    shared = users["daiphuoc-economic"]
    shared.units.add(_unit("phu-lam"))
    client.force_login(users["daiphuoc-admin"])
    assert client.get(f"/manage/people/{shared.pk}/edit/").status_code == 403
    assert client.post(f"/manage/people/{shared.pk}/deactivate/").status_code == 403
    shared.refresh_from_db()
    assert shared.is_active and shared.units.count() == 2
    client.force_login(users["admin"])
    assert client.get(f"/manage/people/{shared.pk}/edit/").status_code == 200
