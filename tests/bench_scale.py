"""What the HTTP benches of one province at scale share (`bench_api`, `bench_public`): a throw-away PostgreSQL
database made by this checkout (`generate_scale_data`), gunicorn over it (`bench_officers.Server`), and another
git ref's code checked out to serve the same database beside this one's, for before/after figures in one run.

Everything started here is stopped here: servers, their static folders, the database, the worktree.
"""
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from tests.bench_load import git  # sets Django up on DATABASE_URL
from tests.bench_officers import HOST, ROOT, Server

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


@contextmanager
def scale_database(prefix, *, communes, province, what):
    """A database `<prefix>_<DATABASE_URL's name>` with a province of `communes` communes; dropped on leaving."""
    if connection.vendor != "postgresql":
        sys.exit(f"{what} needs PostgreSQL: set DATABASE_URL")
    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = f"{prefix}_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("generate_scale_data", "--communes", str(communes), "--months", "1", "--province", province,
                     stdout=open(os.devnull, "w"))
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def statistics_update():
    """ANALYZE, as autovacuum keeps the statistics on a live database: bulk-made rows have none yet."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@contextmanager
def served(root=ROOT):
    """gunicorn (as docker-compose.yml runs it) on 127.0.0.1, running the code of `root` over the database made
    by `scale_database`."""
    db = connection.settings_dict
    server = Server(f"postgres://{db['USER']}@{db['HOST'] or HOST}:{db['PORT'] or 5432}/{db['NAME']}", root=root)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.static_root, ignore_errors=True)


@contextmanager
def checkout(ref):
    """`ref` checked out in a temporary git worktree (sharing this checkout's .venv), as (folder, short commit).

    Its server runs on this checkout's database, so `ref` must have this checkout's migrations or fewer (its code
    then runs on a database migrated further, as during a deploy: this checkout's added migrations must only add
    what old code can ignore, such as a nullable column); SystemExit otherwise.
    """
    commit = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    changed = [line for line in git("diff", "--name-status", commit, "--", "*/migrations/*.py").splitlines()
               if not line.startswith("A")]
    if changed:
        sys.exit(f"{ref} has other migrations than this checkout: its server cannot share this database ({changed})")
    folder = Path(tempfile.mkdtemp(prefix="bench-base-"))
    tree = folder / "base"
    git("worktree", "add", "--detach", str(tree), commit)
    try:
        (tree / ".venv").symlink_to((ROOT / ".venv").resolve())
        yield tree, commit[:7]
    finally:
        git("worktree", "remove", "--force", str(tree))
        shutil.rmtree(folder, ignore_errors=True)


def this_checkout():
    """This checkout's branch and short commit, and whether it has uncommitted changes."""
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{git('rev-parse', '--abbrev-ref', 'HEAD')} {git('rev-parse', '--short', 'HEAD')}" + (
        ", with uncommitted changes" if dirty else "")
