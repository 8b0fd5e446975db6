"""Processes started by a test as the portal runs them (a web process, a worker), on the test's database."""
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def process_env(**environment):
    """The environment of a new process of the portal that works on this test's database (committed data)."""
    db = connection.settings_dict
    return dict(os.environ, **environment, DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}")


def worker_start(**environment):
    """A Celery worker as production starts one (`celery -A config worker`), one job at a time."""
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", "WARNING",
                             "--without-gossip", "--without-mingle", "--without-heartbeat"],
                            cwd=ROOT, env=process_env(**environment), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
