"""The portal's two configurations, started as real processes.

- newcomer: what `make run` starts (SQLite, Celery eager, `make serve`'s server), on a fresh database file;
- production: what docker-compose.yml runs, outside containers: its web command (migrate, then gunicorn
  with the compose file's flags), worker and beat, on a fresh PostgreSQL database and a Redis database of
  its own, SECRET_KEY set (DEBUG off), requests arriving as through the TLS proxy.

Each process runs in its own process group, killed whole at the end; logs are kept in a temporary folder.
"""
import fcntl
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import namedtuple
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Settings of the suite's own process that must not leak into the portal's.
SUITE_ONLY = ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL", "SECRET_KEY", "DEBUG",
              "DJANGO_ALLOW_ASYNC_UNSAFE", "MEDIA_ROOT", "STATIC_ROOT", "ALLOWED_HOSTS")


Visit = namedtuple("Visit", "who method url status server_said via")


def compose_commands(path=ROOT / "docker-compose.yml"):
    """Each service's `command:` line, as docker-compose.yml gives it."""
    commands, service = {}, None
    for line in path.read_text().splitlines():
        if match := re.match(r"^  ([a-z][\w-]*):\s*$", line):
            service = match.group(1)
        elif service and (match := re.match(r"^    command:\s*(.+)$", line)):
            commands[service] = shlex.split(match.group(1))
    return commands


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Stack:
    scheme = "http"
    proxy_headers = {}

    def __init__(self, name, folder, port=None):
        self.name, self.folder = name, Path(folder)
        self.address, self.port = "127.0.0.1", port or free_port()
        self.host = f"{self.address}:{self.port}"
        self.processes, self.visits, self.logs = [], [], {}
        self.env = {key: value for key, value in os.environ.items() if key not in SUITE_ONLY}
        self.env.update(PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", PYTHONUNBUFFERED="1",
                        MEDIA_ROOT=str(self.folder / "media"), EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")

    # processes

    def run(self, name, argv):
        """A command to its end (migrate, load_demo); its output kept with the others'."""
        log = self.folder / f"{name}.log"
        with open(log, "ab") as out:
            result = subprocess.run(argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, timeout=600)
        self.logs[name] = log
        assert result.returncode == 0, f"{' '.join(argv)} failed:\n{log.read_text()[-5000:]}"

    def start(self, name, argv):
        log = self.folder / f"{name}.log"
        out = open(log, "ab")
        process = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes.append((name, process, out))
        self.logs[name] = log
        return process

    def stop(self):
        for _name, process, _out in reversed(self.processes):
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for _name, process, out in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            out.close()
        self.processes = []

    def wait_until(self, what, check, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process, _out in self.processes:
                assert process.poll() is None, f"{name} stopped while waiting for {what}:\n{self.log_tail(name)}"
            if check():
                return
            time.sleep(0.5)
        raise AssertionError(f"{self.name}: {what} not ready after {timeout} s\n{self.log_tails()}")

    def answers(self, path="/accounts/login/"):
        from .browser import Browser

        try:
            return Browser(self).get(path, follow=False).status < 500
        except OSError:
            return False

    # what was asked and answered, and what the servers wrote meanwhile

    @property
    def web_log(self):
        return self.logs["web"]

    def log_mark(self):
        return self.web_log.stat().st_size if "web" in self.logs else 0

    def record(self, who, page, mark, via=""):
        server_said = ""
        if page.status >= 500:
            time.sleep(0.3)  # the traceback is written just after the answer
            with open(self.web_log, "rb") as log:
                log.seek(mark)
                server_said = log.read().decode("utf-8", "replace")
        self.visits.append(Visit(who, page.method, page.url, page.status, server_said, via))

    def log_tail(self, name, size=6000):
        return f"--- {name} ({self.logs[name]}) ---\n" + self.logs[name].read_text(errors="replace")[-size:]

    def log_tails(self):
        return "\n".join(self.log_tail(name) for name in self.logs)


class Newcomer(Stack):
    """`make run`: SQLite, Celery eager, DEBUG off, the server command of `make serve`."""

    def __init__(self, folder, port=None, *, demo_folder=None):
        super().__init__("newcomer", folder, port)
        self.env["DATABASE_URL"] = f"sqlite:///{self.folder / 'db.sqlite3'}"
        self.demo_folder = demo_folder

    def up(self):
        python = str(BIN / "python")
        if self.demo_folder:  # the run's database as `make run` builds it, copied (sqlite_demo)
            self.logs["load_demo"] = sqlite_demo(self.demo_folder, self.folder)
        self.run("migrate", [python, "manage.py", "migrate", "--noinput"])
        if not self.demo_folder:
            self.run("load_demo", [python, "manage.py", "load_demo"])
        self.start("web", ["make", "--no-print-directory", "-s", "serve", f"HOST={self.address}", f"PORT={self.port}"])
        self.wait_until("the server", self.answers)


def sqlite_demo(shared, folder):
    """`folder`'s db.sqlite3 and media/: a copy of the newcomer's database as `make run` builds it (migrate, then
    load_demo, in the newcomer's environment), built once in the `shared` folder by the first test of the run to
    ask (the others wait for it, a file lock between xdist workers) and copied (a few MB) for each. Its log's path.

    SQLite loads the demo in about a minute on a busy 2-core machine: the end-to-end stage's newcomer and the SQLite
    plan pages test both start from the same database, as `make run` leaves it."""
    shared, folder = Path(shared) / "sqlite-demo", Path(folder)
    shared.mkdir(parents=True, exist_ok=True)
    log = shared / "build.log"
    with open(shared / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (shared / "done").exists():
            builder = Stack("sqlite-demo", shared)
            builder.env["DATABASE_URL"] = f"sqlite:///{shared / 'db.sqlite3'}"
            (shared / "db.sqlite3").unlink(missing_ok=True)
            shutil.rmtree(shared / "media", ignore_errors=True)
            python = str(BIN / "python")
            builder.run("build", [python, "manage.py", "migrate", "--noinput"])
            builder.run("build", [python, "manage.py", "load_demo"])
            (shared / "done").touch()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shared / "db.sqlite3", folder / "db.sqlite3")
    if (shared / "media").is_dir():
        shutil.copytree(shared / "media", folder / "media", dirs_exist_ok=True)
    return log


class Production(Stack):
    """docker-compose.yml's web, worker and beat, on PostgreSQL and Redis, behind the (pretended) TLS proxy."""

    scheme = "https"
    proxy_headers = {"X-Forwarded-Proto": "https"}

    def __init__(self, folder, port=None, *, database_url, broker_url):
        super().__init__("production", folder, port)
        self.database_url, self.broker_url = database_url, broker_url
        self.env.update(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1,localhost",
                        DATABASE_URL=database_url, CELERY_BROKER_URL=broker_url, PORTAL_URL=f"https://{self.host}",
                        STATIC_ROOT=str(self.folder / "static"))

    def fresh_services(self):
        import psycopg2
        import redis

        parts = urlsplit(self.database_url)
        name = parts.path.lstrip("/")
        server = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
        server.autocommit = True
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        server.close()
        redis.Redis.from_url(self.broker_url).flushdb()

    def up(self):
        self.fresh_services()
        commands = compose_commands()
        python = str(BIN / "python")
        self.run("collectstatic", [python, "manage.py", "collectstatic", "--noinput", "-v0"])  # as the Dockerfile
        self.run("migrate", [python, "manage.py", "migrate", "--noinput"])
        self.run("load_demo", [python, "manage.py", "load_demo"])
        web = [part.replace("0.0.0.0:8000", self.host) for part in commands["web"]]
        assert web != commands["web"], "docker-compose.yml's web command no longer binds 0.0.0.0:8000"
        beat = [str(self.folder / "celerybeat-schedule") if part == "/tmp/celerybeat-schedule" else part  # noqa: S108 - the compose file's path, replaced
                for part in commands["beat"]]
        self.start("worker", commands["worker"])
        self.start("beat", beat)
        self.start("web", web)
        self.wait_until("the worker", lambda: b" ready." in self.logs["worker"].read_bytes())
        self.wait_until("gunicorn", lambda: self.answers("/healthz/"))


def database_url_for_e2e():
    """E2E_DATABASE_URL, or DATABASE_URL's server with its database name + _e2e."""
    if url := os.environ.get("E2E_DATABASE_URL"):
        return url
    parts = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/portal")
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_e2e"))


def broker_url_for_e2e():
    return os.environ.get("E2E_BROKER_URL") or os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/14"
