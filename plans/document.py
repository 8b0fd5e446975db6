"""The plan page's item rows as plain values, read in a fixed number of queries.

A plan holds up to a thousand tasks and as many indicators; the rows are read as values (no model object per
item, each URL reversed once a page) and laid out by plans/inc/indicator_rows.html and task_rows.html. Laying
out a few hundred rows costs the template engine more than the rest of the page, so the page keeps them in a
fragment cache under `rows_key`: a digest of everything the rows show, which no change can leave stale.
"""
import functools
from collections import defaultdict
from hashlib import blake2b

from django.db.models import Q, Value
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from indicators.models import Indicator
from indicators.selectors import year_targets_of
from tasks.models import Task

from .clears import named, named_fields
from .models import ItemStatus

_PK = 999999937  # stands for an item's id in a URL reversed once per page


def reverse_for_ids(name):
    """`reverse(name, args=[pk])` as a function of pk, reversed once: a page with many rows links each of them."""
    base = reverse(name, args=[_PK])
    return lambda pk: base.replace(str(_PK), str(pk))


def minute_text(moment):
    """`{{ moment|date:"d/m/Y H:i" }}` (local time) without the template filter's cost; "" for None."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


# The links a plan's rows name units from: (model, field), each a part of `_unit_names`' one query.
UNIT_LINKS = ((Indicator, "lead_units"), (Task, "lead_units"), (Task, "support_units"))


def _unit_names(plan):
    """For each of UNIT_LINKS, {item id: its units' names} and the ids of the items naming a real unit, in one
    query (a UNION ALL of the link tables, each row tagged with its link's index; by name, as each was read)."""
    parts = [getattr(model, field).through.objects.filter(**{f"{model._meta.model_name}__plan": plan}).order_by()
             .annotate(part=Value(index))
             .values_list("part", f"{model._meta.model_name}_id", "unit__name", "unit__is_placeholder")
             for index, (model, field) in enumerate(UNIT_LINKS)]
    names = [defaultdict(list) for _link in UNIT_LINKS]
    real = [set() for _link in UNIT_LINKS]
    for part, item_id, name, placeholder in parts[0].union(*parts[1:], all=True).order_by("unit__name"):
        names[part][item_id].append(name)
        if not placeholder:
            real[part].add(item_id)
    return [({item_id: "; ".join(found) for item_id, found in by_item.items()}, real_ids)
            for by_item, real_ids in zip(names, real, strict=True)]


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

    Rows are kept as plain values; only those a page shows are shaped for display (`shown`): a plan of 2,000 items
    shows one section at a time.
    """

    def __init__(self, plan):
        self.sections = defaultdict(lambda: {"indicators": [], "tasks": []})
        self.clears = []
        self._warnings = _open_warnings(plan)
        indicator_leads, task_leads, task_supports = _unit_names(plan)
        (self._indicator_leads, real_indicator_lead), (self._task_leads, real_task_lead) = indicator_leads, task_leads
        self._task_supports = task_supports[0]
        self._year_targets = year_targets_of(plan)
        for pk, section_id, ordinal, content, unit_of_measure, target, status, baseline_label, baseline, *values in (
                plan.indicators.order_by("position").values_list(
                    "pk", "section_id", "ordinal", "content", "unit_of_measure", "target_text", "status",
                    "baseline_label", "baseline", *named_fields(Indicator))):
            self.clears.append(named(*values, real_lead=pk in real_indicator_lead))
            self.sections[section_id]["indicators"].append(
                (pk, ordinal, content, unit_of_measure, target, status, (baseline_label, baseline) if baseline else None))
        for pk, section_id, ordinal, progress, parent_id, *values in (
                plan.tasks.order_by("position").values_list(
                    "pk", "section_id", "ordinal", "progress", "parent_id", *named_fields(Task))):
            self.clears.append(named(*values, real_lead=pk in real_task_lead))
            _officer, title, timeline, _end, product, _authority = values
            self.sections[section_id]["tasks"].append(
                (pk, ordinal, title, progress, product, timeline, parent_id is not None))

    def count(self, section_id):
        """(indicators, tasks) of a section (None: the items under no heading)."""
        found = self.sections.get(section_id)
        return (len(found["indicators"]), len(found["tasks"])) if found else (0, 0)

    def shown(self, section_id, start=0, stop=None):
        """{"indicators": [row], "tasks": [row]} of a section's items `start` to `stop` (indicators first, then
        tasks, as the page lays them out), each row a dict of the values plans/inc/*_rows.html show, and their
        `rows_key`."""
        found = self.sections.get(section_id, {"indicators": [], "tasks": []})
        indicators = found["indicators"][start:stop]
        tasks = found["tasks"][max(start - len(found["indicators"]), 0):
                               None if stop is None else max(stop - len(found["indicators"]), 0)]
        statuses = {value: str(label) for value, label in ItemStatus.choices}
        warnings = self._warnings
        indicator_url = reverse_for_ids("indicators:indicator_detail")
        rows = {"indicators": [
            {"ordinal": ordinal, "url": indicator_url(pk), "content": content, "unit_of_measure": unit_of_measure,
             "target": target or "—", "baseline": baseline, "years": self._year_targets.get(pk, ()),
             "lead": self._indicator_leads.get(pk, "—"),
             "status": statuses.get(status) or status, "warnings": warnings.get(("indicator", pk))}
            for pk, ordinal, content, unit_of_measure, target, status, baseline in indicators]}
        task_url = reverse_for_ids("tasks:task_detail")
        rows["tasks"] = [
            {"ordinal": ordinal, "url": task_url(pk), "title": _title(title), "lead": self._task_leads.get(pk, "—"),
             "support": self._task_supports.get(pk, "—"), "product": product or "—", "timeline": timeline or "—",
             "progress": progress, "warnings": warnings.get(("task", pk)), "subitem": subitem}
            for pk, ordinal, title, progress, product, timeline, subitem in tasks]
        rows["rows_key"] = _rows_key(rows["indicators"], rows["tasks"])
        return rows


ROW_PARTIALS = ("plans/inc/indicator_rows.html", "plans/inc/task_rows.html", "inc/warning_marks.html")


@functools.cache
def _partials_source():
    """The row partials' own text, read once a process: a new release's markup is never served from the cache."""
    return [get_template(name).template.source for name in ROW_PARTIALS]


def _rows_key(*groups):
    """A digest of the rows as shown: their values, their warnings' kinds and days, the partials and the time
    zone (the page's language is the cache tag's own key)."""
    values = [[(*(value for name, value in row.items() if name != "warnings"),
                [(warning.kind, warning.raised_at) for warning in row["warnings"] or ()]) for row in group]
              for group in groups]
    shown = repr((_partials_source(), timezone.get_current_timezone_name(), values))
    return blake2b(shown.encode(), digest_size=16).hexdigest()


def _title(title):
    """A task's title cut at 40 words; `Truncator.words` is spared for the titles it leaves whole."""
    words = title.split()
    return " ".join(words) if len(words) <= 40 else Truncator(title).words(40)
