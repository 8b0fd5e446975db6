"""One settings module, read from the environment.

With nothing set the portal runs on SQLite with Celery eager, so a newcomer's
first command works anywhere; DATABASE_URL, CELERY_BROKER_URL and the rest
switch it to the production stack that docker-compose.yml runs.
"""
import datetime
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Without SECRET_KEY the portal runs locally (`make run`): over plain HTTP on this machine, with a key of
# its own. With it, it runs in production behind the TLS proxy, strict in every way `check --deploy` asks.
LOCAL_RUN = not os.environ.get("SECRET_KEY")
# Off unless asked for (`DEBUG=1 make run`): the newcomer sees the portal's own 404 and 500 pages.
DEBUG = env_bool("DEBUG", default=False)


def local_secret_key(path=BASE_DIR / ".secret_key"):
    """A key generated once for this checkout and kept beside it (0600), so sessions survive a restart
    and no key known to anyone else signs this machine's cookies and password-reset links."""
    from django.core.management.utils import get_random_secret_key

    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = get_random_secret_key()
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as kept:
                kept.write(key)
        except FileExistsError:  # another process of the same run wrote it first
            return path.read_text().strip()
        except OSError:  # a read-only checkout: a key for this process only
            pass
        return key


SECRET_KEY = env_str("SECRET_KEY") or local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "config.admin.PortalAdminConfig",  # the Django admin, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "import_export",
    "django_htmx",
    "csp",
    "axes",
    "people",
    "plans",
    "indicators",
    "tasks",
    "evidence",
    "reports",
    "funding",
    "backups",
    "central",
    "public",
    "rest_framework",
    "drf_spectacular",
    "api",
]

# The read API (api/): bearer tokens issued by area admins, read-only, cursor-paginated, JSON only.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API đọc dữ liệu – Cổng theo dõi Nghị quyết 57-NQ/TW",
    "DESCRIPTION": "Chỉ đọc. Khóa do quản trị địa bàn cấp; khóa đọc đúng phạm vi của địa bàn như trên cổng.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {"PlanStatusEnum": "plans.models.Plan.Status", "ItemStatusEnum": "plans.models.ItemStatus",
                            "ReportStatusEnum": "reports.models.Report.Status"},
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.SignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out sign-in with the lockout page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "people.context_processors.unread_notifications",
            ],
            "builtins": ["config.layout_tags"],
        },
    },
]
FORM_RENDERER = "config.form_renderer.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # A kept connection is checked before a request uses it: a restarted PostgreSQL costs no 500s.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the dashboards' grouped queries over every commune's items are estimated costly enough to
    # be compiled, and compiling took 0.7 s of a 1 s query at 3,400 communes; no query here gains from it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses sign-ins while a username or address is locked out
    "people.auth.UserBackend",  # Django's ModelBackend, reading the user with the bell's count in one query
]
# Sign-in throttling (django-axes): after this many wrong passwords for one username from one address,
# that username is refused from that address (even with the right password) until the cool-off has passed.
# Neither alone: one person typing wrong passwords cannot lock an officer out everywhere, nor one office's
# shared address lock the whole office. A username is locked from every address only after
# SIGN_IN_USERNAME_FAILURE_LIMIT wrong passwords from all addresses together (people.auth.lockout_parameters).
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)
SIGN_IN_USERNAME_FAILURE_LIMIT = env_int("SIGN_IN_USERNAME_FAILURE_LIMIT", 50)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("SIGN_IN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = "people.auth.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "people.views.sign_in_locked_out"
AXES_CLIENT_IP_CALLABLE = "people.auth.client_ip"
# Behind the TLS proxy the client's address is in X-Forwarded-For: how many proxies append to it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 24)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese is the source language of interface strings; English is a translation.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
# Evidence files are private: nothing serves MEDIA_ROOT; they leave only through a view that checks scope.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if not env_str("AWS_STORAGE_BUCKET_NAME") else {
        # S3-compatible storage (MinIO, AWS...), so several web servers share the files; needs the `s3` extra.
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if LOCAL_RUN or DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# WhiteNoise serves the static files in every run, DEBUG or not. Run locally it finds each one where it
# lies when asked (no collectstatic step, nothing scanned when a test client starts); in production it
# serves STATIC_ROOT's compressed files with hashed names (collectstatic in the image).
WHITENOISE_USE_FINDERS = LOCAL_RUN
WHITENOISE_AUTOREFRESH = LOCAL_RUN

# Celery: eager when no broker is configured, so the embedded default still works.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or (CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
# A broker that is down must cost a request a few seconds at most (config/jobs.py enqueue):
# short socket timeouts, one quick retry, then the caller is told and leaves a record to retry.
BROKER_TIMEOUT = env_int("CELERY_BROKER_TIMEOUT", 2)
BROKER_QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT
CELERY_TASK_PUBLISH_RETRY_POLICY = BROKER_QUICK_RETRY
# Redis re-delivers unacked jobs after this; keep it above the longest job.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 600,
    "socket_connect_timeout": BROKER_TIMEOUT, "socket_timeout": BROKER_TIMEOUT * 5,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = BROKER_TIMEOUT * 5
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": BROKER_QUICK_RETRY}

# The cache: sessions (SESSION_ENGINE) and whatever pages keep. With Redis, Django's Redis cache, so every web
# and worker process sees the same entries (a session signed out in one gunicorn worker is gone in the others);
# CACHE_URL names it, and when only CELERY_BROKER_URL is set, the broker's own Redis database holds it: one
# setting cannot leave a stack with several workers on per-process caches, and no database number is chosen
# for the operator that another stack on the same Redis may use. Django's keys are prefixed and never meet
# Celery's; config.cache.key adds the name of the database the entry belongs to, so the test suite
# (test_NAME), its end-to-end stack (NAME_e2e) and a portal on NAME, sharing one Redis, never read each other's
# entries. Never call cache.clear(): Django's RedisCache empties the whole Redis database, the broker's queue
# with it (docker-compose.yml gives the cache a database of its own). Without Redis (`make run` on SQLite, one
# process) the cache is in local memory.
CACHE_URL = env_str("CACHE_URL") or (CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
                                     else "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_FUNCTION": "config.cache.key",
        # A Redis that is down costs a request seconds, not a hung worker.
        "OPTIONS": {"socket_connect_timeout": BROKER_TIMEOUT, "socket_timeout": BROKER_TIMEOUT},
    } if CACHE_URL else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    },
    # Small template fragments that only depend on what their key names ({% cache ... using="fragments" %}): the
    # header's menu (language, kind of user), My work's rows and the task and plan pages' change lists (a digest of
    # everything each shows). No change can leave such an entry stale, so each process keeps its own, in its own
    # memory: read in microseconds where a Redis round trip costs a tenth of a millisecond, and a new release (new
    # processes) starts with none. At most MAX_ENTRIES of one to twenty KB each (tens of MB a process at worst); the
    # plan page's rows, up to hundreds of KB a section, stay in the shared cache.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 3000},
    },
}
# The public pages (/cong-khai/) are cached whole for this long: the same for every visitor, never personal.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 300)
CELERY_TIMEZONE = TIME_ZONE
# Drafting and rendering a report: Celery's soft limit stops it cleanly, the hard one kills it.
REPORT_JOB_SOFT_TIME_LIMIT = env_int("REPORT_JOB_SOFT_TIME_LIMIT", 240)
REPORT_JOB_TIME_LIMIT = env_int("REPORT_JOB_TIME_LIMIT", 300)
# PEM files of the certificate authorities whose signatures on uploaded signed reports are trusted.
REPORT_SIGNATURE_TRUST_ROOTS = [path for path in env_str("REPORT_SIGNATURE_TRUST_ROOTS").split(",") if path]

# Where the portal is reached, for links in e-mails (notifications, digests).
PORTAL_URL = env_str("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@localhost")
# Zalo ZNS (people/notifications.py): the send API's address, the OA's access token, and one approved template id per
# kind of notice as "kind=id,kind=id" (kinds: general, warning, evidence_rejected, report_returned,
# difficulty_answered, report_due; "general" serves the kinds without their own). Unset: no Zalo.
ZALO_ZNS_URL = env_str("ZALO_ZNS_URL", "https://business.openapi.zalo.me/message/template")
ZALO_ZNS_ACCESS_TOKEN = env_str("ZALO_ZNS_ACCESS_TOKEN")
ZALO_ZNS_TEMPLATES = dict(pair.split("=", 1) for pair in env_list("ZALO_ZNS_TEMPLATES") if "=" in pair)
ZALO_ZNS_TIMEOUT = env_int("ZALO_ZNS_TIMEOUT", 10)
# A notice's e-mail or Zalo message is tried this many times, this many seconds apart, before it shows as failed.
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 4)
NOTIFY_RETRY_DELAY = env_int("NOTIFY_RETRY_DELAY", 300)

# Security: strict in production (manage.py check --deploy is clean); run locally over plain HTTP, cookies
# cannot be Secure and nothing may send the browser to HTTPS.
# Kept in the database and read from the cache (CACHES): a signed-in request reads no session row.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
# Signed-in sessions end after this much inactivity (config.middleware.SignedInMiddleware).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT_HOURS", 8) * 60 * 60
LANGUAGE_COOKIE_SECURE = not LOCAL_RUN
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not LOCAL_RUN:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "PIL")},
}

# Evidence uploads: checked by content; each file at most this large.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
EVIDENCE_FILES_PER_UPDATE = env_int("EVIDENCE_FILES_PER_UPDATE", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Celery beat runs these; each expires before the next run so a backlog never piles up.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "raise-warnings": {
        "task": "reports.raise_warnings",
        "schedule": crontab(hour=env_int("WARNINGS_HOUR", 5), minute=30),
        "options": {"expires": 23 * 60 * 60},
    },
    # Appendix imports: send again what the broker could not take, fail jobs whose worker died.
    "sweep-appendix-imports": {
        "task": "plans.sweep_appendix_imports",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # Warnings runs and report jobs whose worker died (heartbeat older than JOB_HEARTBEAT_TIMEOUT) fail, with a retry.
    "sweep-jobs": {
        "task": "reports.sweep_jobs",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # The province dashboards computed slowly enough to be kept (reports.province_figures): new figures.
    "refresh-province-figures": {
        "task": "reports.refresh_kept_province_figures",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
    "send-warning-digests": {
        "task": "reports.send_warning_digests",
        "schedule": crontab(hour=env_int("WARNINGS_HOUR", 5) + 1, minute=30),
        "options": {"expires": 23 * 60 * 60},
    },
}

# Admin exports (django-import-export): cells that a spreadsheet would read as a formula are escaped.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
from config import export_formats  # noqa: E402

EXPORT_FORMATS = export_formats.EXPORT_FORMATS

# Appendix imports: workbooks are checked before they are parsed.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 15 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 150 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 150_000)
# Uploads that unpack to more than this are previewed and imported by a Celery job with a progress bar;
# smaller ones (a few hundred rows) inside the request.
IMPORT_INLINE_BYTES = env_int("IMPORT_INLINE_BYTES", 256 * 1024)
# A job whose heartbeat is older than this is taken for dead (worker killed) and marked failed, with a retry.
IMPORT_HEARTBEAT_TIMEOUT = env_int("IMPORT_HEARTBEAT_TIMEOUT", 60)
# What reading one uploaded file may keep in memory (plans/appendix/readers): a file claiming more is refused.
IMPORT_MAX_READ_BYTES = env_int("IMPORT_MAX_READ_BYTES", 100 * 1024 * 1024)
# Warnings runs and report jobs: a running one without a heartbeat this long, or a queued one no worker took, fails.
JOB_HEARTBEAT_TIMEOUT = env_int("JOB_HEARTBEAT_TIMEOUT", 60)
JOB_QUEUED_TIMEOUT = env_int("JOB_QUEUED_TIMEOUT", 5 * 60)
