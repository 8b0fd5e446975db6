"""Loading the seeds (the organisation and the plans as their documents state them) into the database.

Loading again changes only what the seeds changed: a row is saved (and its history written) only when
something differs, and an assignment the seed leaves blank keeps what an admin set since.
"""
import datetime

from django.db import transaction
from django.utils.translation import gettext

from indicators.models import Indicator
from indicators.services import indicator_targets_replace
from indicators.targets import parse_target, year_target_values
from tasks.models import Task
from tasks.timelines import parse_timeline

from .appendix.table import parent_ordinal
from .models import Area, LegalDocument, Plan, Section, Unit, UnitAlias
from .text import name_key
from .services import reporting_rules_create
from .units import UnitDirectory
from .writes import unit_slug


class SeedError(ValueError):
    pass


UNKNOWN = object()


def upsert(model, lookup, values, found=UNKNOWN):
    """Create or update one row, saving (and so writing history) only when something changed. `found` is the row
    the lookup matches (or None) when the caller fetched them all at once (a plan's rows: one query, not one a row)."""
    obj = model.objects.filter(**lookup).first() if found is UNKNOWN else found
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, bool(changed)


def _set_m2m(manager, objects, created=False):
    # A row just created relates to nothing yet: adding is what set() would do, without reading the relation first.
    if created:
        if objects:
            manager.add(*objects)
    elif set(manager.all()) != set(objects):
        manager.set(objects)


@transaction.atomic
def organisation_load(data):
    """Areas, units with their aliases, and the legal documents plans cite."""
    areas = {}
    for row in data["areas"]:
        parent = areas.get(row["parent"]) if row["parent"] else None
        areas[row["slug"]], _ = upsert(Area, {"slug": row["slug"]},
                                       {"kind": row["kind"], "name": row["name"], "parent": parent})
    for row in data["units"]:
        area = areas[row["area"]]
        unit, _ = upsert(Unit, {"slug": unit_slug(area, row["name"])},
                         {"area": area, "name": row["name"],
                          "is_culture_social_office": row.get("culture_social", False),
                          "is_placeholder": row.get("placeholder", False)})
        for alias in row["aliases"]:
            if not unit.aliases.filter(key=name_key(alias)).exists():
                UnitAlias.objects.create(unit=unit, alias=alias)
    for row in data["documents"]:
        upsert(LegalDocument, {"reference": row["reference"], "issuer": row["issuer"]},
               {"kind": row["kind"], "title": row["title"],
                "issued_on": datetime.date.fromisoformat(row["issued_on"]) if row["issued_on"] else None})
    return areas


def _documents(references):
    found = {d.reference: d for d in LegalDocument.objects.filter(reference__in=references)}
    missing = set(references) - set(found)
    if missing:
        raise SeedError(f"unknown documents: {sorted(missing)}")
    return [found[r] for r in references]


def _units(directory, cell, where):
    units, unknown = directory.resolve(cell)
    if unknown:
        raise SeedError(f"{where}: unknown units {unknown} in {cell!r}")
    return units


# Where a seed leaves an item's assignment blank it says nothing, so what an admin (or the demo
# assignment) set since is kept when the seeds are loaded again.

def _stated(seed_value, values):
    return values if seed_value else {}


def _set_stated_units(item, directory, row, where, created=False):
    for field, cell in (("lead_units", row["lead"]), ("support_units", row["support"])):
        if cell:
            _set_m2m(getattr(item, field), _units(directory, cell, where), created)


@transaction.atomic
def plan_load(data):
    """Create or update a plan and its sections, indicators and tasks from fixture data.

    Rows are matched by position, so loading the same data twice changes nothing.
    """
    area = Area.objects.get(slug=data["area"])
    year, month, day = data["issued"]
    found = Plan.objects.filter(slug=data["slug"]).first()
    plan_created = found is None
    plan, _ = upsert(Plan, {"slug": data["slug"]}, {
        "area": area, "issuer": data["issuer"], "number": data["number"], "symbol": data["symbol"],
        "issued_year": year, "issued_month": month, "issued_day": day, "title": data["title"],
        "signer_name": data["signer_name"], "signer_title": data["signer_title"], "status": data["status"],
        "implements_plan": Plan.objects.get(slug=data["implements_plan"]) if data["implements_plan"] else None,
        "replaces": _documents([data["replaces"]])[0] if data["replaces"] else None,
    }, found)
    _set_m2m(plan.implements, _documents(data["implements"]), plan_created)
    _set_m2m(plan.legal_basis, _documents(data["legal_basis"]), plan_created)
    existing = {model: {} if plan_created else {row.position: row for row in model.objects.filter(plan=plan)}
                for model in (Section, Indicator, Task)}

    sections = []
    for position, row in enumerate(data["sections"], start=1):
        parent = sections[row["parent"]] if row["parent"] is not None else None
        section, _ = upsert(Section, {"plan": plan, "position": position},
                            {"parent": parent, "appendix": row["appendix"], "number": row["number"], "title": row["title"]},
                            existing[Section].get(position))
        sections.append(section)

    directory = UnitDirectory(area)
    year_targets = {}
    for position, row in enumerate(data["indicators"], start=1):
        target = parse_target(row["target"], unit_of_measure=row["unit_of_measure"])
        timeline = parse_timeline(row.get("timeline", ""), plan_year=year)
        found = existing[Indicator].get(position)
        indicator, _ = upsert(Indicator, {"plan": plan, "position": position}, {
            "section": sections[row["section"]] if row["section"] is not None else None,
            "ordinal": row["ordinal"], "content": row["content"], "unit_of_measure": row["unit_of_measure"],
            "target_text": target.text, "target_comparator": target.comparator, "target_value": target.value,
            "target_value_upper": target.upper, "target_unit": target.unit, "direction": target.direction,
            **_stated(timeline.text, {"timeline_text": timeline.text, "starts_on": timeline.starts_on,
                                      "deadline": timeline.ends_on}),
        }, found)
        _set_stated_units(indicator, directory, row, f"indicator {row['ordinal']}", found is None)
        if "targets" in row:
            year_targets[indicator.pk] = [
                year_target_values(stated["target"], year=stated["year"], label=stated["label"],
                                   unit_of_measure=row["unit_of_measure"]) for stated in row["targets"]]
    indicator_targets_replace(year_targets, reason=gettext("Nạp kế hoạch từ văn bản"))

    higher = {(task.section.number if task.section else "", task.ordinal): task
              for task in Task.objects.filter(plan=plan.implements_plan).select_related("section")
              } if plan.implements_plan else {}
    loaded = {}  # (section, ordinal) -> task: the item a sub-item (`15.1` under `15`) belongs to
    for position, row in enumerate(data["tasks"], start=1):
        timeline = parse_timeline(row["timeline"], plan_year=year)
        link = row.get("carries_out")
        if link and (link["section"], link["ordinal"]) not in higher:
            raise SeedError(f"task {row['ordinal']}: no item {link} in the plan it implements")
        found = existing[Task].get(position)
        task, _ = upsert(Task, {"plan": plan, "position": position}, {
            "section": sections[row["section"]] if row["section"] is not None else None,
            "ordinal": row["ordinal"], "title": row["title"], "details": row["details"],
            **_stated(row["product"], {"product": row["product"]}),
            **_stated(timeline.text, {"timeline_text": timeline.text, "timeline_kind": timeline.kind,
                                      "starts_on": timeline.starts_on, "ends_on": timeline.ends_on}),
            "carries_out": higher[(link["section"], link["ordinal"])] if link else None,
            "parent": loaded.get((row["section"], parent_ordinal(row["ordinal"]))),
        }, found)
        loaded[(row["section"], row["ordinal"])] = task
        _set_stated_units(task, directory, row, f"task {row['ordinal']}", found is None)
    reporting_rules_create(plan)
    return plan
