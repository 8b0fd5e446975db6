"""Change history of any model with django-simple-history, as rows a person can read."""
from django.utils.translation import gettext_lazy as _

_ACTIONS = {"+": _("Tạo mới"), "~": _("Cập nhật"), "-": _("Xóa")}
_SKIPPED = {"version"}


def history_rows(instance, *, limit=50):
    """Newest first: when, who, what, and each changed field with its value before and after."""
    records = list(instance.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    rows = []
    for newer, older in zip(records, records[1:] + [None]):
        if len(rows) == limit:
            break
        changes = []
        if older is not None:
            delta = newer.diff_against(older)
            for change in delta.changes:
                if change.field in _SKIPPED:
                    continue
                field = instance._meta.get_field(change.field)
                changes.append({"field": field.verbose_name, "old": _display(field, change.old), "new": _display(field, change.new)})
        rows.append({
            "date": newer.history_date,
            "user": newer.history_user,
            "action": _ACTIONS.get(newer.history_type, newer.history_type),
            "reason": newer.history_change_reason or "",
            "changes": changes,
        })
    return rows


def _display(field, value):
    if field.many_to_many:
        target = field.m2m_reverse_field_name()
        ids = [row[target] for row in value or []]
        return ", ".join(sorted(str(obj) for obj in field.related_model.objects.filter(pk__in=ids))) or "—"
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
