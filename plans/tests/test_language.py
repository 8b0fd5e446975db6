import pytest

pytestmark = pytest.mark.django_db


def test_vietnamese_by_default_whatever_the_browser_asks(client, users):
    client.force_login(users["phulam-officer"])
    response = client.get("/plans/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Danh sách kế hoạch" in response.content.decode() and response["Content-Language"] == "vi"


def test_english_when_chosen(client, users):
    client.force_login(users["phulam-officer"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/tasks/my-work/").content.decode()
    assert "My work" in page and "Việc của tôi" not in page


def test_the_health_check_answers_without_signing_in(client):
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.content == b"ok"
