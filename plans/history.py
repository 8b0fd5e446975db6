"""Change history of any model with django-simple-history: written (the m2m links of each record, and copies of
many items at once, in SQL) and shown as rows a person can read."""
import unicodedata
from collections import defaultdict
from html import escape

import simple_history.models
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

# A context of their own: the same words are buttons elsewhere ("Cập nhật" = Update, "Xóa" = Delete).
ACTIONS = {"+": pgettext_lazy("history", "Tạo mới"), "~": pgettext_lazy("history", "Cập nhật"),
           "-": pgettext_lazy("history", "Xóa")}
_SKIPPED = {"version"}
HISTORY_PER_PAGE = 20


def history_rows(instance, *, limit=50):
    """Newest first: when, who (`user_id` and `who`), what, and each changed field with its value before and
    after."""
    records = list(_records(instance)[: limit + 1])
    return _rows(instance, records, limit)


def history_page(instance, number, *, per_page=HISTORY_PER_PAGE):
    """One page of `history_rows`, in the same bounded number of queries whatever the history's length."""
    page = Paginator(_records(instance), per_page).get_page(number)
    start = (page.number - 1) * per_page
    # One record past the page, so its oldest row still shows what changed.
    records = list(_records(instance)[start: start + per_page + 1])
    page.object_list = _rows(instance, records, per_page)
    return page


def _records(instance):
    """The history as plain values: a record is a whole copy of its item, and only the fields compared (those
    simple-history's `diff_against` compares) and the author's name are read."""
    return (instance.history.order_by("-history_date", "-history_id")
            .values("history_id", "history_date", "history_type", "history_change_reason", "history_user_id",
                    "history_user__first_name", "history_user__last_name", "history_user__username",
                    *_compared(instance.history.model)))


def _compared(history_model):
    m2m = {field.name for field in history_model._history_m2m_fields}
    return [field.name for field in history_model.tracked_fields
            if field.editable and field.name not in m2m and field.name not in _SKIPPED]


def _rows(instance, records, limit):
    from people.models import display_name  # plans.models imports this module

    history_model = instance.history.model
    m2m_fields = [instance._meta.get_field(field.name) for field in history_model._history_m2m_fields]
    m2m_values = _m2m_values(history_model, records, m2m_fields)
    names = _m2m_names(m2m_fields, m2m_values, records[:limit + 1])
    compared = [(name, instance._meta.get_field(name)) for name in _compared(history_model)]
    rows = []
    for newer, older in zip(records, records[1:] + [None]):
        if len(rows) == limit:
            break
        changes = []
        if older is not None:
            for name, field in compared:
                if newer[name] != older[name]:
                    changes.append({"field": field.verbose_name, "old": _display(field, older[name]),
                                    "new": _display(field, newer[name])})
            for field in m2m_fields:
                old, new = m2m_values[field.name][older["history_id"]], m2m_values[field.name][newer["history_id"]]
                if old != new:
                    changes.append({"field": field.verbose_name, "old": _names(names[field.name], old),
                                    "new": _names(names[field.name], new)})
            changes.sort(key=lambda change: str(change["field"]))
        who = display_name(newer["history_user__first_name"], newer["history_user__last_name"],
                           newer["history_user__username"]) if newer["history_user_id"] else None
        row = {
            "date": newer["history_date"],
            "user_id": newer["history_user_id"],
            "who": who,
            "action": ACTIONS.get(newer["history_type"], newer["history_type"]),
            "reason": newer["history_change_reason"] or "",
            "changes": changes,
        }
        row["html"] = _row_html(row)
        rows.append(row)
    return rows


def _row_html(row):
    """One row of `inc/history.html`, formatted here: a page shows twenty of them, each with its changes, and
    the template engine spent more on them than on the rest of the page. Values are shown as text, cut at
    120 characters, as the template's `truncatechars` did."""
    reason = f" — {escape(row['reason'])}" if row["reason"] else ""
    changes = "".join(
        f"<li>{escape(capfirst(str(change['field'])))}: <del>{escape(_cut(str(change['old'])))}</del> → "
        f"<ins>{escape(_cut(str(change['new'])))}</ins></li>" for change in row["changes"])
    return mark_safe(f"<li>{change_head(row['date'], row['who'], row['action'])}{reason}"
                     f"{f'<ul>{changes}</ul>' if changes else ''}</li>")


def _cut(text, length=120):
    """`Truncator(text).chars(length)`, which gives short texts back NFC-normalized, without its cost for them."""
    normalized = unicodedata.normalize("NFC", text)
    return normalized if len(normalized) <= length else Truncator(text).chars(length)


def item_change_html(row):
    """One row of plans/inc/item_history.html (`plan_item_history`): an item's change, its label cut at 16
    words as the template's `truncatewords` did."""
    words = row["label"].split()
    # What Truncator(label).words(16, truncate=" …") gives, without its cost for the labels it leaves whole.
    label = escape(" ".join(words) if len(words) <= 16 else Truncator(row["label"]).words(16, truncate=" …"))
    link = f'<a href="{escape(row["url"])}">{label}</a>' if row["url"] else label
    reason = f" — {escape(row['reason'])}" if row["reason"] else ""
    return mark_safe(f"<li>{change_head(row['date'], row['who'], row['action'])} {escape(str(row['kind']).lower())} "
                     f"{link}{reason}</li>")


def change_head(date, who, action):
    """When, who (or the system) and what, as every history row starts."""
    date = timezone.localtime(date)
    who = who or _("Hệ thống")  # outside the f-string, for makemessages to find
    # The template filters `date:"c"` and `date:"d/m/Y H:i"` say the same; strftime costs a tenth.
    return (f'<time datetime="{date.isoformat()}">{date.strftime("%d/%m/%Y %H:%M")}</time> · '
            f'<strong>{escape(who)}</strong> · {escape(str(action))}')


def _m2m_values(history_model, records, m2m_fields):
    """For each many-to-many field, the related ids each history record held: one query per field."""
    values = {}
    ids = [record["history_id"] for record in records]
    for field in m2m_fields:
        held = defaultdict(set)
        through = getattr(history_model, field.name).model
        target = field.m2m_reverse_field_name()
        for history_id, related_id in through.objects.filter(history_id__in=ids).values_list("history_id", target):
            held[history_id].add(related_id)
        values[field.name] = {history_id: frozenset(held[history_id]) for history_id in ids}
    return values


def _m2m_names(m2m_fields, m2m_values, records):
    """The names of the related objects shown: those of the fields that changed between two of `records`, one
    query per related model (a task's lead and support units are one; they seldom change: most pages need none)."""
    ids = [record["history_id"] for record in records]
    wanted = defaultdict(set)
    for field in m2m_fields:
        held = m2m_values[field.name]
        for newer, older in zip(ids, ids[1:]):
            if held[newer] != held[older]:
                wanted[field.related_model] |= held[newer] | held[older]
    found = {model: {pk: str(obj) for pk, obj in model.objects.order_by().in_bulk(pks).items()}
             for model, pks in wanted.items()}
    return {field.name: found.get(field.related_model, {}) for field in m2m_fields}


def _names(names, ids):
    return ", ".join(sorted(names.get(pk, str(pk)) for pk in ids)) or "—"


def _display(field, value):
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return "—" if value in (None, "") else value


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
                f"INSERT INTO {quote(historical._meta.db_table)} ({columns}, history_date, history_user_id, history_type, "
                f"history_change_reason) SELECT {columns}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(batch))})",
                [now, user_id, history_type, reason, *batch])


class HistoricalRecords(simple_history.models.HistoricalRecords):
    """simple-history's, with the many-to-many links of each new history record copied by one INSERT … SELECT a
    field.

    simple-history reads an item's links with both their ends (whole item and unit rows), makes a model
    object of each and creates them again: four queries and half the CPU of a progress report's save, the
    portal's most frequent write. The rows written are the same (tests/test_speedups_same_output.py compares
    them); simple-history's pre/post_create_historical_m2m_records signals are not sent, and nothing in the
    portal listens to them.
    """

    def create_historical_record_m2ms(self, history_instance, instance):
        from django.db import connection

        quote = connection.ops.quote_name
        for field in history_instance._history_m2m_fields:
            m2m_history_model = self.m2m_models[field]
            through = getattr(instance, field.name).through
            columns = ", ".join(quote(through_field.column) for through_field in through._meta.fields)
            owner = through._meta.get_field(field.m2m_field_name()).column
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {quote(m2m_history_model._meta.db_table)} ({columns}, "
                    f"{quote(m2m_history_model._meta.get_field('history').column)}) "
                    f"SELECT {columns}, %s FROM {quote(through._meta.db_table)} WHERE {quote(owner)} = %s",
                    [history_instance.pk, instance.pk])
