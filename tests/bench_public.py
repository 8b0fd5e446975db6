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

from tests import bench_scale  # sets Django up on DATABASE_URL

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
    with bench_scale.scale_database("bench_public", communes=args.communes, province=PROVINCE,
                                    what="make bench-public"):
        bench_scale.statistics_update()
        commune = f"{PROVINCE}-xa-{args.communes // 2:04d}"
        with bench_scale.served() as server:
            print(f"public pages, {args.communes} communes, gunicorn on 127.0.0.1, {args.requests} cached requests "
                  f"a page, ms:")
            print(f"  {'page':40} {'first':>7} {'median':>7} {'p95':>7}")
            for path in ("/cong-khai/", f"/cong-khai/{PROVINCE}/", f"/cong-khai/{commune}/",
                         f"/cong-khai/{PROVINCE}/du-lieu.json", f"/cong-khai/{commune}/du-lieu.csv"):
                first = _get(server.url + path)
                times = sorted(_get(server.url + path) for _ in range(args.requests))
                p95 = times[max(0, round(0.95 * len(times)) - 1)]
                print(f"  {path:40} {first:7.1f} {statistics.median(times):7.1f} {p95:7.1f}")
                sys.stdout.flush()


if __name__ == "__main__":
    main()
