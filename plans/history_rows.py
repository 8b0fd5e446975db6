"""History records shaped as rows a person reads (plans/inc/history_row.html, item_change.html): when, who, what,
and each changed field with its value before and after. The records are read by plans/history.py."""
from collections import defaultdict
from itertools import pairwise

from django.core.paginator import Paginator
from django.utils.translation import gettext, pgettext_lazy

from people.models import display_name

from .history import compared_fields, history_model_of, history_records, record_links

# A context of their own: the same words are buttons elsewhere ("Cập nhật" = Update, "Xóa" = Delete).
ACTIONS = {"+": pgettext_lazy("history", "Tạo mới"), "~": pgettext_lazy("history", "Cập nhật"),
           "-": pgettext_lazy("history", "Xóa")}
HISTORY_PER_PAGE = 20


def history_rows(instance, *, limit=50):
    """Newest first: when, who (`user_id` and `who`), what, and each changed field with its value before and
    after."""
    records = list(history_records(instance)[: limit + 1])
    return _rows(instance, records, limit)


def history_page(instance, number, *, per_page=HISTORY_PER_PAGE):
    """One page of `history_rows`, in the same bounded number of queries whatever the history's length."""
    first = _first_page_asked(number)
    if first:
        # Most pages show the first page of a short history: when the records read for it (one past the page) are
        # all there are, they are the count too, and the pager's COUNT is not asked.
        records = list(history_records(instance)[: per_page + 1])
        if len(records) <= per_page:
            page = Paginator(records, per_page).get_page(1)
            page.object_list = _rows(instance, records, per_page)
            return page
    page = Paginator(history_records(instance), per_page).get_page(1 if first else number)
    if not first:
        start = (page.number - 1) * per_page
        # One record past the page, so its oldest row still shows what changed.
        records = list(history_records(instance)[start: start + per_page + 1])
    page.object_list = _rows(instance, records, per_page)
    return page


def _first_page_asked(number):
    """Whether Paginator.get_page(number) gives the first page whatever the count: 1, or no page number at all."""
    try:
        return int(number) == 1
    except (TypeError, ValueError):
        return True


def _rows(instance, records, limit):
    history_model = history_model_of(type(instance))
    m2m_fields = [instance._meta.get_field(field.name) for field in history_model._history_m2m_fields]
    m2m_values = record_links(history_model, records, m2m_fields)
    names = _m2m_names(m2m_fields, m2m_values, records[:limit + 1])
    compared = [(name, instance._meta.get_field(name)) for name in compared_fields(history_model)]
    rows = []
    for newer, older in pairwise([*records, None]):  # each record with the one before it, the first with none
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
        rows.append({
            "date": newer["history_date"],
            "user_id": newer["history_user_id"],
            "who": who,
            "action": ACTIONS.get(newer["history_type"], newer["history_type"]),
            "reason": newer["history_change_reason"] or "",
            "changes": changes,
        })
    return rows


def _m2m_names(m2m_fields, m2m_values, records):
    """The names of the related objects shown: those of the fields that changed between two of `records`, one
    query per related model (a task's lead and support units are one; they seldom change: most pages need none)."""
    ids = [record["history_id"] for record in records]
    wanted = defaultdict(set)
    for field in m2m_fields:
        held = m2m_values[field.name]
        for newer, older in zip(ids, ids[1:], strict=False):
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
    if isinstance(value, bool):  # "Đạt chỉ tiêu": yes or no in the page's language, not Python's True/False
        return gettext("Có") if value else gettext("Không")
    return "—" if value in (None, "") else value
