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
    """`User.display_name`, kept here for the row builders that import it."""
    return user.display_name


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


def _open_warnings(plan):
    from reports.models import Warning

    found = defaultdict(list)
    # One query for both kinds: a warning is on a task or on an indicator, never both (a constraint says so).
    for warning in (Warning.objects.filter(closed_at__isnull=True)
                    .filter(Q(task__plan=plan) | Q(indicator__plan=plan)).order_by("-raised_at")):
        key = ("task", warning.task_id) if warning.task_id else ("indicator", warning.indicator_id)
        found[key].append(warning)
    return found


class PlanRows:
    """A plan's indicator and task rows by section, in document order, read in a fixed number of queries, and for
    every item whether it names each of the six clears (`clears.named`, in `clears`), judged from the same values.

    Rows are kept as plain values; only those a page shows are formatted (`html`): a plan of 2,000 items shows
    one section at a time.
    """

    def __init__(self, plan):
        self.sections = defaultdict(lambda: {"indicators": [], "tasks": []})
        self.clears = []
        self._warnings = _open_warnings(plan)
        real_lead = set()
        self._indicator_leads = _unit_names(Indicator, "lead_units", plan, real_lead)
        for pk, section_id, ordinal, content, unit_of_measure, target, status, *values in (
                plan.indicators.order_by("position").values_list(
                    "pk", "section_id", "ordinal", "content", "unit_of_measure", "target_text", "status",
                    *named_fields(Indicator))):
            self.clears.append(named(*values, real_lead=pk in real_lead))
            self.sections[section_id]["indicators"].append((pk, ordinal, content, unit_of_measure, target, status))
        real_lead = set()
        self._task_leads = _unit_names(Task, "lead_units", plan, real_lead)
        self._task_supports = _unit_names(Task, "support_units", plan)
        for pk, section_id, ordinal, progress, *values in (
                plan.tasks.order_by("position").values_list(
                    "pk", "section_id", "ordinal", "progress", *named_fields(Task))):
            self.clears.append(named(*values, real_lead=pk in real_lead))
            _officer, title, timeline, _end, product, _authority = values
            self.sections[section_id]["tasks"].append((pk, ordinal, title, progress, product, timeline))

    def count(self, section_id):
        """(indicators, tasks) of a section (None: the items under no heading)."""
        found = self.sections.get(section_id)
        return (len(found["indicators"]), len(found["tasks"])) if found else (0, 0)

    def html(self, section_id, start=0, stop=None):
        """{"indicators": rows html, "tasks": rows html} of a section's items `start` to `stop` (indicators first,
        then tasks, as the page lays them out)."""
        found = self.sections.get(section_id, {"indicators": [], "tasks": []})
        indicators = found["indicators"][start:stop]
        tasks = found["tasks"][max(start - len(found["indicators"]), 0):
                               None if stop is None else max(stop - len(found["indicators"]), 0)]
        labels = {key: escape(label) for key, label in (
            ("unit_of_measure", _("Đơn vị tính")), ("target", _("Kết quả")), ("lead_unit", _("Đơn vị chủ trì")),
            ("lead", _("Cơ quan chủ trì")), ("support", _("Cơ quan phối hợp")), ("product", _("Sản phẩm")),
            ("timeline", _("Thời gian thực hiện")), ("progress", _("Tiến độ")), ("status", _("Trạng thái")))}
        statuses = {value: escape(str(label)) for value, label in ItemStatus.choices}
        marks = self._marks
        indicator_url = reverse_for_ids("indicators:indicator_detail")
        html = [
            f'<tr><td>{escape(ordinal)}</td><td><a href="{indicator_url(pk)}">{escape(content)}</a></td>'
            f'<td data-label="{labels["unit_of_measure"]}">{escape(unit_of_measure)}</td>'
            f'<td data-label="{labels["target"]}">{escape(target or "—")}</td>'
            f'<td data-label="{labels["lead_unit"]}">{escape(self._indicator_leads.get(pk, "—"))}</td>'
            f'<td data-label="{labels["status"]}">{statuses.get(status) or escape(status)} '
            f'{marks("indicator", pk)}</td></tr>'
            for pk, ordinal, content, unit_of_measure, target, status in indicators]
        rows = {"indicators": mark_safe("".join(html)) if html else ""}  # noqa: S308 - escaped above
        task_url = reverse_for_ids("tasks:task_detail")
        html = []
        for pk, ordinal, title, progress, product, timeline in tasks:
            words = title.split()
            title = " ".join(words) if len(words) <= 40 else Truncator(title).words(40)
            html.append(
                f'<tr><td>{escape(ordinal)}</td><td><a href="{task_url(pk)}">{escape(title)}</a></td>'
                f'<td data-label="{labels["lead"]}">{escape(self._task_leads.get(pk, "—"))}</td>'
                f'<td data-label="{labels["support"]}">{escape(self._task_supports.get(pk, "—"))}</td>'
                f'<td data-label="{labels["product"]}">{escape(product or "—")}</td>'
                f'<td data-label="{labels["timeline"]}">{escape(timeline or "—")}</td>'
                f'<td data-label="{labels["progress"]}"><span class="progress"><progress value="{progress}" '
                f'max="100" aria-label="{labels["progress"]}">{progress}%</progress> <span class="figure">'
                f'{progress}%</span></span> {marks("task", pk)}</td></tr>')
        rows["tasks"] = mark_safe("".join(html)) if html else ""  # noqa: S308 - escaped above
        return rows

    def _marks(self, kind, pk):
        from reports.marks import warning_marks_html

        found = self._warnings.get((kind, pk))
        return warning_marks_html(found) if found else ""
