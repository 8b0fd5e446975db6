"""Querysets shaped for the pages that read plans."""
import json
from collections import defaultdict
from hashlib import blake2b

from django.core.paginator import Paginator
from django.db.models import (Avg, Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value,
                              prefetch_related_objects)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.numbers import percent
from indicators.models import Indicator
from people.models import display_name
from tasks.models import Task

from .document import reverse_for_ids
from .history import history_model_of
from .history_rows import ACTIONS
from .item_kinds import ITEM_KINDS
from .models import Plan, Section


def shown_digest(*values):
    """A digest of values a fragment shows (rows already read for the page: dicts, lists, dates, lazy words) and
    of the time zone its times are written in: the key of a `{% cache %}` fragment that no change can leave stale.
    Words are read in the active language; the fragment's key names the language too."""
    shown = json.dumps([values, timezone.get_current_timezone_name()], default=str, sort_keys=True)
    return blake2b(shown.encode(), digest_size=16).hexdigest()


def _count(model):
    return Coalesce(Subquery(
        model.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    ), 0)


def plan_list(user, *, area=None, status=None, query=None):
    plans = (
        Plan.objects.visible_to(user)
        .select_related("area", "area__parent", "implements_plan")
        .annotate(
            indicator_count=_count(Indicator),
            task_count=_count(Task),
            average_progress=Subquery(
                Task.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
                .annotate(a=Avg("progress")).values("a")
            ),
        )
    )
    if area:  # an area's slug (from a link) or words of its name, typed in the search field
        plans = plans.filter(Q(area__slug=area) | Q(area__parent__slug=area) | Q(area__name__icontains=area)
                             | Q(area__parent__name__icontains=area))
    if status:
        plans = plans.filter(status=status)
    if query:
        plans = plans.filter(Q(title__icontains=query) | Q(number__icontains=query) | Q(issuer__icontains=query))
    return plans.order_by("area__parent_id", "area__name", "-issued_year", "slug")


# A plan of more items than this shows one section at a time, the others folded with their counts: 2,000 items
# shown at once are 900 KB of HTML. The open section shows this many items at a time.
FOLD_ABOVE_ITEMS = 300
SECTION_PAGE_ITEMS = 300


def plan_document(plan, *, section=None, page=None):
    """The plan's sections in order, each with its indicator and task rows and their counts, in a fixed number of
    queries, and the plan's six clears (as `plan_clears`) judged from the rows' own values.

    A plan of more than `FOLD_ABOVE_ITEMS` items is folded: only the section named by `section` (a section's id,
    0 for the items under no heading) is open, or else the first holding items; a long section is paged
    (`page`, `SECTION_PAGE_ITEMS` a page). Each entry: section, key (for the URL), indicator_count, task_count,
    open, indicators, tasks (rows, empty when folded) and, when folded, page (a Paginator page).
    """
    from .document import PlanRows

    rows = PlanRows(plan)
    sections = ([None] if None in rows.sections else []) + list(plan.sections.order_by("position"))
    folded = len(rows.clears) > FOLD_ABOVE_ITEMS
    keys = [0 if found is None else found.pk for found in sections]
    holding = [key for key, found in zip(keys, sections, strict=True) if sum(rows.count(found and found.pk))]
    chosen = int(section) if str(section or "").isdigit() and int(section) in keys else None
    open_key = chosen if chosen is not None else (holding[0] if holding else None)
    document = []
    for key, found in zip(keys, sections, strict=True):
        section_id = found and found.pk
        indicators, tasks = rows.count(section_id)
        entry = {"section": found, "key": key, "indicator_count": indicators, "task_count": tasks,
                 "open": not folded or key == open_key, "indicators": [], "tasks": []}
        if entry["open"] and not folded:
            entry.update(rows.shown(section_id))
        elif entry["open"]:
            entry["page"] = Paginator(range(indicators + tasks), SECTION_PAGE_ITEMS).get_page(page)
            entry.update(rows.shown(section_id, entry["page"].object_list.start, entry["page"].object_list.stop))
        document.append(entry)
    return {"sections": document, "folded": folded}, _clears_of(rows.clears)


def plan_structure(plan):
    """The plan's sections in order, each with its indicator and task objects, for the administration page."""
    from tasks.selectors import open_warnings

    units = ("lead_units", "support_units")
    indicators = plan.indicators.order_by("position").prefetch_related(*units, open_warnings())
    tasks = plan.tasks.order_by("position").select_related("officer").prefetch_related(*units, open_warnings())
    by_section = defaultdict(lambda: {"indicators": [], "tasks": []})
    for indicator in indicators:
        by_section[indicator.section_id]["indicators"].append(indicator)
    for task in tasks:
        by_section[task.section_id]["tasks"].append(task)
    rows = [{"section": None, **by_section[None]}] if None in by_section else []
    for section in plan.sections.order_by("position"):
        rows.append({"section": section, **by_section.get(section.id, {"indicators": [], "tasks": []})})
    return rows


def plan_with_references(user, slug):
    """The plan `slug` with what its page cites, if `user` sees it (`Plan.is_visible_to`), else DoesNotExist;
    the plans implementing it as far as `Plan.objects.results_for(user)` shows them, and its budget share (the
    funding section's: no query of its own)."""
    plan = (Plan.objects.select_related("area", "area__parent", "implements_plan", "replaces", "budget_share")
            .get(slug=slug))
    if not plan.is_visible_to(user):
        raise Plan.DoesNotExist
    prefetch_related_objects([plan], "implements", "legal_basis", Prefetch(
        "implementing_plans", queryset=Plan.objects.results_for(user).only(
            "slug", "number", "symbol", "issuer", "implements_plan_id")))
    return plan


def plan_item_history(plan, *, limit=30):
    """The latest changes to a plan's headings, indicators and tasks, removed ones included, newest first."""
    kinds = [(Section, _("Mục"), "title"), *((kind.model, _(kind.label), kind.model.TEXT_FIELD) for kind in ITEM_KINDS)]
    # Plain values, not history records (each record is a whole copy of its item, and only these are shown): the
    # latest `limit` of each kind, in one query. Each kind's latest are picked in a subquery of its own part, since
    # SQLite refuses LIMIT and ORDER BY on the parts of a UNION themselves; PostgreSQL reads it the same way.
    parts = [history_model_of(model).objects.filter(
                 history_id__in=history_model_of(model).objects.filter(plan_id=plan.pk)
                 .order_by("-history_date", "-history_id").values("history_id")[:limit])
             .order_by().annotate(part=Value(index))
             .values_list("part", "history_id", "history_date", "history_type", "history_change_reason", "id",
                          "ordinal" if model is not Section else "number", text, "history_user__first_name",
                          "history_user__last_name", "history_user__username")
             for index, (model, _label, text) in enumerate(kinds)]
    # In the order the kinds were read one by one before: by kind, then newest first.
    records = sorted(parts[0].union(*parts[1:], all=True), key=lambda record: (record[0], -record[1]))
    rows = []
    for part, _history_id, date, kind, reason, pk, number, words, first_name, last_name, username in records:
        model, label, _text = kinds[part]
        rows.append({"date": date, "who": display_name(first_name, last_name, username), "kind": label,
                     "action": ACTIONS.get(kind, kind), "reason": reason or "", "removed": kind == "-",
                     "label": f"{number or ''} {words}".strip(),
                     "url": None if kind == "-" or model is Section else (model, pk)})
    rows.sort(key=lambda row: row["date"], reverse=True)
    rows = rows[:limit]
    # Links only for the rows kept: up to three times `limit` records are read, a third of them shown.
    urls = {model: reverse_for_ids(f"{model._meta.app_label}:{model._meta.model_name}_detail") for model in (Indicator, Task)}
    for row in rows:
        if row["url"]:
            model, pk = row["url"]
            row["url"] = urls[model](pk)
    return rows


# The assignment table and the six clears ("6 rõ") of a plan's items.

def plan_item_keys(plan, *, kind="", section="", missing="", query="", only=""):
    """(kind, pk) of the plan's items matching the filters, in document order, from two light queries."""
    from .clears import CLEARS, clear_filter

    keys = []
    for order, (name, model) in enumerate((kind.name, kind.model) for kind in ITEM_KINDS):
        if kind and kind != name:
            continue
        items = model.objects.filter(plan=plan)
        if only:
            only_kind, _sep, only_pk = only.partition("-")
            items = items.filter(pk=int(only_pk)) if only_kind == name and only_pk.isdigit() else items.none()
        if section:
            items = items.filter(section_id=section)
        if missing in CLEARS or missing == "any":
            items = items.filter(clear_filter(model, missing))
        if query:
            items = items.filter(**{f"{model.TEXT_FIELD}__icontains": query})
        keys += [((section_position or 0, order, position), name, pk)
                 for section_position, position, pk in items.values_list("section__position", "position", "pk")]
    return [(name, pk) for _order, name, pk in sorted(keys)]


def plan_items_hydrate(keys):
    """The items of one page, with their units, officer and six clears, in a fixed number of queries."""
    from .clears import with_clears

    found = {}
    for name, model in ((kind.name, kind.model) for kind in ITEM_KINDS):
        ids = [pk for kind, pk in keys if kind == name]
        if ids:
            items = with_clears(model.objects.filter(pk__in=ids)).select_related("section", "officer", "plan__area")
            found.update({(name, item.pk): item for item in items.prefetch_related("lead_units", "support_units")})
    return [found[key] for key in keys]


def plan_clears_summary(plans):
    """For each plan id: items, items naming all six clears (and their share), and how many lack each clear.

    One query per item kind whatever the number of plans: the plan page and the dashboard both use it.
    """
    from .clears import CLEARS, with_clears

    summary = defaultdict(_clears_entry)
    for model in (Indicator, Task):
        rows = with_clears(model.objects.filter(plan__in=plans)).values_list(
            "plan_id", "all_clear", *(f"clear_{key}" for key in CLEARS))
        for plan_id, all_clear, *named in rows:
            _clears_count(summary[plan_id], all_clear, named)
    for entry in summary.values():
        _clears_share(entry)
    return summary


def plan_clears(plan):
    """`plan_clears_summary` of one plan (None when it has no items), for its page: judged in Python from
    plain values (`clears.named_in_values`), which costs a third of compiling the annotated queries."""
    from .clears import named_in_values

    return _clears_of(named for model in (Indicator, Task) for named in named_in_values(model, plan))


def _clears_of(named_items):
    # Counted a column at a time: a plan of 2,000 items, item by item, cost 28 ms of its page.
    named_items = list(named_items)
    if not named_items:
        return None
    entry = _clears_entry()
    entry["total"] = len(named_items)
    entry["all_clear"] = sum(map(all, named_items))
    for key, column in zip(entry["missing"], zip(*named_items, strict=True), strict=True):
        entry["missing"][key] = column.count(False)
    return _clears_share(entry)


def _clears_entry():
    from .clears import CLEARS

    return {"total": 0, "all_clear": 0, "missing": dict.fromkeys(CLEARS, 0)}


def _clears_count(entry, all_clear, named):
    from .clears import CLEARS

    entry["total"] += 1
    entry["all_clear"] += all_clear
    for key, ok in zip(CLEARS, named, strict=True):
        entry["missing"][key] += not ok


def _clears_share(entry):
    entry["share"] = percent(entry["all_clear"], entry["total"])
    return entry



def clears_share_by(plans, group="plan__area"):
    """{group value: (items naming all six clears, items)}: one grouped query per item kind, for the dashboard."""
    from django.db.models import Count

    from .clears import clear_filter

    shares = defaultdict(lambda: (0, 0))
    for model in (Indicator, Task):
        # "Lacks none" rather than `with_clears`' sum of six: the database stops at the first clear missing,
        # eight times faster over a country's items.
        rows = (model.objects.filter(plan__in=plans).order_by().values(group)
                .annotate(clear=Count("pk", filter=~clear_filter(model, "any")), total=Count("pk")))
        for row in rows:
            clear, total = shares[row[group]]
            shares[row[group]] = (clear + row["clear"], total + row["total"])
    return dict(shares)
