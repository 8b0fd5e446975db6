"""The assignment table: many items assigned in one save, all or nothing, with history."""
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator
from plans.assignment import Change, assignment_save
from plans.clears import missing_keys
from plans.models import Plan, Unit
from tasks.models import Task

# About assigning Đại Phước's targets: they start unassigned, as their seed leaves them.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("targets_unassigned")]
PLAN = "dai-phuoc-2026"


def _unit(area, name):
    return Unit.objects.get(area__slug=area, name=name)


def _indicators():
    return Indicator.objects.filter(plan__slug=PLAN).order_by("position")


def test_one_save_assigns_every_target_with_one_reason_in_history(users):
    plan = Plan.objects.get(slug=PLAN)
    office = _unit("dai-phuoc", "Phòng Văn hóa - Xã hội")
    changes = [Change(key=f"indicator-{i.pk}", version=i.version,
                      values={"lead_units": [office.pk], "officer": users["daiphuoc-officer"].pk,
                              "timeline": "đến cuối năm 2026", "product": "Báo cáo kết quả", "authority": "Chủ tịch UBND xã"})
               for i in _indicators()]
    assert assignment_save(plan=plan, user=users["daiphuoc-admin"], changes=changes, reason="Phân công 2026") == 44
    for indicator in _indicators().prefetch_related("lead_units"):
        assert list(indicator.lead_units.all()) == [office] and indicator.version == 2
        assert indicator.deadline.isoformat() == "2026-12-31" and indicator.starts_on.isoformat() == "2026-01-01"
        assert indicator.missing_clears == []
        latest = indicator.history.first()
        assert latest.history_user == users["daiphuoc-admin"] and latest.history_change_reason == "Phân công 2026"


def test_a_unit_of_another_commune_refuses_the_whole_save(users):
    plan = Plan.objects.get(slug=PLAN)
    first, second = _indicators()[:2]
    own, foreign = _unit("dai-phuoc", "Phòng Kinh tế"), _unit("phu-lam", "Phòng Kinh tế")
    with pytest.raises(ValidationError) as refused:
        assignment_save(plan=plan, user=users["daiphuoc-admin"], changes=[
            Change(key=f"indicator-{first.pk}", version=1, values={"lead_units": [own.pk]}),
            Change(key=f"indicator-{second.pk}", version=1, values={"lead_units": [foreign.pk]})])
    assert "không thuộc địa bàn" in " ".join(refused.value.messages)
    assert not Indicator.lead_units.through.objects.filter(indicator__plan__slug=PLAN).exists()


def test_the_officer_must_belong_to_the_lead_unit(users):
    plan = Plan.objects.get(slug=PLAN)
    indicator = _indicators()[0]
    with pytest.raises(ValidationError, match="đơn vị chủ trì"):
        assignment_save(plan=plan, user=users["daiphuoc-admin"], changes=[Change(
            key=f"indicator-{indicator.pk}", version=1,
            values={"lead_units": [_unit("dai-phuoc", "Phòng Kinh tế").pk], "officer": users["daiphuoc-officer"].pk})])
    indicator.refresh_from_db()
    assert indicator.officer is None and indicator.version == 1


def test_a_change_on_an_old_version_is_refused(users):
    plan = Plan.objects.get(slug=PLAN)
    task = Task.objects.filter(plan=plan).first()
    leads = list(task.lead_units.all())
    office = _unit("dai-phuoc", "Công an xã")
    assignment_save(plan=plan, user=users["daiphuoc-admin"],
                    changes=[Change(key=f"task-{task.pk}", version=task.version, values={"product": "Báo cáo"})])
    with pytest.raises(ValidationError, match="vừa sửa"):
        assignment_save(plan=plan, user=users["daiphuoc-admin"],
                        changes=[Change(key=f"task-{task.pk}", version=task.version, values={"lead_units": [office.pk]})])
    assert list(task.lead_units.all()) == leads


def test_another_communes_admin_may_not_assign(users):
    plan = Plan.objects.get(slug=PLAN)
    indicator = _indicators()[0]
    with pytest.raises(PermissionDenied):
        assignment_save(plan=plan, user=users["phulam-admin"], changes=[Change(
            key=f"indicator-{indicator.pk}", version=1, values={"product": "x"})])


def test_an_item_of_another_plan_cannot_be_smuggled_in(users):
    plan = Plan.objects.get(slug=PLAN)
    other = Task.objects.filter(plan__slug="phu-lam-55kh").first()
    with pytest.raises(ValidationError, match="không thuộc kế hoạch"):
        assignment_save(plan=plan, user=users["daiphuoc-admin"],
                        changes=[Change(key=f"task-{other.pk}", version=other.version, values={"product": "x"})])
    other.refresh_from_db()
    assert other.product != "x"


def _page_form(response):
    """The assignment form as a browser would post it, from the rendered rows."""
    data = {"row": [], "reason": "", "selected": []}
    for row in response.context["rows"]:
        key = row["key"]
        data["row"].append(key)
        data[f"{key}-version"] = row["version"]
        data[f"{key}-initial"] = row["initial"]
        values = json.loads(row["initial"])
        data[f"{key}-lead_units"] = values["lead_units"]
        data[f"{key}-support_units"] = values["support_units"]
        data[f"{key}-officer"] = values["officer"] or ""
        for name in ("product", "timeline", "authority"):
            data[f"{key}-{name}"] = values[name]
    return data


def test_the_page_filters_by_what_is_missing_and_bulk_assigns_the_ticked_rows(client, users):
    client.force_login(users["daiphuoc-admin"])
    url = f"/plans/{PLAN}/assignment/?kind=indicator&missing=responsibility"
    response = client.get(url)
    assert response.status_code == 200 and len(response.context["rows"]) == 44
    office = _unit("dai-phuoc", "Phòng Văn hóa - Xã hội")
    data = _page_form(response)
    data["selected"] = data["row"]
    data["bulk-lead_units"] = [office.pk]
    response = client.post(url, data)
    assert response.status_code == 302
    assert client.get(url).context["rows"] == []
    assert all(list(i.lead_units.all()) == [office] for i in _indicators().prefetch_related("lead_units"))


def test_one_officer_for_many_rows_goes_where_they_belong_and_the_other_rows_are_named(client, users):
    """Issue 25: the bar's officer is given to the ticked rows led by their unit; the rest are saved without them
    and named, where the whole save used to be refused."""
    client.force_login(users["daiphuoc-admin"])
    url = f"/plans/{PLAN}/assignment/?kind=indicator"
    response = client.get(url)
    culture, economic = _unit("dai-phuoc", "Phòng Văn hóa - Xã hội"), _unit("dai-phuoc", "Phòng Kinh tế")
    data = _page_form(response)
    keys = data["row"][:6]
    data["selected"] = keys
    for number, key in enumerate(keys):  # the last two rows are led by the Economic office
        data[f"{key}-lead_units"] = [economic.pk if number >= 4 else culture.pk]
    data["bulk-officer"] = users["daiphuoc-officer"].pk  # of the Culture-Social office
    data["bulk-authority"] = "Chủ tịch UBND xã"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert "Đã lưu phân công cho 6 mục." in shown
    targets = {f"indicator-{i.pk}": i for i in _indicators().select_related("section")}
    left_out = [f"Chỉ tiêu {targets[key].section.number} {targets[key].ordinal}" for key in keys[4:]]
    assert any(all(label in message for label in left_out) and "không thuộc đơn vị chủ trì" in message
               for message in shown)
    for number, key in enumerate(keys):
        target = Indicator.objects.get(pk=targets[key].pk)
        assert target.authority == "Chủ tịch UBND xã"
        assert target.officer == (None if number >= 4 else users["daiphuoc-officer"])
        assert target.history.first().history_user == users["daiphuoc-admin"]


def test_the_bars_officer_does_not_skip_the_rules_of_the_rows_it_fits(client, users):
    """Rows the officer fits are still one save: another row's error refuses them all."""
    client.force_login(users["daiphuoc-admin"])
    url = f"/plans/{PLAN}/assignment/?kind=indicator"
    data = _page_form(client.get(url))
    culture = _unit("dai-phuoc", "Phòng Văn hóa - Xã hội")
    keys = data["row"][:3]
    data["selected"] = keys
    for key in keys:
        data[f"{key}-lead_units"] = [culture.pk]
    data[f"{keys[2]}-timeline"] = "31/02/2026"  # no such day
    data["bulk-officer"] = users["daiphuoc-officer"].pk
    response = client.post(url, data)
    assert response.status_code == 400 and "không có thật" in response.content.decode()
    assert not Indicator.objects.filter(plan__slug=PLAN, officer__isnull=False).exists()


def test_a_save_keeps_an_officer_whose_account_was_closed(client, users):
    """The page offers active officers only; an item's officer whose account was closed stays shown, so saving
    the page for another reason does not drop them unasked."""
    from people.models import User

    plan = Plan.objects.get(slug=PLAN)
    target = _indicators().first()
    assignment_save(plan=plan, user=users["daiphuoc-admin"], changes=[Change(
        key=f"indicator-{target.pk}", version=None,
        values={"lead_units": [_unit("dai-phuoc", "Phòng Kinh tế").pk], "officer": users["daiphuoc-economic"].pk})])
    User.objects.filter(pk=users["daiphuoc-economic"].pk).update(is_active=False)
    client.force_login(users["daiphuoc-admin"])
    url = f"/plans/{PLAN}/assignment/?only=indicator-{target.pk}"
    response = client.get(url)
    assert "(tài khoản đã khóa)" in response.content.decode()
    data = _page_form(response)
    key = data["row"][0]
    data[f"{key}-product"] = "Báo cáo kết quả"
    assert client.post(url, data).status_code == 302
    target.refresh_from_db()
    assert target.product == "Báo cáo kết quả" and target.officer == users["daiphuoc-economic"]


def test_every_input_of_the_assignment_page_has_a_name_a_reader_says(client, users):
    import re

    client.force_login(users["daiphuoc-admin"])
    page = client.get(f"/plans/{PLAN}/assignment/?kind=indicator").content.decode()
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    fields = re.findall(r"<(select|textarea|input)\b([^>]*)>", rows)
    visible = [attrs for tag, attrs in fields if 'type="hidden"' not in attrs]
    assert len(visible) == 44 * 7  # tick, lead, support, officer, product, timeline, authority
    assert all("aria-label=" in attrs for attrs in visible)


def test_a_refused_save_keeps_what_was_typed(client, users):
    client.force_login(users["daiphuoc-admin"])
    url = f"/plans/{PLAN}/assignment/?kind=task"
    data = _page_form(client.get(url))
    key = data["row"][0]
    data[f"{key}-product"] = "Kế hoạch được phê duyệt"
    data[f"{key}-officer"] = users["daiphuoc-economic"].pk  # not of a lead unit: the task has none
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Kế hoạch được phê duyệt" in response.content.decode()
    assert not Task.objects.filter(plan__slug=PLAN, product="Kế hoạch được phê duyệt").exists()


def test_page_queries_do_not_grow_with_the_rows(client, users):
    client.force_login(users["daiphuoc-admin"])
    client.get(f"/plans/{PLAN}/assignment/")  # warm the session
    counts = []
    for query in ("kind=task", ""):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/plans/{PLAN}/assignment/?{query}")
        counts.append((len(response.context["rows"]), len(captured)))
    (few, few_queries), (many, many_queries) = counts
    assert few == 6 and many == 50
    # user with the bell's count (the session is the cache's), the user's areas, plan, 2 key lists, 3 a kind
    # (items, lead, support) x2, units, officers + their units, sections
    assert few_queries <= many_queries == 15


def test_six_clears_list_shrinks_when_items_are_assigned(client, users):
    client.force_login(users["daiphuoc-leader"])
    client.get(f"/plans/{PLAN}/six-clears/")  # warm the session
    with CaptureQueriesContext(connection) as captured:
        before = client.get(f"/plans/{PLAN}/six-clears/?missing=responsibility")
    # user with the bell's count (the session is the cache's), the user's areas, plan, 2 summary, 2 key lists,
    # 3 for the indicators (items, lead, support) (a leader may not edit: no query for that), the lead units nobody
    # has an account in (one query, `clears.lead_units_without_officer`)
    assert len(captured) == 11
    assert before.context["summary"]["missing"]["responsibility"] == 44  # the demo assigns the 6 tasks
    plan = Plan.objects.get(slug=PLAN)
    office = _unit("dai-phuoc", "Phòng Văn hóa - Xã hội")
    assignment_save(plan=plan, user=users["daiphuoc-admin"], changes=[
        Change(key=f"indicator-{i.pk}", version=i.version, values={"lead_units": [office.pk]}) for i in _indicators()])
    after = client.get(f"/plans/{PLAN}/six-clears/?missing=responsibility")
    assert after.context["summary"]["missing"]["responsibility"] == 0
    assert after.context["page"].paginator.count == 0
    assert before.context["page"].paginator.count == 44
    assert "/assignment/?only=" not in after.content.decode()  # a leader sees no fix link


def test_placeholder_lead_unit_is_not_a_clear_responsibility():
    placeholder = Unit.objects.get(area__slug="phu-lam", name="Các cơ quan, đơn vị, phòng ban liên quan")
    assert placeholder.is_placeholder
    task = Task.objects.filter(plan__slug="phu-lam-55kh").first()
    task.lead_units.set([placeholder])
    assert "rõ trách nhiệm" in [str(label) for label in Task.objects.get(pk=task.pk).missing_clears]
    from plans.clears import with_clears
    assert with_clears(Task.objects.filter(pk=task.pk)).get().clear_responsibility is False
    task.lead_units.add(_unit("phu-lam", "Phòng Kinh tế"))
    assert "rõ trách nhiệm" not in [str(label) for label in Task.objects.get(pk=task.pk).missing_clears]
    assert with_clears(Task.objects.filter(pk=task.pk)).get().clear_responsibility is True


def test_the_property_and_the_list_annotation_judge_every_seed_item_alike():
    from plans.clears import CLEARS, missing_keys, with_clears

    for model in (Task, Indicator):
        items = with_clears(model.objects.all()).prefetch_related("lead_units")
        for item in items:
            annotated = [key for key in CLEARS if not getattr(item, f"clear_{key}")]
            assert missing_keys(item) == annotated, (model.__name__, item.pk)
            assert item.all_clear is (not annotated) and item.clears_count == 6 - len(annotated)
    # The dashboard's per-area share counts the same items as clear.
    from django.contrib.auth import get_user_model

    from plans.selectors import clears_share_by

    task = Task.objects.filter(lead_units__is_placeholder=False).first()
    Task.objects.filter(pk=task.pk).update(officer=get_user_model().objects.first(), product="Báo cáo",
                                           authority="Chủ tịch UBND xã", title=task.title or "Việc")
    clear = {}
    for model in (Task, Indicator):
        for item in model.objects.select_related("plan").prefetch_related("lead_units"):
            done, total = clear.get(item.plan.area_id, (0, 0))
            clear[item.plan.area_id] = (done + (not missing_keys(item)), total + 1)
    assert clears_share_by(Plan.objects.values("pk")) == clear and any(done for done, _total in clear.values())


def test_the_plan_pages_count_of_clears_agrees_with_the_annotated_summary():
    from plans.selectors import plan_clears, plan_clears_summary, plan_document

    task = Task.objects.filter(plan__slug="phu-lam-55kh").first()
    task.lead_units.set([Unit.objects.get(area__slug="phu-lam", name="Các cơ quan, đơn vị, phòng ban liên quan")])
    # A product of spaces names nothing, in SQL (the summary), on the plan page and on the item's own page.
    Task.objects.filter(pk=task.pk).update(product="   ", authority="Chủ tịch UBND", timeline_text="", ends_on=None)
    assert "product" in missing_keys(Task.objects.prefetch_related("lead_units").get(pk=task.pk))
    for plan in Plan.objects.all():
        assert plan_clears(plan) == plan_clears_summary([plan.pk]).get(plan.pk), plan.slug
        # The plan page judges the clears from its rows' own values: the same figures.
        assert plan_document(plan)[1] == plan_clears(plan), plan.slug
    assert plan_clears(task.plan)["missing"]["product"] and plan_clears(task.plan)["missing"]["responsibility"]
