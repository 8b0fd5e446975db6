"""Django's database sessions, read with SQL compiled once a process (config/prepared.py): every request of a
signed-in user reads its session. SESSION_ENGINE names this module."""
from datetime import datetime, timezone as dt_timezone

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from .prepared import PreparedQuery

_SESSION_DATA = PreparedQuery(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now).values_list("session_data"),
    "session-key-marker", datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=dt_timezone.utc))


class SessionStore(db.SessionStore):
    def load(self):
        # Django's own load() with its query prepared: an unknown or expired key gives an empty new session.
        rows = _SESSION_DATA.rows(self.session_key, timezone.now())
        if not rows:
            self._session_key = None
            return {}
        return self.decode(rows[0][0])
