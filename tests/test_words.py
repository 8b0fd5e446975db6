"""Words a commune officer reads without help (issue 25): periods by their real names, and "lộ trình", "6 rõ",
"thẩm quyền" explained where they appear, each by one definition (config/layout_tags.py term_help)."""
import datetime

import pytest

from config.layout_tags import month_period, term_help
from indicators.models import Indicator
from plans.clears import CLEARS
from tasks.models import Task

pytestmark = pytest.mark.django_db


def test_a_month_is_named_as_reports_name_it():
    assert month_period(datetime.date(2026, 11, 1)) == "Tháng 11/2026"
    assert month_period(None) == ""


def test_each_term_has_one_explanation():
    assert all(str(label) in term_help("six_clears") for label in CLEARS.values())
    assert term_help("schedule").startswith("Lộ trình:") and term_help("authority").startswith("Thẩm quyền:")
    with pytest.raises(ValueError):
        term_help("nothing")


def test_terms_are_explained_where_they_appear(client, users):
    client.force_login(users["phulam-officer"])
    schedule, clears, authority = (f'<abbr title="{term_help(name)}">' for name in ("schedule", "six_clears", "authority"))
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    assert schedule in client.get(f"/tasks/{task.pk}/").content.decode()
    assert schedule in client.get("/tasks/my-work/").content.decode()
    assert clears in client.get("/plans/phu-lam-55kh/").content.decode()
    indicator = Indicator.objects.filter(plan__slug="phu-lam-55kh").first()
    assert authority in client.get(f"/indicators/{indicator.pk}/").content.decode()
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "kỳ 1" not in page and "Tháng " in page  # the updates' periods by their names
    client.force_login(users["phulam-leader"])
    dashboard = client.get("/reports/").content.decode()
    assert term_help("six_clears") in dashboard and schedule in dashboard
