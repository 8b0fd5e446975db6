"""Notification channels (issue 26, point 4): the bell always; e-mail and Zalo ZNS as each person chose, outside
their quiet hours; a delivery log with retries; failures listed to the area's admin. Zalo is a local fake
server (fake_zns.py) that refuses what ZNS refuses."""
import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone

from people.models import Delivery, Notification, NotificationPreference
from people.notifications import quiet_until
from people.services import notify
from plans.models import Area, Plan, Section, Unit
from reports.services import warnings_raise
from tasks.models import Task, TimelineKind

from .fake_zns import PHONE_INVALID, UNKNOWN_ERROR, FakeZNS

TOKEN = "test-oa-token"  # noqa: S105 - the fake's token
TEMPLATES = {"301": {"message": 100, "url": 100}, "302": {"message": 100, "url": 100}}


@pytest.fixture
def zns(settings):
    with FakeZNS(token=TOKEN, templates=TEMPLATES) as fake:
        settings.ZALO_ZNS_URL, settings.ZALO_ZNS_ACCESS_TOKEN = fake.url, TOKEN
        settings.ZALO_ZNS_TEMPLATES = {"general": "301", "warning": "302"}
        settings.NOTIFY_RETRY_DELAY = 0
        yield fake


@pytest.fixture
def eager():
    """Jobs run in this process (as with no broker), so a test without a worker sees them done."""
    from config.celery import app

    saved, app.conf.task_always_eager = app.conf.task_always_eager, True
    yield
    app.conf.task_always_eager = saved


def _zalo(user, phone="84912345678", **values):
    return NotificationPreference.objects.update_or_create(user=user, defaults={
        "email": False, "zalo": True, "phone": phone, **values})[0]


def _commune_with_overdue_task(django_user_model):
    area = Area.objects.create(kind="commune", name="Xã Thử Zalo", slug="xa-thu-zalo")
    unit = Unit.objects.create(area=area, name="Phòng VH-XH", slug="xa-thu-zalo-vhxh")
    plan = Plan.objects.create(slug="xa-thu-zalo-kh", area=area, issuer="UBND", title="KH", status="draft")
    section = Section.objects.create(plan=plan, number="I.", title="Nhóm", position=1)
    task = Task.objects.create(plan=plan, section=section, position=1, ordinal="1", title="Số hóa hồ sơ",
                               timeline_text="Năm 2020", timeline_kind=TimelineKind.ONE_OFF,
                               starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2020, 12, 31))
    task.lead_units.set([unit])
    officer = django_user_model.objects.create_user("zalo-officer", password="x", role="officer")
    officer.units.set([unit])
    return officer


@pytest.mark.django_db
def test_a_warning_for_ones_unit_reaches_zalo_once(django_user_model, zns, eager, django_capture_on_commit_callbacks):
    officer = _commune_with_overdue_task(django_user_model)
    _zalo(officer)
    with django_capture_on_commit_callbacks(execute=True):
        warnings_raise()
    assert Notification.objects.filter(recipient=officer).count() == 1  # the bell, as before
    assert len(zns.sent) == 1, zns.requests
    body = zns.sent[0]
    assert body["phone"] == "84912345678" and body["template_id"] == "302"
    assert "Số hóa hồ sơ" in body["template_data"]["message"] and body["tracking_id"]
    delivery = Delivery.objects.get(user=officer)
    assert (delivery.channel, delivery.kind, delivery.status, delivery.attempts) == ("zalo", "warning", "sent", 1)
    with django_capture_on_commit_callbacks(execute=True):
        warnings_raise()  # the warning stays open: not announced again
    assert len(zns.sent) == 1 and Delivery.objects.filter(user=officer).count() == 1


@pytest.mark.django_db
def test_email_follows_the_preference_and_long_notices_fit_the_template(users, zns, eager,
                                                                        django_capture_on_commit_callbacks):
    officer, other = users["daiphuoc-officer"], users["daiphuoc-economic"]
    officer.email, other.email = "officer@example.org", "economic@example.org"
    officer.save(), other.save()
    _zalo(officer, email=True)
    NotificationPreference.objects.create(user=other, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[officer, other], message="Minh chứng bị trả lại: " + "x" * 300, url="/tasks/1/",
               kind="evidence_rejected")
    assert [m.to for m in mail.outbox] == [["officer@example.org"]]
    assert len(zns.sent) == 1 and len(zns.sent[0]["template_data"]["message"]) == 100
    assert zns.sent[0]["template_id"] == "301"  # no template of its own: the general one
    assert set(Delivery.objects.values_list("channel", "status")) == {("email", "sent"), ("zalo", "sent")}


@pytest.mark.django_db
def test_a_phone_zns_refuses_fails_without_retry_and_the_areas_admin_sees_it(client, users, zns, eager,
                                                                              django_capture_on_commit_callbacks):
    officer = users["daiphuoc-officer"]
    _zalo(officer, phone="0912345678")  # saved before the form checked phones: not the 84… form ZNS takes
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[officer], message="Ý kiến chỉ đạo về kiến nghị", kind="difficulty_answered")
    delivery = Delivery.objects.get(user=officer, channel="zalo")
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert str(PHONE_INVALID) in delivery.last_error and zns.sent == []
    client.force_login(users["daiphuoc-admin"])
    page = client.get("/manage/deliveries/failed/")
    assert page.status_code == 200 and delivery in page.context["page"]
    assert "Phone number is invalid" in page.content.decode()
    client.force_login(users["phulam-admin"])  # another commune's admin
    assert delivery not in client.get("/manage/deliveries/failed/").context["page"]
    client.force_login(users["daiphuoc-officer"])
    assert client.get("/manage/deliveries/failed/").status_code == 403


@pytest.mark.django_db
def test_the_failures_page_costs_the_same_queries_for_one_or_many(client, users, django_assert_num_queries):
    officer = users["daiphuoc-officer"]
    client.force_login(users["daiphuoc-admin"])
    Delivery.objects.create(user=officer, channel="zalo", message="m", status="failed", attempts=4, last_error="e")
    client.get("/manage/deliveries/failed/")  # session and user cached alike for both counts
    with django_assert_num_queries(4) as one:
        client.get("/manage/deliveries/failed/")
    Delivery.objects.bulk_create([Delivery(user=user, channel="email", message="m", status="failed", last_error="e")
                                  for user in (officer, users["daiphuoc-economic"], users["daiphuoc-leader"])])
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get("/manage/deliveries/failed/").context["page"]) == 4


@pytest.mark.django_db
def test_inside_quiet_hours_the_message_waits_for_their_end(users, monkeypatch, settings,
                                                            django_capture_on_commit_callbacks):
    import config.jobs

    published = []
    monkeypatch.setattr(config.jobs, "enqueue_after_commit", lambda name, *args, **kwargs: published.append(kwargs))
    officer = users["daiphuoc-officer"]
    now = timezone.localtime()
    start = (now - datetime.timedelta(hours=1)).time()
    end = (now + datetime.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    _zalo(officer, quiet_start=start, quiet_end=end)
    notify(recipients=[officer], message="Báo cáo bị trả lại", kind="report_returned")
    delivery = Delivery.objects.get(user=officer)
    assert delivery.status == "queued" and delivery.not_before > timezone.now() + datetime.timedelta(minutes=115)
    assert 115 * 60 < published[0]["countdown"] <= 120 * 60
    # Outside them: at once. Quiet hours across midnight hold at 23:00 until 06:00.
    _zalo(officer, quiet_start=(now + datetime.timedelta(hours=1)).time(), quiet_end=end)
    notify(recipients=[officer], message="Báo cáo bị trả lại", kind="report_returned")
    assert published[1]["countdown"] == 0
    night = NotificationPreference(quiet_start=datetime.time(22), quiet_end=datetime.time(6))
    at_23 = timezone.make_aware(datetime.datetime(2026, 12, 7, 23, 0))
    assert quiet_until(night, at_23) == timezone.make_aware(datetime.datetime(2026, 12, 8, 6, 0))
    assert quiet_until(night, timezone.make_aware(datetime.datetime(2026, 12, 8, 7, 0))) is None


@pytest.mark.django_db
def test_each_person_sets_only_their_own_preferences(client, users):
    officer, other = users["daiphuoc-officer"], users["daiphuoc-economic"]
    assert client.get("/notifications/preferences/").status_code == 302  # signed out: to the sign-in page
    client.force_login(officer)
    response = client.post("/notifications/preferences/", {
        "email": "on", "zalo": "on", "phone": "0912 345 678", "quiet_start": "22:00", "quiet_end": "06:00",
        "user": other.pk})
    assert response.status_code == 302
    saved = NotificationPreference.objects.get()
    assert (saved.user, saved.phone, saved.zalo, saved.quiet_end) == (officer, "84912345678", True, datetime.time(6))
    bad = client.post("/notifications/preferences/", {"zalo": "on", "phone": "12345"})
    assert bad.status_code == 400 and "Số điện thoại không hợp lệ" in bad.content.decode()
    assert NotificationPreference.objects.get().phone == "84912345678"  # nothing changed
    client.force_login(other)
    assert client.get("/notifications/preferences/").context["form"].instance.pk is None  # not the officer's


@pytest.mark.worker
def test_a_failure_is_retried_by_the_worker_then_sent(celery_worker, zns, django_user_model):
    officer = django_user_model.objects.create_user("zalo-retry", password="x", role="officer")
    _zalo(officer)
    zns.fail_next = [UNKNOWN_ERROR]  # the first attempt meets ZNS's "Unknown error": worth another try
    notify(recipients=[officer], message="Cảnh báo mới: Quá hạn – Số hóa hồ sơ", url="/reports/warnings/",
           kind="warning")
    delivery = Delivery.objects.get(user=officer)
    for _ in range(200):
        delivery.refresh_from_db()
        if delivery.status != "queued":
            break
        time.sleep(0.1)
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert str(UNKNOWN_ERROR) in delivery.last_error and delivery.sent_at is not None
    assert len(zns.requests) == 2 and len(zns.sent) == 1
    assert zns.requests[0]["tracking_id"] != zns.requests[1]["tracking_id"]
