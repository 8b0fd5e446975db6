"""File downloads: one way to build the response, so every download is named and cached alike, and one way to
read a stored file back, checked against the SHA-256 recorded when it was stored."""
import datetime
import hashlib
import logging

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)

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


class StoredFileAltered(Exception):
    """A stored file no longer has the SHA-256 recorded for it: it is not served."""


def stored_file_read(stored, *, recorded, area_id, message, url):
    """The bytes of `stored` (a FieldFile), when their SHA-256 is `recorded` (or none was recorded, for files kept
    before hashes were).

    Bytes changed on disk are never served as what was stored: the error is logged, the admins of the area
    `area_id` and the operators (superusers) are told, once a day per notice, and StoredFileAltered is raised.
    `message()` gives the notice's words (naming the file and what it belongs to), asked only then; `url` is the
    page the notice links to. FileNotFoundError goes to the caller, also for a record that names no file."""
    if not stored:
        raise FileNotFoundError(f"no file is recorded in {stored.field.name}")
    with stored.open("rb") as handle:
        data = handle.read()
    actual = hashlib.sha256(data).hexdigest()
    if not recorded or actual == recorded:
        return data
    logger.error("stored file %s has SHA-256 %s, recorded %s", stored.name, actual, recorded)
    _altered_tell(message(), url=url, area_id=area_id)
    raise StoredFileAltered(stored.name)


def _altered_tell(message, *, url, area_id):
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from people.models import Notification
    from people.services import notify

    if Notification.objects.filter(message=message, url=url,
                                   created_at__gte=timezone.now() - datetime.timedelta(days=1)).exists():
        return
    users = get_user_model().objects.filter(
        Q(is_superuser=True) | Q(units__area=area_id, role="admin"), is_active=True).distinct()
    notify(recipients=list(users), message=message, url=url)
