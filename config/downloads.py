"""File downloads: one way to build the response, so every download is named and cached alike."""
from django.http import HttpResponse
from django.utils.http import content_disposition_header

NO_STORE = "no-store, private"


def file_response(content, *, filename, content_type, inline=False):
    """A download whose Content-Disposition Django builds from `filename` (quoted, non-ASCII safe),
    so an uploaded name like `x"; filename*=UTF-8''evil.html` stays one quoted name; never cached."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["Cache-Control"] = NO_STORE
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data, filename):
    return file_response(data, filename=filename, content_type=XLSX)
