"""What surrounds the pages: error pages, download headers, caching, session idle timeout, cookies, check --deploy."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as CACHED_SESSION
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone
from django.views import defaults

from config.downloads import file_response
from tasks.models import Task
from tasks.services import task_progress_report
from tests import files

# Workflows from a clean slate: the demo's year of work is left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]
HOSTILE_NAME = "x\"; filename*=UTF-8''evil.html; q=\".xlsx"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def evidence(users):
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=100,
                         period=timezone.localdate().replace(day=1), achievements="Xong",
                         uploads=[(files.upload("qd.pdf", files.pdf_bytes()), "Quyết định")])
    return task.evidence.get()


def test_404_is_vietnamese_with_the_portal_header(client, users):
    client.force_login(users["phulam-officer"])
    response = client.get("/plans/dai-phuoc-2026/")  # another commune's draft
    page = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang (404)" in page and 'class="topbar"' in page and "Việc của tôi" in page
    assert "ngoài phạm vi địa bàn" in page


def test_403_shows_the_reason(client, users, evidence):
    client.force_login(users["daiphuoc-officer"])
    response = client.get(f"/evidence/{evidence.pk}/download/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Không có quyền truy cập (403)" in page and "Bạn không có quyền xem tệp minh chứng này." in page
    assert 'class="topbar"' in page


def test_csrf_failure_is_explained_in_vietnamese(users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["phulam-officer"])
    response = client.post("/reports/warnings/run/")
    assert response.status_code == 403 and "Biểu mẫu đã hết hạn" in response.content.decode()


def test_500_renders_without_a_user_or_session():
    request = RequestFactory().get("/anything/")  # no user, no session: as when the failure came early
    response = defaults.server_error(request)
    page = response.content.decode()
    assert response.status_code == 500 and "Lỗi hệ thống (500)" in page and 'class="topbar"' in page
    assert 'css/portal' in page and '<a class="brand" href="/">' in page  # the layout's links need no request


def test_evidence_download_name_cannot_inject_header_parameters(client, users, evidence):
    evidence.original_name = HOSTILE_NAME
    evidence.save()
    client.force_login(users["phulam-officer"])
    header = client.get(f"/evidence/{evidence.pk}/download/")["Content-Disposition"]
    assert header == 'attachment; filename="x\\"; filename*=UTF-8\'\'evil.html; q=\\".xlsx"'
    unicode_name = "Quyết định số 1.pdf"
    evidence.original_name = unicode_name
    evidence.save()
    header = client.get(f"/evidence/{evidence.pk}/download/")["Content-Disposition"]
    assert header == "attachment; filename*=utf-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20s%E1%BB%91%201.pdf"


def test_file_response_helper_quotes_any_name():
    response = file_response(b"data", filename=HOSTILE_NAME, content_type="application/octet-stream")
    assert response["Content-Disposition"].count("filename") == 2  # the name's own text, inside one quoted value
    assert response["Content-Disposition"].startswith('attachment; filename="x\\"')
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/plans/", "/tasks/my-work/", "/plans/phu-lam-55kh/export/tasks.xlsx"])
def test_signed_in_pages_and_files_are_never_stored(client, users, url):
    client.force_login(users["phulam-officer"])
    response = client.get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_evidence_files_are_never_stored(client, users, evidence):
    client.force_login(users["phulam-officer"])
    for view in ("download", "preview"):
        assert "no-store" in client.get(f"/evidence/{evidence.pk}/{view}/")["Cache-Control"]


def test_session_ends_after_the_idle_timeout_and_activity_pushes_it_on(client, users, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    client.force_login(users["phulam-officer"])
    session = Session.objects.get(session_key=client.session.session_key)
    first_expiry = session.expire_date

    # a request more than a minute after the last one moves the expiry on
    stored = client.session
    stored["last_seen"] -= 120
    stored.save()
    assert client.get("/plans/").status_code == 200
    session.refresh_from_db()
    assert session.expire_date > first_expiry

    # eight hours without a request: the session is gone, sign in again (its cached copy expires with it)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    cache.delete(CACHED_SESSION + session.pk)
    response = client.get("/tasks/my-work/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_language_cookie_is_samesite_lax_and_http_only(client, demo):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    cookie = response.cookies["django_language"]
    assert cookie["samesite"] == "Lax" and cookie["httponly"]


def _production_env(**extra):
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(SECRET_KEY="x" * 60 + "production-key-for-the-test", ALLOWED_HOSTS="portal.example.vn", **extra)
    return env


def test_language_cookie_is_secure_when_debug_is_off():
    code = "from django.conf import settings; print(settings.LANGUAGE_COOKIE_SECURE, settings.DEBUG)"
    out = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=_production_env(),
                         capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "True False"


def test_check_deploy_is_clean_with_debug_off():
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=_production_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
