import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class ChosenLanguageMiddleware:
    """Vietnamese unless the user picked another language; the browser's Accept-Language is ignored.

    Officers often use browsers set up in English; the portal must still open in Vietnamese.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def session_seen(request):
    """Mark the session active now: it is saved with a new expiry date."""
    if hasattr(request, "session"):
        request.session["last_seen"] = int(time.time())


def _signed_in(sender, request, **kwargs):
    session_seen(request)


# The sign-in already writes the session: note the activity there, not in an extra write. A module-level function,
# since a lambda connected weakly is collected at once and the signal forgets it.
user_logged_in.connect(_signed_in, dispatch_uid="session_seen")


class SignedInMiddleware:
    """What every signed-in request gets: an idle timeout, and responses no browser or proxy keeps.

    The session expires SESSION_COOKIE_AGE after the last request (SESSION_IDLE_TIMEOUT_HOURS);
    activity pushes the expiry on, writing the session at most once a minute. Pages, PDFs,
    workbooks and evidence files of a signed-in user are sent with Cache-Control: no-store,
    so the next person at a shared office computer finds nothing in its cache.
    """

    TOUCH_EVERY = 60  # seconds

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        if signed_in and time.time() - request.session.get("last_seen", 0) >= self.TOUCH_EVERY:
            session_seen(request)
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
