"""Links of the base layout, reversed once per process (a builtin template library: see TEMPLATES).

The header links a dozen pages and five static files on every page; reversing them each time cost about a
fifth of the layout's time. URLs and hashed static names only change with a new deploy, which starts new
processes. As tags, not a context processor, so that the 500 page (rendered without a request) has them too.
"""
from functools import cache

from django import template
from django.templatetags.static import static
from django.urls import reverse

register = template.Library()


@register.simple_tag
@cache
def page_url(name):
    """`{% url name %}` of a page that takes no arguments."""
    return reverse(name)


@register.simple_tag
@cache
def file_url(path):
    """`{% static path %}`."""
    return static(path)


@register.simple_tag
def term_help(name):
    """What a term of the plans means, in words a commune officer reads without help: shown beside the term
    (`<abbr title>` or a small help text). One definition a term, used wherever the term appears."""
    from django.utils.translation import gettext

    from plans.clears import CLEARS

    if name == "schedule":
        return gettext("Lộ trình: tiến độ cần đạt đến hôm nay, tính theo thời gian thực hiện đã trôi qua.")
    if name == "six_clears":
        return gettext("“6 rõ”: mỗi việc phải ghi %(clears)s.") % {
            "clears": ", ".join(str(label) for label in CLEARS.values())}
    if name == "authority":
        return gettext("Thẩm quyền: cấp phê duyệt, ban hành sản phẩm của việc (ví dụ UBND xã, Chủ tịch UBND xã).")
    raise ValueError(name)


@register.filter
def month_period(day):
    """A month's reporting period by its name, as reports name periods: "Tháng 11/2026" (reports.periods)."""
    from reports.models import ReportKind
    from reports.periods import period_label

    return period_label(ReportKind.MONTHLY, day.year, day.month) if day else ""
