"""Speed-ups that must not change what they produce: the form renderer, the PostgreSQL operations and the
layout's header."""
import re

import pytest
from django.db import connection
from django.db.backends.postgresql.operations import DatabaseOperations as DjangoOperations
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.template import engines
from django.test import RequestFactory, override_settings
from django.utils import translation

from people.models import Notification, User
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
    for (our_tags, our_text), (django_tags, django_text) in zip(ours, djangos):
        assert our_tags == django_tags
        assert our_text == django_text
    assert all(any(tag.startswith("<input") for tag in tags) for tags, _text in ours)
    assert any('class="errorlist' in tag for tags, _text in ours for tag in tags)


def test_the_postgresql_operations_compile_the_sql_of_djangos_own(users):
    if connection.vendor != "postgresql":
        pytest.skip("the portal's own operations are PostgreSQL's")
    user = users["phulam-officer"]
    querysets = [
        Task.objects.filter(plan__area__parent__slug="dong-nai", lead_units__name__icontains="văn hóa"),
        Task.objects.select_related("plan__area", "officer").filter(support_units__area__kind="commune"),
        Task.history.filter(plan_id=1).values("history_user__username", "plan__slug"),
        Plan.objects.visible_to(user).filter(implements_plan__area__name__startswith="Đồng"),
        User.objects.filter(units__area__parent__isnull=False).values_list("units__area__parent_id"),
    ]
    ours = [str(queryset.query) for queryset in querysets]
    operations, connection.ops = connection.ops, DjangoOperations(connection)
    try:
        djangos = [str(queryset.query) for queryset in querysets]
    finally:
        connection.ops = operations
    assert type(operations).__module__ == "config.postgresql.base"
    assert ours == djangos and all("JOIN" in sql for sql in ours)



def test_the_postgresql_operations_cast_where_djangos_own_do(users):
    """Joins between columns of different types get the cast Django's operations give them, asked twice (the
    second answer comes from the kept one)."""
    if connection.vendor != "postgresql":
        pytest.skip("the portal's own operations are PostgreSQL's")
    pairs = [(Task._meta.get_field("plan"), Plan._meta.get_field("id")),
             (Plan._meta.get_field("slug"), Task._meta.get_field("id")),
             (Task._meta.get_field("title"), Plan._meta.get_field("slug"))]
    django_operations = DjangoOperations(connection)
    for _ in range(2):
        for lhs, rhs in pairs:
            ours = connection.ops.prepare_join_on_clause("lhs", lhs, "rhs", rhs)
            djangos = django_operations.prepare_join_on_clause("lhs", lhs, "rhs", rhs)
            assert repr(ours) == repr(djangos)
    assert "Cast" in repr(connection.ops.prepare_join_on_clause("lhs", pairs[1][0], "rhs", pairs[1][1]))
    assert "Cast" not in repr(connection.ops.prepare_join_on_clause("lhs", pairs[0][0], "rhs", pairs[0][1]))


# base.html's header as the template engine rendered it before `{% topbar %}` (config/layout_tags.py) did.
HEADER_TEMPLATE = """{% load i18n %}{% get_current_language as LANGUAGE_CODE %}<header class="topbar">
  <a class="brand" href="{% url 'plans:plan_list' %}">{% translate "Cổng theo dõi NQ 57" %}</a>
  {% if user.is_authenticated %}
  <nav aria-label="{% translate 'Điều hướng chính' %}">
    <a href="{% url 'tasks:my_work' %}">{% translate "Việc của tôi" %}</a>
    <a href="{% url 'plans:plan_list' %}">{% translate "Kế hoạch" %}</a>
    <a href="{% url 'reports:dashboard' %}">{% translate "Tổng quan" %}</a>
    <a href="{% url 'reports:warning_list' %}">{% translate "Cảnh báo" %}</a>
    <a href="{% url 'reports:report_list' %}">{% translate "Báo cáo" %}</a>
    {% if user.role == "reviewer" or user.is_superuser %}<a href="{% url 'evidence:review_queue' %}">{% translate "Thẩm định minh chứng" %}</a>{% endif %}
    {% if user.is_portal_admin %}<a href="{% url 'plans:manage' %}">{% translate "Quản trị" %}</a>{% endif %}
    {% if user.is_superuser %}<a href="{% url 'admin:index' %}">{% translate "Quản trị hệ thống" %}</a>{% endif %}
  </nav>
  <div class="who">
    <a class="bell" href="{% url 'people:notifications' %}" title="{% translate 'Thông báo' %}">{% translate "Thông báo" %}<span class="count" id="unread-count">{{ unread_notifications|default:"" }}</span></a>
    <span class="name">{{ user.get_full_name|default:user.username }} · {{ user.get_role_display }}</span>
    <a href="{% url 'password_change' %}">{% translate "Đổi mật khẩu" %}</a>
    <form method="post" action="{% url 'logout' %}" class="inline">{% csrf_token %}<button type="submit" class="link">{% translate "Đăng xuất" %}</button></form>
  </div>
  {% endif %}
  <form method="post" action="{% url 'set_language' %}" class="inline lang">{% csrf_token %}
    <input type="hidden" name="next" value="{{ request.get_full_path }}">
    {% get_available_languages as languages %}
    {% for code, name in languages %}<button type="submit" name="language" value="{{ code }}" lang="{{ code }}" title="{{ code|language_name_local }}" class="link{% if code == LANGUAGE_CODE %} current{% endif %}">{{ code|upper }}</button>{% endfor %}
  </form>
</header>"""


def test_the_header_tag_gives_the_html_of_the_template_it_replaced(users):
    engine = engines["django"]
    theirs, ours = engine.from_string(HEADER_TEMPLATE), engine.from_string("{% topbar %}")
    people = [AnonymousUser(), *users.values()]
    users["phulam-officer"].first_name = "<Nguyễn & \"Văn\">"
    Notification.objects.create(recipient=users["phulam-officer"], message="x")
    compared = set()
    for person in people:
        for language in ("vi", "en"):
            with translation.override(language):
                request = RequestFactory().get("/plans/", {"q": "<a & 'b'>"})
                request.user, request.session = person, SessionStore()
                request._messages = FallbackStorage(request)
                request.COOKIES["csrftoken"] = "A" * 32
                their_html, our_html = theirs.render({}, request), ours.render({}, request)
                # The same form token, masked anew at each render.
                assert re.sub(r'value="[A-Za-z0-9]{64}"', "T", our_html) == re.sub(r'value="[A-Za-z0-9]{64}"', "T",
                                                                                   their_html)
                compared.add((getattr(person, "role", ""), person.is_superuser, "unread-count\">1<" in our_html))
    assert ("officer", False, True) in compared and ("reviewer", False, False) in compared
    assert ("admin", True, False) in compared and ("", False, False) in compared


def _history_links(record):
    """{field: sorted through-table rows} a history record holds."""
    links = {}
    for field in record._history_m2m_fields:
        rows = getattr(record, field.name).all().values_list(*[f.attname for f in field.remote_field.through._meta.fields])
        links[field.name] = sorted(rows)
    return links


def test_a_saves_history_links_are_the_rows_simple_history_writes(users):
    import simple_history.models
    from django.db.models.signals import post_save

    from plans.history import HistoricalRecords

    task = Task.objects.filter(lead_units__isnull=False, support_units__isnull=False).distinct().first()
    task.support_units.add(*Task.objects.exclude(pk=task.pk).first().lead_units.all())
    task.title += " (sửa)"
    task.save()
    record = task.history.order_by("-history_id").first()
    ours = _history_links(record)
    assert all(ours.values()) and ours["lead_units"] == sorted(task.lead_units.through.objects.filter(task=task)
                                                               .values_list("id", "task_id", "unit_id"))
    (records,) = [receiver.__self__ for receivers in post_save._live_receivers(Task) for receiver in receivers
                  if isinstance(getattr(receiver, "__self__", None), HistoricalRecords)]
    for field in record._history_m2m_fields:
        getattr(record, field.name).all().delete()
    simple_history.models.HistoricalRecords.create_historical_record_m2ms(records, record, task)
    assert _history_links(record) == ours
