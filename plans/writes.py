"""What the write services of every app share: an item locked at the version its form showed, free text
kept within its column, the change reason's length, a unit's slug."""
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .text import fold

REASON_MAX = 100  # simple-history keeps the change reason in a 100-character column


class StaleVersion(Exception):
    """Someone saved the item after this user opened it; carries the newer item."""

    def __init__(self, current):
        super().__init__("stale version")
        self.current = current


def text_lengths_check(model, **texts):
    """Refuse free text longer than the model's field allows, before anything is written."""
    errors = {}
    for name, text in texts.items():
        limit = model._meta.get_field(name).max_length
        if text and len(text) > limit:
            errors[name] = _("Nội dung quá dài: tối đa %(limit)s ký tự, đã nhập %(length)s ký tự.") % {
                "limit": limit, "length": len(text)}
    if errors:
        raise ValidationError(errors)


def item_lock(model, *, pk, version):
    """Lock a task or indicator for a workflow step, refusing a step based on an old version."""
    item = model.objects.select_for_update(of=("self",)).select_related("plan__area").get(pk=pk)
    if version is not None and item.version != version:
        raise StaleVersion(item)
    return item


def month_start(day):
    return day.replace(day=1)


def unit_slug(area, name):
    return slugify(f"{area.slug} {fold(name)}")[:120]
