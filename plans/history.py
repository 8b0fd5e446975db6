"""Change history written and read: records of any model with django-simple-history, the m2m links of each
record and copies of many items at once (in SQL), and the records read as plain values. How they read to a
person is plans/history_rows.py."""
from collections import defaultdict
from functools import cache

from django.db.models import Value


_SKIPPED = {"version"}


@cache
def history_model_of(model):
    """The historical model of `model`. Each `Model.history` access makes simple-history build a manager class
    anew (`Manager.from_queryset`, a fraction of a millisecond): the pages that read history several times a
    request read it once a process, and query the historical model's own manager, as reports/as_of.py does."""
    return model.history.model


@cache
def history_links_model_of(history_model, field_name):
    """The model of a historical model's records of the many-to-many field `field_name` (its links)."""
    return getattr(history_model, field_name).model


def history_of(instance):
    """The records of `instance`: what `instance.history` reads."""
    return history_model_of(type(instance)).objects.filter(id=instance.pk)


def history_records(instance):
    """The history as plain values: a record is a whole copy of its item, and only the fields compared (those
    simple-history's `diff_against` compares) and the author's name are read."""
    return (history_of(instance).order_by("-history_date", "-history_id")
            .values("history_id", "history_date", "history_type", "history_change_reason", "history_user_id",
                    "history_user__first_name", "history_user__last_name", "history_user__username",
                    *compared_fields(history_model_of(type(instance)))))


def compared_fields(history_model):
    """The fields two records are compared on: those simple-history's `diff_against` compares."""
    m2m = {field.name for field in history_model._history_m2m_fields}
    return [field.name for field in history_model.tracked_fields
            if field.editable and field.name not in m2m and field.name not in _SKIPPED]


def record_links(history_model, records, m2m_fields):
    """For each many-to-many field, the related ids each history record held: one query for all the fields (a
    UNION of their link tables, each row tagged with its field's index)."""
    ids = [record["history_id"] for record in records]
    held = [defaultdict(set) for _field in m2m_fields]
    parts = [history_links_model_of(history_model, field.name).objects.filter(history_id__in=ids).order_by()
             .annotate(part=Value(index)).values_list("part", "history_id", field.m2m_reverse_field_name())
             for index, field in enumerate(m2m_fields)]
    if parts and ids:
        for part, history_id, related_id in (parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]):
            held[part][history_id].add(related_id)
    return {field.name: {history_id: frozenset(held[index][history_id]) for history_id in ids}
            for index, field in enumerate(m2m_fields)}


def history_copy(model, ids, *, user, reason, history_type):
    """Write the history rows of the items `ids` as they now stand, with who, when and why.

    The rows simple-history's bulk helpers write, copied in SQL (`INSERT … SELECT` from the
    items themselves) instead of one Python object per row: an import of ten thousand rows
    spends its time on the rows, not on their history.
    """
    from django.db import connection
    from django.utils import timezone

    historical = model.history.model
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in historical._meta.concrete_fields if not f.name.startswith("history_"))
    now, user_id = timezone.now(), getattr(user, "pk", None)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 5000):
            batch = list(ids[start:start + 5000])
            cursor.execute(
                f"INSERT INTO {quote(historical._meta.db_table)} ({columns}, history_date, history_user_id, history_type, "  # noqa: S608 - names from _meta, values as parameters
                f"history_change_reason) SELECT {columns}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(batch))})",
                [now, user_id, history_type, reason, *batch])
