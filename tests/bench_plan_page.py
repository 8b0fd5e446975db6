"""The plan page of a plan with 2,000 items: its size and time (goal: ≤ 300 KB, ≤ 300 ms).

    DATABASE_URL=postgres://... python -m tests.bench_plan_page
(`make bench` runs it too, through tests/bench.py.)
"""
import os


def bench(items=2000):
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.bench import timed
    from tests.large_plan import large_plan

    plan, units = large_plan(slug="bench-plan-page", items=items)
    leader = get_user_model().objects.create_user("bench-plan-leader", password="x", role="leader")
    leader.units.set(units[:1])
    client = Client()
    client.force_login(leader)
    second = plan.sections.order_by("position")[1]
    for label, url in (("first section open", f"/plans/{plan.slug}/"),
                       ("a section named in the URL", f"/plans/{plan.slug}/?section={second.pk}")):
        reset_queries()  # the log keeps earlier queries while DEBUG is on, up to its length
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        _, median = timed(lambda url=url: client.get(url), repeat=7)
        print(f"plan page, {items} items, {label}: {len(response.content) / 1024:.0f} KB, "
              f"{median * 1000:.0f} ms median of 7, {len(queries)} queries")


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = f"bench_plan_page_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        bench()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
