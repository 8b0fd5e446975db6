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


def test_wrong_passwords_lock_the_username_from_that_address_even_with_the_right_password_until_cool_off(
        client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _sign_in(client, "phulam-officer", "wrong")
        assert response.status_code == 200 and "không đúng" in response.content.decode()
    locked = _sign_in(client, "phulam-officer", "wrong")
    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    assert f"{settings.AXES_COOLOFF_TIME.seconds // 60} phút" in locked.content.decode()

    # the right password from the same address: still refused
    response = _sign_in(client, "phulam-officer", "demo-2026")
    assert response.status_code == 429 and LOCKED in response.content.decode() and not _signed_in(client)

    # once the cool-off has passed, the right password works again
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME
                                 - datetime.timedelta(minutes=1))
    assert _sign_in(client, "phulam-officer", "demo-2026").status_code == 302 and _signed_in(client)


def test_one_persons_wrong_passwords_do_not_lock_the_officer_out_at_their_own_desk(client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        _sign_in(client, "phulam-officer", "wrong", ip="10.6.6.6")
    assert _sign_in(client, "phulam-officer", "demo-2026", ip="10.6.6.6").status_code == 429
    assert _sign_in(client, "phulam-officer", "demo-2026", ip="10.0.0.1").status_code == 302 and _signed_in(client)


def test_wrong_passwords_from_one_address_do_not_lock_the_others_behind_it(client, users):
    """An office's computers share one address: one person's mistakes must not lock their colleagues out."""
    for username in ["phulam-officer", "x", "y", "z", "phulam-leader", "w"] * settings.AXES_FAILURE_LIMIT:
        _sign_in(client, username, "wrong", ip="10.6.6.6")
    assert _sign_in(client, "phulam-officer", "demo-2026", ip="10.6.6.6").status_code == 429
    for username in ("phulam-reviewer", "phulam-admin"):
        assert _sign_in(client, username, "demo-2026", ip="10.6.6.6").status_code == 302 and _signed_in(client)
        client.logout()


def test_a_username_guessed_from_many_addresses_is_locked_everywhere_after_many_more_failures(client, users,
                                                                                               settings):
    settings.SIGN_IN_USERNAME_FAILURE_LIMIT = 12
    per_address = settings.AXES_FAILURE_LIMIT - 1  # never enough to lock one address
    for n in range(settings.SIGN_IN_USERNAME_FAILURE_LIMIT // per_address - 1):
        for _ in range(per_address):
            _sign_in(client, "phulam-officer", "wrong", ip=f"10.5.0.{n}")
    assert _sign_in(client, "phulam-officer", "demo-2026", ip="10.0.0.1").status_code == 302
    client.logout()
    for _ in range(per_address):  # the rest, from one more address: the username's total reaches the limit
        _sign_in(client, "phulam-officer", "wrong", ip="10.5.1.1")
    response = _sign_in(client, "phulam-officer", "demo-2026", ip="10.0.0.1")
    assert response.status_code == 429 and LOCKED in response.content.decode() and not _signed_in(client)
    assert _sign_in(client, "phulam-reviewer", "demo-2026", ip="10.0.0.1").status_code == 302


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
    assert 'href="/accounts/password_change/"' in client.get("/plans/").content.decode()
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
