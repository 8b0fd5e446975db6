"""The rows of an item's evidence table (inc/evidence_list.html on the task and indicator pages), formatted in
Python like the other lists of those pages: each row's template (a URL, two dates, three names, two
choice labels, a file size) cost more than the page around it."""
from html import escape

from django.template.defaultfilters import filesizeformat
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from plans.document import minute_text, person_name, reverse_for_ids

from .models import Evidence


def evidence_rows_html(evidence):
    """The table body's rows, newest first as given, or the row that says there is none."""
    download = reverse_for_ids("evidence:download")
    kinds, statuses = dict(Evidence.Kind.choices), dict(Evidence.Status.choices)
    reasons = dict(Evidence.RejectionReason.choices)
    rows = []
    for item in evidence:
        reviewed = (f'\n          <div class="muted">{escape(person_name(item.reviewed_by))}, '
                    f"{minute_text(item.reviewed_at)}</div>" if item.reviewed_by else "\n          ")
        rejected = (f'\n          <div class="warning">{escape(str(reasons.get(item.rejection_reason, item.rejection_reason)))}: '
                    f"{escape(item.review_note)}</div>" if item.status == Evidence.Status.REJECTED else "\n          ")
        rows.append(
            f'\n      <tr class="evidence-{escape(item.status)}"><td><a href="{download(item.pk)}">'
            f'{escape(item.original_name)}</a> <span class="muted">({escape(str(kinds.get(item.kind, item.kind)))}, '
            f'{filesizeformat(item.size)})</span></td>\n        <td>{escape(item.description)}</td>\n'
            f'        <td>{escape(person_name(item.uploaded_by))}<div class="muted">{minute_text(item.uploaded_at)}</div></td>\n'
            f'        <td><span class="badge {escape(item.status)}">'
            f'{escape(str(statuses.get(item.status, item.status)))}</span>{reviewed}{rejected}</td></tr>\n    ')
    none = escape(_("Chưa có minh chứng."))  # outside the f-string, for makemessages to find
    return mark_safe("".join(rows) or f'<tr><td colspan="4" class="muted">{none}</td></tr>')  # noqa: S308 - escaped

