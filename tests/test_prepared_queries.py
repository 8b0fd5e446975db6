"""Queries compiled once a process (config/prepared.py) give the rows of the querysets they were compiled from."""
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

from config.prepared import PreparedQuery
from config.sessions import _SESSION_DATA, SessionStore
from people.auth import _SIGNED_IN_USER, UserBackend, _signed_in_user
from people.models import _UNITS_AND_AREAS, Notification, User
from plans.models import Unit

# Workflows from a clean slate: the demo's year of work is left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]


def _orm_rows(prepared, *values):
    return list(prepared.build(*values))


def test_the_prepared_queries_give_the_rows_of_their_querysets(users):
    if connection.vendor != "postgresql":
        pytest.skip("queries are prepared on PostgreSQL only")
    officer = users["phulam-officer"]
    Notification.objects.create(recipient=officer, message="a")
    Notification.objects.create(recipient=officer, message="b", read_at=timezone.now())
    officer.units.add(Unit.objects.exclude(pk__in=officer.units.values("pk")).first())
    compared = 0
    for person in users.values():
        for prepared in (_SIGNED_IN_USER, _UNITS_AND_AREAS):
            rows = prepared.rows(person.pk)
            assert rows == _orm_rows(prepared, person.pk)
            compared += bool(rows)
    assert _SIGNED_IN_USER.rows(officer.pk)[0][-1] == 1  # the bell: one unread notice
    assert len(_UNITS_AND_AREAS.rows(officer.pk)) == 2
    assert _SIGNED_IN_USER.rows(10**9) == [] and _UNITS_AND_AREAS.rows(10**9) == []

    session = DjangoSessionStore()
    session["x"] = "y"
    session.create()
    now = timezone.now()
    for key, moment in [(session.session_key, now), (session.session_key, now + timedelta(days=30)), ("nope", now)]:
        assert _SESSION_DATA.rows(key, moment) == _orm_rows(_SESSION_DATA, key, moment)
    assert _SESSION_DATA.rows(session.session_key, now) and not _SESSION_DATA.rows(session.session_key,
                                                                                  now + timedelta(days=30))
    compared += 1
    assert compared == 2 * len(users) - 1 + 1  # every user has units but the superuser


def test_a_marker_must_appear_once_among_the_parameters(users):
    if connection.vendor != "postgresql":
        pytest.skip("queries are prepared on PostgreSQL only")
    missing = PreparedQuery(lambda pk: User.objects.filter(pk=1).values_list("pk"), -5)
    twice = PreparedQuery(lambda pk: User.objects.filter(pk=pk, id__gte=pk).values_list("pk"), -5)
    for prepared in (missing, twice):
        with pytest.raises(ImproperlyConfigured):
            prepared.rows(users["admin"].pk)


def test_the_session_and_the_user_read_as_django_reads_them(users):
    officer = users["phulam-officer"]
    session = SessionStore()
    session["_auth_user_id"] = str(officer.pk)
    session.create()
    assert SessionStore(session.session_key).load() == DjangoSessionStore(session.session_key).load()
    assert SessionStore(session.session_key)["_auth_user_id"] == str(officer.pk)
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None

    Notification.objects.create(recipient=officer, message="a")
    user = UserBackend().get_user(officer.pk)
    fields = [field.attname for field in User._meta.concrete_fields]
    assert [getattr(user, name) for name in fields] == [getattr(officer, name) for name in fields]
    assert user.unread_count == 1 and not user._state.adding and user._state.db == "default"
    officer.is_active = False
    officer.save()
    assert UserBackend().get_user(officer.pk) is None and UserBackend().get_user(10**9) is None
    assert list(_signed_in_user(officer.pk))[0][-1] == 1


def test_the_bell_counts_what_is_unread_on_the_next_page(client, users):
    officer = users["phulam-officer"]
    client.force_login(officer)
    Notification.objects.create(recipient=officer, message="a")
    Notification.objects.create(recipient=officer, message="b")
    assert '<span class="count" id="unread-count">2</span>' in client.get("/tasks/my-work/").content.decode()
    client.get("/notifications/")
    assert '<span class="count" id="unread-count"></span>' in client.get("/tasks/my-work/").content.decode()
