"""A leader opens a plan of 2,000 items: one section at a time, the others opened in place, in a real Chromium."""
import pytest

from tests.large_plan import large_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_opens_the_sections_of_a_large_plan_one_at_a_time(live_server, page, sign_in, django_user_model):
    plan, units = large_plan(items=2000, sections=20)
    leader = django_user_model.objects.create_user("large-leader", password="demo-2026", role="leader")
    leader.units.set(units[:1])
    sign_in(page, "large-leader")
    page.goto(f"{live_server.url}/plans/{plan.slug}/")
    assert page.locator("table.tasks tbody tr").count() == 50  # the first section's
    assert page.locator("#section-{} table.tasks tbody tr".format(plan.sections.get(number="1.").pk)).count() == 50

    third = plan.sections.get(number="3.")
    page.evaluate("window.samePage = true")
    page.locator(f"#section-{third.pk}").get_by_role("link", name="Xem 50 chỉ tiêu, 50 nhiệm vụ").click()
    page.wait_for_url(f"**/plans/{plan.slug}/?section={third.pk}")
    rows = page.locator(f"#section-{third.pk} table.tasks tbody tr")
    rows.first.wait_for()
    assert rows.count() == 50 and page.locator("table.tasks tbody tr").count() == 50
    # Swapped in place by htmx (the page was not loaded again): one list of sections, not a page inside the page.
    assert page.evaluate("window.samePage === true")
    assert page.locator("#plan-sections").count() == 1 and page.locator("header.topbar").count() == 1
    first_task = plan.tasks.get(section=third, position=min(plan.tasks.filter(section=third)
                                                                .values_list("position", flat=True)))
    page.get_by_role("link", name=first_task.title).first.click()
    assert page.locator("h1").inner_text() == f"Nhiệm vụ {first_task.ordinal}"
