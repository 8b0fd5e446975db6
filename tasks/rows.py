"""The cells of "My work" rows, formatted once in Python.

Through the template engine each row (two includes, a dozen translations, filters, two URLs) cost about
3,000 Python calls, three quarters of the page; as on the plan page (plans/document.py), the cells are
formatted here with `format_html` from the hydrated rows. tasks/inc/work_row.html lays the row out around
them (its id, class and inline form), so the page and an htmx refresh of one row give the same markup.
"""
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from evidence.models import Evidence
from plans.models import ItemStatus

_EVIDENCE = {  # the latest evidence's status: its badge's class and label
    Evidence.Status.ACCEPTED: ("issued", gettext_lazy("Đã chấp nhận")),
    Evidence.Status.PENDING: ("draft", gettext_lazy("Chờ thẩm định")),
    Evidence.Status.REJECTED: ("rejected", gettext_lazy("Bị trả lại")),
}


def work_rows_cells(rows):
    """Set `cells` on each hydrated row: the HTML of its <tr>, escaped by `format_html`."""
    labels = {"plan": _("Kế hoạch"), "progress": _("Tiến độ / lộ trình"), "deadline": _("Hạn"),
              "updated": _("Cập nhật gần nhất"), "evidence": _("Minh chứng"), "warnings": _("Cảnh báo"),
              "bar": _("Tiến độ"), "lead": _("Chủ trì"), "support": _("Phối hợp (chỉ xem, góp ý)")}
    # Once per page, not per row: status labels (get_FOO_display hashes every lazy choice) and each plan's cell.
    statuses = {value: str(label) for value, label in ItemStatus.choices}
    plans = {}
    for row in rows:
        item, warnings = row.item, row.warnings
        plan = item.plan
        if plan.pk not in plans:
            plans[plan.pk] = format_html('{} · {}<div class="muted">{}</div>', plan.reference, plan.area,
                                         Truncator(plan.title).words(8, truncate=" …"))
        # A cell without warnings keeps the blank its template left (portal.css has `td:empty` rules).
        row.cells = format_html(
            '<tr>\n  <td class="c-title"><a href="{}">{}. {}</a>\n    <div class="muted">{} · {}</div></td>\n'
            '  <td class="c-plan" data-label="{}">{}</td>\n'
            '  <td class="c-progress" data-label="{}">{}</td>\n'
            '  <td class="c-deadline" data-label="{}">{}</td>\n'
            '  <td class="c-updated" data-label="{}">{}</td>\n'
            '  <td class="c-evidence" data-label="{}">{}</td>\n'
            '  <td class="c-warnings{}" data-label="{}">{}</td>\n'
            '  <td class="c-action">{}</td>\n</tr>',
            item.get_absolute_url(), item.ordinal, Truncator(item.title).words(24, truncate=" …"),
            labels["lead"] if row.is_lead else labels["support"], statuses.get(item.status, item.status),
            labels["plan"], plans[plan.pk],
            labels["progress"], _progress(row, labels),
            labels["deadline"], _deadline(row),
            labels["updated"], date_format(timezone.localtime(row.last_update), "d/m/Y H:i") if row.last_update else "—",
            labels["evidence"], _evidence(row.evidence_status),
            "" if warnings else " empty", labels["warnings"],
            render_to_string("inc/warning_marks.html", {"warnings": warnings}) if warnings else "\n",
            _action(row))
    return rows


def _progress(row, labels):
    item = row.item
    if row.kind == "task":
        value = item.progress or 0
        schedule = (_("Lộ trình: %(expected)s%%") % {"expected": row.expected} if row.expected is not None
                    else _("Chưa có lộ trình"))
        return format_html('<span class="progress"><progress value="{}" max="100" aria-label="{}">{}%</progress> '
                           '<span class="figure">{}%</span></span>\n      <div class="muted">{}</div>\n    ',
                           value, labels["bar"], value, floatformat(value, 0), schedule)
    met = ""
    if item.is_met:
        met = format_html('<div class="ok">{}</div>', _("Đạt chỉ tiêu"))
    elif item.is_met is False:
        met = format_html('<div class="warning">{}</div>', _("Chưa đạt"))
    return format_html("{} / {}\n      {}", floatformat(item.current_value, "-2") or "—", item.target_text or "—", met)


def _deadline(row):
    if not row.deadline:
        return "—"
    if row.overdue:
        left = ngettext("quá hạn %(days)s ngày", "quá hạn %(days)s ngày", row.days_overdue) % {"days": row.days_overdue}
    elif row.days_left is not None and row.days_left >= 0:
        left = ngettext("còn %(days)s ngày", "còn %(days)s ngày", row.days_left) % {"days": row.days_left}
    else:
        left = ""
    return format_html('{}<div class="muted">{}</div>', date_format(row.deadline, "d/m/Y"), left)


def _evidence(status):
    if status not in _EVIDENCE:
        return mark_safe('<span class="muted">—</span>')
    return format_html('<span class="badge {}">{}</span>', *_EVIDENCE[status])


def _action(row):
    if not row.is_lead:
        return ""
    if row.kind == "task":
        url = reverse("tasks:task_report", args=[row.item.pk])
        return format_html('<a class="button small update" href="{}" hx-get="{}" hx-target="#form-task-{}">{}</a>',
                           url, url, row.item.pk, _("Cập nhật"))
    return format_html('<a class="button small update" href="{}">{}</a>',
                       reverse("indicators:indicator_report", args=[row.item.pk]), _("Báo cáo"))
