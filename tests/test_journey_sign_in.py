"""Sign-in safety in the browser: wrong passwords lock the account with a clear message; a reset e-mail unlocks the way back."""
import re

import pytest
from django.conf import settings
from django.core import mail

from conftest import screen_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _try(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-submit")


def test_wrong_passwords_lock_then_a_reset_email_sets_a_new_password(demo, live_server, page, sign_in,
                                                                      django_user_model):
    officer = django_user_model.objects.get(username="phulam-officer")
    officer.email = "canbo@phulam.example.vn"
    officer.save()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _try(page, live_server, "phulam-officer", "sai-mat-khau")
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.locator(".error").inner_text()
    _try(page, live_server, "phulam-officer", "sai-mat-khau")
    assert "Đăng nhập bị tạm khóa" in page.locator("#locked-out").inner_text()
    _try(page, live_server, "phulam-officer", "demo-2026")  # the right password, still locked
    assert "Đăng nhập bị tạm khóa" in page.locator("#locked-out").inner_text()

    page.get_by_role("link", name="Đặt lại mật khẩu").click()
    page.fill("#id_email", officer.email)
    page.click("#password-reset-submit")
    assert "Hãy kiểm tra hộp thư" in page.locator("h1").inner_text()
    link = re.search(r"(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(f"{live_server.url}{link}")
    page.fill("#id_new_password1", "Mat-khau-moi-2026")
    page.fill("#id_new_password2", "Mat-khau-moi-2026")
    page.click("#password-set-submit")
    assert "Đã đặt mật khẩu mới" in page.locator("h1").inner_text()
    officer.refresh_from_db()
    assert officer.check_password("Mat-khau-moi-2026")
    # the e-mailed link proved who they are: the lockout is lifted, the new password signs in
    sign_in(page, "phulam-officer", "Mat-khau-moi-2026")
    assert "Việc của tôi" in page.get_by_role("navigation", name="Điều hướng chính").inner_text()


@pytest.mark.parametrize("screen", ["phone", "desk"])
def test_an_officer_changes_their_password(demo, live_server, browser, sign_in, django_user_model, screen):
    with screen_page(browser, screen) as page:
        sign_in(page, "phulam-economic")
        assert "/tasks/my-work/" in page.url  # where an officer's day starts, at either width
        change = page.get_by_role("link", name="Đổi mật khẩu")
        if screen == "phone":  # folded into the drawer the menu button opens
            assert change.is_hidden()
            page.get_by_role("button", name="Menu").tap()
        change.click()
        page.fill("#id_old_password", "demo-2026")
        page.fill("#id_new_password1", "Mat-khau-moi-2026")
        page.fill("#id_new_password2", "Mat-khau-moi-2026")
        page.click("#password-change-submit")
        assert "Đã đổi mật khẩu" in page.locator("h1").inner_text()
    assert django_user_model.objects.get(username="phulam-economic").check_password("Mat-khau-moi-2026")
