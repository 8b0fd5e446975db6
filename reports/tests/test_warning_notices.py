"""A new warning reaches the bell of its lead unit's officers and its area's leaders, once."""
import datetime

import pytest

from people.models import Notification
from reports.services import warnings_raise
from reports.tests.test_warnings import TODAY, _make_tasks


def _notices(user):
    return list(Notification.objects.filter(recipient=user).values_list("message", "url"))


@pytest.mark.django_db
def test_new_warnings_notify_the_lead_units_officers_and_the_areas_leaders_once(users, without_year):
    tasks = _make_tasks()
    first = warnings_raise(today=TODAY)
    assert first["raised"] > 0
    officer, leader = _notices(users["phulam-officer"]), _notices(users["phulam-leader"])
    assert len(officer) == 1 and len(leader) == 1
    assert "cảnh báo mới" in officer[0][0] and officer[0][1] == "/reports/warnings/"
    for nobody in ("phulam-reviewer", "phulam-admin"):  # neither a lead unit's officer nor a leader
        assert _notices(users[nobody]) == []
    notified = Notification.objects.count()

    assert warnings_raise(today=TODAY)["raised"] == 0  # still open: not announced again
    assert Notification.objects.count() == notified

    tasks["on_track"].ends_on = datetime.date(2026, 10, 31)  # now overdue: one new warning, named with its link
    tasks["on_track"].save()
    assert warnings_raise(today=TODAY)["raised"] == 1
    message, url = _notices(users["phulam-officer"])[0]
    assert message.startswith("Cảnh báo mới: Quá hạn – ") and "on_track" in message
    assert url == tasks["on_track"].get_absolute_url()
    assert _notices(users["phulam-leader"])[0] == (message, url)
    # The office's officer and each of the commune's leaders (its own, and the heads of the units that report to it).
    leaders = {user.pk for user in users.values() if user.role == "leader" and "phu-lam" in
               {unit.area.slug for unit in user.units.all()}}
    assert len(leaders) == 1 + 6
    assert Notification.objects.count() == notified + 1 + len(leaders)


@pytest.mark.django_db
def test_the_daily_digest_still_mails_after_the_bell(users, mailoutbox):
    from reports.services import warning_digest_send

    users["phulam-officer"].email = "phulam-officer@example.test"
    users["phulam-officer"].save()
    _make_tasks()
    warnings_raise(today=TODAY)
    assert warning_digest_send() >= 1 and "phulam-officer@example.test" in [m.to[0] for m in mailoutbox]
