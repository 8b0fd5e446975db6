"""Speed-ups that must not change what they produce: the form renderer."""
import re

import pytest
from django.test import override_settings

from plans.models import Plan
from tasks.models import Task

# Workflows from a clean slate: the demo's year of work is left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]

DJANGO_RENDERER = "django.forms.renderers.DjangoTemplates"


def _as_shown(html):
    """The page's tags, in order, and its text with each run of white space as one space: Jinja2's widget
    templates leave line breaks where Django's leave a space or nothing (between a select's options, around a
    radio's label), which no browser shows."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.findall(r"<[^>]+>", html), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _pages(client, users):
    task = Task.objects.filter(plan__slug="phu-lam-55kh").order_by("pk").first()
    plan = Plan.objects.get(slug="phu-lam-55kh")
    pages = []
    client.force_login(users["phulam-officer"])
    form = client.get(f"/tasks/{task.pk}/report/")
    pages.append(form)
    # A refused save: the form again, with its errors.
    pages.append(client.post(f"/tasks/{task.pk}/report/", {
        "progress": "150", "achievements": "", "version": form.context["form"]["version"].value(),
        "period": form.context["form"]["period"].value()}))
    client.force_login(users["phulam-admin"])
    pages += [client.get(f"/plans/{plan.slug}/edit/"), client.get(f"/plans/{plan.slug}/tasks/new/"),
              client.get("/manage/people/new/")]
    client.force_login(users["admin"])
    pages += [client.get("/admin/people/user/add/"), client.get(f"/admin/tasks/task/{task.pk}/change/"),
              client.post("/admin/people/user/add/", {"username": "", "password1": "a", "password2": "b"})]
    return [_as_shown(page.content.decode()) for page in pages]


def test_the_form_renderer_gives_the_html_of_djangos_own(client, users):
    ours = _pages(client, users)
    with override_settings(FORM_RENDERER=DJANGO_RENDERER):
        djangos = _pages(client, users)
    assert len(ours) == 8
    for (our_tags, our_text), (django_tags, django_text) in zip(ours, djangos, strict=True):
        assert our_tags == django_tags
        assert our_text == django_text
    assert all(any(tag.startswith("<input") for tag in tags) for tags, _text in ours)
    assert any('class="errorlist' in tag for tags, _text in ours for tag in tags)
