"""Change history of any model with django-simple-history, as rows a person can read."""
from django.utils.translation import gettext_lazy as _

ACTIONS = {"+": _("Tạo mới"), "~": _("Cập nhật"), "-": _("Xóa")}
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
            "action": ACTIONS.get(newer.history_type, newer.history_type),
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
