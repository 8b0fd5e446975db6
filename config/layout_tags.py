"""Links of the base layout, reversed once per process (a builtin template library: see TEMPLATES).

The header links a dozen pages and five static files on every page; reversing them each time cost about a
fifth of the layout's time. URLs and hashed static names only change with a new deploy, which starts new
processes. As tags, not a context processor, so that the 500 page (rendered without a request) has them too.
"""
from functools import cache
from html import escape

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, gettext, override

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


@register.simple_tag(takes_context=True)
def topbar(context):
    """The header of every page: the brand, the main menu, the bell and the user, and the language buttons.

    Formatted here, not in base.html: the template engine spent more on these few lines than a short page
    spends on its own content. What depends only on the language and the kind of user is built once per
    process (`_menu`, `_language_buttons`), the rest on each page. Rendered without a request or user (the
    500 page), it shows the brand and the language buttons only.
    """
    request, user = context.get("request"), context.get("user")
    language = get_language()
    token = context.get("csrf_token")
    token_input = (f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'
                   if token and token != "NOTPROVIDED" else "")
    parts = ['<header class="topbar">\n  <a class="brand" href="', page_url("plans:plan_list"), '">',
             escape(gettext("Cổng theo dõi NQ 57")), "</a>\n  "]
    if user is not None and user.is_authenticated:
        unread = context.get("unread_notifications")
        parts += [_menu(language, user.role == "reviewer" or user.is_superuser, user.is_portal_admin,
                        user.is_superuser),
                  '<span class="count" id="unread-count">', escape(str(unread)) if unread else "", "</span></a>",
                  '\n    <span class="name">', escape(user.display_name), " · ",
                  escape(str(user.get_role_display())), "</span>",
                  '\n    <a href="', page_url("password_change"), '">', escape(gettext("Đổi mật khẩu")), "</a>",
                  '\n    <form method="post" action="', page_url("logout"), '" class="inline">', token_input,
                  '<button type="submit" class="link">', escape(gettext("Đăng xuất")), "</button></form>",
                  "\n  </div>\n  "]
    next_path = request.get_full_path() if request is not None else ""
    parts += ['\n  <form method="post" action="', page_url("set_language"), '" class="inline lang">', token_input,
              '\n    <input type="hidden" name="next" value="', escape(next_path), '">\n    \n    ',
              _language_buttons(language), "\n  </form>\n</header>"]
    return mark_safe("".join(parts))


@cache
def _menu(language, reviews, administers, operates):
    """The main menu, and the bell's link up to its count, for one language and kind of user."""
    def link(name, words):
        return f'<a href="{page_url(name)}">{escape(words)}</a>'

    # Each word a literal of its own gettext call, outside f-strings, for makemessages to find.
    with override(language):
        links = [link("tasks:my_work", gettext("Việc của tôi")), link("plans:plan_list", gettext("Kế hoạch")),
                 link("reports:dashboard", gettext("Tổng quan")), link("reports:warning_list", gettext("Cảnh báo")),
                 link("reports:report_list", gettext("Báo cáo")),
                 link("evidence:review_queue", gettext("Thẩm định minh chứng")) if reviews else "",
                 link("plans:manage", gettext("Quản trị")) if administers else "",
                 link("admin:index", gettext("Quản trị hệ thống")) if operates else ""]
        navigation, notices = escape(gettext("Điều hướng chính")), escape(gettext("Thông báo"))
    return (f'\n  <nav aria-label="{navigation}">\n    ' + "\n    ".join(links) + '\n  </nav>\n  <div class="who">\n'
            f'    <a class="bell" href="{page_url("people:notifications")}" title="{notices}">{notices}')


@cache
def _language_buttons(current):
    return "".join(
        f'<button type="submit" name="language" value="{code}" lang="{code}" '
        f'title="{escape(get_language_info(code)["name_local"])}" class="link{" current" if code == current else ""}">'
        f"{code.upper()}</button>" for code, _name in settings.LANGUAGES)
