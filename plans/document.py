"""The plan page's item rows, built once in Python.

A plan holds up to a thousand tasks and as many indicators; rendering each row through the template engine
(includes, filters, a URL per row) cost most of the page's time, so the rows are formatted here, escaped by
`html.escape` (what `format_html` does to a plain value, without its per-argument checks), from plain values
read in a fixed number of queries. The template lays out the rest of the page.
"""
from collections import defaultdict
from html import escape

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from indicators.models import Indicator
from tasks.models import Task

from .clears import named, named_fields
from .models import ItemStatus

_PK = 999999937  # stands for an item's id in a URL reversed once per page


def reverse_for_ids(name):
    """`reverse(name, args=[pk])` as a function of pk, reversed once: a page with many rows links each of them."""
    base = reverse(name, args=[_PK])
    return lambda pk: base.replace(str(_PK), str(pk))


def person_name(user):
    """`{{ user.get_full_name|default:user.username }}`, as rows show their author."""
    return user.get_full_name() or user.username


def minute_text(moment):
    """`{{ moment|date:"d/m/Y H:i" }}` (local time) without the template filter's cost; "" for None."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def _unit_names(model, field, plan, real=None):
    """{item id: its units' names}; `real` (a set), when given, gets the ids of items naming a real unit."""
    through = getattr(model, field).through
    item = model._meta.model_name
    names = defaultdict(list)
    for item_id, name, placeholder in (through.objects.filter(**{f"{item}__plan": plan}).order_by("unit__name")
                                       .values_list(f"{item}_id", "unit__name", "unit__is_placeholder")):
        names[item_id].append(name)
        if real is not None and not placeholder:
            real.add(item_id)
    return {item_id: "; ".join(found) for item_id, found in names.items()}


def _warning_marks(plan):
    from reports.marks import warning_marks_html
    from reports.models import Warning

    marks = defaultdict(list)
    # One query for both kinds: a warning is on a task or on an indicator, never both (a constraint says so).
    for warning in (Warning.objects.filter(closed_at__isnull=True)
                    .filter(Q(task__plan=plan) | Q(indicator__plan=plan)).order_by("-raised_at")):
        key = ("task", warning.task_id) if warning.task_id else ("indicator", warning.indicator_id)
        marks[key].append(warning)
    return {key: warning_marks_html(found) for key, found in marks.items()}


def plan_rows(plan):
    """{section id: {"indicators": rows html, "tasks": rows html}}, each in document order, and for every item
    whether it names each of the six clears (`clears.named`), judged from the same queries."""
    labels = {key: escape(label) for key, label in (
        ("unit_of_measure", _("Đơn vị tính")), ("target", _("Kết quả")), ("lead_unit", _("Đơn vị chủ trì")),
        ("lead", _("Cơ quan chủ trì")), ("support", _("Cơ quan phối hợp")), ("product", _("Sản phẩm")),
        ("timeline", _("Thời gian thực hiện")), ("progress", _("Tiến độ")), ("status", _("Trạng thái")))}
    statuses = {value: escape(str(label)) for value, label in ItemStatus.choices}
    marks = _warning_marks(plan)
    rows = defaultdict(lambda: {"indicators": [], "tasks": []})
    clears = []

    indicator_url = reverse_for_ids("indicators:indicator_detail")
    real_lead = set()
    indicator_leads = _unit_names(Indicator, "lead_units", plan, real_lead)
    for pk, section_id, ordinal, content, unit_of_measure, target, status, *values in (
            plan.indicators.order_by("position").values_list(
                "pk", "section_id", "ordinal", "content", "unit_of_measure", "target_text", "status",
                *named_fields(Indicator))):
        clears.append(named(*values, real_lead=pk in real_lead))
        rows[section_id]["indicators"].append(
            f'<tr><td>{escape(ordinal)}</td><td><a href="{indicator_url(pk)}">{escape(content)}</a></td>'
            f'<td data-label="{labels["unit_of_measure"]}">{escape(unit_of_measure)}</td>'
            f'<td data-label="{labels["target"]}">{escape(target or "—")}</td>'
            f'<td data-label="{labels["lead_unit"]}">{escape(indicator_leads.get(pk, "—"))}</td>'
            f'<td data-label="{labels["status"]}">{statuses.get(status) or escape(status)} '
            f'{marks.get(("indicator", pk), "")}</td></tr>')

    task_url = reverse_for_ids("tasks:task_detail")
    real_lead = set()
    task_leads = _unit_names(Task, "lead_units", plan, real_lead)
    task_supports = _unit_names(Task, "support_units", plan)
    for pk, section_id, ordinal, progress, *values in (
            plan.tasks.order_by("position").values_list(
                "pk", "section_id", "ordinal", "progress", *named_fields(Task))):
        clears.append(named(*values, real_lead=pk in real_lead))
        _officer, title, timeline, _end, product, _authority = values
        words = title.split()
        title = " ".join(words) if len(words) <= 40 else Truncator(title).words(40)
        rows[section_id]["tasks"].append(
            f'<tr><td>{escape(ordinal)}</td><td><a href="{task_url(pk)}">{escape(title)}</a></td>'
            f'<td data-label="{labels["lead"]}">{escape(task_leads.get(pk, "—"))}</td>'
            f'<td data-label="{labels["support"]}">{escape(task_supports.get(pk, "—"))}</td>'
            f'<td data-label="{labels["product"]}">{escape(product or "—")}</td>'
            f'<td data-label="{labels["timeline"]}">{escape(timeline or "—")}</td>'
            f'<td data-label="{labels["progress"]}"><span class="progress"><progress value="{progress}" max="100" '
            f'aria-label="{labels["progress"]}">{progress}%</progress> <span class="figure">{progress}%</span></span> '
            f'{marks.get(("task", pk), "")}</td></tr>')
    return {section_id: {kind: mark_safe("".join(html)) for kind, html in found.items()}  # noqa: S308 - escaped above
            for section_id, found in rows.items()}, clears
