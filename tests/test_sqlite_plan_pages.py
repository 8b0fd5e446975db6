"""The newcomer's portal (`make run`: SQLite, Celery eager) opens every plan page and plan structure page.

The suite runs on PostgreSQL, so the plan pages are fetched in a separate `manage.py` process on a fresh SQLite
database loaded by `load_demo`, as `make run` builds it (a copy of the run's, tests.e2e.stacks.sqlite_demo, in place
of `db.sqlite3`).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.stacks import sqlite_demo

ROOT = Path(__file__).resolve().parent.parent

# Every plan's pages, for each reader of a plan: a superuser, the province's leader and admin, a commune's admin
# and officer. Only what each may open is asked, so every answer is expected to be 200.
FETCH = """
import json
from django.test import Client
from django.test.utils import setup_test_environment
from people.models import User
from plans.models import Plan

setup_test_environment()
answers = {}
for username in ("admin", "dongnai-leader", "dongnai-admin", "phulam-admin", "phulam-officer"):
    user = User.objects.get(username=username)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    editable = set(Plan.objects.editable_by(user).values_list("slug", flat=True))
    for slug in Plan.objects.visible_to(user).order_by("slug").values_list("slug", flat=True):
        pages = ["", "coverage/"] + (["structure/", "six-clears/"] if slug in editable else [])
        for page in pages:
            answers[f"{username} /plans/{slug}/{page}"] = client.get(f"/plans/{slug}/{page}").status_code
print("ANSWERS" + json.dumps(answers))
"""


def _manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.fixture(scope="module")
def sqlite_answers(tmp_path_factory, run_folder):
    folder = tmp_path_factory.mktemp("sqlite-portal")
    env = {name: value for name, value in os.environ.items()
           if name not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DJANGO_SETTINGS_MODULE")}
    env.update(DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}", MEDIA_ROOT=str(folder / "media"))
    sqlite_demo(run_folder, folder)  # migrate, then load_demo, once a run: shared with tests/e2e's newcomer
    done = _manage("shell", "-c", FETCH, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("ANSWERS"))
    return json.loads(line.removeprefix("ANSWERS")), done.stderr


def test_every_plan_page_and_structure_page_answers_on_sqlite(sqlite_answers):
    answers, errors = sqlite_answers
    assert any(page.endswith("/structure/") for page in answers)
    assert sum(page.startswith("phulam-officer") for page in answers) == 6  # three plans, two pages each
    failed = {page: status for page, status in answers.items() if status != 200}
    assert not failed, errors[-3000:]
