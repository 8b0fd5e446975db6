"""Change history of any model with django-simple-history, as rows a person can read."""
from collections import defaultdict

from django.core.paginator import Paginator
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

# A context of their own: the same words are buttons elsewhere ("Cập nhật" = Update, "Xóa" = Delete).
ACTIONS = {"+": pgettext_lazy("history", "Tạo mới"), "~": pgettext_lazy("history", "Cập nhật"),
           "-": pgettext_lazy("history", "Xóa")}
_SKIPPED = {"version"}
HISTORY_PER_PAGE = 20


def history_rows(instance, *, limit=50):
    """Newest first: when, who, what, and each changed field with its value before and after."""
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
    return instance.history.select_related("history_user").order_by("-history_date", "-history_id")


def _rows(instance, records, limit):
    m2m_fields = _m2m_fields(records)
    m2m_values = _m2m_values(records, m2m_fields)
    names = _m2m_names(m2m_fields, m2m_values)
    excluded = [field.name for field in m2m_fields]
    rows = []
    for newer, older in zip(records, records[1:] + [None]):
        if len(rows) == limit:
            break
        changes = []
        if older is not None:
            for change in newer.diff_against(older, excluded_fields=excluded).changes:
                if change.field in _SKIPPED:
                    continue
                field = instance._meta.get_field(change.field)
                changes.append({"field": field.verbose_name, "old": _display(field, change.old),
                                "new": _display(field, change.new)})
            for field in m2m_fields:
                old, new = m2m_values[field.name][older.history_id], m2m_values[field.name][newer.history_id]
                if old != new:
                    changes.append({"field": field.verbose_name, "old": _names(names[field.name], old),
                                    "new": _names(names[field.name], new)})
            changes.sort(key=lambda change: str(change["field"]))
        row = {
            "date": newer.history_date,
            "user": newer.history_user,
            "action": ACTIONS.get(newer.history_type, newer.history_type),
            "reason": newer.history_change_reason or "",
            "changes": changes,
        }
        row["html"] = _row_html(row)
        rows.append(row)
    return rows


def _row_html(row):
    """One row of `inc/history.html`, formatted here: a page shows twenty of them, each with its changes, and
    the template engine spent more on them than on the rest of the page. Values are shown as text, cut at
    120 characters, as the template's `truncatechars` did."""
    date = timezone.localtime(row["date"])
    user = row["user"]
    who = (user.get_full_name() or user.username) if user else _("Hệ thống")
    reason = format_html(" — {}", row["reason"]) if row["reason"] else ""
    changes = format_html_join("", "<li>{}: <del>{}</del> → <ins>{}</ins></li>", (
        (capfirst(str(change["field"])), Truncator(str(change["old"])).chars(120),
         Truncator(str(change["new"])).chars(120)) for change in row["changes"]))
    return format_html('<li><time datetime="{}">{}</time> · <strong>{}</strong> · {}{}{}</li>',
                       dateformat.format(date, "c"), dateformat.format(date, "d/m/Y H:i"), who, row["action"], reason,
                       format_html("<ul>{}</ul>", changes) if changes else "")


def _m2m_fields(records):
    if not records:
        return []
    model = records[0].instance_type
    return [model._meta.get_field(field.name) for field in records[0]._history_m2m_fields]


def _m2m_values(records, m2m_fields):
    """For each many-to-many field, the related ids each history record held: one query per field."""
    values = {}
    ids = [record.history_id for record in records]
    for field in m2m_fields:
        held = defaultdict(set)
        through = getattr(records[0], field.name).model
        target = field.m2m_reverse_field_name()
        for history_id, related_id in through.objects.filter(history_id__in=ids).values_list("history_id", target):
            held[history_id].add(related_id)
        values[field.name] = {history_id: frozenset(held[history_id]) for history_id in ids}
    return values


def _m2m_names(m2m_fields, m2m_values):
    """The names of every related object the records mention: one query per field that changed."""
    names = {}
    for field in m2m_fields:
        wanted = set().union(*m2m_values[field.name].values()) if m2m_values[field.name] else set()
        found = field.related_model.objects.in_bulk(wanted) if wanted else {}
        names[field.name] = {pk: str(obj) for pk, obj in found.items()}
    return names


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
