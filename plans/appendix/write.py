"""Writing a previewed upload into a plan, all of it or nothing, and undoing it.

Writes are bulk operations that also write history (the rows simple-history's bulk helpers
would write, copied in SQL by `history_copy`), so ten thousand rows take seconds. What an
import created and what it changed (with the history row each changed item had before) is
kept in a journal, so the import can be undone while nothing has been reported on its items since.
"""
import datetime
import io
from itertools import repeat
from operator import itemgetter

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from indicators.models import IndicatorReport
from tasks.models import ProgressUpdate

from ..history import history_copy
from ..models import Section, Unit, UnitAlias
from ..writes import unit_slug
from ..text import fold, name_key
from .preview import CREATE_UNIT, FIELDS, Preview, WorkbookPreview, item_model, usable_units
from .table import INDICATORS, TASKS, normal_ordinal
from .targets import targets_restore, targets_write

BATCH = 2000


class UndoRefused(ValueError):
    """The import cannot be undone (something was reported on its items since)."""


REFUSED = gettext_lazy("Không thể hoàn tác: đã có báo cáo tiến độ hoặc kết quả trên các mục của lần nhập này.")


def appendix_import(*, plan, preview, user, unit_mapping=None, on_progress=None, journal=None, sections=None,
                    parents=None):
    """Write a clean preview in one transaction; returns counts. Unchanged rows write nothing.

    `journal`, a dict, receives what was created and changed, for `appendix_undo`. `sections`, the plan's sections
    by folded title, is given by a caller that writes a large upload a chunk at a time (and kept up to date here),
    so that each chunk does not read and fold every section again; `parents` (`Parents`), the items sub-items are
    linked to, likewise: given, the caller links what is left once every chunk is written (`Parents.finish`).
    """
    if isinstance(preview, Preview):
        preview = WorkbookPreview(parts=[preview], skipped=[])
    if not preview.can_import:
        raise ValueError("the preview has errors or unknown units")
    journal = journal if journal is not None else {}
    journal.update({"created": {}, "changed": {}, "sections": [], "units": []})
    total = sum(1 for row in preview.rows if row.state in ("new", "changed"))
    counts = {"new": 0, "changed": 0, "unchanged": preview.count("unchanged")}
    done = 0
    reason = _("Nhập phụ lục")
    own_parents = parents is None
    parents = Parents(plan) if own_parents else parents
    with transaction.atomic():
        journal["units"] = _apply_unit_mapping(plan, preview, unit_mapping or {})
        if sections is None:
            sections = {fold(s.title): s for s in plan.sections.all()}
        for part in preview.parts:
            kind, model = part.kind, item_model(part.kind)
            section_ids = _ensure_sections(plan, part, sections, journal, user)
            work = [row for row in part.rows if row.state in ("new", "changed")]
            new_rows = [row for row in work if row.state == "new"]
            changed_rows = [row for row in work if row.state == "changed"]
            next_position = (model.objects.filter(plan=plan).aggregate(m=Max("position"))["m"] or 0) + 1
            created_ids = journal["created"].setdefault(kind, [])
            if kind == TASKS:
                parents.add(part.rows, section_ids)  # the rows matched with the plan's items
            for start in range(0, len(new_rows), BATCH):
                batch = new_rows[start:start + BATCH]
                ids = next_ids(model, len(batch))
                if ids is not None:  # PostgreSQL: the rows and their history sent together, with their items
                    for row, pk in zip(batch, ids, strict=True):
                        row.existing_id = pk
                    if kind == TASKS:
                        parents.add(batch, section_ids)
                values = []
                for row in batch:
                    values.append({"plan_id": plan.pk, "section_id": section_ids.get(row.section),
                                   "position": next_position, "ordinal": row.ordinal, **row.values,
                                   **_central(row)})
                    if ids is not None and kind == TASKS:
                        values[-1]["parent_id"] = parents.parent_of(row, section_ids)
                    next_position += 1
                if ids is not None:
                    insert_rows(model, values, ids=ids, history=(user, reason))
                else:
                    ids = insert_rows(model, values)
                    for row, pk in zip(batch, ids, strict=True):
                        row.existing_id = pk
                    if kind == TASKS:
                        parents.add(batch, section_ids)
                        parents.link(batch, section_ids)  # before the history rows are copied: they show the item
                    history_copy(model, ids, user=user, reason=reason, history_type="+")
                created_ids.extend(ids)
                done += len(batch)
                if on_progress:
                    on_progress(done, total)
            if changed_rows:
                journal["changed"][kind] = _before(model, changed_rows)
                for start in range(0, len(changed_rows), BATCH):
                    batch = changed_rows[start:start + BATCH]
                    current = model.objects.in_bulk([row.existing_id for row in batch])
                    for row in batch:
                        for name, value in {**row.values, **_central(row)}.items():
                            setattr(current[row.existing_id], name, value)
                    if kind == TASKS:
                        for row in batch:
                            current[row.existing_id].parent_id = parents.parent_of(row, section_ids)
                    model.objects.bulk_update(list(current.values()), written_fields(kind), batch_size=BATCH)
                    history_copy(model, list(current), user=user, reason=reason, history_type="~")
                    done += len(batch)
                    if on_progress:
                        on_progress(done, total)
            _replace_units(model, work)
            if kind == INDICATORS:
                targets_write(work, journal=journal, user=user, reason=reason)
            counts["new"] += len(new_rows)
            counts["changed"] += len(changed_rows)
        if own_parents:
            parents.finish()
    return counts


def written_fields(kind):
    """The fields an import writes and its undo restores: a task's sub-items also their item (`parent`), and
    whether the centre assigned it (written only from a table with that column, restored all the same)."""
    return [*FIELDS[kind], "parent", "centrally_assigned"] if kind == TASKS else FIELDS[kind]


def _central(row):
    """{"centrally_assigned": …} when the row's table has a "Trung ương giao" column; {} otherwise (kept as is)."""
    flag = getattr(row, "centrally_assigned", None)
    return {} if flag is None else {"centrally_assigned": flag}


class Parents:
    """The items an import's sub-items go under (`2.a` and a typed `3.1` under `2` and `3` of the same section),
    by (section id, ordinal): the rows written or matched so far, in whatever chunk, and the plan's own items. A
    sub-item met before its item is linked once the item is written (`finish`); one whose item is nowhere refuses
    the whole import (the preview said so already, unless the plan changed since)."""

    def __init__(self, plan):
        self.plan, self.model = plan, item_model(TASKS)
        self.ids, self.planned = {}, False
        self.later = []  # (sub-item id, its item's key, sheet row, ordinal): linked by `finish`

    def add(self, rows, section_ids):
        for row in rows:
            if row.existing_id and not row.parent:
                self.ids[(section_ids.get(row.section), row.ordinal)] = row.existing_id

    def _find(self, key):
        if key not in self.ids and not self.planned:
            self.planned = True  # the plan's items, read once, when a sub-item's item is not among the rows
            for section_id, ordinal, pk in self.model.objects.filter(plan=self.plan).values_list(
                    "section_id", "ordinal", "id"):
                self.ids.setdefault((section_id, normal_ordinal(ordinal)), pk)
        return self.ids.get(key)

    def parent_of(self, row, section_ids):
        """The id of `row`'s item, None for an item (or for a sub-item whose item comes later: `finish`)."""
        if not row.parent:
            return None
        key = (section_ids.get(row.section), row.parent)
        found = self._find(key)
        if found is None:
            self.later.append((row.existing_id, key, row.sheet_row, row.ordinal))
        return found

    def link(self, batch, section_ids):
        """Set the item of the new sub-items in `batch`, one UPDATE an item."""
        children = {}
        for row in batch:
            parent_id = self.parent_of(row, section_ids)
            if parent_id:
                children.setdefault(parent_id, []).append(row.existing_id)
        for parent_id, ids in children.items():
            self.model.objects.filter(pk__in=ids).update(parent_id=parent_id)

    def finish(self):
        """Link the sub-items met before their item, their history rows too; refuse any whose item is nowhere."""
        later, self.later = self.later, []
        missing = [(row, ordinal, key[1]) for _id, key, row, ordinal in later if self.ids.get(key) is None]
        if missing:
            raise ValidationError(_("Nội dung con không thuộc mục nào: %(rows)s; không có gì được ghi.") % {
                "rows": "; ".join(_("dòng %(row)s (STT “%(ordinal)s”, không có mục %(parent)s)") % {
                    "row": row, "ordinal": ordinal, "parent": parent} for row, ordinal, parent in missing[:5])})
        children = {}
        for pk, key, _row, _ordinal in later:
            children.setdefault(self.ids[key], []).append(pk)
        history = self.model.history.model
        for parent_id, ids in children.items():
            self.model.objects.filter(pk__in=ids).update(parent_id=parent_id)
            last = history.objects.filter(id__in=ids).values("id").annotate(last=Max("history_id")).values("last")
            history.objects.filter(history_id__in=last).update(parent_id=parent_id)


def _before(model, rows):
    """[item id, its last history row, lead unit ids, support unit ids] before the import changes it."""
    ids = [row.existing_id for row in rows]
    history = dict(model.history.filter(id__in=ids).values_list("id").annotate(last=Max("history_id")))
    name = model._meta.model_name
    links = {}
    for relation, slot in ((model.lead_units.through, 0), (model.support_units.through, 1)):
        for item_id, unit_id in relation.objects.filter(**{f"{name}_id__in": ids}).values_list(f"{name}_id", "unit_id"):
            links.setdefault(item_id, ([], []))[slot].append(unit_id)
    return [[item_id, history.get(item_id), *links.get(item_id, ([], []))] for item_id in ids]


def _apply_unit_mapping(plan, preview, mapping):
    """Create the units the admin chose to create, and remember the other names as aliases; ids of new units."""
    created = _units_create(plan, preview)
    unit_aliases_record(plan, mapping)
    return created


def _units_create(plan, preview):
    """The units the preview's rows name that are new (the admin chose to create them), saved; their ids."""
    units = {}
    for row in preview.rows:
        for unit in row.lead + row.support:
            if unit.pk is None:
                units[name_key(unit.name)] = unit
    for unit in units.values():
        unit.slug = unit_slug(plan.area, unit.name)
        suffix = 1
        while Unit.objects.filter(slug=unit.slug).exists():
            suffix += 1
            unit.slug = f"{unit_slug(plan.area, unit.name)[:110]}-{suffix}"
        unit.save()
    return [unit.pk for unit in units.values()]


def unit_aliases_record(plan, mapping):
    """Remember each workbook name the admin matched to one of the plan's usable units as that unit's alias."""
    chosen = {str(c) for c in mapping.values() if c and c != CREATE_UNIT and str(c).isdigit()}
    usable = {str(u.pk): u for u in usable_units(plan).filter(pk__in=chosen)}
    for name, choice in mapping.items():
        unit = usable.get(str(choice))
        if unit and not unit.aliases.filter(key=name_key(name)).exists() and name_key(unit.name) != name_key(name):
            UnitAlias.objects.create(unit=unit, alias=name[:255])


def _ensure_sections(plan, part, sections, journal, user):
    appendix = "I" if part.kind == INDICATORS else "II"
    position = (plan.sections.aggregate(m=Max("position"))["m"] or 0) + 1
    ids, new = {}, []
    for section in part.sections:
        existing = section.existing or sections.get(fold(section.title))
        if existing is None:
            existing = Section(plan=plan, appendix=appendix, number=section.number[:16], title=section.title,
                               position=position)
            sections[fold(section.title)] = existing
            new.append(existing)
            position += 1
        section.existing = existing
    bulk_create_with_history(new, Section, default_user=user, default_change_reason=_("Nhập phụ lục"))
    journal["sections"].extend(section.pk for section in new)
    for index, section in enumerate(part.sections):
        ids[index] = section.existing.pk
    return ids


def _replace_units(model, rows):
    """Lead and support units of the written rows; only changed rows had links to remove."""
    name = model._meta.model_name
    changed = [row.existing_id for row in rows if row.state == "changed"]
    for relation, attr in ((model.lead_units.through, "lead"), (model.support_units.through, "support")):
        for start in range(0, len(changed), BATCH):
            relation.objects.filter(**{f"{name}_id__in": changed[start:start + BATCH]}).delete()
        _insert_links(relation, name, [(row.existing_id, pk) for row in rows
                                       for pk in dict.fromkeys(u.pk for u in getattr(row, attr))])


def _insert_links(relation, name, links):
    """Rows (item id, unit id) of a lead or support units table: sent as two arrays on PostgreSQL."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(relation._meta.db_table)
        with connection.cursor() as cursor:
            for start in range(0, len(links), 20_000):
                batch = links[start:start + 20_000]
                cursor.execute(f"INSERT INTO {table} ({name}_id, unit_id) SELECT * FROM unnest(%s::int[], %s::int[])",  # noqa: S608 - names from _meta, values as parameters
                               [[item for item, _unit in batch], [unit for _item, unit in batch]])
    else:
        relation.objects.bulk_create([relation(**{f"{name}_id": item, "unit_id": unit}) for item, unit in links],
                                     batch_size=5000)


def next_ids(model, count):
    """`count` new ids of `model`'s table, drawn from its sequence (PostgreSQL); None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [model._meta.db_table, model._meta.pk.column, count])
        return [row[0] for row in cursor.fetchall()]


def insert_rows(model, rows, *, ids=None, history=None):
    """Ids of new items made of `rows` (dicts of field values by attname; the rest take their defaults), in order.

    On PostgreSQL the ids are drawn from the table's sequence (or given: `next_ids`) and the rows sent with COPY:
    neither a model instance nor a compiled SQL expression per value (most of bulk_create's time on wide rows);
    `history`, (user, reason), sends their history rows ("+", now) in the same COPY text, not read back from the
    table. Django's bulk_create elsewhere.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    if connection.vendor != "postgresql":
        objects = model.objects.bulk_create([model(**{**defaults, **row}) for row in rows], batch_size=BATCH)
        return [obj.pk for obj in objects]
    table, pk = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    uniform = all(row.keys() == rows[0].keys() for row in rows)
    ids = next_ids(model, len(rows)) if ids is None else ids
    # Column by column: a column no row gives (most of a task's: its progress, officer, status…) is one text.
    columns = [map(str, ids)]
    for field in fields:
        name, default = field.attname, defaults[field.attname]
        if uniform and rows and name not in rows[0]:
            columns.append(repeat(_copy_text(default), len(rows)))
        else:
            values = map(itemgetter(name), rows) if uniform else [row.get(name, default) for row in rows]
            columns.append(map(_copy_text, values))
    lines = list(map("\t".join, zip(*columns, strict=True)))
    names = [pk] + [f.column for f in fields]
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {quote(table)} ({', '.join(map(quote, names))}) FROM STDIN",
                                  io.StringIO("".join(f"{line}\n" for line in lines)))
        if history is not None:
            user, reason = history
            historical = model.history.model
            tracked = {f.column for f in historical._meta.concrete_fields if not f.name.startswith("history_")}
            if tracked != set(names):  # a field the history leaves out, or keeps of its own: copied in SQL
                history_copy(model, ids, user=user, reason=reason, history_type="+")
            else:
                stamp = "\t".join(map(_copy_text, (timezone.now(), getattr(user, "pk", None), "+", reason)))
                columns = [*names, "history_date", "history_user_id", "history_type", "history_change_reason"]
                cursor.cursor.copy_expert(
                    f"COPY {quote(historical._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN",
                    io.StringIO("".join(f"{line}\t{stamp}\n" for line in lines)))
    return ids


def _copy_text(value):
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


_REPORTS = {INDICATORS: (IndicatorReport, "indicator_id"), "tasks": (ProgressUpdate, "task_id")}
# Ids a single statement names: few enough for SQLite's bound on parameters, so 10,000 rows take one statement.
CHUNK = 10_000


def _chunks(ids):
    ids = list(ids)
    return [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]


def reported_since(journal, since):
    """How many reports were made on the journal's items after `since` (one count a kind of item)."""
    total = 0
    for kind, (model, column) in _REPORTS.items():
        ids = list(journal.get("created", {}).get(kind, [])) + [c[0] for c in journal.get("changed", {}).get(kind, [])]
        for chunk in _chunks(ids):
            total += model.objects.filter(**{f"{column}__in": chunk, "created_at__gt": since}).count()
    return total


def appendix_undo(*, plan, journal, user, since, reason=None, on_progress=None):
    """Remove what an import created and restore what it changed, in one transaction, a statement or two a model
    whatever the number of rows: each item's history row ("-" or "~", with who and why) is copied in SQL first.

    Raises UndoRefused when something was reported on the items after `since`.
    """
    reason = (reason or _("Hoàn tác lần nhập phụ lục"))[:100]  # simple-history's change reason holds 100
    with transaction.atomic():
        if reported_since(journal, since):
            raise UndoRefused(REFUSED)
        for kind, changed in journal.get("changed", {}).items():
            _restore(item_model(kind), written_fields(kind), changed, user=user, reason=reason)
        targets_restore(journal, user=user, reason=reason)
        if on_progress:
            on_progress(1, 3)
        for kind, ids in journal.get("created", {}).items():
            _delete_items(item_model(kind), ids, user=user, reason=reason)
        if on_progress:
            on_progress(2, 3)
        sections = list(Section.objects.filter(pk__in=journal.get("sections", []), indicators__isnull=True,
                                               tasks__isnull=True, children__isnull=True).order_by()
                    .values_list("pk", flat=True))
        history_copy(Section, sections, user=user, reason=reason, history_type="-")
        _raw_delete(Section, sections)


def _restore(model, fields, changed, *, user, reason):
    """Set the changed items' fields back from the history rows the journal names, in one UPDATE … FROM, and
    their units back to the journal's."""
    quote = connection.ops.quote_name
    table, historical = quote(model._meta.db_table), quote(model.history.model._meta.db_table)
    key = quote(model._meta.pk.column)
    assignments = ", ".join(f"{quote(model._meta.get_field(name).column)} = h.{quote(model._meta.get_field(name).column)}"
                            for name in fields)
    restored = []
    with connection.cursor() as cursor:
        for chunk in _chunks([c[1] for c in changed if c[1]]):
            cursor.execute(f"UPDATE {table} SET {assignments} FROM {historical} h WHERE {table}.{key} = h.{key} AND "  # noqa: S608 - names from _meta, values as parameters
                           f"h.history_id IN ({', '.join(['%s'] * len(chunk))}) RETURNING {table}.{key}", chunk)
            restored += [row[0] for row in cursor.fetchall()]
    history_copy(model, restored, user=user, reason=reason, history_type="~")
    present = {pk for chunk in _chunks([c[0] for c in changed])
               for pk in model.objects.filter(pk__in=chunk).order_by().values_list("pk", flat=True)}
    name = model._meta.model_name
    for relation, slot in ((model.lead_units.through, 2), (model.support_units.through, 3)):
        for chunk in _chunks(present):
            relation.objects.filter(**{f"{name}_id__in": chunk}).delete()
        _insert_links(relation, name, [(c[0], unit_id) for c in changed if c[0] in present for unit_id in c[slot]])


def _delete_items(model, ids, *, user, reason):
    """Delete the items `ids` with what hangs on them, set-based: Django's delete() would load each item and write
    its history one by one (simple-history listens to every delete), twelve statements an item."""
    ids = [pk for chunk in _chunks(ids)  # unordered: the items' ordering joins their plan and area
           for pk in model._base_manager.filter(pk__in=chunk).order_by().values_list("pk", flat=True)]
    if not ids:
        return
    history_copy(model, ids, user=user, reason=reason, history_type="-")
    for relation in model._meta.related_objects:
        for chunk in _chunks(ids):
            related = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": chunk})
            if relation.on_delete is models.SET_NULL or relation.related_model is model:  # sub-items: a task's own
                related.update(**{relation.field.name: None})
            elif relation.on_delete is models.CASCADE:
                related.delete()  # few or none: a report on these items refuses the undo
            # anything else (PROTECT) is left for the database's constraint to refuse, undoing it all
    for field in model._meta.many_to_many:
        for chunk in _chunks(ids):
            field.remote_field.through.objects.filter(**{f"{model._meta.model_name}_id__in": chunk}).delete()
    _raw_delete(model, ids)


def _raw_delete(model, ids):
    """One DELETE of the rows `ids`, without loading them (their dependents are gone or set aside already)."""
    for chunk in _chunks(ids):
        queryset = model._base_manager.filter(pk__in=chunk)
        queryset._raw_delete(queryset.db)
