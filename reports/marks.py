"""The marks of open warnings beside an item (task page, plan page, My work), formatted in Python: pages show
them on many rows, and the template they replaced cost more than the rest of a row."""
from html import escape

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .models import Warning


def warning_marks_html(warnings):
    """A red or amber mark for each warning, titled with the day it was raised, between two line breaks."""
    labels = dict(Warning.Kind.choices)
    since = escape(_("từ"))
    marks = "".join(
        f'<span class="mark {"red" if warning.is_red else "amber"}" title="{since} '
        f'{timezone.localtime(warning.raised_at).strftime("%d/%m/%Y")}">'
        f'{escape(str(labels.get(warning.kind, warning.kind)))}</span> ' for warning in warnings)
    return mark_safe(f"\n{marks}\n")  # noqa: S308 - every value above is escaped
