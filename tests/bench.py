"""Benchmarks that print figures (`make bench`); speed goals live here, never in timed tests.

Runs against a throw-away PostgreSQL test database created from DATABASE_URL.
    python -m tests.bench [--national]
"""
import argparse
import datetime
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

QUIET = open(os.devnull, "w")


def bare_view(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare_view), path("", include("config.urls"))]


def timed(function, repeat=1):
    durations = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        durations.append(time.perf_counter() - started)
    return result, statistics.median(durations)


def bench_warnings(communes, label, province=None, months=24):
    from reports.models import Warning
    from reports.services import warnings_raise

    (_, generate) = timed(lambda: call_command("generate_scale_data", communes=communes,
                                               province=province or f"bench-{communes}", months=months,
                                               stdout=QUIET))
    from indicators.models import Indicator
    from tasks.models import Task

    items = Task.objects.count() + Indicator.objects.count()
    Warning.objects.all().delete()
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        result, first = timed(lambda: warnings_raise(today=datetime.date(2026, 11, 23)))
    query_count = len(queries)
    _, again = timed(lambda: warnings_raise(today=datetime.date(2026, 11, 23)))
    print(f"warnings, {label}: {communes} communes, {items} items (generated in {generate:.1f} s): "
          f"first run {first:.2f} s ({result['raised']} raised, {query_count} queries), second run {again:.2f} s")


def bench_my_work():
    from plans.models import Area, Plan, Section, Unit
    from tasks.models import Task
    from tasks.services import task_progress_report

    area = Area.objects.create(kind="commune", name="Bench", slug="bench-my-work")
    unit = Unit.objects.create(area=area, name="Phòng VH-XH", slug="bench-my-work-vhxh")
    officer = get_user_model().objects.create_user("bench-officer", password="x", role="officer")
    officer.units.set([unit])
    plan = Plan.objects.create(slug="bench-my-work-plan", area=area, issuer="UBND", title="Bench", status="draft")
    section = Section.objects.create(plan=plan, number="I.", title="Nhóm", position=1)
    tasks = Task.objects.bulk_create([
        Task(plan=plan, section=section, position=i, ordinal=str(i), title=f"Nhiệm vụ {i}", timeline_text="Năm 2026",
             starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31), progress=i % 100)
        for i in range(1000)])
    Task.lead_units.through.objects.bulk_create([Task.lead_units.through(task=t, unit=unit) for t in tasks])
    History = Task.history.model
    now = timezone.now()
    History.objects.bulk_create([
        History(id=t.id, plan_id=plan.id, section_id=section.id, position=t.position, ordinal=t.ordinal, title=t.title,
                timeline_text=t.timeline_text, timeline_kind=t.timeline_kind, starts_on=t.starts_on, ends_on=t.ends_on,
                status=t.status, progress=t.progress * m // 24, version=m + 1,
                history_date=now - datetime.timedelta(days=30 * (24 - m)), history_type="~")
        for t in tasks for m in range(24)], batch_size=10000)

    client = Client()
    client.force_login(officer)
    with override_settings(ROOT_URLCONF=__name__):
        reset_queries()  # the log keeps earlier queries while DEBUG is on
        with CaptureQueriesContext(connection) as queries:
            client.get("/tasks/my-work/")
        # Read now: the next request empties the query log these figures are sliced from.
        query_count = len(queries)
        query_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        _, my_work = timed(lambda: client.get("/tasks/my-work/"), repeat=7)
        _, bare = timed(lambda: client.get("/bench/bare/"), repeat=7)
    print(f"my work, 1000 items, 24 months of history: {my_work * 1000:.0f} ms median, {query_count} queries "
          f"({query_ms:.0f} ms in the database); bare Django view {bare * 1000:.1f} ms; ratio {my_work / bare:.0f}x")

    saves = []
    month = timezone.localdate().replace(day=1)
    for task in tasks[:20]:
        task.refresh_from_db()
        _, seconds = timed(lambda task=task: task_progress_report(
            task_id=task.pk, user=officer, version=task.version, progress=min(task.progress + 5, 99),
            period=month, achievements="bench", difficulties="-", proposals="-"))
        saves.append(seconds)
    print(f"saving a progress update: {statistics.median(saves) * 1000:.1f} ms median over 20 saves")


def bench_province_dashboard(province_slug):
    """The province's view (/reports/) over every commune of a generated province: server time, queries, HTML size."""
    from plans.models import Area, Unit

    with connection.cursor() as cursor:
        # Statistics for the rows just bulk-loaded, as autovacuum keeps them in a running database; without
        # them the planner takes nested loops over hundreds of thousands of rows.
        cursor.execute("ANALYZE")
    province = Area.objects.get(slug=province_slug)
    communes = province.children.count()
    unit, _created = Unit.objects.get_or_create(area=province, name="UBND tỉnh", slug=f"{province_slug}-ubnd")
    leader, _created = get_user_model().objects.get_or_create(username=f"{province_slug}-leader",
                                                               defaults={"role": "leader"})
    leader.units.set([unit])
    client = Client()
    client.force_login(leader)
    url = "/reports/?sort=completion"
    with override_settings(ROOT_URLCONF=__name__):
        client.get(url)  # warm the caches a first request fills (templates, translations)
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        query_count = len(queries)
        query_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        _, seconds = timed(lambda: client.get(url), repeat=5)
        _, bare = timed(lambda: client.get("/bench/bare/"), repeat=7)
        commune_page = client.get(f"/reports/communes/{province.children.order_by('name').first().slug}/")
    from reports.province_figures import province_figures_compute

    _figures, compute = timed(lambda: province_figures_compute(province, today=timezone.localdate()), repeat=3)
    kept = response.context["figures"].computed_at is not None
    print(f"province dashboard, {communes} communes: {seconds * 1000:.0f} ms median, "
          f"{query_count} queries ({query_ms:.0f} ms in the database), {len(response.content) / 1024:.0f} KB of HTML "
          f"(page 1 of {response.context['page'].paginator.num_pages}); bare Django view {bare * 1000:.1f} ms; "
          f"ratio {seconds / bare:.0f}x; a commune's page {len(commune_page.content) / 1024:.0f} KB")
    print(f"  figures {'kept, computed by a job' if kept else 'computed in the request'}: computing every "
          f"commune's figures takes {compute * 1000:.0f} ms median"
          + (" (the first visit of the day waits for it)" if kept else ""))


def bench_assignment():
    """The assignment table and the six clears over the 1000 tasks `bench_my_work` made; one save of 500 items."""
    from plans.assignment import Change, assignment_save
    from plans.models import Plan, Unit
    from tasks.models import Task

    plan = Plan.objects.get(slug="bench-my-work-plan")
    admin = get_user_model().objects.create_user("bench-admin", password="x", role="admin")
    admin.units.set([Unit.objects.get(slug="bench-my-work-vhxh")])
    client = Client()
    client.force_login(admin)
    for label, url in (("assignment page", f"/plans/{plan.slug}/assignment/?missing=any"),
                       ("six-clears list", f"/plans/{plan.slug}/six-clears/")):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        query_count = len(queries)
        _, median = timed(lambda url=url: client.get(url), repeat=5)
        print(f"{label}, 1000 items (50 a page): {median * 1000:.0f} ms median, {query_count} queries")
    unit = Unit.objects.get(slug="bench-my-work-vhxh")
    tasks = list(Task.objects.filter(plan=plan).order_by("position")[:500])
    changes = [Change(key=f"task-{t.pk}", version=t.version,
                      values={"product": "Báo cáo", "authority": "Chủ tịch UBND xã"}) for t in tasks]
    _, seconds = timed(lambda: assignment_save(plan=plan, user=admin, changes=changes, reason="bench"))
    print(f"assignment, one save of 500 items (product, authority) with history: {seconds:.2f} s "
          f"({seconds / 500 * 1000:.1f} ms an item)")
    lead = [Change(key=f"task-{t.pk}", version=t.version + 1, values={"lead_units": [unit.pk]}) for t in tasks[:50]]
    _, seconds = timed(lambda: assignment_save(plan=plan, user=admin, changes=lead, reason="bench"))
    print(f"assignment, one save of lead units for 50 items with history: {seconds:.2f} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--national", action="store_true", help="also run warnings over 3,400 communes")
    parser.add_argument("--quick", action="store_true", help="small import sizes only")
    parser.add_argument("--province-only", action="store_true", help="only the warnings and the province dashboard")
    parser.add_argument("--reports", action="store_true", help="only the province and its reports")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("make bench needs PostgreSQL: set DATABASE_URL")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    # Its own database, so a benchmark never collides with a test run on the same server.
    connection.settings_dict["TEST"]["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from tests.bench_import import bench as bench_import
        from tests.bench_plan_page import bench as bench_plan_page
        from tests.bench_reports import bench as bench_reports

        # Warnings first, over the generated province alone; then its reports; then pages; then imports, which add rows.
        bench_warnings(95, "a province")
        bench_province_dashboard("bench-95")
        sys.stdout.flush()
        bench_reports("bench-95")
        if args.reports:
            return
        if args.national:
            # The same province grown to 3,400 communes, as the national scale.
            # No history for the added communes: nothing here reads it, and 7.6 million rows take an hour to write.
            bench_warnings(3400, "national scale (the province above grown to 3,400 communes)", province="bench-95",
                           months=0)
            bench_province_dashboard("bench-95")
            from tests.bench_national import bench as bench_national

            bench_national("bench-95")  # the pages whose figures jobs keep, and the scorecards workbook
        if args.province_only:
            return
        bench_my_work()
        bench_assignment()
        bench_plan_page()
        db = connection.settings_dict
        bench_import(f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
                     sizes=(46, 10_000, 100_000) if not args.quick else (46, 1000))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
