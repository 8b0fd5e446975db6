"""WeasyPrint reaches the project's static files and nothing else (no network, no other file)."""
import mimetypes
from pathlib import Path

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

APP_STATIC = Path(__file__).resolve().parent.parent / "static"


def static_roots():
    return [Path(root).resolve() for root in (APP_STATIC, *settings.STATICFILES_DIRS, settings.STATIC_ROOT)]


class StaticFilesFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        if not url.startswith("file://"):
            raise ValueError(f"refused: {url[:80]}")
        path = Path(url[len("file://"):].split("?")[0]).resolve()
        if not any(path.is_relative_to(root) for root in static_roots()) or not path.is_file():
            raise ValueError(f"refused: {url[:80]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), headers={"Content-Type": content_type}, status=200)


def base_url():
    return APP_STATIC.as_uri() + "/"
