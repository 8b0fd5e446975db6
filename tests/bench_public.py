"""The public pages (`make bench-public`): a province of N communes (`generate_scale_data`, plans issued), served
by gunicorn on 127.0.0.1; for each page the first answer (rendered) and the median and p95 of the cached ones.

Runs against a throw-away PostgreSQL database created from DATABASE_URL (`bench_public_<name>`).
    python -m tests.bench_public [--communes 95] [--requests 100]
"""
import argparse
import os
import statistics
import sys
import time
import urllib.request

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

PROVINCE = "public-bench"


def _get(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own server on 127.0.0.1
        response.read()
    return (time.perf_counter() - started) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=95)
    parser.add_argument("--requests", type=int, default=100, help="cached requests a page (sequential)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("make bench-public needs PostgreSQL: set DATABASE_URL")
    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = f"bench_public_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = None
    try:
        from tests.bench_officers import Server

        call_command("generate_scale_data", "--communes", str(args.communes), "--months", "1", "--province",
                     PROVINCE, stdout=open(os.devnull, "w"))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        commune = f"{PROVINCE}-xa-{args.communes // 2:04d}"
        db = connection.settings_dict
        server = Server(f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}")
        print(f"public pages, {args.communes} communes, gunicorn on 127.0.0.1, {args.requests} cached requests a "
              f"page, ms:")
        print(f"  {'page':40} {'first':>7} {'median':>7} {'p95':>7}")
        for path in ("/cong-khai/", f"/cong-khai/{PROVINCE}/", f"/cong-khai/{commune}/",
                     f"/cong-khai/{PROVINCE}/du-lieu.json", f"/cong-khai/{commune}/du-lieu.csv"):
            first = _get(server.url + path)
            times = sorted(_get(server.url + path) for _ in range(args.requests))
            p95 = times[max(0, round(0.95 * len(times)) - 1)]
            print(f"  {path:40} {first:7.1f} {statistics.median(times):7.1f} {p95:7.1f}")
            sys.stdout.flush()
    finally:
        if server:
            server.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
