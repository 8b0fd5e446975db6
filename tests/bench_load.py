"""`make bench-load`: the officers' load on this checkout and on another git ref, in the same run, side by side.

    python -m tests.bench_load --base main                 # or: make bench-load COMPARE=main (BASE=<ref> too)
    BENCH_SECONDS=5 BENCH_LEVELS=10 BENCH_RUNS=1 python -m tests.bench_load --base main~3   # a quick check

The ref is checked out into a temporary git worktree (sharing this checkout's .venv). Each version gets a
database of its own made by its own code (migrations, `generate_scale_data`, one officer a commune) and its own
gunicorn as docker-compose.yml runs it (3 workers, --timeout 30), both on 127.0.0.1. The load is the one of
`tests.bench_officers load` (My work -> task page -> report form -> save -> plan page, think time 0.5-1.5 s),
from the same client for both versions, run interleaved (this, base, this, base, ...) at each level; every figure
printed is the median of the runs of a version. Officers sign in once, before their first run (the password
hashing is not part of the load). Everything started here is stopped here: servers, databases, the worktree.

Environment: BENCH_SECONDS (a run's length, 20), BENCH_LEVELS (officers, "50,100,200"), BENCH_RUNS (3 a version
and level). The defaults finish in about 15 minutes on the 2-core machine.
"""
import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from tests import bench_officers as officers_bench  # sets Django up on DATABASE_URL
from tests.bench_officers import HOST, PASSWORD, Officer, ReferenceSampler, Server, _p

from django.db import connection, connections  # noqa: E402

ROOT = officers_bench.ROOT
SECONDS = int(os.environ.get("BENCH_SECONDS", 20))
LEVELS = [int(level) for level in os.environ.get("BENCH_LEVELS", "50,100,200").split(",") if level.strip()]
RUNS = int(os.environ.get("BENCH_RUNS", 3))
PROVINCE = "bench-officers"
# Goals of issue 22, checked on the figures printed.
P95_GOAL_MS = {50: 300}

# Run inside a version's checkout (cwd), so its own migrations and generate_scale_data make its database;
# only long-standing interfaces are used, for a ref from before this file existed.
SETUP = r"""
import os, sys
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection

name, count, password, province = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
connection.settings_dict["TEST"]["NAME"] = name
connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
call_command("generate_scale_data", communes=count, province=province, stdout=open(os.devnull, "w"))
from plans.models import Unit

hashed = make_password(password)
User = get_user_model()
offices = Unit.objects.filter(area__parent__slug=province, is_culture_social_office=True).order_by("area__slug")
for index, unit in enumerate(offices[:count]):
    officer = User.objects.create(username=f"bench-officer-{index:03d}", password=hashed, role="officer",
                                  first_name="Cán bộ", last_name=unit.area.name)
    officer.units.set([unit])
    print(officer.username)
"""

STORED_UPDATES = """
SELECT count(*) FROM tasks_progressupdate u JOIN tasks_task t ON t.id = u.task_id JOIN plans_plan p ON p.id = t.plan_id
JOIN plans_area a ON a.id = p.area_id JOIN plans_area province ON province.id = a.parent_id WHERE province.slug = %s
"""


def git(*arguments, cwd=ROOT):
    return subprocess.run(["git", *arguments], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


class Version:
    """One version of the portal under load: its checkout, database, gunicorn and signed-in officers."""

    def __init__(self, label, root, database):
        self.label, self.root, self.database = label, root, database
        self.commit = git("rev-parse", "--short", "HEAD", cwd=root)
        self.server, self.making, self.people, self.runs = None, None, {}, []

    def setup(self, count):
        """Start making the database (both versions' at once); `made` waits for it."""
        self.started = time.monotonic()
        self.making = subprocess.Popen([sys.executable, "-c", SETUP, self.database, str(count), PASSWORD, PROVINCE],
                                       cwd=self.root, env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def made(self):
        stdout, stderr = self.making.communicate(timeout=1800)
        if self.making.returncode:
            raise SystemExit(f"{self.label}: database not made:\n{stderr[-3000:]}")
        self.usernames = stdout.split()
        db = connection.settings_dict
        self.url = f"postgres://{db['USER']}@{db['HOST'] or HOST}:{db['PORT'] or 5432}/{self.database}"
        print(f"  {self.label}: database {self.database} with {len(self.usernames)} officers made by its own code "
              f"in {time.monotonic() - self.started:.0f} s", flush=True)

    def start(self):
        self.server = Server(self.url, root=self.root)

    def stored_updates(self):
        default = connections["default"]
        wrapper = type(default)({**default.settings_dict, "NAME": self.database}, "default")
        try:
            with wrapper.cursor() as cursor:
                cursor.execute(STORED_UPDATES, [PROVINCE])
                return cursor.fetchone()[0]
        finally:
            wrapper.close()

    def stop(self):
        if self.making and self.making.poll() is None:
            self.making.kill()
            self.making.wait()
        if self.server:
            self.server.stop()
            shutil.rmtree(self.server.static_root, ignore_errors=True)
            self.server = None


async def _sign_in(version, usernames):
    """Officers not yet signed in sign in, a few at a time (each costs the password hashing Django sets)."""
    waiting = [name for name in usernames if name not in version.people]
    # Seeded pseudo-random pacing and choices (the same for both versions), not secrets.
    people = [Officer(version.server.port, name, [], random.Random(0)) for name in waiting]  # noqa: S311
    for _attempt in range(3):
        await asyncio.gather(*(person.sign_in(5 * index / max(len(people), 1)) for index, person in enumerate(people)))
        for person in people:
            if person.signed_in:
                version.people[person.username] = person
        people = [person for person in people if not person.signed_in]
        if not people:
            return
    raise SystemExit(f"{version.label}: {len(people)} officers could not sign in")


async def _work(version, usernames, seed):
    log, counts = [], Counter()
    people = [version.people[name] for name in usernames]
    for index, person in enumerate(people):
        person.log, person.rng = log, random.Random(seed * 1000 + index)  # noqa: S311 - the same choices for both versions
    started = time.monotonic()
    await asyncio.gather(*(person.work(started + SECONDS, counts) for person in people))
    return log, counts, time.monotonic() - started


def run_once(version, usernames, seed):
    asyncio.run(_sign_in(version, usernames))
    before_saves = version.stored_updates()
    before_cpu, own_before = version.server.cpu_by_worker(), os.times()
    with ReferenceSampler() as during:
        log, counts, elapsed = asyncio.run(_work(version, usernames, seed))
    own_after, after_cpu = os.times(), version.server.cpu_by_worker()
    server_cpu = sum(seconds - before_cpu.get(pid, 0) for pid, seconds in after_cpu.items())
    own_cpu = (own_after.user + own_after.system) - (own_before.user + own_before.system)
    stored = version.stored_updates() - before_saves
    errors = [entry for entry in log if entry[2] == 0 or entry[2] >= 500 or entry[4]]
    unexpected = [entry for entry in log if entry[2] not in (0, 200, 302) and entry[2] < 500]
    figures = {
        "p95": _p([entry[1] for entry in log], .95) * 1000, "rate": len(log) / elapsed, "requests": len(log),
        "errors": len(errors), "unexpected": len(unexpected), "accepted": counts["accepted"], "stored": stored,
        "server_cpu": server_cpu / max(len(log), 1) * 1000,
        "generator": 100 * own_cpu / (elapsed * os.cpu_count()),
        "machine": statistics.median(during.samples) if during.samples else float("nan"),
    }
    version.runs.append((len(usernames), figures))
    print(f"    {version.label:<10} {len(usernames):>3} officers: p95 {figures['p95']:5.0f} ms, "
          f"{figures['rate']:5.1f} requests/s, {figures['errors']} errors, saves {counts['accepted']} accepted / "
          f"{stored} stored, server CPU {figures['server_cpu']:.1f} ms a request, load generator "
          f"{figures['generator']:.0f}% of the machine, reference loop {figures['machine']:.0f} ms", flush=True)
    return figures


ROWS = [
    ("p95 (ms)", "p95", "{:.0f}"),
    ("requests a second", "rate", "{:.1f}"),
    ("errors (connection failures, 5xx)", "errors", "{:.0f}"),
    ("other unexpected statuses", "unexpected", "{:.0f}"),
    ("saves accepted", "accepted", "{:.0f}"),
    ("accepted saves stored", "stored", "{:.0f}"),
    ("server CPU a request (ms)", "server_cpu", "{:.1f}"),
    ("load generator CPU (% of the machine)", "generator", "{:.1f}"),
    ("reference loop during the runs (ms)", "machine", "{:.0f}"),
]


def report(level, versions):
    medians = [{key: statistics.median(figures[key] for count, figures in version.runs if count == level)
                for _, key, _ in ROWS} for version in versions]
    runs = sum(1 for count, _ in versions[0].runs if count == level)
    print(f"\n{level} officers, {SECONDS} s a run, median of {runs} runs a version (interleaved):")
    print(f"  {'':<40}{versions[0].label + ' ' + versions[0].commit:>22}{versions[1].label + ' ' + versions[1].commit:>22}"
          f"{'change':>10}")
    for title, key, shape in ROWS:
        this, base = medians[0][key], medians[1][key]
        change = f"{100 * (this - base) / base:+.0f}%" if key in ("p95", "rate", "server_cpu") and base else ""
        print(f"  {title:<40}{shape.format(this):>22}{shape.format(base):>22}{change:>10}")
    for label, figures in zip((version.label for version in versions), medians, strict=True):
        checks = []
        if level in P95_GOAL_MS:
            checks.append(f"p95 ≤ {P95_GOAL_MS[level]} ms: {'met' if figures['p95'] <= P95_GOAL_MS[level] else 'NOT met'}")
        worst = [f for count, f in next(v for v in versions if v.label == label).runs if count == level]
        if level >= 200:
            clean = all(f["errors"] == 0 and f["stored"] == f["accepted"] for f in worst)
            checks.append(f"every run 0 errors and every accepted save stored: {'met' if clean else 'NOT met'}")
        if checks:
            print(f"  {label}: " + "; ".join(checks))
    print("  (lower is faster for p95, server CPU and the reference loop; the reference loop is how fast this "
          "machine ran Python during the runs: CPU counted inside it grows with it)", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default=os.environ.get("COMPARE") or os.environ.get("BASE") or "main",
                        help="the git ref to compare this checkout against (default main)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("the load bench needs PostgreSQL: set DATABASE_URL")
    base_commit = git("rev-parse", "--verify", f"{args.base}^{{commit}}")
    connection.close()
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    tree = folder / "base"
    git("worktree", "add", "--detach", str(tree), base_commit)
    (tree / ".venv").symlink_to((ROOT / ".venv").resolve())
    name = connection.settings_dict["NAME"]
    versions = [Version("this", ROOT, f"bench_load_this_{name}"), Version(args.base, tree, f"bench_load_base_{name}")]
    dirty = git("status", "--porcelain", "--untracked-files=no")
    print(f"load bench: this checkout ({git('rev-parse', '--abbrev-ref', 'HEAD')} {versions[0].commit}"
          f"{', with uncommitted changes' if dirty else ''}) against {args.base} ({versions[1].commit}); levels "
          f"{', '.join(map(str, LEVELS))} officers, {SECONDS} s a run, {RUNS} runs a version interleaved; "
          f"gunicorn {officers_bench.GUNICORN_WORKERS} workers each, {os.cpu_count()} cores; the servers' "
          f"CELERY_BROKER_URL: {os.environ.get('CELERY_BROKER_URL') or 'none (jobs eager, caches in process)'}",
          flush=True)
    started = time.monotonic()
    try:
        for version in versions:
            version.setup(max(LEVELS))
        for version in versions:
            version.made()
        for version in versions:
            version.start()
        for level in LEVELS:
            print(f"\n  {level} officers:", flush=True)
            for run in range(RUNS):
                for version in versions:
                    run_once(version, version.usernames[:level], seed=level * 10 + run)
            report(level, versions)
    finally:
        for version in versions:
            version.stop()
        for version in versions:
            try:
                connections["default"].creation._destroy_test_db(version.database, verbosity=0)
            except Exception as error:  # a database never made
                print(f"  {version.database} not dropped: {error}".splitlines()[0])
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\nwhole comparison: {(time.monotonic() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
