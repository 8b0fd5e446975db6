"""The read API at national scale (`make bench-api`): a province of 3,400 communes (bulk_create, through
`generate_scale_data`), a province token and a commune token; queries of each list page (in process), then the
median and p95 of list pages over HTTP on gunicorn (127.0.0.1 only), first pages and pages deep in the cursor, for
this checkout and, on the same database in the same run, for another git ref's code (`--base`, default main),
their requests interleaved.

Runs against a throw-away PostgreSQL database created from DATABASE_URL (`bench_api_<name>`).
    python -m tests.bench_api [--communes 3400] [--requests 40] [--base main | --base '']
"""
import argparse
import contextlib
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from tests import bench_scale  # noqa: E402

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
    # An open "overdue" warning for every task, so that the warnings list is measured with rows, not empty.
    from reports.models import Warning

    raised = timezone.now()
    Warning.objects.bulk_create(
        (Warning(kind=Warning.Kind.OVERDUE, task_id=pk, raised_at=raised)
         for pk in Task.objects.values_list("pk", flat=True).iterator()), batch_size=5000)
    Warning.objects.fill_areas()
    _issued_reports(author)


def _issued_reports(author, months=3):
    """Each commune's issued monthly reports of the last `months` months (register rows: numbers, dates, a subject;
    no files), so that the reports list is measured with rows, not empty."""
    from plans.models import Area
    from reports.models import Report, ReportKind

    issued, today = timezone.now(), timezone.localdate()
    firsts = []
    month = today.replace(day=1)
    for _ in range(months):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        firsts.append(month)
    Report.objects.bulk_create(
        (Report(area_id=area_id, kind=ReportKind.MONTHLY, year=first.year, period_number=first.month,
                first_month=first, last_month=first, window_start=first,
                window_end=(first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1),
                addressee="UBND tỉnh", issuer=f"UBND {name}", number=index + 1, number_year=first.year,
                subject=f"Báo cáo tháng {first.month}/{first.year}", status=Report.Status.ISSUED,
                drafted_by=author, drafted_at=issued, issued_by=author, issued_at=issued, is_on_time=True)
         for area_id, name in Area.objects.filter(parent__slug=PROVINCE).values_list("pk", "name").iterator()
         for index, first in enumerate(firsts)), batch_size=5000)


def _get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310 - loopback
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - 127.0.0.1 only
        body = response.read()
    return (time.perf_counter() - started) * 1000, json.loads(body)


def _p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def _deep(url, token):
    """The URL of a page a few cursor steps into the list (the first page's when it has no next)."""
    _ms, body = _get(url, token)  # warm
    deep = url
    for _ in range(3):
        if not body.get("next"):
            break
        deep = body["next"]
        _ms, body = _get(deep, token)
    return deep


def _execution_ms(queryset):
    """PostgreSQL's own execution time of `queryset` (EXPLAIN ANALYZE): the database's part, without Python's."""
    return _sql_execution_ms(*queryset.query.sql_with_params())


def _sql_execution_ms(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params or None)  # no params: a % stays a %
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Execution Time"]


def scope_sql_compare(area_slug, runs=10):
    """The province-wide item lists' plan scope as the API first wrote it (`visible_to`, with its DISTINCT) beside
    the one it reads since (`visible_ids`, a semi-join), first page and a page deep in the cursor: medians of
    `runs`, interleaved."""
    from api.models import ApiToken
    from api.principal import TokenPrincipal
    from indicators.models import Indicator
    from plans.models import Plan
    from tasks.models import Task

    principal = TokenPrincipal(ApiToken.objects.select_related("area").filter(area__slug=area_slug).first())
    print("the item lists' query, database execution ms (EXPLAIN ANALYZE), median of "
          f"{runs}: the plan scope as first written (visible_to, DISTINCT) beside visible_ids' (semi-join)")
    for model in (Task, Indicator):
        deep_id = model.objects.order_by("id").values_list("id", flat=True)[300]
        for where, rows in (("first", model.objects.all()), ("deep", model.objects.filter(id__gt=deep_id))):
            shapes = {"distinct": rows.filter(plan__in=Plan.objects.visible_to(principal).values("pk")),
                      "semi-join": rows.filter(plan__in=Plan.objects.visible_ids(principal))}
            times = {name: [] for name in shapes}
            for _ in range(runs):
                for name, queryset in shapes.items():
                    times[name].append(_execution_ms(queryset.order_by("id")[:101]))
            print(f"  {model._meta.model_name + 's/ (' + where + ')':45} province  distinct "
                  f"{statistics.median(times['distinct']):7.1f}   semi-join {statistics.median(times['semi-join']):7.1f}")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=3400)
    parser.add_argument("--requests", type=int, default=40, help="requests per list page and version")
    parser.add_argument("--base", default="main", help="the git ref whose code is measured beside this checkout's "
                                                       "on the same database ('' for none)")
    args = parser.parse_args()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        stack.enter_context(bench_scale.scale_database("bench_api", communes=args.communes, province=PROVINCE,
                                                       what="make bench-api"))
        from indicators.models import IndicatorReport
        from tasks.models import Task

        commune = f"{PROVINCE}-xa-{args.communes // 2:04d}"
        tokens = _tokens(commune)
        _monthly_rows(get_user_model().objects.get(username=f"{PROVINCE}-admin"))
        bench_scale.statistics_update()
        month = IndicatorReport.objects.order_by("-period").values_list("period", flat=True).first()
        period = f"{month:%Y-%m}" if month else "2026-01"
        from reports.models import Report, Warning

        print(f"api bench: {args.communes} communes, {Task.objects.count():,} tasks, "
              f"{IndicatorReport.objects.count():,} indicator reports, {Warning.objects.count():,} warnings, "
              f"{Report.objects.count():,} reports, generated in "
              f"{time.perf_counter() - started:.0f} s")
        lists = [path.format(period=period, commune=commune) for path in LISTS]

        client = Client()
        print("queries a page (this checkout, province token, page of 100) and PostgreSQL's execution time of them:")
        for path in lists:
            url = f"/api/v1/{path}"
            client.get(url, HTTP_AUTHORIZATION=f"Bearer {tokens[PROVINCE]}")  # the token's last use written
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {tokens[PROVINCE]}")
            assert response.status_code == 200, (url, response.status_code)
            database = sum(_sql_execution_ms(query["sql"]) for query in queries.captured_queries
                           if query["sql"].startswith("SELECT"))
            print(f"  {path:45} {len(queries):3d} queries, {len(response.json()['results']):3d} rows, "
                  f"database {database:5.1f} ms (EXPLAIN ANALYZE)")
        sys.stdout.flush()
        scope_sql_compare(PROVINCE)

        versions = [("this", stack.enter_context(bench_scale.served()))]
        label = f"this checkout ({bench_scale.this_checkout()})"
        if args.base:
            tree, commit = stack.enter_context(bench_scale.checkout(args.base))
            versions.append((args.base, stack.enter_context(bench_scale.served(tree))))
            label += f" against {args.base} ({commit}), same database, requests interleaved"
        for _round in range(3):  # every worker of each server past its first requests (imports, translations)
            for _name, server in versions:
                for path in lists:
                    _get(f"{server.url}/api/v1/{path}", tokens[PROVINCE])
        print(f"over HTTP (gunicorn, 3 workers each, 127.0.0.1), {args.requests} sequential requests a page and "
              f"version, ms: {label}")
        print(f"  {'page':45} {'token':9}" + "".join(f" {name + ' median':>13} {name + ' p95':>10}"
                                                     for name, _server in versions))
        for path in lists:
            for who in (PROVINCE, commune):
                token = tokens[who]
                first = f"{versions[0][1].url}/api/v1/{path}"
                deep = _deep(first, token)
                for _name, server in versions[1:]:
                    _deep(f"{server.url}/api/v1/{path}", token)  # warm
                for where, target in (("first", first), ("deep", deep)):
                    times = {name: [] for name, _server in versions}
                    for _ in range(args.requests):
                        for name, server in versions:
                            times[name].append(_get(target.replace(versions[0][1].url, server.url), token)[0])
                    kind = "province" if who == PROVINCE else "commune"
                    print(f"  {path + ' (' + where + ')':45} {kind:9}" + "".join(
                        f" {statistics.median(times[name]):13.1f} {_p95(times[name]):10.1f}"
                        for name, _server in versions))
                    sys.stdout.flush()


if __name__ == "__main__":
    main()
