"""A plan of many items opens one section at a time, the others folded with their counts and a plain link."""
import re

import pytest

from tests.large_plan import large_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, django_user_model):
    def sign_in(units):
        user = django_user_model.objects.create_user("reader", password="x", role="leader")
        user.units.set(units[:1])
        client.force_login(user)
        return client
    return sign_in


def _sections(response):
    html = response.content.decode()
    return html[html.index('<div id="plan-sections">'):html.index("</article>")]


def _rows(response):
    return len(re.findall(r"<tr><td>", response.content.decode()))


def test_a_large_plan_shows_its_first_section_and_folds_the_others(reader):
    plan, units = large_plan(items=2000, sections=20)
    client = reader(units)
    response = client.get(f"/plans/{plan.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert _rows(response) == 100  # section 1: 50 indicators and 50 tasks
    assert len(response.content) < 300 * 1024
    third = plan.sections.get(number="3.")
    assert f'href="?section={third.pk}#section-{third.pk}"' in html
    assert html.count("Xem 50 chỉ tiêu, 50 nhiệm vụ") == 19
    # The plain link, as a browser without JavaScript follows it, opens the third section only.
    opened = client.get(f"/plans/{plan.slug}/", {"section": third.pk})
    assert _rows(opened) == 100 and 'href="/tasks/' in opened.content.decode()
    first_task = plan.tasks.order_by("position").first()
    assert f'href="/tasks/{first_task.pk}/"' in html and f'href="/tasks/{first_task.pk}/"' not in opened.content.decode()


def test_a_section_of_another_plan_or_a_word_opens_the_first_section(reader, demo):
    from plans.models import Section

    plan, units = large_plan(items=400, sections=4)
    client = reader(units)
    first = _sections(client.get(f"/plans/{plan.slug}/"))
    other = Section.objects.exclude(plan=plan).first()
    assert _sections(client.get(f"/plans/{plan.slug}/", {"section": plan.sections.last().pk})) != first
    for section in (other.pk, "x", "-1"):
        assert _sections(client.get(f"/plans/{plan.slug}/", {"section": section})) == first


def test_a_long_section_is_paged(reader):
    plan, units = large_plan(items=800, sections=1)
    client = reader(units)
    pages = [client.get(f"/plans/{plan.slug}/", {"page": number}) for number in (1, 2, 3)]
    assert [_rows(page) for page in pages] == [300, 300, 200]
    assert "page=2" in pages[0].content.decode() and "Trang 1/3" in pages[0].content.decode()


def test_a_plan_of_few_items_shows_them_all(reader):
    plan, units = large_plan(items=300, sections=3)
    response = reader(units).get(f"/plans/{plan.slug}/")
    assert _rows(response) == 300 and 'id="plan-folded"' not in response.content.decode()


def test_the_plan_page_reads_a_fixed_number_of_queries(reader, django_assert_num_queries):
    plan, units = large_plan(items=2000, sections=20)
    client = reader(units)
    second = plan.sections.order_by("position")[1]
    for query in ({}, {"section": second.pk}):
        # (the session is read from the cache) 1 the user with the bell's count, 2 the plan with its area, the
        # plans it cites and its budget share, 3 the user's units, their areas and names (scope; the names tell
        # who enters funding), 4-6 the documents it implements and cites and the plans implementing it, 7 open
        # warnings of its items, 8 indicators' lead units and tasks' lead and support units (one UNION), 9-10
        # indicators' targets by year and the indicators, 11 the tasks, 12 the sections, 13-14 the plan's history
        # with its documents' changes (one UNION), 15 the latest changes of its sections, indicators and tasks (one
        # UNION), 16 the funding section's funded tasks (the plan has none and no budget share: no sums by year
        # and no base figures are read)
        with django_assert_num_queries(16):
            assert client.get(f"/plans/{plan.slug}/", query).status_code == 200
