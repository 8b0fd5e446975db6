"""The read API at national scale (`make bench-api`): a province of 3,400 communes (bulk_create, through
`generate_scale_data`), a province token and a commune token; queries of each list page (in process), then p95 of
list pages over HTTP on gunicorn (127.0.0.1 only), first pages and pages deep in the cursor.

Runs against a throw-away PostgreSQL database created from DATABASE_URL (`bench_api_<name>`).
    python -m tests.bench_api [--communes 3400] [--requests 40]
"""
import argparse
import datetime
import json
import os
import statistics
import sys
import time
import urllib.request

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

PROVINCE = "api-bench"
LISTS = ["areas/", "units/", "plans/", "tasks/", "indicators/", "progress-updates/", "indicator-reports/",
         "reports/", "warnings/", "tasks/?area={commune}", "indicator-reports/?period={period}"]


def _tokens(commune):
    from api.services import token_create
    from plans.models import Area, Unit

    User = get_user_model()
    made = {}
    for slug in (PROVINCE, commune):
        area = Area.objects.get(slug=slug)
        unit, _created = Unit.objects.get_or_create(area=area, name="Quản trị", slug=f"{slug}-quan-tri")
        admin, _created = User.objects.get_or_create(username=f"{slug}-admin", defaults={"role": "admin"})
        admin.units.set([unit])
        made[slug] = token_create(user=admin, area_id=area.pk, name="bench")[1]
    return made


def _monthly_rows(author):
    """A month's progress update for every task and figure for every indicator (generate_scale_data writes the
    items' history, not these)."""
    from indicators.models import Indicator, IndicatorReport
    from tasks.models import ProgressUpdate, Task

    month = datetime.date(2026, 1, 1)
    ProgressUpdate.objects.bulk_create(
        (ProgressUpdate(task_id=pk, author=author, period=month, progress_before=0, progress_after=progress,
                        achievements="Đã triển khai [bench]")
         for pk, progress in Task.objects.values_list("pk", "progress").iterator()), batch_size=5000)
    IndicatorReport.objects.bulk_create(
        (IndicatorReport(indicator_id=pk, author=author, period=month, value=1)
         for pk in Indicator.objects.values_list("pk", flat=True).iterator()), batch_size=5000)


def _get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310 - loopback
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - 127.0.0.1 only
        body = response.read()
    return (time.perf_counter() - started) * 1000, json.loads(body)


def _p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=3400)
    parser.add_argument("--requests", type=int, default=40, help="requests per list page (sequential)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("make bench-api needs PostgreSQL: set DATABASE_URL")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = f"bench_api_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = None
    try:
        from indicators.models import IndicatorReport
        from tasks.models import Task
        from tests.bench_officers import Server

        started = time.perf_counter()
        call_command("generate_scale_data", "--communes", str(args.communes), "--months", "1", "--province",
                     PROVINCE, stdout=open(os.devnull, "w"))
        commune = f"{PROVINCE}-xa-{args.communes // 2:04d}"
        tokens = _tokens(commune)
        _monthly_rows(get_user_model().objects.get(username=f"{PROVINCE}-admin"))
        with connection.cursor() as cursor:  # the statistics autovacuum keeps on a live database
            cursor.execute("ANALYZE")
        month = IndicatorReport.objects.order_by("-period").values_list("period", flat=True).first()
        period = f"{month:%Y-%m}" if month else "2026-01"
        print(f"api bench: {args.communes} communes, {Task.objects.count():,} tasks, "
              f"{IndicatorReport.objects.count():,} indicator reports, generated in "
              f"{time.perf_counter() - started:.0f} s")
        lists = [path.format(period=period, commune=commune) for path in LISTS]

        client = Client()
        print("queries a page (province token, page of 100):")
        for path in lists:
            url = f"/api/v1/{path}"
            client.get(url, HTTP_AUTHORIZATION=f"Bearer {tokens[PROVINCE]}")  # the token's last use written
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {tokens[PROVINCE]}")
            assert response.status_code == 200, (url, response.status_code)
            print(f"  {path:45} {len(queries):3d} queries, {len(response.json()['results'])} rows")
        sys.stdout.flush()

        db = connection.settings_dict
        server = Server(f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}")
        print(f"over HTTP (gunicorn, 3 workers, 127.0.0.1), {args.requests} sequential requests a page, ms:")
        print(f"  {'page':45} {'token':9} {'median':>7} {'p95':>7}")
        for path in lists:
            for who in (PROVINCE, commune):
                token = tokens[who]
                url = f"{server.url}/api/v1/{path}"
                _ms, body = _get(url, token)  # warm
                # the cursor of a page deep in the list: a few pages on
                deep = url
                for _ in range(3):
                    deep = body.get("next") or deep
                    if not body.get("next"):
                        break
                    _ms, body = _get(deep, token)
                for label, target in (("first", url), ("deep", deep)):
                    times = [_get(target, token)[0] for _ in range(args.requests)]
                    kind = "province" if who == PROVINCE else "commune"
                    print(f"  {path + ' (' + label + ')':45} {kind:9} {statistics.median(times):7.1f} "
                          f"{_p95(times):7.1f}")
                    sys.stdout.flush()
    finally:
        if server:
            server.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
