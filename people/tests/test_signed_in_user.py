"""The signed-in user of each request: the session read from the cache, the user with the bell's count in one
query."""
import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as CACHED_SESSION
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.auth import UserBackend
from people.models import Notification, User

# Workflows from a clean slate: the demo's year of work is left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]


def test_the_user_is_read_with_the_bells_count_in_one_query(users):
    officer = users["phulam-officer"]
    Notification.objects.create(recipient=officer, message="a")
    Notification.objects.create(recipient=officer, message="b", read_at=officer.date_joined)
    with CaptureQueriesContext(connection) as queries:
        user = UserBackend().get_user(officer.pk)
    assert len(queries) == 1
    fields = [field.attname for field in User._meta.concrete_fields]
    assert [getattr(user, name) for name in fields] == [getattr(officer, name) for name in fields]
    assert user.unread_count == 1 and UserBackend().get_user(users["phulam-reviewer"].pk).unread_count == 0
    officer.is_active = False
    officer.save()
    assert UserBackend().get_user(officer.pk) is None and UserBackend().get_user(10**9) is None


def test_the_bell_counts_what_is_unread_on_the_next_page(client, users):
    officer = users["phulam-officer"]
    client.force_login(officer)
    Notification.objects.create(recipient=officer, message="a")
    Notification.objects.create(recipient=officer, message="b")
    assert '<span class="count" id="unread-count">2</span>' in client.get("/tasks/my-work/").content.decode()
    client.get("/notifications/")
    assert '<span class="count" id="unread-count"></span>' in client.get("/tasks/my-work/").content.decode()


def test_a_signed_in_request_reads_its_session_from_the_cache(client, users):
    client.force_login(users["phulam-officer"])
    key = client.session.session_key
    assert DatabaseSessionStore(key)[SESSION_KEY] == str(users["phulam-officer"].pk)  # kept in the database too
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/tasks/my-work/").status_code == 200
    assert not [query for query in queries.captured_queries if "django_session" in query["sql"]]
    cache.delete(CACHED_SESSION + key)  # an evicted entry: read again from the database
    assert client.get("/tasks/my-work/").status_code == 200
    client.post(reverse("logout"))
    assert client.get("/tasks/my-work/").status_code == 302 and not DatabaseSessionStore().exists(key)


def test_the_cache_is_redis_with_a_broker_and_its_keys_name_the_database():
    if settings.CELERY_BROKER_URL.startswith("redis"):
        assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache.make_key("x").startswith(f"{connection.settings_dict['NAME']}:")
