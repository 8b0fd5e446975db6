"""Server time of My work and the plan page with their rows as Django template partials, or as Jinja2 ones, and of
the header with and without its fragment cache (issue 22, point 1): the figures behind the choice of engine.

    DATABASE_URL=postgres://.../portal_x python -m tests.partials_timing [N]

Against a database holding the demo (`manage.py load_demo`), DEBUG off (the cached template loader), in one
process through Django's test client: each figure is the median of N requests (default 40, after 5 unmeasured)
of the wall time and the process's CPU time a request. Variants are swapped in through a locmem loader placed
before the project's own, so the pages, views and queries are the same in each.
"""
import os
import re
import statistics
import sys
import time

ROUNDS = 4

WORK_ROWS_JINJA = """{% set plan_label = _("Kế hoạch") %}{% set progress_label = _("Tiến độ / lộ trình") %}{% set deadline_label = _("Hạn") %}{% set updated_label = _("Cập nhật gần nhất") %}{% set evidence_label = _("Minh chứng") %}{% set warnings_label = _("Cảnh báo") %}{% set lead = _("Chủ trì") %}{% set support = _("Phối hợp (chỉ xem, góp ý)") %}{% set no_schedule = _("Chưa có lộ trình") %}{% set met = _("Đạt chỉ tiêu") %}{% set not_met = _("Chưa đạt") %}{% set accepted = _("Đã chấp nhận") %}{% set pending = _("Chờ thẩm định") %}{% set rejected = _("Bị trả lại") %}{% set update = _("Cập nhật") %}{% set report = _("Báo cáo") %}{% set bar = _("Tiến độ") %}{% set since = _("từ") %}{% for row in rows %}{% set item = row.item %}{% set warnings = row.warnings -%}
<tbody id="work-{{ row.kind }}-{{ item.pk }}" class="work-item{% if warnings %} warned{% endif %}">
<tr>
  <td class="c-title"><a href="{{ row.url }}">{{ item.ordinal }}. {{ row.title }}</a>
    <div class="muted">{% if row.is_lead %}{{ lead }}{% else %}{{ support }}{% endif %} · {{ row.status }}</div></td>
  <td class="c-plan" data-label="{{ plan_label }}">{{ item.plan.reference }} · {{ item.plan.area }}<div class="muted">{{ row.plan_title }}</div></td>
  <td class="c-progress" data-label="{{ progress_label }}">{% if row.kind == "task" %}{% set value = item.progress or 0 %}<span class="progress"><progress value="{{ value }}" max="100" aria-label="{{ bar }}">{{ value }}%</progress> <span class="figure">{{ value }}%</span></span>
      <div class="muted">{% if row.expected is not none %}{{ _("Lộ trình: %(expected)s%%", expected=row.expected) }}{% else %}{{ no_schedule }}{% endif %}</div>
    {% else %}{{ item.current_value|floatformat("-2") or "—" }} / {{ item.target_text or "—" }}
      {% if item.is_met %}<div class="ok">{{ met }}</div>{% elif item.is_met is false %}<div class="warning">{{ not_met }}</div>{% endif %}{% endif %}</td>
  <td class="c-deadline" data-label="{{ deadline_label }}">{% if row.deadline %}{{ row.deadline|date("d/m/Y") }}<div class="muted">{% if row.overdue %}{{ ngettext("quá hạn %(days)s ngày", "quá hạn %(days)s ngày", row.days_overdue, days=row.days_overdue) }}{% elif row.days_left is not none and row.days_left >= 0 %}{{ ngettext("còn %(days)s ngày", "còn %(days)s ngày", row.days_left, days=row.days_left) }}{% endif %}</div>{% else %}—{% endif %}</td>
  <td class="c-updated" data-label="{{ updated_label }}">{{ row.last_update|date("d/m/Y H:i") or "—" }}</td>
  <td class="c-evidence" data-label="{{ evidence_label }}">{% if row.evidence_status == "accepted" %}<span class="badge issued">{{ accepted }}</span>{% elif row.evidence_status == "pending" %}<span class="badge draft">{{ pending }}</span>{% elif row.evidence_status == "rejected" %}<span class="badge rejected">{{ rejected }}</span>{% else %}<span class="muted">—</span>{% endif %}</td>
  <td class="c-warnings{% if not warnings %} empty{% endif %}" data-label="{{ warnings_label }}">{% if warnings %}
{% for warning in warnings %}<span class="mark {% if warning.is_red %}red{% else %}amber{% endif %}" title="{{ since }} {{ warning.raised_at|date('d/m/Y') }}">{{ warning.get_kind_display() }}</span> {% endfor %}
{% endif %}</td>
  <td class="c-action">{% if row.report_url %}{% if row.kind == "task" %}<a class="button small update" href="{{ row.report_url }}" hx-get="{{ row.report_url }}" hx-target="#form-task-{{ item.pk }}">{{ update }}</a>{% else %}<a class="button small update" href="{{ row.report_url }}">{{ report }}</a>{% endif %}{% endif %}</td>
</tr>
<tr class="inline-form"><td colspan="8" id="form-{{ row.kind }}-{{ item.pk }}"></td></tr>
</tbody>{% endfor %}"""

# The plan page's rows (today formatted by plans/document.py), from the same plain values, as each engine would
# lay them out: a dict a row, with its URL and marks; the labels translated once, before the rows.
PLAN_ROWS_DJANGO = """{% load i18n %}{% translate "Đơn vị tính" as unit_label %}{% translate "Kết quả" as target_label %}{% translate "Đơn vị chủ trì" as lead_unit_label %}{% translate "Trạng thái" as status_label %}{% translate "Cơ quan chủ trì" as lead_label %}{% translate "Cơ quan phối hợp" as support_label %}{% translate "Sản phẩm" as product_label %}{% translate "Thời gian thực hiện" as timeline_label %}{% translate "Tiến độ" as progress_label %}{% translate "từ" as since_label %}{% for row in indicators %}<tr><td>{{ row.ordinal }}</td><td><a href="{{ row.url }}">{{ row.content }}</a></td><td data-label="{{ unit_label }}">{{ row.unit_of_measure }}</td><td data-label="{{ target_label }}">{{ row.target|default:"—" }}</td><td data-label="{{ lead_unit_label }}">{{ row.lead|default:"—" }}</td><td data-label="{{ status_label }}">{{ row.status }} {% if row.warnings %}{% include "inc/warning_marks.html" with warnings=row.warnings %}{% endif %}</td></tr>{% endfor %}
{% for row in tasks %}<tr><td>{{ row.ordinal }}</td><td><a href="{{ row.url }}">{{ row.title }}</a></td><td data-label="{{ lead_label }}">{{ row.lead|default:"—" }}</td><td data-label="{{ support_label }}">{{ row.support|default:"—" }}</td><td data-label="{{ product_label }}">{{ row.product|default:"—" }}</td><td data-label="{{ timeline_label }}">{{ row.timeline|default:"—" }}</td><td data-label="{{ progress_label }}"><span class="progress"><progress value="{{ row.progress }}" max="100" aria-label="{{ progress_label }}">{{ row.progress }}%</progress> <span class="figure">{{ row.progress }}%</span></span> {% if row.warnings %}{% include "inc/warning_marks.html" with warnings=row.warnings %}{% endif %}</td></tr>{% endfor %}"""
PLAN_ROWS_JINJA = """{% set unit_label = _("Đơn vị tính") %}{% set target_label = _("Kết quả") %}{% set lead_unit_label = _("Đơn vị chủ trì") %}{% set status_label = _("Trạng thái") %}{% set lead_label = _("Cơ quan chủ trì") %}{% set support_label = _("Cơ quan phối hợp") %}{% set product_label = _("Sản phẩm") %}{% set timeline_label = _("Thời gian thực hiện") %}{% set progress_label = _("Tiến độ") %}{% set since_label = _("từ") %}{% for row in indicators %}<tr><td>{{ row.ordinal }}</td><td><a href="{{ row.url }}">{{ row.content }}</a></td><td data-label="{{ unit_label }}">{{ row.unit_of_measure }}</td><td data-label="{{ target_label }}">{{ row.target or "—" }}</td><td data-label="{{ lead_unit_label }}">{{ row.lead or "—" }}</td><td data-label="{{ status_label }}">{{ row.status }} {% if row.warnings %}{% for warning in row.warnings %}<span class="mark {% if warning.is_red %}red{% else %}amber{% endif %}" title="{{ since_label }} {{ warning.raised_at|date('d/m/Y') }}">{{ warning.get_kind_display() }}</span> {% endfor %}{% endif %}</td></tr>{% endfor %}
{% for row in tasks %}<tr><td>{{ row.ordinal }}</td><td><a href="{{ row.url }}">{{ row.title }}</a></td><td data-label="{{ lead_label }}">{{ row.lead or "—" }}</td><td data-label="{{ support_label }}">{{ row.support or "—" }}</td><td data-label="{{ product_label }}">{{ row.product or "—" }}</td><td data-label="{{ timeline_label }}">{{ row.timeline or "—" }}</td><td data-label="{{ progress_label }}"><span class="progress"><progress value="{{ row.progress }}" max="100" aria-label="{{ progress_label }}">{{ row.progress }}%</progress> <span class="figure">{{ row.progress }}%</span></span> {% if row.warnings %}{% for warning in row.warnings %}<span class="mark {% if warning.is_red %}red{% else %}amber{% endif %}" title="{{ since_label }} {{ warning.raised_at|date('d/m/Y') }}">{{ warning.get_kind_display() }}</span> {% endfor %}{% endif %}</td></tr>{% endfor %}"""


def _jinja_environment():
    """Jinja2 as Django's backend would give it, with the i18n extension on Django's translations."""
    from django.template.backends.jinja2 import Jinja2
    from django.template.defaultfilters import floatformat
    from django.utils import dateformat, timezone
    from django.utils.translation import gettext, ngettext

    def date(value, format_string):
        if not value:
            return ""
        if hasattr(value, "tzinfo") and value.tzinfo is not None:
            value = timezone.localtime(value)
        return dateformat.format(value, format_string)

    engine = Jinja2({"NAME": "jinja2", "DIRS": [], "APP_DIRS": False,
                     "OPTIONS": {"extensions": ["jinja2.ext.i18n"]}})
    environment = engine.env
    environment.install_gettext_callables(gettext, ngettext, newstyle=True)
    environment.filters.update(date=date, floatformat=floatformat)
    return environment


def _plan_row_values(rows, section_id):
    """The open section's rows as dicts (what plans/document.py would hand a template)."""
    from django.utils.text import Truncator

    from plans.document import reverse_for_ids
    from plans.models import ItemStatus

    found = rows.sections.get(section_id, {"indicators": [], "tasks": []})
    statuses = dict(ItemStatus.choices)
    indicator_url, task_url = reverse_for_ids("indicators:indicator_detail"), reverse_for_ids("tasks:task_detail")
    indicators = [{"ordinal": ordinal, "url": indicator_url(pk), "content": content, "unit_of_measure": unit,
                   "target": target, "lead": rows._indicator_leads.get(pk), "status": statuses.get(status, status),
                   "warnings": rows._warnings.get(("indicator", pk))}
                  for pk, ordinal, content, unit, target, status in found["indicators"]]
    tasks = [{"ordinal": ordinal, "url": task_url(pk), "title": Truncator(title).words(40), "lead": rows._task_leads.get(pk),
              "support": rows._task_supports.get(pk), "product": product, "timeline": timeline, "progress": progress,
              "warnings": rows._warnings.get(("task", pk))}
             for pk, ordinal, title, progress, product, timeline in found["tasks"]]
    return {"indicators": indicators, "tasks": tasks}


def _shown(html):
    """The tags in order and the text, white space runs as one space."""
    return re.findall(r"<[^>]+>", html), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _measure(client, url, repeat):
    for _ in range(5):
        assert client.get(url).status_code == 200
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        client.get(url)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def _rows_only(render, repeat):
    for _ in range(3):
        render()
    times = []
    for _ in range(repeat):
        started = time.process_time()
        render()
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment
    from django.utils import translation

    import tasks.views
    from people.models import User
    from plans.document import PlanRows
    from plans.models import Plan

    try:
        from tasks.rows import work_rows_shown
    except ImportError:  # a version with its rows formatted in Python: measured as it is
        work_rows_shown = None

    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    setup_test_environment()
    assert not settings.DEBUG
    jinja = _jinja_environment()
    work_rows = jinja.from_string(WORK_ROWS_JINJA)

    def templates(overrides):
        """TEMPLATES with `overrides` ({name: source}) found first, everything through the cached loader."""
        options = {key: value for key, value in settings.TEMPLATES[0]["OPTIONS"].items()}
        options["loaders"] = [("django.template.loaders.cached.Loader", [
            ("django.template.loaders.locmem.Loader", overrides), "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader"])]
        return [{**settings.TEMPLATES[0], "APP_DIRS": False, "OPTIONS": options}]

    def jinja_rows(rows):
        """The page's rows rendered by Jinja2, handed to the page as the first row's `html`."""
        for row in work_rows_shown(rows):
            row.html = ""
        if rows:
            rows[0].html = work_rows.render(rows=rows)
        return rows

    officer, leader = User.objects.get(username="phulam-officer"), User.objects.get(username="phulam-leader")
    pages = [("My work, tasks", officer, "/tasks/my-work/?kind=tasks"),
             ("My work, indicators", officer, "/tasks/my-work/?kind=indicators"),
             ("plan page phu-lam-55kh", leader, "/plans/phu-lam-55kh/"),
             ("plan page dong-nai-182", leader, "/plans/dong-nai-182/")]
    uncached_topbar = ""
    if (settings.BASE_DIR / "templates/inc/topbar.html").exists():
        with open(settings.BASE_DIR / "templates/inc/topbar.html") as source:
            uncached_topbar = source.read().replace("{% endcache %}", "")
            start = uncached_topbar.index("{% cache")
            uncached_topbar = uncached_topbar[:start] + uncached_topbar[uncached_topbar.index("%}", start) + 2:]
    variants = [("as it is", {}, None)]
    if work_rows_shown is not None:
        variants += [("header menu not cached", {"inc/topbar.html": uncached_topbar}, None),
                     ("Jinja2 work rows", {"tasks/inc/work_rows.html": "{% for row in rows %}{{ row.html|safe }}{% endfor %}"},
                      jinja_rows)]
    # Each variant in turn, ROUNDS times over (blocks interleaved, so the machine's drift touches all alike).
    print(f"median of {repeat} requests ({ROUNDS} interleaved blocks, 5 unmeasured each), ms: wall / CPU")
    figures = {(label, name): ([], []) for label, _o, _s in variants for name, _u, _url in pages}
    for _round in range(ROUNDS):
        for label, overrides, shown in variants:
            with override_settings(TEMPLATES=templates(overrides)):
                views = getattr(tasks.views, "work", tasks.views)  # a views package: My work is views/work.py
                original = getattr(views, "work_rows_shown", None)
                if shown:
                    views.work_rows_shown = shown
                try:
                    for name, user, url in pages:
                        client = Client()
                        client.force_login(user)
                        walls, cpus = _measure(client, url, repeat // ROUNDS)
                        figures[label, name][0].extend(walls)
                        figures[label, name][1].extend(cpus)
                finally:
                    if shown:
                        views.work_rows_shown = original
    for label, _o, _s in variants:
        print(f"{label}: " + "; ".join(
            f"{name} {statistics.median(figures[label, name][0]) * 1000:.1f} / "
            f"{statistics.median(figures[label, name][1]) * 1000:.1f}" for name, _u, _url in pages))

    if work_rows_shown is None:
        return
    # The plan page's rows alone, at the size the page shows at most (an open section of 300 items), made of the
    # demo plans' rows repeated: today's f-strings, a Django template, a Jinja2 template.
    from django.template import engines

    plan = Plan.objects.get(slug="phu-lam-55kh")
    rows = PlanRows(plan)
    indicators = [row for found in rows.sections.values() for row in found["indicators"]]
    tasks_ = [row for found in rows.sections.values() for row in found["tasks"]]
    big = {"indicators": (indicators * 300)[:150], "tasks": (tasks_ * 300)[:150]}
    rows.sections["big"] = big
    django_rows = engines["django"].from_string(PLAN_ROWS_DJANGO)
    jinja_plan_rows = jinja.from_string(PLAN_ROWS_JINJA)
    with translation.override("vi"):
        shown = [_shown(str(html)) for html in (
            "".join(rows.html("big").values()), django_rows.render(_plan_row_values(rows, "big")),
            jinja_plan_rows.render(**_plan_row_values(rows, "big")))]
        assert shown[0] == shown[1] == shown[2], "the three give different rows"
        old = _rows_only(lambda: rows.html("big"), repeat)
        through_django = _rows_only(lambda: django_rows.render(_plan_row_values(rows, "big")), repeat)
        through_jinja = _rows_only(lambda: jinja_plan_rows.render(**_plan_row_values(rows, "big")), repeat)
        values = _rows_only(lambda: _plan_row_values(rows, "big"), repeat)
    print(f"plan rows, 300 (150 indicators, 150 tasks), CPU ms median of {repeat}: f-strings {old:.1f}; "
          f"Django template {through_django:.1f}; Jinja2 {through_jinja:.1f} (of which the values {values:.1f})")


if __name__ == "__main__":
    main()
