"""A superuser's change to a locked figure in the Django admin (its change form and simple-history's revert) needs
a reason, refused in Vietnamese without one and kept in the history."""
import datetime

import pytest

from indicators.models import Indicator
from tasks.models import Task

from .test_as_of import PAST_QUARTER, PAST_YEAR
from .test_period_lock import _indicator, _indicator_update, _issue, _task_update

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]
FIRST_MONTH = datetime.date(PAST_YEAR, (PAST_QUARTER - 1) * 3 + 1, 1)  # inside the past quarter's window
REFUSED = "đã khóa vì báo cáo"


def _form_data(response):
    """What the change form posts as shown: its fields, and its inlines' (an indicator's targets by year)."""
    forms = [(response.context["adminform"].form, lambda name: name)]
    for inline in response.context.get("inline_admin_formsets") or []:
        management = inline.formset.management_form
        forms.append((management, management.add_prefix))
        forms += [(form, form.add_prefix) for form in inline.formset.forms]
    data = {}
    for form, key in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, (list, tuple)):
                data[key(name)] = [str(v) for v in value]
            else:
                data[key(name)] = "on" if value is True else str(value)
    return data


@pytest.fixture
def root(client, django_user_model):
    user = django_user_model.objects.create_superuser("root-admin", "root@example.com", "x")
    client.force_login(user)
    return user


def test_a_locked_task_figure_changed_or_reverted_in_the_admin_needs_a_reason(client, users, root):
    _task_update(users, FIRST_MONTH)  # inside the quarter, before it is reported
    report = _issue(users["phulam-leader"], PAST_YEAR, PAST_QUARTER)
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    url = f"/admin/tasks/task/{task.pk}/change/"
    page = client.get(url)
    assert "Lý do điều chỉnh số liệu đã khóa" in page.content.decode()
    data = _form_data(page)

    refused = client.post(url, {**data, "progress": "60"})
    assert refused.status_code == 200 and REFUSED in refused.content.decode()
    assert report.reference in refused.content.decode()
    task.refresh_from_db()
    assert task.progress == 10

    assert client.post(url, {**data, "title": task.title + " (sửa chữ)"}).status_code == 302  # not a figure: no reason

    assert client.post(url, {**data, "progress": "60", "lock_reason": "Sửa lỗi nhập liệu"}).status_code == 302
    task.refresh_from_db()
    assert task.progress == 60
    assert "Sửa lỗi nhập liệu" in task.history.first().history_change_reason

    # Reverting to the version before the update is a change of the locked figure too.
    before = task.history.filter(progress=0).order_by("-history_date").first()
    revert_url = f"/admin/tasks/task/{task.pk}/history/{before.history_id}/"
    revert = client.get(revert_url)
    assert revert.status_code == 200
    data = _form_data(revert)
    refused = client.post(revert_url, data)
    assert refused.status_code == 200 and REFUSED in refused.content.decode()
    task.refresh_from_db()
    assert task.progress == 60
    assert client.post(revert_url, {**data, "lock_reason": "Khôi phục theo báo cáo"}).status_code == 302
    task.refresh_from_db()
    assert task.progress == 0 and "Khôi phục theo báo cáo" in task.history.first().history_change_reason


def test_a_locked_indicator_figure_changed_in_the_admin_needs_a_reason(client, users, root):
    indicator = _indicator(users)
    _indicator_update(users, indicator, FIRST_MONTH)
    _issue(users["phulam-leader"], PAST_YEAR, PAST_QUARTER)
    indicator.refresh_from_db()
    url = f"/admin/indicators/indicator/{indicator.pk}/change/"
    data = _form_data(client.get(url))
    changed = str(indicator.target_value + 5)
    refused = client.post(url, {**data, "current_value": changed})
    assert refused.status_code == 200 and REFUSED in refused.content.decode()
    assert client.post(url, {**data, "current_value": changed, "lock_reason": "Số liệu thống kê chính thức"}
                       ).status_code == 302
    indicator = Indicator.objects.get(pk=indicator.pk)
    assert indicator.current_value == indicator.target_value + 5
    assert "Số liệu thống kê chính thức" in indicator.history.first().history_change_reason
