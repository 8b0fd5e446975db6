"""What the rows of "My work" show, as plain values for tasks/inc/work_rows.html to lay out.

A page shows 20 rows; what would cost per row in the template (reversing two URLs, cutting titles to a number
of words, looking up a status label among lazy choices) is done here once a page, the rest is the template's.
"""
from django.utils.text import Truncator

from plans.document import reverse_for_ids
from plans.models import ItemStatus


def work_rows_shown(rows):
    """Set on each hydrated row what its cells show: `url`, `report_url` (only where the user may report),
    `title` and `plan_title` cut to a number of words, `status`, the item's status label."""
    statuses = dict(ItemStatus.choices)
    urls = {name: reverse_for_ids(name) for name in ("tasks:task_detail", "indicators:indicator_detail",
                                                     "tasks:task_report", "indicators:indicator_report")}
    plan_titles = {}
    for row in rows:
        item, kind = row.item, "tasks:task" if row.kind == "task" else "indicators:indicator"
        row.url = urls[f"{kind}_detail"](item.pk)
        row.report_url = urls[f"{kind}_report"](item.pk) if row.may_report else ""
        row.title = Truncator(item.title).words(24, truncate=" …")
        if item.plan_id not in plan_titles:
            plan_titles[item.plan_id] = Truncator(item.plan.title).words(8, truncate=" …")
        row.plan_title = plan_titles[item.plan_id]
        row.status = statuses.get(item.status, item.status)
    return rows
