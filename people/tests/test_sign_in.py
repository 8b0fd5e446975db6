"""Sign-in throttling, password change and password reset by e-mail."""
import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail

pytestmark = pytest.mark.django_db

LOCKED = "Đăng nhập bị tạm khóa"


def _sign_in(client, username, password, ip="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _signed_in(client):
    return "_auth_user_id" in client.session


def test_wrong_passwords_lock_the_username_even_with_the_right_password_until_cool_off(client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _sign_in(client, "phulam-officer", "wrong")
        assert response.status_code == 200 and "không đúng" in response.content.decode()
    locked = _sign_in(client, "phulam-officer", "wrong")
    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    assert f"{settings.AXES_COOLOFF_TIME.seconds // 60} phút" in locked.content.decode()

    # the right password, and from another address: still refused
    for ip in ("10.0.0.1", "10.9.9.9"):
        response = _sign_in(client, "phulam-officer", "demo-2026", ip=ip)
        assert response.status_code == 429 and LOCKED in response.content.decode() and not _signed_in(client)
    # another user from another address is not affected
    assert _sign_in(client, "phulam-reviewer", "demo-2026", ip="10.9.9.9").status_code == 302
    client.logout()

    # once the cool-off has passed, the right password works again
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME
                                 - datetime.timedelta(minutes=1))
    assert _sign_in(client, "phulam-officer", "demo-2026").status_code == 302 and _signed_in(client)


def test_wrong_passwords_from_one_address_lock_that_address_for_every_username(client, users):
    names = ["phulam-officer", "phulam-reviewer", "phulam-leader", "phulam-admin", "phulam-economic", "x", "y"]
    for username in names[:settings.AXES_FAILURE_LIMIT]:
        _sign_in(client, username, "wrong", ip="10.6.6.6")
    response = _sign_in(client, "daiphuoc-officer", "demo-2026", ip="10.6.6.6")
    assert response.status_code == 429 and not _signed_in(client)
    assert _sign_in(client, "daiphuoc-officer", "demo-2026", ip="10.7.7.7").status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, users, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "nobody", "password": "wrong"},
                    REMOTE_ADDR="172.16.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert AccessAttempt.objects.filter(ip_address="203.0.113.5").exists()
    assert not AccessAttempt.objects.filter(ip_address__in=["172.16.0.2", "1.2.3.4"]).exists()


@pytest.mark.parametrize("username", ["phulam-officer", "phulam-leader", "phulam-reviewer"])
def test_every_signed_in_user_can_change_their_password(client, users, username):
    client.force_login(users[username])
    assert 'href="/accounts/password_change/"' in client.get("/").content.decode()
    form = client.get("/accounts/password_change/")
    assert form.status_code == 200 and "Đổi mật khẩu" in form.content.decode()
    wrong = client.post("/accounts/password_change/", {
        "old_password": "nope", "new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    response = client.post("/accounts/password_change/", {
        "old_password": "demo-2026", "new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"})
    assert response.status_code == 302 and response.url == "/accounts/password_change/done/"
    users[username].refresh_from_db()
    assert users[username].check_password("Mat-khau-moi-2026")


def test_password_change_needs_sign_in(client, demo):
    assert client.get("/accounts/password_change/").status_code == 302


def test_reset_email_link_sets_a_new_password(client, users, settings):
    settings.PORTAL_URL = "https://nq57.example.vn"
    settings.ALLOWED_HOSTS = ["*"]  # even a Host header the server accepted does not make the link
    user = users["phulam-officer"]
    user.email = "canbo@phulam.example.vn"
    user.save()
    login_page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/"' in login_page

    response = client.post("/accounts/password_reset/", {"email": user.email}, HTTP_HOST="evil.example.com")
    assert response.status_code == 302 and response.url == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    message = mail.outbox[0]
    assert "Đặt lại mật khẩu" in message.subject and "Xin chào" in message.body
    link = re.search(r"https://nq57\.example\.vn(/accounts/reset/\S+/)", message.body).group(1)
    assert "evil.example.com" not in message.body

    form = client.get(link, follow=True)
    assert form.context["validlink"]
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "Mat-khau-moi-2026",
                                                    "new_password2": "Mat-khau-moi-2026"})
    assert done.status_code == 302 and done.url == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password("Mat-khau-moi-2026")
    # the link works once
    assert not client.get(link, follow=True).context["validlink"]
    assert _sign_in(client, "phulam-officer", "Mat-khau-moi-2026").status_code == 302


def test_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, demo):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.vn"})
    assert response.status_code == 302 and response.url == "/accounts/password_reset/done/"
    assert mail.outbox == []
