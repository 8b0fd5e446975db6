"""The cells of "My work" rows, formatted once in Python.

Through the template engine each row (two includes, a dozen translations, filters, two URLs) cost about
3,000 Python calls, three quarters of the page; as on the plan page (plans/document.py), the cells are
formatted here from the hydrated rows, every value escaped with `html.escape` (what `format_html` does to a
plain value, without its per-argument checks) and URLs reversed once a page. tasks/inc/work_row.html lays the
row out around them (its id, class and inline form), so the page and an htmx refresh of one row give the same
markup.
"""
from html import escape

from django.template.defaultfilters import floatformat, linebreaksbr
from django.utils import dateformat
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from evidence.models import Evidence
from plans.document import minute_text, person_name, reverse_for_ids
from plans.models import ItemStatus
from reports.marks import warning_marks_html

_EVIDENCE = {  # the latest evidence's status: its badge's class and label
    Evidence.Status.ACCEPTED: ("issued", gettext_lazy("Đã chấp nhận")),
    Evidence.Status.PENDING: ("draft", gettext_lazy("Chờ thẩm định")),
    Evidence.Status.REJECTED: ("rejected", gettext_lazy("Bị trả lại")),
}


def work_rows_cells(rows):
    """Set `cells` on each hydrated row: the HTML of its <tr>, every value escaped."""
    labels = {key: escape(label) for key, label in (
        ("plan", _("Kế hoạch")), ("progress", _("Tiến độ / lộ trình")), ("deadline", _("Hạn")),
        ("updated", _("Cập nhật gần nhất")), ("evidence", _("Minh chứng")), ("warnings", _("Cảnh báo")),
        ("bar", _("Tiến độ")), ("lead", _("Chủ trì")), ("support", _("Phối hợp (chỉ xem, góp ý)")))}
    # Once per page, not per row: status labels (get_FOO_display hashes every lazy choice), each plan's cell, the
    # URLs (reversed once, the item's id put in) and the fixed words.
    statuses = {value: escape(str(label)) for value, label in ItemStatus.choices}
    words = {key: escape(text) for key, text in (
        ("update", _("Cập nhật")), ("report", _("Báo cáo")), ("met", _("Đạt chỉ tiêu")), ("not_met", _("Chưa đạt")),
        ("no_schedule", _("Chưa có lộ trình")))}
    evidence = {status: f'<span class="badge {badge}">{escape(str(label))}</span>'
                for status, (badge, label) in _EVIDENCE.items()}
    urls = {name: reverse_for_ids(name) for name in ("tasks:task_detail", "indicators:indicator_detail", "tasks:task_report",
                                          "indicators:indicator_report")}
    plans = {}
    for row in rows:
        item, warnings = row.item, row.warnings
        plan = item.plan
        if plan.pk not in plans:
            plans[plan.pk] = (f'{escape(plan.reference)} · {escape(str(plan.area))}<div class="muted">'
                              f'{escape(Truncator(plan.title).words(8, truncate=" …"))}</div>')
        task = row.kind == "task"
        detail = urls["tasks:task_detail" if task else "indicators:indicator_detail"](item.pk)
        updated = minute_text(row.last_update) or "—"
        # A cell without warnings keeps the blank its template left (portal.css has `td:empty` rules).
        marks = warning_marks_html(warnings) if warnings else "\n"
        row.cells = mark_safe(  # noqa: S308 - every value below is escaped
            f'<tr>\n  <td class="c-title"><a href="{detail}">{escape(item.ordinal)}. '
            f'{escape(Truncator(item.title).words(24, truncate=" …"))}</a>\n'
            f'    <div class="muted">{labels["lead"] if row.is_lead else labels["support"]} · '
            f'{statuses.get(item.status) or escape(item.status)}</div></td>\n'
            f'  <td class="c-plan" data-label="{labels["plan"]}">{plans[plan.pk]}</td>\n'
            f'  <td class="c-progress" data-label="{labels["progress"]}">{_progress(row, labels, words)}</td>\n'
            f'  <td class="c-deadline" data-label="{labels["deadline"]}">{_deadline(row)}</td>\n'
            f'  <td class="c-updated" data-label="{labels["updated"]}">{updated}</td>\n'
            f'  <td class="c-evidence" data-label="{labels["evidence"]}">'
            f'{evidence.get(row.evidence_status, _NO_EVIDENCE)}</td>\n'
            f'  <td class="c-warnings{"" if warnings else " empty"}" data-label="{labels["warnings"]}">{marks}</td>\n'
            f'  <td class="c-action">{_action(row, urls, words)}</td>\n</tr>')
    return rows


_NO_EVIDENCE = '<span class="muted">—</span>'


def _progress(row, labels, words):
    item = row.item
    if row.kind == "task":
        value = item.progress or 0
        schedule = (escape(_("Lộ trình: %(expected)s%%") % {"expected": row.expected}) if row.expected is not None
                    else words["no_schedule"])
        return (f'<span class="progress"><progress value="{value}" max="100" aria-label="{labels["bar"]}">{value}%'
                f'</progress> <span class="figure">{value}%</span></span>\n      <div class="muted">{schedule}</div>\n    ')
    met = ""
    if item.is_met:
        met = f'<div class="ok">{words["met"]}</div>'
    elif item.is_met is False:
        met = f'<div class="warning">{words["not_met"]}</div>'
    return f'{escape(floatformat(item.current_value, "-2") or "—")} / {escape(item.target_text or "—")}\n      {met}'


def _deadline(row):
    if not row.deadline:
        return "—"
    if row.overdue:
        left = ngettext("quá hạn %(days)s ngày", "quá hạn %(days)s ngày", row.days_overdue) % {"days": row.days_overdue}
    elif row.days_left is not None and row.days_left >= 0:
        left = ngettext("còn %(days)s ngày", "còn %(days)s ngày", row.days_left) % {"days": row.days_left}
    else:
        left = ""
    return f'{dateformat.format(row.deadline, "d/m/Y")}<div class="muted">{escape(left)}</div>'


def _action(row, urls, words):
    if not row.may_report:
        return ""
    if row.kind == "task":
        url = urls["tasks:task_report"](row.item.pk)
        return (f'<a class="button small update" href="{url}" hx-get="{url}" hx-target="#form-task-{row.item.pk}">'
                f'{words["update"]}</a>')
    return f'<a class="button small update" href="{urls["indicators:indicator_report"](row.item.pk)}">{words["report"]}</a>'


# The task page's lists: its progress reports and comments, formatted here for the same reason as the rows
# above (tasks/task_detail.html lays them out).

def update_rows_html(updates):
    """The task's progress reports, newest first as given, or the line that says there is none."""
    words = {key: escape(text) for key, text in (
        ("difficulties", _("Khó khăn, vướng mắc")), ("proposals", _("Kiến nghị")), ("reason", _("Lý do điều chỉnh")))}
    rows = []
    for update in updates:
        extras = "".join(
            f"\n      <div><em>{words[name]}:</em> {escape(text)}</div>" if text else "\n      "
            for name, text in (("difficulties", update.difficulties), ("proposals", update.proposals),
                               ("reason", update.reason)))
        period = _("kỳ %(period)s") % {"period": update.period.strftime("%m/%Y")}
        rows.append(
            f"\n    <li><time>{minute_text(update.created_at)}</time> · <strong>{escape(person_name(update.author))}</strong>"
            f"\n      · {period}: {update.progress_before}% → <strong>{update.progress_after}%</strong>"
            f"\n      <div>{linebreaksbr(update.achievements, autoescape=True)}</div>{extras}</li>\n  ")
    none = escape(_("Chưa có báo cáo tiến độ."))  # outside the f-string, for makemessages to find
    return mark_safe("".join(rows) or f'<li class="muted">{none}</li>')  # noqa: S308 - every value above is escaped


def comment_rows_html(comments):
    """The task's comments, oldest first as given, or the line that says there is none."""
    rows = "".join(f"<li><strong>{escape(person_name(comment.author))}</strong> · {minute_text(comment.created_at)}: "
                   f"{escape(comment.body)}</li>" for comment in comments)
    none = escape(_("Chưa có ý kiến."))  # outside the f-string, for makemessages to find
    return mark_safe(rows or f'<li class="muted">{none}</li>')  # noqa: S308

