"""A province's IT officer gets a read-only key from the province's admin in the browser, then fetches the
communes' indicator figures for a quarter over HTTP with it, as the README's curl example does; revoked, it reads
nothing."""
import datetime
import json
import urllib.error
import urllib.request

import pytest
from django.utils import timezone

from indicators.models import Indicator, IndicatorReport
from people.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fetch(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310 - the test's own live server
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the test's own live server
        return response.status, json.loads(response.read())


def test_admin_issues_a_token_and_the_communes_indicators_are_fetched(demo, live_server, page, sign_in):
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    first_month = datetime.date(today.year, 3 * quarter - 2, 1)
    indicator = Indicator.objects.filter(plan__area__slug="phu-lam").order_by("pk").first()
    other = Indicator.objects.filter(plan__area__slug="dai-phuoc").order_by("pk").first()
    officer = User.objects.get(username="phulam-officer")
    IndicatorReport.objects.create(indicator=indicator, author=officer, period=first_month, value=7, is_met=False)
    IndicatorReport.objects.create(indicator=other, author=User.objects.get(username="daiphuoc-officer"),
                                   period=first_month, value=3)
    IndicatorReport.objects.create(indicator=indicator, author=officer, period=datetime.date(today.year - 1, 1, 1),
                                   value=1)  # another quarter: not in the answer

    sign_in(page, "dongnai-admin")
    page.goto(f"{live_server.url}/manage/")
    page.get_by_role("link", name="Khóa API").click()
    page.fill("#id_name", "Kho dữ liệu Sở KH&CN")
    page.select_option("#id_area", label="Tỉnh Đồng Nai")
    page.click("#token-submit")
    token = page.locator("#token-plain").inner_text().strip()
    assert token.startswith("pk57_")
    assert "chưa dùng" in page.locator("#tokens").inner_text()

    base = f"{live_server.url}/api/v1/indicator-reports/?period=quarterly-{today.year}-{quarter}"
    status, body = _fetch(f"{base}&area=phu-lam", token)
    assert status == 200
    assert [(row["indicator"], row["area"], row["value"]) for row in body["results"]] == [
        (indicator.pk, "phu-lam", "7.0000")]
    assert body["results"][0]["content"] == indicator.content
    _status, body = _fetch(base, token)  # every commune of the province
    assert {row["area"] for row in body["results"]} == {"phu-lam", "dai-phuoc"}

    page.goto(f"{live_server.url}/manage/api-tokens/")
    assert "chưa dùng" not in page.locator("#tokens").inner_text()  # its last use is shown
    page.get_by_role("button", name="Thu hồi").click()
    assert "Đã thu hồi" in page.locator("#tokens").inner_text()
    with pytest.raises(urllib.error.HTTPError) as refused:
        _fetch(base, token)
    assert refused.value.code == 401
