"""Run locally (`make run`, no SECRET_KEY): the real portal over plain HTTP, DEBUG only when asked for."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ("DEBUG", "SECRET_KEY", "LOCAL_RUN", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
            "LANGUAGE_COOKIE_SECURE", "WHITENOISE_USE_FINDERS")


def _settings(**env):
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environment.update(env)
    code = ("from django.conf import settings; print(repr({name: getattr(settings, name, None) for name in "
            f"{SETTINGS!r}}}))")
    out = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=environment,
                         capture_output=True, text=True, check=True).stdout
    return eval(out.strip().splitlines()[-1])  # noqa: S307 (our own repr of plain values)


def test_run_locally_debug_is_off_over_plain_http_with_a_key_of_its_own():
    local = _settings()
    assert local["LOCAL_RUN"] and local["DEBUG"] is False
    assert not local["SECURE_SSL_REDIRECT"] and not local["SESSION_COOKIE_SECURE"] and not local["CSRF_COOKIE_SECURE"]
    assert local["WHITENOISE_USE_FINDERS"]  # static files served without DEBUG and without collectstatic
    key_file = ROOT / ".secret_key"
    assert local["SECRET_KEY"] == key_file.read_text().strip() and len(local["SECRET_KEY"]) >= 50
    assert "insecure" not in local["SECRET_KEY"] and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert _settings()["SECRET_KEY"] == local["SECRET_KEY"]  # kept: sessions survive a restart


def test_debug_is_on_only_when_asked_for():
    assert _settings(DEBUG="1")["DEBUG"] is True


def test_with_a_secret_key_the_portal_is_in_production():
    production = _settings(SECRET_KEY="k" * 60)
    assert not production["LOCAL_RUN"] and production["DEBUG"] is False and production["SECRET_KEY"] == "k" * 60
    assert production["SECURE_SSL_REDIRECT"] and production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
