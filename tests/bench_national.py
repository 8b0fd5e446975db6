"""The province's pages at national scale (3,400 communes): server time of each page, measured with Django's test
Client (the request through every middleware, no socket), and the jobs that keep their figures.

Called from tests/bench.py's national part over its generated data; or, to keep a national data set between runs
(generating it takes minutes), over a database of your own:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_national python manage.py migrate
    DATABASE_URL=... python manage.py generate_scale_data --communes 3400 --months 12 --province nat
    DATABASE_URL=... python -m tests.bench_national nat
and over HTTP, with gunicorn and a Celery worker serving that database:
    DATABASE_URL=... python -m tests.bench_national nat --url http://127.0.0.1:8400
Jobs run here, in this process, so the figures say what a worker spends and what a leader waits.
"""
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

PROVINCE_TASKS = 21  # as many as each commune plan has: commune task N carries out province task N


CPU = []  # this process's CPU time of each page measured last (the machine is shared: wall time varies with load)


def _median_ms(client, url, repeat=5):
    durations, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        durations.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        assert response.status_code == 200, (url, response.status_code)
    CPU[:] = [statistics.median(cpu) * 1000]
    return statistics.median(durations) * 1000, response


def _cpu():
    return f" (CPU {CPU[0]:.0f} ms)"


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def _timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def setup(province_slug):
    """A province leader, a province plan whose tasks the communes' first plans carry out, and a named officer in
    charge of each commune's tasks (so the officers' scorecards hold thousands of people). Idempotent."""
    from indicators.models import Indicator
    from plans.models import Area, Plan, Section, Unit
    from tasks.models import Task

    User = get_user_model()
    province = Area.objects.get(slug=province_slug)
    unit, _created = Unit.objects.get_or_create(area=province, name="UBND tỉnh", slug=f"{province_slug}-ubnd")
    leader, _created = User.objects.get_or_create(username=f"{province_slug}-leader", defaults={"role": "leader"})
    leader.units.set([unit])
    plan, created = Plan.objects.get_or_create(slug=f"{province_slug}-kh-tinh", defaults={
        "area": province, "issuer": f"UBND {province.name}", "number": "57", "issued_year": 2026, "issued_month": 3,
        "status": Plan.Status.ISSUED, "title": "Kế hoạch của tỉnh"})
    if created:
        section = Section.objects.create(plan=plan, appendix="II", number="I.", title="Nhiệm vụ", position=1)
        for i in range(1, PROVINCE_TASKS + 1):
            task = Task.objects.create(plan=plan, section=section, position=i, ordinal=str(i), title=f"Nhiệm vụ {i}",
                                       product="Báo cáo", timeline_text="Năm 2026")
            Task.objects.filter(plan__area__parent=province, plan__slug__endswith="-kh1", ordinal=str(i)).update(
                carries_out=task)
        for i in range(1, 6):
            indicator = Indicator.objects.create(plan=plan, section=section, position=i, ordinal=str(i),
                                                 content=f"Chỉ tiêu {i}", unit_of_measure="%", target_text="≥ 80")
            Indicator.objects.filter(plan__area__parent=province, plan__slug__endswith="-kh1",
                                     ordinal=str(i)).update(contributes_to=indicator)
        communes = list(Area.objects.filter(parent=province).values_list("slug", flat=True))
        User.objects.bulk_create([User(username=f"{slug}-officer", role="officer", first_name="Cán bộ",
                                       last_name=slug) for slug in communes], ignore_conflicts=True)
        with connection.cursor() as cursor:
            cursor.execute(f"""
                UPDATE {Task._meta.db_table} t SET officer_id = u.id
                FROM {Plan._meta.db_table} p, {Area._meta.db_table} a, {User._meta.db_table} u
                WHERE t.plan_id = p.id AND p.area_id = a.id AND a.parent_id = %s AND u.username = a.slug || '-officer'
            """, [province.pk])  # noqa: S608 - names from _meta, values as parameters
            cursor.execute("ANALYZE")
    return province, leader, plan


def bench(province_slug):
    from plans.models import Area
    from reports.models import ProvinceFigures
    from reports.province_figures import followed_down_keep, kept_path, province_figures_refresh
    from reports.scorecards import kept_scorecards_name, scorecards_keep, workbook_build, workbook_name, workbook_state

    from config import jobs

    enqueue, jobs.enqueue = jobs.enqueue, lambda *args, **kwargs: True  # the jobs run here, timed: none published
    try:
        _bench(province_slug, Area, ProvinceFigures, province_figures_refresh, followed_down_keep, kept_path,
               kept_scorecards_name, scorecards_keep, workbook_build, workbook_name, workbook_state)
    finally:
        jobs.enqueue = enqueue


def _bench(province_slug, Area, ProvinceFigures, province_figures_refresh, followed_down_keep, kept_path,
           kept_scorecards_name, scorecards_keep, workbook_build, workbook_name, workbook_state):
    province, leader, plan = setup(province_slug)
    communes = Area.objects.filter(parent=province).count()
    today = timezone.localdate()
    client = Client()
    client.force_login(leader)
    scope = f"?province={province.slug}"
    label = f"national scale, {communes} communes"

    client.get(f"/reports/communes/{Area.objects.filter(parent=province).order_by('slug').first().slug}/")  # warm up
    # The dashboard: the first view with nothing kept, the job, then views of kept figures.
    ProvinceFigures.objects.filter(province=province).delete()
    first, response = _median_ms(client, f"/reports/{scope}", repeat=1)
    assert response.context["figures"].pending
    _count, job = _timed(lambda: province_figures_refresh(province_id=province.pk, today=today))
    ProvinceFigures.objects.filter(province=province).update(computed_at=timezone.now())  # fresh: no refresh asked
    kept, response = _median_ms(client, f"/reports/{scope}&sort=completion")
    kept_cpu = _cpu()
    ProvinceFigures.objects.filter(province=province).update(day=today.replace(day=1) if today.day > 1 else today)
    yesterday, _response = _median_ms(client, f"/reports/{scope}", repeat=3)
    print(f"{label}: dashboard, first view with nothing kept {first:.0f} ms (shows 'đang tính'); kept figures "
          f"{kept:.0f} ms median{kept_cpu} ({_queries(client, f'/reports/{scope}')} queries, "
          f"{len(response.content) / 1024:.0f} KB); an earlier day's figures shown while a job refreshes them "
          f"{yesterday:.0f} ms; the job computing them {job:.2f} s", flush=True)

    # The scorecards page: kept rows (the job computing them timed), paged and filtered.
    year = today.year
    kept_path(f"{kept_scorecards_name(province, year)}.json").unlink(missing_ok=True)
    computing, _response = _median_ms(client, f"/reports/scorecards/{scope}", repeat=1)
    units, job = _timed(lambda: scorecards_keep(province_id=province.pk, year=year, today=today))
    page, response = _median_ms(client, f"/reports/scorecards/{scope}")
    page_cpu = _cpu()
    later, _response = _median_ms(client, f"/reports/scorecards/{scope}&page=200&officers_page=50")
    filtered, _response = _median_ms(client, f"/reports/scorecards/{scope}&q=xa-0042")
    print(f"{label}: scorecards page, before the first kept rows {computing:.0f} ms; kept rows of {units} units and "
          f"{response.context['officers'].paginator.count} officers {page:.0f} ms median{page_cpu} "
          f"({len(response.content) / 1024:.0f} KB), page 200 {later:.0f} ms, filtered by a commune {filtered:.0f} ms; "
          f"the job computing them {job:.2f} s", flush=True)

    # The workbook: asked for in the request, built by its job, downloaded.
    area_ids = [*Area.objects.filter(parent=province).values_list("pk", flat=True), province.pk]
    name = workbook_name(area_ids, year)
    kept_path(f"{name}.json").unlink(missing_ok=True)
    started = time.perf_counter()
    assert client.post(f"/reports/scorecards/workbook/{scope}").status_code == 302
    ask = (time.perf_counter() - started) * 1000
    _count, build = _timed(lambda: workbook_build(name=name, area_ids=area_ids, year=year, title="Bảng điểm"))
    started = time.perf_counter()
    download = client.get(f"/reports/scorecards.xlsx{scope}")
    size = len(b"".join(download.streaming_content))
    fetch = (time.perf_counter() - started) * 1000
    from reports.province_figures import kept_read
    from reports.scorecards import scorecard_workbook

    rows = kept_read(kept_scorecards_name(province, year))
    _data, write = _timed(lambda: scorecard_workbook(units=rows["units"], officers=rows["officers"], title="Bảng điểm"))
    print(f"{label}: scorecards workbook, asking {ask:.0f} ms; the job building it {build:.2f} s, of which writing "
          f"the xlsx (write-only, named styles) {write:.2f} s "
          f"({workbook_state(name)['units']} units, {workbook_state(name)['officers']} officers, "
          f"{size / 1024:.0f} KB); downloading {fetch:.0f} ms", flush=True)

    # The province plan followed down to every commune: kept rollups (the job adding them up timed).
    url = f"/reports/plans/{plan.slug}/followed-down/"
    kept_path(f"followed-down-{plan.pk}.json").unlink(missing_ok=True)
    computing, _response = _median_ms(client, url, repeat=1)
    _count, job = _timed(lambda: followed_down_keep(plan_id=plan.pk, today=today))
    followed, response = _median_ms(client, url)
    print(f"{label}: followed-down page of a province plan ({len(response.context['tasks'])} tasks carried out by "
          f"{response.context['commune_count']} communes), before the first kept rollups {computing:.0f} ms; kept "
          f"rollups {followed:.0f} ms median{_cpu()}, {_queries(client, url)} queries; the job adding them up {job:.2f} s",
          flush=True)


def http(base_url, province_slug):
    """The same pages over HTTP from a running portal (gunicorn and a Celery worker on this database): each page
    once to let the jobs keep its figures, then timed; a session made here stands for the leader's sign-in."""
    import urllib.request

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from importlib import import_module

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    province, leader, plan = setup(province_slug)
    session = SessionStore()
    session.update({SESSION_KEY: str(leader.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[-1],
                    HASH_SESSION_KEY: leader.get_session_auth_hash()})
    session.create()

    def get(path):
        request = urllib.request.Request(base_url + path, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}="  # noqa: S310 - own server
                                                                             f"{session.session_key}"})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - the bench's own http:// server
            body = response.read()
            assert response.status == 200 and "/accounts/login/" not in response.url, (path, response.url)
        return (time.perf_counter() - started) * 1000, body

    pages = {"dashboard": f"/reports/?province={province.slug}&sort=completion",
             "scorecards": f"/reports/scorecards/?province={province.slug}",
             "scorecards page 200": f"/reports/scorecards/?province={province.slug}&page=200",
             "followed-down": f"/reports/plans/{plan.slug}/followed-down/"}
    for path in pages.values():
        get(path)
    time.sleep(30)  # the worker keeps what the first views asked for
    communes = province.children.count()
    for name, path in pages.items():
        durations = [get(path)[0] for _ in range(7)]
        print(f"national scale over HTTP, {communes} communes: {name} {statistics.median(durations):.0f} ms median, "
              f"longest {max(durations):.0f} ms", flush=True)


if __name__ == "__main__":
    if connection.vendor != "postgresql":
        sys.exit("needs PostgreSQL: set DATABASE_URL")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if "--url" in sys.argv:  # python -m tests.bench_national nat --url http://127.0.0.1:8400
        http(sys.argv[sys.argv.index("--url") + 1], sys.argv[1])
        sys.exit()
    setup_test_environment()
    bench(sys.argv[1] if len(sys.argv) > 1 else "nat")
