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
