"""Every role against every workflow action, through the real views: refused means 403/404 and nothing changed."""
import pytest
from django.utils import timezone

from evidence.models import Evidence
from tasks.models import Comment, ProgressUpdate, Task
from tasks.services import task_progress_report
from tests import files

# Workflows from a clean slate: the demo's year of work is left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]

ROLES = ["phulam-officer", "phulam-economic", "phulam-reviewer", "phulam-leader", "phulam-admin",
         "daiphuoc-officer", "daiphuoc-reviewer", "dongnai-leader", "dongnai-admin"]


def _task(ordinal="3"):
    return Task.objects.get(plan__slug="phu-lam-55kh", ordinal=ordinal)


def _report_form(task):
    return {"version": task.version, "period": timezone.localdate().strftime("%Y-%m"), "progress": 40,
            "achievements": "Đã làm", "difficulties": "Khó", "proposals": "Đề xuất"}


# task 3 is led by Phú Lâm's Culture-Social office (phulam-officer); admins of the commune and province may correct.
@pytest.mark.parametrize("username, allowed", [
    ("phulam-officer", True), ("phulam-economic", False), ("phulam-reviewer", False), ("phulam-leader", False),
    ("phulam-admin", True), ("daiphuoc-officer", False), ("daiphuoc-reviewer", False),
    ("dongnai-leader", False), ("dongnai-admin", True),
])
def test_report_progress(client, users, username, allowed):
    task = _task()
    client.force_login(users[username])
    form_page = client.get(f"/tasks/{task.pk}/report/")
    response = client.post(f"/tasks/{task.pk}/report/", _report_form(task))
    task.refresh_from_db()
    if allowed:
        assert form_page.status_code == 200 and response.status_code == 302
        assert task.progress == 40
    else:
        assert form_page.status_code in (403, 404) and response.status_code in (403, 404)
        assert task.progress == 0 and not ProgressUpdate.objects.filter(task=task).exists()


# "Cập nhật nhiều mục" (issue 25): the table is the officers'; a row for a task they do not lead is refused by the
# table itself (forged: 400 and said), before any service is called; other roles are refused the page (403).
@pytest.mark.parametrize("username, page_status, post_status, allowed", [
    ("phulam-officer", 200, 200, True), ("phulam-economic", 200, 400, False), ("phulam-reviewer", 403, 403, False),
    ("phulam-leader", 403, 403, False), ("phulam-admin", 403, 403, False), ("daiphuoc-officer", 200, 400, False),
    ("daiphuoc-reviewer", 403, 403, False), ("dongnai-leader", 403, 403, False), ("dongnai-admin", 403, 403, False),
])
def test_desk_update(client, users, username, page_status, post_status, allowed):
    task = _task()
    client.force_login(users[username])
    page = client.get("/tasks/my-work/desk/")
    form = _report_form(task)
    response = client.post("/tasks/my-work/desk/?kind=tasks", {
        "period": form.pop("period"), **{f"task-{task.pk}-{name}": value for name, value in form.items()}})
    task.refresh_from_db()
    assert (page.status_code, response.status_code) == (page_status, post_status)
    if allowed:
        assert task.progress == 40 and f'id="desk-task-{task.pk}"' in page.content.decode()
    else:
        assert task.progress == 0 and not ProgressUpdate.objects.filter(task=task).exists()
        if post_status == 400:
            assert "không thuộc việc của bạn" in response.content.decode()


@pytest.mark.parametrize("username, allowed", [
    ("phulam-officer", True),    # their Culture-Social office supports task 13
    ("phulam-reviewer", True),   # a member of the same office
    ("phulam-economic", False), ("daiphuoc-officer", False), ("dongnai-leader", False),
])
def test_comment(client, users, username, allowed):
    task = _task("13")
    client.force_login(users[username])
    response = client.post(f"/tasks/{task.pk}/comment/", {"body": "Góp ý"})
    assert Comment.objects.filter(task=task).exists() is allowed
    if not allowed:
        assert response.status_code in (403, 404)


@pytest.fixture
def pending_evidence(users):
    task = _task()
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=100,
                         period=timezone.localdate().replace(day=1), achievements="Xong", difficulties="-",
                         proposals="-", uploads=[(files.upload("qd.pdf", files.pdf_bytes()), "Quyết định")])
    return task.evidence.get()


@pytest.mark.parametrize("username, allowed", [
    ("phulam-reviewer", True), ("phulam-officer", False), ("phulam-leader", False), ("phulam-admin", False),
    ("daiphuoc-reviewer", False), ("dongnai-leader", False),
])
def test_review_decision(client, users, pending_evidence, username, allowed):
    client.force_login(users[username])
    response = client.post(f"/evidence/{pending_evidence.pk}/review/",
                           {"decision": "reject", "reason": "unsigned", "note": "Thiếu chữ ký"})
    pending_evidence.refresh_from_db()
    if allowed:
        assert pending_evidence.status == Evidence.Status.REJECTED
    else:
        assert response.status_code == 403 and pending_evidence.status == Evidence.Status.PENDING


@pytest.mark.parametrize("username, status", [
    ("phulam-reviewer", 200), ("phulam-officer", 200), ("phulam-economic", 200), ("dongnai-leader", 200),
    ("daiphuoc-reviewer", 403), ("daiphuoc-officer", 403), ("dantien-admin", 403),
])
def test_evidence_file_download(client, users, pending_evidence, username, status):
    client.force_login(users[username])
    response = client.get(f"/evidence/{pending_evidence.pk}/download/")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.fixture
def province_evidence(users):
    """Evidence of a Đồng Nai (province) task, which every Đồng Nai commune reads but whose files stay with the
    province: an item's files are opened by its own area and, for a commune's item, its province."""
    task = Task.objects.filter(plan__slug="dong-nai-182").order_by("position").first()
    task_progress_report(task_id=task.pk, user=users["dongnai-admin"], version=task.version, progress=100,
                         period=timezone.localdate().replace(day=1), achievements="Xong", difficulties="-",
                         proposals="-", uploads=[(files.upload("qd.pdf", files.pdf_bytes()), "Quyết định")])
    return task.evidence.get()


@pytest.mark.parametrize("username, status", [
    ("dongnai-leader", 200), ("dongnai-admin", 200),
    ("daiphuoc-officer", 403), ("daiphuoc-reviewer", 403), ("phulam-leader", 403), ("dantien-admin", 403),
])
@pytest.mark.parametrize("action", ["download", "preview"])
def test_province_evidence_files_stay_with_the_province(client, users, province_evidence, username, status, action):
    client.force_login(users[username])
    assert client.get(f"/evidence/{province_evidence.pk}/{action}/").status_code == status


def test_preview_is_inline_only_for_pdf_and_images(client, users, pending_evidence):
    client.force_login(users["phulam-reviewer"])
    response = client.get(f"/evidence/{pending_evidence.pk}/preview/")
    assert response["Content-Disposition"].startswith("inline") and response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("username, status", [("phulam-reviewer", 200), ("phulam-officer", 403), ("phulam-leader", 403)])
def test_review_queue_is_for_reviewers(client, users, username, status):
    client.force_login(users[username])
    assert client.get("/evidence/review/").status_code == status


def test_reviewers_queue_holds_only_their_communes_evidence(client, users, pending_evidence):
    client.force_login(users["daiphuoc-reviewer"])
    assert client.get("/evidence/review/").context["groups"] == []
    client.force_login(users["phulam-reviewer"])
    groups = client.get("/evidence/review/").context["groups"]
    assert [e.pk for g in groups for e in g["evidence"]] == [pending_evidence.pk]


# The Django admin is for superusers only: its history/revert views and foreign-key choices ignore scope.
ADMIN_DENIED = ["phulam-admin", "dongnai-admin", "phulam-officer", "daiphuoc-admin"]


def _admin_urls(task):
    record = task.history.earliest()
    return ["/admin/", "/admin/tasks/task/", f"/admin/tasks/task/{task.pk}/change/",
            f"/admin/tasks/task/{task.pk}/history/", f"/admin/tasks/task/{task.pk}/history/{record.history_id}/",
            f"/admin/plans/plan/{task.plan_id}/history/", "/admin/plans/unit/", "/admin/plans/legaldocument/",
            "/admin/tasks/task/export/"]


@pytest.mark.parametrize("username", ADMIN_DENIED)
def test_django_admin_refuses_everyone_but_superusers(client, users, username):
    task = _task()
    users[username].is_staff = True  # even a staff flag left over from before does not open it
    users[username].save()
    client.force_login(users[username])
    for url in _admin_urls(task):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/admin/login/"), url


@pytest.mark.parametrize("username", ADMIN_DENIED)
def test_django_admin_revert_and_change_do_nothing_for_area_users(client, users, username):
    task = _task()
    old_title = task.title
    record = task.history.earliest()
    task.title = "Đổi sau"
    task.save()
    client.force_login(users[username])
    client.post(f"/admin/tasks/task/{task.pk}/history/{record.history_id}/",
                {"title": old_title, "ordinal": task.ordinal, "plan": task.plan_id, "_continue": "1"})
    client.post(f"/admin/tasks/task/{task.pk}/change/", {"status": "completed", "progress": 100})
    task.refresh_from_db()
    assert task.title == "Đổi sau" and task.progress == 0


def test_superuser_still_works_in_the_admin(client, users):
    task = _task()
    client.force_login(users["admin"])
    for url in _admin_urls(task):
        assert client.get(url).status_code == 200, url


def test_admin_link_in_the_header_is_for_superusers_only(client, users):
    client.force_login(users["phulam-admin"])
    assert 'href="/admin/"' not in client.get("/plans/").content.decode()
    client.force_login(users["admin"])
    assert 'href="/admin/"' in client.get("/plans/").content.decode()


@pytest.mark.parametrize("username, plan, listed", [
    ("phulam-officer", "phu-lam-55kh", True),      # own commune's draft
    ("phulam-officer", "dai-phuoc-2026", False),   # another commune's draft, slug typed in the URL
    ("dantien-admin", "phu-lam-55kh", False),
    ("dongnai-leader", "phu-lam-55kh", True),      # the province follows its communes
])
def test_my_work_section_filter_lists_only_visible_plans(client, users, username, plan, listed):
    from plans.models import Section

    assert Section.objects.filter(plan__slug=plan).exists()
    client.force_login(users[username])
    response = client.get(f"/tasks/my-work/?plan={plan}")
    titles = {section.title for section in Section.objects.filter(plan__slug=plan)}
    assert bool(list(response.context["sections"])) is listed
    assert any(title in response.content.decode() for title in titles) is listed


# Plan, people and unit administration (issue 10): each page and action against an admin of the commune,
# its other roles, another commune's admin, the province's admin and a superuser. Refused: 403/404 (or the form
# refusing a choice outside the user's scope, 400) and nothing changed.

from indicators.models import Indicator  # noqa: E402
from people.models import User  # noqa: E402
from plans.models import Area, LegalDocument, Plan, Unit, UnitAlias  # noqa: E402

ADMIN_ROLES = [("daiphuoc-officer", False), ("daiphuoc-reviewer", False), ("daiphuoc-leader", False),
               ("daiphuoc-admin", True), ("phulam-admin", False), ("dongnai-admin", True), ("admin", True)]
DAI_PHUOC_PLAN = "dai-phuoc-2026"


def _dp_plan():
    return Plan.objects.get(slug=DAI_PHUOC_PLAN)


def _dp_unit(name="Phòng Kinh tế"):
    return Unit.objects.get(area__slug="dai-phuoc", name=name)


@pytest.fixture
def dp_document(users):
    document = LegalDocument.objects.create(kind="decision", reference="9/QĐ-UBND", issuer="UBND xã Đại Phước",
                                            title="Thành lập Ban Chỉ đạo", area=Area.objects.get(slug="dai-phuoc"))
    _dp_plan().legal_basis.add(document)
    return document


def _plan_edit_form():
    plan = _dp_plan()
    return {"number": "", "symbol": plan.symbol, "issued_year": 2026, "issuer": plan.issuer, "title": "Đổi trích yếu",
            "signer_name": "", "signer_title": ""}


def _first(model):
    return model.objects.filter(plan__slug=DAI_PHUOC_PLAN).order_by("position").first()


def _positions(model):
    return list(model.objects.filter(plan__slug=DAI_PHUOC_PLAN).order_by("position").values_list("pk", flat=True))


def _section_order():
    return list(_dp_plan().sections.order_by("position").values_list("pk", flat=True))


def _issuable():
    Plan.objects.filter(slug=DAI_PHUOC_PLAN).update(number="3", issued_day=8, issued_month=4, signer_name="Nguyễn Văn A")


# name: (prepare, request, changed); `request(client)` returns the response.
ADMIN_ACTIONS = {
    "create plan": (None, lambda c: c.post("/manage/plans/new/", {
        "area": Area.objects.get(slug="dai-phuoc").pk, "symbol": "KH-UBND", "issuer": "UBND xã Đại Phước",
        "title": "Kế hoạch mới"}), lambda: Plan.objects.filter(title="Kế hoạch mới").exists()),
    "edit plan": (None, lambda c: c.post(f"/plans/{DAI_PHUOC_PLAN}/edit/", _plan_edit_form()),
                  lambda: _dp_plan().title == "Đổi trích yếu"),
    "issue plan": (_issuable, lambda c: c.post(f"/plans/{DAI_PHUOC_PLAN}/issue/"), lambda: _dp_plan().status == "issued"),
    "add section": (None, lambda c: c.post(f"/plans/{DAI_PHUOC_PLAN}/sections/new/", {"title": "Mục mới"}),
                    lambda: _dp_plan().sections.filter(title="Mục mới").exists()),
    "edit section": (None, lambda c: c.post(f"/plans/{DAI_PHUOC_PLAN}/sections/{_dp_plan().sections.first().pk}/edit/",
                                            {"title": "Mục đổi tên"}),
                     lambda: _dp_plan().sections.filter(title="Mục đổi tên").exists()),
    "move section": (None, lambda c: c.post(f"/plans/{DAI_PHUOC_PLAN}/sections/{_dp_plan().sections.order_by('position').first().pk}/down/"),
                     lambda: _section_order() != _ORIGINAL["sections"]),
    "add task": (None, lambda c: c.post(f"/plans/{DAI_PHUOC_PLAN}/tasks/new/", {"ordinal": "99", "title": "Việc mới"}),
                 lambda: Task.objects.filter(plan__slug=DAI_PHUOC_PLAN, title="Việc mới").exists()),
    "edit indicator": (None, lambda c: c.post(f"/plans/{DAI_PHUOC_PLAN}/indicators/{_first(Indicator).pk}/edit/", {
        "version": _first(Indicator).version, "ordinal": "1", "content": "Nội dung mới", "target_text": "≥ 90"}),
        lambda: _first(Indicator).content == "Nội dung mới"),
    "move indicator": (None, lambda c: c.post(f"/plans/{DAI_PHUOC_PLAN}/indicators/{_first(Indicator).pk}/down/"),
                       lambda: _positions(Indicator) != _ORIGINAL["indicators"]),
    "delete task": (None, lambda c: c.post(f"/plans/{DAI_PHUOC_PLAN}/tasks/{_first(Task).pk}/delete/"),
                    lambda: len(_positions(Task)) != len(_ORIGINAL["tasks"])),
    "add document": (None, lambda c: c.post("/manage/documents/new/", {
        "area": Area.objects.get(slug="dai-phuoc").pk, "kind": "decision", "reference": "10/QĐ-UBND",
        "issuer": "UBND xã Đại Phước"}), lambda: LegalDocument.objects.filter(reference="10/QĐ-UBND").exists()),
    "edit document": (None, lambda c: c.post(f"/manage/documents/{LegalDocument.objects.get(reference='9/QĐ-UBND').pk}/edit/", {
        "kind": "decision", "reference": "9/QĐ-UBND", "issuer": "UBND xã Đại Phước", "title": "Đã sửa"}),
        lambda: LegalDocument.objects.get(reference="9/QĐ-UBND").title == "Đã sửa"),
    "add person": (None, lambda c: c.post("/manage/people/new/", {
        "username": "dp-new", "role": "officer", "units": [_dp_unit().pk], "is_active": "on"}),
        lambda: User.objects.filter(username="dp-new").exists()),
    "edit person": (None, lambda c: c.post(f"/manage/people/{User.objects.get(username='daiphuoc-economic').pk}/edit/", {
        "first_name": "Đổi tên", "role": "leader", "units": [_dp_unit().pk], "is_active": "on"}),
        lambda: User.objects.get(username="daiphuoc-economic").role == "leader"),
    "deactivate person": (None, lambda c: c.post(f"/manage/people/{User.objects.get(username='daiphuoc-economic').pk}/deactivate/"),
                          lambda: not User.objects.get(username="daiphuoc-economic").is_active),
    "add unit": (None, lambda c: c.post("/manage/units/new/", {"area": Area.objects.get(slug="dai-phuoc").pk, "name": "Ban mới"}),
                 lambda: Unit.objects.filter(name="Ban mới").exists()),
    "rename unit": (None, lambda c: c.post(f"/manage/units/{_dp_unit().pk}/edit/", {"name": "Phòng Kinh tế xã"}),
                    lambda: Unit.objects.filter(area__slug="dai-phuoc", name="Phòng Kinh tế xã").exists()),
    "add alias": (None, lambda c: c.post(f"/manage/units/{_dp_unit().pk}/aliases/", {"alias": "PKT"}),
                  lambda: _dp_unit().aliases.filter(alias="PKT").exists()),
    "remove alias": (None, lambda c: c.post(
        f"/manage/units/{_dp_unit('Phòng Văn hóa - Xã hội').pk}/aliases/{_dp_unit('Phòng Văn hóa - Xã hội').aliases.first().pk}/delete/"),
        lambda: _dp_unit("Phòng Văn hóa - Xã hội").aliases.count() != _ORIGINAL["aliases"]),
}
_ORIGINAL = {}


@pytest.mark.parametrize("action", list(ADMIN_ACTIONS))
@pytest.mark.parametrize("username, allowed", ADMIN_ROLES)
def test_administration_actions(client, users, dp_document, username, allowed, action):
    prepare, send, changed = ADMIN_ACTIONS[action]
    if prepare:
        prepare()
    _ORIGINAL.update(indicators=_positions(Indicator), tasks=_positions(Task), sections=_section_order(),
                     aliases=UnitAlias.objects.filter(unit=_dp_unit("Phòng Văn hóa - Xã hội")).count())
    client.force_login(users[username])
    response = send(client)
    if allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert changed()
    else:
        assert response.status_code in (400, 403, 404)
        assert not changed()
        if username == "phulam-admin" and response.status_code == 400:  # a choice outside their scope
            assert response.context["form"].errors


ADMIN_PAGES = {
    "overview": "/manage/", "new plan": "/manage/plans/new/", "documents": "/manage/documents/",
    "people": "/manage/people/", "new person": "/manage/people/new/", "units": "/manage/units/",
    "new unit": "/manage/units/new/", "api tokens": "/manage/api-tokens/", "failed deliveries": "/manage/deliveries/failed/",
    "edit plan": f"/plans/{DAI_PHUOC_PLAN}/edit/", "plan structure": f"/plans/{DAI_PHUOC_PLAN}/structure/",
    "new section": f"/plans/{DAI_PHUOC_PLAN}/sections/new/", "new indicator": f"/plans/{DAI_PHUOC_PLAN}/indicators/new/",
    "edit task": lambda: f"/plans/{DAI_PHUOC_PLAN}/tasks/{_first(Task).pk}/edit/",
    "edit person": lambda: f"/manage/people/{User.objects.get(username='daiphuoc-officer').pk}/edit/",
    "edit unit": lambda: f"/manage/units/{_dp_unit().pk}/edit/",
    "edit document": lambda: f"/manage/documents/{LegalDocument.objects.get(reference='9/QĐ-UBND').pk}/edit/",
}
# Pages every admin has, narrowed to their own areas inside.
_ANY_ADMIN = {"overview", "new plan", "documents", "people", "new person", "units", "new unit", "api tokens",
              "failed deliveries"}


@pytest.mark.parametrize("page", list(ADMIN_PAGES))
@pytest.mark.parametrize("username, allowed", ADMIN_ROLES)
def test_administration_pages(client, users, dp_document, username, allowed, page):
    url = ADMIN_PAGES[page]
    client.force_login(users[username])
    status = client.get(url() if callable(url) else url).status_code
    if allowed or (username == "phulam-admin" and page in _ANY_ADMIN):
        assert status == 200
    else:  # the commune's other roles are refused; another commune's objects do not exist for its admin
        assert status == (404 if username == "phulam-admin" else 403)


# Plan administration: the assignment table, its workbook import, the six clears (issue 10).
DAI_PHUOC = "dai-phuoc-2026"


def _first_target():
    from indicators.models import Indicator

    return Indicator.objects.filter(plan__slug=DAI_PHUOC).order_by("position").first()


@pytest.mark.parametrize("username, status", [
    ("daiphuoc-admin", 200), ("dongnai-admin", 200), ("daiphuoc-officer", 403), ("daiphuoc-leader", 403),
    ("daiphuoc-reviewer", 403), ("dongnai-leader", 403), ("phulam-admin", 404), ("dantien-admin", 404),
])
def test_assignment_table(client, users, username, status, targets_unassigned):
    import json

    from plans.models import Unit

    target = _first_target()
    office = Unit.objects.get(area__slug="dai-phuoc", name="Phòng Kinh tế")
    client.force_login(users[username])
    page = client.get(f"/plans/{DAI_PHUOC}/assignment/")
    key = f"indicator-{target.pk}"
    response = client.post(f"/plans/{DAI_PHUOC}/assignment/", {
        "row": key, f"{key}-version": target.version, f"{key}-lead_units": office.pk,
        f"{key}-initial": json.dumps({"lead_units": [], "support_units": [], "officer": None, "product": "",
                                      "timeline": "", "authority": ""})})
    assert page.status_code == status
    if status == 200:
        assert response.status_code == 302 and list(target.lead_units.all()) == [office]
    else:
        assert response.status_code == status and not target.lead_units.exists()
    assert client.get(f"/plans/{DAI_PHUOC}/assignment/export.xlsx").status_code == status


@pytest.mark.parametrize("username, status", [
    ("daiphuoc-admin", 302), ("daiphuoc-officer", 403), ("daiphuoc-leader", 403), ("phulam-admin", 404),
    ("dantien-admin", 404),
])
def test_assignment_workbook_upload(client, users, username, status):
    from plans.models import AssignmentImport
    from tests.workbooks import workbook_bytes

    data = workbook_bytes([["STT", "Nội dung", "Đơn vị chủ trì"], ["1.1", "Phát triển hạ tầng (02)"],
                           ["1", "", "Phòng Kinh tế"]])
    client.force_login(users[username])
    response = client.post(f"/plans/{DAI_PHUOC}/assignment/import/", {"file": files.upload("pc.xlsx", data)})
    assert response.status_code == status
    assert AssignmentImport.objects.exists() is (status == 302)


@pytest.mark.parametrize("username, status", [
    ("daiphuoc-admin", 302), ("dongnai-admin", 302), ("daiphuoc-officer", 403), ("phulam-admin", 404),
])
def test_assignment_workbook_preview_and_confirm(client, users, username, status, targets_unassigned):
    from plans.models import AssignmentImport, Plan, Unit

    plan = Plan.objects.get(slug=DAI_PHUOC)
    target = _first_target()
    office = Unit.objects.get(area__slug="dai-phuoc", name="Phòng Kinh tế")
    record = AssignmentImport.objects.create(
        plan=plan, original_name="pc.xlsx", uploaded_by=users["daiphuoc-admin"], created_at=timezone.now(),
        summary={"changes": [{"key": f"indicator-{target.pk}", "version": target.version, "label": "(1)", "row": "",
                              "values": {"lead_units": [office.pk]}, "display": []}], "errors": [], "can_apply": True})
    client.force_login(users[username])
    assert client.get(f"/plans/{DAI_PHUOC}/assignment/import/{record.pk}/").status_code == (
        200 if status == 302 else status)
    response = client.post(f"/plans/{DAI_PHUOC}/assignment/import/{record.pk}/confirm/")
    assert response.status_code == status
    assert target.lead_units.exists() is (status == 302)


@pytest.mark.parametrize("username, status", [
    ("daiphuoc-admin", 200), ("daiphuoc-officer", 200), ("dongnai-leader", 200), ("phulam-admin", 404),
    ("dantien-admin", 404),
])
def test_six_clears_list(client, users, username, status):
    client.force_login(users[username])
    assert client.get(f"/plans/{DAI_PHUOC}/six-clears/").status_code == status


@pytest.mark.parametrize("username, status", [
    ("daiphuoc-admin", 302), ("dongnai-admin", 302), ("daiphuoc-officer", 403), ("daiphuoc-leader", 403),
    ("daiphuoc-reviewer", 403), ("dongnai-leader", 403), ("phulam-admin", 404), ("dantien-admin", 404),
])
def test_officer_account_from_the_six_clears(client, users, username, status):
    """Issue 25: an officer account for a lead unit that has none, created from the six-clears page."""
    from people.models import User
    from plans.models import Unit

    unit = Unit.objects.get(area__slug="dai-phuoc", name="Công an xã")
    User.objects.filter(units=unit).update(is_active=False)
    client.force_login(users[username])
    url = f"/plans/{DAI_PHUOC}/six-clears/officer/{unit.pk}/"
    assert client.get(url).status_code == (200 if status == 302 else status)
    response = client.post(url, {"username": "dp-congan", "first_name": "Trần Văn Bình", "role": "officer",
                                 "units": [unit.pk], "is_active": "on", "password": "Cong-an-Dai-Phuoc-2026"})
    assert response.status_code == status
    assert User.objects.filter(username="dp-congan", units=unit).exists() is (status == 302)


# Appendix imports: only admins of the plan's area (and its province) undo or retry them, or map units.

@pytest.fixture
def finished_import(users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plans.appendix.services import import_confirm, import_upload
    from plans.models import Plan
    from tests.workbooks import office_workbook

    area = Plan.objects.get(slug="phu-lam-55kh").area
    plan = Plan.objects.create(slug="phu-lam-nhap", area=area, issuer="UBND xã Phú Lâm", title="Nhập", issued_year=2026)
    record = import_upload(plan=plan, user=users["phulam-admin"],
                           upload=SimpleUploadedFile("phu-luc.xlsx", office_workbook()))
    import_confirm(record, users["phulam-admin"])
    record.refresh_from_db()
    assert record.status == "done" and plan.tasks.count() == 2
    return record


ADMINS_OF_THE_AREA = [
    ("phulam-admin", True), ("dongnai-admin", True), ("phulam-officer", False), ("phulam-leader", False),
    ("phulam-reviewer", False), ("daiphuoc-officer", False), ("dongnai-leader", False),
]


@pytest.mark.parametrize("username, allowed", ADMINS_OF_THE_AREA)
def test_undo_import(client, users, finished_import, username, allowed):
    client.force_login(users[username])
    response = client.post(f"/plans/{finished_import.plan.slug}/import/{finished_import.pk}/undo/")
    finished_import.refresh_from_db()
    if allowed:
        assert finished_import.status == "undone" and finished_import.plan.tasks.count() == 0
    else:
        assert response.status_code in (403, 404)
        assert finished_import.status == "done" and finished_import.plan.tasks.count() == 2


@pytest.mark.parametrize("username, allowed", ADMINS_OF_THE_AREA)
def test_retry_import(client, users, finished_import, username, allowed):
    from plans.models import AppendixImport

    # A job whose worker died: failed, its file kept, its job known.
    AppendixImport.objects.filter(pk=finished_import.pk).update(status="failed", job="plans.preview_appendix_import")
    client.force_login(users[username])
    response = client.post(f"/plans/{finished_import.plan.slug}/import/{finished_import.pk}/retry/")
    finished_import.refresh_from_db()
    if allowed:
        assert finished_import.status == "previewed"
    else:
        assert response.status_code in (403, 404) and finished_import.status == "failed"


def test_import_unit_mapping_takes_only_units_of_the_plans_area(client, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plans.models import AppendixImport, Plan, Unit, UnitAlias
    from tests.workbooks import office_workbook

    def rename(book):
        for row in book["Phụ lục II"].iter_rows():
            if row[0].value == "1.":
                row[2].value = "Phòng Nông nghiệp"
    area = Plan.objects.get(slug="phu-lam-55kh").area
    plan = Plan.objects.create(slug="phu-lam-nhap", area=area, issuer="UBND xã Phú Lâm", title="Nhập", issued_year=2026)
    client.force_login(users["phulam-admin"])
    url = client.post(f"/plans/{plan.slug}/import/", {
        "file": SimpleUploadedFile("phu-luc.xlsx", office_workbook(indicators=None, edit=rename))}).url
    foreign = Unit.objects.get(area__slug="dai-phuoc", is_culture_social_office=True)
    assert foreign not in client.get(url).context["units"]
    client.post(f"{url}units/", {"name-0": "Phòng Nông nghiệp", "unit-0": str(foreign.pk)})
    record = AppendixImport.objects.get(plan=plan)
    assert not record.summary["can_import"] and "Phòng Nông nghiệp" in record.summary["unknown_units"]
    assert client.post(f"{url}confirm/").status_code == 302 and plan.tasks.count() == 0
    assert not UnitAlias.objects.filter(unit=foreign, alias="Phòng Nông nghiệp").exists()


# The province's view (reports/views/province.py): a province sees its communes, a commune only itself,
# another province nothing. Reading pages only: nothing to change.
PROVINCE_VIEW_PAGES = [
    ("/reports/communes/phu-lam/", {"phulam-officer": 200, "phulam-leader": 200, "dongnai-leader": 200,
                                    "dongnai-admin": 200, "daiphuoc-officer": 404, "dantien-admin": 404}),
    ("/reports/communes/phu-lam/items/?overdue=1", {"phulam-leader": 200, "dongnai-leader": 200,
                                                    "daiphuoc-reviewer": 404, "dantien-admin": 404}),
    ("/reports/plans/dong-nai-182/followed-down/", {"dongnai-leader": 200, "phulam-leader": 200,
                                                    "dantien-admin": 404}),
    ("/reports/plans/phu-lam-55kh/followed-down/", {"dongnai-leader": 404, "phulam-leader": 404}),  # not a province plan
    ("/reports/scorecards/?commune=phu-lam", {"phulam-leader": 200, "dongnai-leader": 200, "daiphuoc-officer": 404,
                                              "dantien-admin": 404}),
    # Built by a job: before it is asked for, the download leads back to the page (reports/tests/test_province_kept.py)
    ("/reports/scorecards.xlsx?commune=phu-lam", {"phulam-leader": 302, "dongnai-leader": 302,
                                                  "daiphuoc-officer": 404, "dantien-admin": 404}),
    ("/reports/scorecards/?province=dong-nai", {"dongnai-leader": 200, "phulam-leader": 200, "dantien-admin": 404}),
]


@pytest.mark.parametrize("url, username, status", [
    (url, username, status) for url, statuses in PROVINCE_VIEW_PAGES for username, status in statuses.items()])
def test_province_view_pages(client, users, url, username, status):
    client.force_login(users[username])
    assert client.get(url).status_code == status


def test_province_task_followed_down_is_for_those_who_see_the_province_plan(client, users):
    task = Task.objects.filter(plan__slug="dong-nai-182").first()
    for username, status in (("dongnai-leader", 200), ("phulam-leader", 200), ("dantien-admin", 404)):
        client.force_login(users[username])
        assert client.get(f"/reports/tasks/{task.pk}/followed-down/").status_code == status
    client.force_login(users["dongnai-leader"])
    commune_task = _task()
    assert client.get(f"/reports/tasks/{commune_task.pk}/followed-down/").status_code == 404


@pytest.mark.parametrize("username, communes", [
    ("dongnai-leader", {"phu-lam", "dai-phuoc"}), ("phulam-leader", {"phu-lam"}), ("dantien-admin", {"dan-tien"}),
])
def test_dashboard_rows_are_the_communes_in_scope(client, users, username, communes):
    client.force_login(users[username])
    assert {row.subject.slug for row in client.get("/reports/").context["page"]} == communes


@pytest.mark.parametrize("username, status", [
    ("phulam-admin", 302), ("dongnai-admin", 302), ("phulam-officer", 403), ("phulam-leader", 403),
    ("dongnai-leader", 403), ("daiphuoc-admin", 404), ("dantien-admin", 404),
])
def test_link_an_item_to_the_province_item(client, users, username, status):
    task = Task.objects.get(plan__slug="phu-lam-11nq", section__number="1.", ordinal="1")
    target = Task.objects.get(plan__slug="dong-nai-182", section__number="1.", ordinal="b)")
    client.force_login(users[username])
    response = client.post(f"/items/task/{task.pk}/link/", {"version": task.version, "target": target.pk})
    task.refresh_from_db()
    assert response.status_code == status
    assert (task.carries_out == target) is (status == 302)


@pytest.mark.parametrize("username, status", [
    ("dongnai-leader", 200), ("dongnai-admin", 200), ("phulam-officer", 200), ("dantien-admin", 404),
])
def test_coverage_of_a_province_plan(client, users, username, status):
    client.force_login(users[username])
    assert client.get("/plans/dong-nai-182/coverage/").status_code == status


@pytest.mark.parametrize("username, status", [
    ("daiphuoc-admin", 302), ("daiphuoc-officer", 403), ("daiphuoc-leader", 403), ("phulam-admin", 404),
])
def test_change_an_indicators_direction(client, users, username, status):
    target = _first_target()
    client.force_login(users[username])
    response = client.post(f"/indicators/{target.pk}/direction/", {"version": target.version, "direction": "lower"})
    target.refresh_from_db()
    assert response.status_code == status
    assert (target.direction == "lower") is (status == 302)
# Report register (issue 11): a commune's draft is its own; the province sees it once issued.
def _report(users, *, issue=False):
    from plans.models import Area
    from reports.documents import report_snapshot_take
    from reports.register import report_draft, report_issue

    today = timezone.localdate()
    report = report_draft(user=users["phulam-leader"], area=Area.objects.get(slug="phu-lam"), kind="quarterly",
                          year=today.year, number=(today.month - 1) // 3 + 1)
    report_snapshot_take(report.pk)
    if issue:
        report = report_issue(report_id=report.pk, user=users["phulam-leader"])
    report.jobs.all().delete()
    return report


@pytest.mark.parametrize("username, status", [
    ("phulam-officer", 200), ("phulam-economic", 200), ("phulam-leader", 200), ("phulam-admin", 200),
    ("daiphuoc-officer", 404), ("daiphuoc-reviewer", 404), ("dongnai-leader", 404), ("dongnai-admin", 404),
])
def test_report_draft_page(client, users, username, status):
    report = _report(users)
    client.force_login(users[username])
    assert client.get(f"/reports/register/{report.pk}/").status_code == status


@pytest.mark.parametrize("username, status", [
    ("phulam-officer", 200), ("phulam-leader", 200), ("dongnai-leader", 200), ("dongnai-admin", 200),
    ("daiphuoc-officer", 404), ("daiphuoc-reviewer", 404),
])
def test_issued_report_page(client, users, username, status):
    report = _report(users, issue=True)
    client.force_login(users[username])
    assert client.get(f"/reports/register/{report.pk}/").status_code == status


def test_report_downloads(client, users):
    from django.core.files.base import ContentFile

    from reports.models import Report

    report = _report(users)
    report.pdf.save("r.pdf", ContentFile(files.pdf_bytes()))
    report.docx.save("r.docx", ContentFile(b"PK\x03\x04docx"))
    for username, status in [("phulam-officer", 200), ("phulam-leader", 200), ("daiphuoc-officer", 404),
                             ("daiphuoc-admin", 404), ("dongnai-leader", 404), ("dantien-admin", 404)]:
        client.force_login(users[username])
        for kind in ("pdf", "docx"):
            response = client.get(f"/reports/register/{report.pk}/{kind}/")
            assert response.status_code == status, (username, kind)
            if status == 200:
                assert response["Content-Disposition"].startswith("attachment")
                assert "no-store" in response["Cache-Control"]
    Report.objects.filter(pk=report.pk).update(status="issued", number=1, number_year=2026, issued_at=timezone.now())
    client.force_login(users["dongnai-officer"])
    assert client.get(f"/reports/register/{report.pk}/pdf/").status_code == 200
    assert client.get(f"/reports/register/{report.pk}/nothing/").status_code == 404


@pytest.mark.parametrize("username, allowed", [
    ("phulam-leader", True), ("phulam-admin", True), ("phulam-officer", False), ("phulam-reviewer", False),
    ("daiphuoc-leader", False), ("dongnai-leader", False), ("dongnai-officer", False),
])
def test_report_issue(client, users, username, allowed):
    report = _report(users)
    client.force_login(users[username])
    response = client.post(f"/reports/register/{report.pk}/issue/")
    report.refresh_from_db()
    assert (report.status == "issued") is allowed
    if not allowed:
        assert response.status_code in (403, 404) and report.number is None


@pytest.mark.parametrize("username, allowed", [
    ("dongnai-officer", True), ("dongnai-admin", True), ("dongnai-leader", True),
    ("phulam-leader", False), ("phulam-officer", False), ("daiphuoc-leader", False), ("daiphuoc-officer", False),
])
def test_report_receive(client, users, username, allowed):
    report = _report(users, issue=True)
    client.force_login(users[username])
    response = client.post(f"/reports/register/{report.pk}/receive/", {"decision": "receive"})
    report.refresh_from_db()
    assert (report.status == "received") is allowed
    if not allowed:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("username, allowed", [
    ("phulam-leader", True), ("phulam-admin", True), ("phulam-officer", False), ("daiphuoc-leader", False),
    ("dongnai-leader", False),
])
def test_report_draft_creation(client, users, username, allowed):
    from plans.models import Area
    from reports.models import Report, ReportingRule
    from reports.register import reporting_rules_ensure

    reporting_rules_ensure(Area.objects.get(slug="phu-lam"))
    rule = ReportingRule.objects.get(area__slug="phu-lam", kind="quarterly", plan=None)
    today = timezone.localdate()
    client.force_login(users[username])
    response = client.post("/reports/register/new/", {"period": f"{rule.pk}:{today.year}:{(today.month - 1) // 3 + 1}"})
    assert Report.objects.filter(area__slug="phu-lam").exists() is allowed
    if not allowed:
        assert response.status_code == 404


@pytest.mark.parametrize("username, allowed", [
    ("phulam-leader", True), ("phulam-admin", True), ("phulam-officer", False), ("daiphuoc-leader", False),
    ("dongnai-leader", False),
])
def test_report_details_edit(client, users, username, allowed):
    report = _report(users)
    client.force_login(users[username])
    response = client.post(f"/reports/register/{report.pk}/details/", {
        "subject": "Trích yếu mới", "addressee": report.addressee, "signer_name": "Nguyễn Văn A",
        "signer_title": report.signer_title, "distribution": report.distribution})
    report.refresh_from_db()
    assert (report.signer_name == "Nguyễn Văn A" and report.subject == "Trích yếu mới") is allowed
    if not allowed:
        assert response.status_code in (403, 404)
    else:
        assert report.jobs.get().action == "render"


# The report register's other steps: refreshing a draft, uploading the signed copy, retrying a job, answering a
# difficulty, the reporting rules. Another commune's users get 404 (or 403) and nothing changes.

REPORT_STEP_USERS = [("phulam-leader", True), ("phulam-officer", False), ("daiphuoc-leader", False),
                     ("daiphuoc-admin", False), ("dantien-admin", False)]


@pytest.mark.parametrize("username, allowed", REPORT_STEP_USERS)
def test_report_refresh(client, users, username, allowed):
    report = _report(users)
    client.force_login(users[username])
    response = client.post(f"/reports/register/{report.pk}/refresh/")
    assert report.jobs.exists() is allowed
    if not allowed:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("username, allowed", REPORT_STEP_USERS)
def test_report_signed_copy_upload(client, users, username, allowed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = _report(users, issue=True)
    client.force_login(users[username])
    response = client.post(f"/reports/register/{report.pk}/upload-signed/",
                           {"file": SimpleUploadedFile("da-ky.pdf", files.pdf_bytes(), content_type="application/pdf"),
                            "as_scan": "on"})
    report.refresh_from_db()
    assert bool(report.signed_file) is allowed
    if not allowed:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("username, allowed", REPORT_STEP_USERS)
def test_report_job_retry(client, users, username, allowed):
    from reports.models import ReportJob

    report = _report(users)
    failed = ReportJob.objects.create(report=report, action="render", status=ReportJob.Status.FAILED, message="x",
                                      requested_by=users["phulam-leader"])
    client.force_login(users[username])
    response = client.post(f"/reports/register/jobs/{failed.pk}/retry/")
    assert (report.jobs.count() == 2) is allowed
    if not allowed:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("username, allowed", REPORT_STEP_USERS + [("dongnai-leader", True)])
def test_difficulty_answer(client, users, username, allowed):
    from plans.models import Area
    from reports.models import Difficulty

    difficulty = Difficulty.objects.create(area=Area.objects.get(slug="phu-lam"), difficulties="Thiếu kinh phí",
                                           raised_at=timezone.now())
    client.force_login(users[username])
    response = client.post(f"/reports/difficulties/{difficulty.pk}/answer/",
                           {"answer": "Đã bố trí kinh phí", "status": "answered"})
    difficulty.refresh_from_db()
    assert (difficulty.status == Difficulty.Status.ANSWERED) is allowed
    if not allowed:
        assert response.status_code in (403, 404) and difficulty.answer == ""


@pytest.mark.parametrize("username, allowed", [
    ("phulam-admin", True), ("dongnai-admin", True), ("phulam-leader", False), ("phulam-officer", False),
    ("daiphuoc-admin", False), ("dantien-admin", False),
])
def test_reporting_rule_edit(client, users, username, allowed):
    from plans.models import Area
    from reports.models import ReportingRule
    from reports.register import reporting_rules_ensure

    reporting_rules_ensure(Area.objects.get(slug="phu-lam"))
    rule = ReportingRule.objects.get(area__slug="phu-lam", kind="quarterly", plan=None)
    client.force_login(users[username])
    prefix = f"rule{rule.pk}"
    response = client.post(f"/reports/rules/{rule.pk}/", {
        f"{prefix}-recipient_unit": rule.recipient_unit_id or "", f"{prefix}-addressee": rule.addressee,
        f"{prefix}-cutoff_day": rule.cutoff_day, f"{prefix}-deadline_day": 5,
        f"{prefix}-deadline_month_offset": rule.deadline_month_offset, f"{prefix}-is_active": "on"})
    rule.refresh_from_db()
    assert (rule.deadline_day == 5) is allowed
    rules_page = client.get("/reports/rules/")  # another commune's admin sees only their own area's rules
    assert (rules_page.status_code == 200 and f'name="{prefix}-deadline_day"' in rules_page.content.decode()) is allowed
    if not allowed:
        assert response.status_code in (403, 404)


# Pages and downloads of one commune's items, asked for by another commune's people: refused, nothing changed.

def _phu_lam_indicator():
    return Indicator.objects.filter(plan__slug="phu-lam-55kh").order_by("position").first()


@pytest.mark.parametrize("username", ["daiphuoc-officer", "daiphuoc-reviewer", "dantien-admin"])
def test_another_communes_item_pages_and_downloads_are_refused(client, users, pending_evidence, username):
    task, indicator = _task(), _phu_lam_indicator()
    client.force_login(users[username])
    for url in ("/plans/phu-lam-55kh/", f"/tasks/{task.pk}/", f"/indicators/{indicator.pk}/",
                f"/indicators/{indicator.pk}/report/", f"/evidence/{pending_evidence.pk}/preview/",
                "/plans/phu-lam-55kh/import/", "/plans/phu-lam-55kh/export/tasks.xlsx",
                "/plans/phu-lam-55kh/export/indicators.xlsx"):
        assert client.get(url).status_code in (403, 404), url
    version = indicator.version
    response = client.post(f"/indicators/{indicator.pk}/report/", {
        "version": version, "period": timezone.localdate().strftime("%Y-%m"), "value": "99"})
    indicator.refresh_from_db()
    assert response.status_code in (403, 404) and indicator.version == version
    assert not indicator.reports.exists()


@pytest.mark.parametrize("username", ["daiphuoc-officer", "dantien-admin"])
def test_another_communes_appendix_import_steps_are_refused(client, users, finished_import, username):
    from plans.models import AppendixImport

    client.force_login(users[username])
    slug, pk = finished_import.plan.slug, finished_import.pk
    for url in (f"/plans/{slug}/import/{pk}/", f"/plans/{slug}/import/{pk}/errors.xlsx"):
        assert client.get(url).status_code in (403, 404), url
    for url in (f"/plans/{slug}/import/{pk}/confirm/", f"/plans/{slug}/import/{pk}/units/"):
        assert client.post(url, {}).status_code in (403, 404), url
    assert AppendixImport.objects.get(pk=pk).status == "done" and finished_import.plan.tasks.count() == 2


def test_warning_and_register_lists_hold_only_the_users_areas(client, users):
    from reports.models import Warning
    from reports.services import warnings_raise

    warnings_raise()
    phu_lam = Area.objects.get(slug="phu-lam")
    assert Warning.objects.filter(task__plan__area=phu_lam).exists()
    report = _report(users, issue=True)
    link = f"/reports/register/{report.pk}/"
    client.force_login(users["phulam-leader"])
    assert link in client.get("/reports/register/").content.decode()  # listed where it belongs
    client.force_login(users["daiphuoc-officer"])
    listed = client.get("/reports/warnings/?area=phu-lam")
    assert listed.status_code in (200, 404)
    if listed.status_code == 200:
        assert not any(w.task and w.task.plan.area_id == phu_lam.pk for w in listed.context["page"])
    for url in ("/reports/register/", "/reports/register/inbox/"):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        assert link not in response.content.decode(), url


# Security pass (issue 21): on a province plan's pages a commune sees another commune's plans only once issued.
@pytest.fixture
def dai_phuoc_carries_out_182():
    """Đại Phước's plan implements the province's plan 182, one of its tasks carrying out one of 182's; Phú Lâm's
    plan implementing 182 stays a draft."""
    from plans.models import Plan

    plan = Plan.objects.get(slug="dai-phuoc-2026")
    Plan.objects.filter(pk=plan.pk).update(implements_plan=Plan.objects.get(slug="dong-nai-182"))
    higher = Task.objects.filter(plan__slug="dong-nai-182").order_by("position").first()
    Task.objects.filter(pk=plan.tasks.order_by("position").first().pk).update(carries_out=higher)
    return plan


@pytest.mark.parametrize("dai_phuoc_issued", [False, True])
@pytest.mark.parametrize("username, sees_phu_lam, sees_dai_phuoc", [
    ("dongnai-leader", True, True),      # the province follows its communes, drafts included
    ("phulam-officer", True, "issued"),  # its own draft; Đại Phước's plan once issued
    ("daiphuoc-officer", False, True),   # its own plan; never Phú Lâm's draft
])
def test_province_plan_pages_show_other_communes_plans_once_issued(client, users, dai_phuoc_carries_out_182,
                                                                   dai_phuoc_issued, username, sees_phu_lam,
                                                                   sees_dai_phuoc):
    from plans.models import Plan

    if dai_phuoc_issued:
        Plan.objects.filter(pk=dai_phuoc_carries_out_182.pk).update(status="issued", number="3")
    expected = {"phu-lam-11nq": sees_phu_lam,
                "dai-phuoc-2026": dai_phuoc_issued if sees_dai_phuoc == "issued" else sees_dai_phuoc}
    client.force_login(users[username])
    page = client.get("/plans/dong-nai-182/")
    listed = {plan.slug for plan in page.context["plan"].implementing_plans.all()}
    assert listed == {slug for slug, seen in expected.items() if seen}
    coverage = client.get("/plans/dong-nai-182/coverage/")
    carrying = {area.slug for group in coverage.context["groups"] for area in group["carrying"]}
    assert carrying == {slug.rsplit("-", 1)[0] for slug, seen in expected.items() if seen}


@pytest.mark.parametrize("username, allowed", [
    ("phulam-admin", True), ("dongnai-admin", True), ("phulam-leader", False), ("phulam-officer", False),
    ("daiphuoc-admin", False), ("dantien-admin", False),
])
def test_reporting_rule_defaults_for_an_area_without_rules(client, users, username, allowed):
    from plans.models import Area
    from reports.models import ReportingRule

    area = Area.objects.get(slug="phu-lam")
    ReportingRule.objects.filter(area=area).delete()
    client.force_login(users[username])
    response = client.post(f"/reports/rules/defaults/{area.pk}/")
    assert ReportingRule.objects.filter(area=area).exists() is allowed
    if not allowed:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("username, allowed", [
    ("phulam-admin", True), ("dongnai-admin", True), ("phulam-leader", False), ("phulam-officer", False),
    ("daiphuoc-admin", False), ("dantien-admin", False),
])
def test_reporting_rule_add_and_remove(client, users, username, allowed):
    from plans.models import Area, Unit
    from reports.models import ReportingRule
    from reports.register import reporting_rules_ensure

    area = Area.objects.get(slug="phu-lam")
    quarterly = next(rule for rule in reporting_rules_ensure(area) if rule.kind == "quarterly" and not rule.plan_id)
    sở = Unit.objects.get(area__slug="dong-nai", name="Sở Khoa học và Công nghệ")
    client.force_login(users[username])
    prefix = f"add{area.pk}"
    added = client.post(f"/reports/rules/add/{area.pk}/", {
        f"{prefix}-kind": "monthly", f"{prefix}-plan": "", f"{prefix}-recipient_unit": sở.pk,
        f"{prefix}-addressee": "Sở Khoa học và Công nghệ tỉnh Đồng Nai", f"{prefix}-cutoff_day": 14,
        f"{prefix}-deadline_day": 20, f"{prefix}-deadline_month_offset": 0})
    removed = client.post(f"/reports/rules/{quarterly.pk}/remove/")
    quarterly.refresh_from_db()
    assert ReportingRule.objects.filter(area=area, kind="monthly", is_active=True).exists() is allowed
    assert quarterly.is_active is not allowed
    if not allowed:
        assert added.status_code in (403, 404) and removed.status_code in (403, 404)
        assert quarterly.history.count() == 1


# The portal's address sends each kind of user where their day starts (people.views.landing_url), and only there:
# a page of their own scope, never another area's.
@pytest.mark.parametrize("username, lands_on", [
    ("phulam-officer", "/tasks/my-work/"), ("phulam-economic", "/tasks/my-work/"),
    ("phulam-reviewer", "/evidence/review/"), ("daiphuoc-reviewer", "/tasks/my-work/"),
    ("phulam-leader", "/reports/communes/phu-lam/"), ("dongnai-leader", "/reports/?province=dong-nai"),
    ("phulam-admin", "/manage/"), ("dongnai-admin", "/manage/"), ("daiphuoc-officer", "/tasks/my-work/"),
])
def test_landing(client, users, pending_evidence, username, lands_on):
    assert client.get("/").url.startswith("/accounts/login/")  # not signed in: the sign-in page
    client.force_login(users[username])
    response = client.get("/")
    assert response.status_code == 302 and response.url == lands_on
    assert client.get(response.url).status_code == 200


# Funding (issue 24): entered by the commune's Economic office and admins of the commune and its province; every
# other role, and another commune's Economic office, reads it on the plan and task pages only.
FUNDING_ROLES = [("phulam-economic", True), ("phulam-admin", True), ("dongnai-admin", True), ("admin", True),
                 ("phulam-officer", False), ("phulam-reviewer", False), ("phulam-leader", False),
                 ("daiphuoc-economic", False), ("daiphuoc-admin", False), ("dongnai-leader", False)]


def _funding_form():
    return {"planned_amount": "1.500.000.000", "source": "commune_budget", "note": "",
            "periods-TOTAL_FORMS": "1", "periods-INITIAL_FORMS": "0", "periods-MIN_NUM_FORMS": "0",
            "periods-MAX_NUM_FORMS": "200", "periods-0-period": "quarterly-2026-1",
            "periods-0-allocated": "1,2 tỷ", "periods-0-disbursed": "0"}


@pytest.mark.parametrize("username, allowed", FUNDING_ROLES)
def test_task_funding_entry(client, users, username, allowed):
    from funding.models import FundingPeriod, TaskFunding

    task = _task()
    client.force_login(users[username])
    page = client.get(f"/funding/tasks/{task.pk}/")
    response = client.post(f"/funding/tasks/{task.pk}/", _funding_form())
    assert TaskFunding.objects.filter(task=task, planned_amount=1_500_000_000).exists() is allowed
    assert FundingPeriod.objects.filter(task=task).exists() is allowed
    if allowed:
        assert page.status_code == 200 and response.status_code == 302
    else:  # another commune does not see the task (404); the commune's other roles are refused (403)
        assert page.status_code in (403, 404) and response.status_code in (403, 404)
        assert client.get(f"/tasks/{task.pk}/").status_code == (404 if username.startswith("daiphuoc") else 200)


@pytest.mark.parametrize("username, allowed", FUNDING_ROLES)
def test_plan_funding_entry(client, users, username, allowed):
    from funding.models import FundingBase

    client.force_login(users[username])
    page = client.get("/funding/plans/phu-lam-55kh/")
    response = client.post("/funding/plans/phu-lam-55kh/", {"action": "base", "base-year": "2030",
                                                            "base-kind": "grdp", "base-amount": "700 tỷ"})
    assert FundingBase.objects.filter(area__slug="phu-lam", year=2030).exists() is allowed
    if allowed:
        assert page.status_code == 200 and response.status_code == 302
    else:
        assert page.status_code in (403, 404) and response.status_code in (403, 404)


# A unit's report to its commune's People's Committee (Phú Lâm 55-KH: every six months through the Culture-Social
# office): drafted by the unit's people, confirmed by its head alone, received by the office or the commune's leaders.
def _unit_report(users, django_user_model, *, confirm=False, issue=False):
    from plans.models import Unit
    from reports.documents import report_snapshot_take
    from reports.register import report_confirm, report_draft, report_issue

    unit = Unit.objects.get(area__slug="phu-lam", name="Phòng Kinh tế")
    head = django_user_model.objects.create_user("phulam-economic-head", password="x", role="leader")
    head.units.set([unit])
    users["phulam-economic-head"] = head
    today = timezone.localdate()
    report = report_draft(user=users["phulam-economic"], area=unit.area, kind="half_year", year=today.year,
                          number=1 if today.month <= 6 else 2, plan=unit.area.plans.get(slug="phu-lam-55kh"),
                          unit=unit)
    report_snapshot_take(report.pk)
    if confirm or issue:
        report_confirm(report_id=report.pk, user=head)
    if issue:
        report = report_issue(report_id=report.pk, user=users["phulam-economic"])
    report.jobs.all().delete()
    return report


@pytest.mark.parametrize("username, allowed", [
    ("phulam-economic-head", True), ("phulam-economic", False), ("phulam-leader", False), ("phulam-admin", False),
    ("phulam-officer", False), ("daiphuoc-leader", False), ("dongnai-leader", False),
])
def test_unit_report_confirm(client, users, django_user_model, username, allowed):
    report = _unit_report(users, django_user_model)
    client.force_login(users[username])
    response = client.post(f"/reports/register/{report.pk}/confirm/")
    report.refresh_from_db()
    assert (report.confirmed_at is not None) is allowed
    if not allowed:
        assert response.status_code in (403, 404) and report.confirmed_by is None


@pytest.mark.parametrize("username, allowed", [
    ("phulam-economic", True), ("phulam-economic-head", True), ("phulam-leader", False), ("phulam-officer", False),
    ("daiphuoc-leader", False), ("dongnai-leader", False),
])
def test_unit_report_issue(client, users, django_user_model, username, allowed):
    report = _unit_report(users, django_user_model, confirm=True)
    client.force_login(users[username])
    response = client.post(f"/reports/register/{report.pk}/issue/")
    report.refresh_from_db()
    assert (report.status == "issued") is allowed
    if not allowed:
        assert response.status_code in (403, 404) and report.number is None


@pytest.mark.parametrize("username, allowed", [
    ("phulam-officer", True), ("phulam-reviewer", True), ("phulam-leader", True), ("phulam-admin", False),
    ("phulam-economic", False), ("daiphuoc-leader", False), ("dongnai-leader", False), ("dongnai-officer", False),
])
def test_unit_report_receive(client, users, django_user_model, username, allowed):
    report = _unit_report(users, django_user_model, issue=True)
    client.force_login(users[username])
    response = client.post(f"/reports/register/{report.pk}/receive/", {"decision": "receive"})
    report.refresh_from_db()
    assert (report.status == "received") is allowed
    if not allowed:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("username, allowed", [
    ("phulam-economic", True), ("phulam-leader", False), ("phulam-officer", False), ("daiphuoc-leader", False),
])
def test_unit_report_draft_creation(client, users, username, allowed):
    from reports.models import Report, ReportingRule

    rule = ReportingRule.objects.get(area__slug="phu-lam", kind="half_year", issuing_unit__name="Phòng Kinh tế")
    today = timezone.localdate()
    client.force_login(users[username])
    response = client.post("/reports/register/new/",
                           {"period": f"{rule.pk}:{today.year}:{1 if today.month <= 6 else 2}"})
    assert Report.objects.filter(unit=rule.issuing_unit).exists() is allowed
    if not allowed:
        assert response.status_code == 404


# The central export (issue 26): asked for, followed and downloaded by the leaders and admins of the area and of its
# province; every other role is refused (403 where they export nothing at all), another commune's people and
# another province's leader find no such export (404), and a refused request records nothing.
from django.core.files.base import ContentFile  # noqa: E402

from central.models import CentralExport  # noqa: E402

CENTRAL_EXPORT_ROLES = [  # username, acts on Phú Lâm's exports, the export page
    ("phulam-officer", False, 403), ("phulam-economic", False, 403), ("phulam-reviewer", False, 403),
    ("phulam-supervisor", False, 403), ("phulam-leader", True, 200), ("phulam-admin", True, 200),
    ("daiphuoc-officer", False, 403), ("daiphuoc-reviewer", False, 403), ("dantien-admin", False, 200),
    ("dongnai-leader", True, 200), ("dongnai-admin", True, 200), ("minhhoa-leader", False, 200),
]


@pytest.fixture
def phulam_export(users):
    """A finished export of Phú Lâm, its two files stored with their SHA-256."""
    import hashlib

    record = CentralExport.objects.create(area=Area.objects.get(slug="phu-lam"), period_kind="annual",
                                          year=timezone.localdate().year, number=1, schema_version="1",
                                          requested_by=users["phulam-leader"], status=CentralExport.Status.DONE)
    for kind in ("json", "xlsx"):
        data = f"bản xuất {kind}".encode()
        getattr(record, f"{kind}_file").save(f"phu-lam.{kind}", ContentFile(data), save=False)
        setattr(record, f"{kind}_sha256", hashlib.sha256(data).hexdigest())
    record.save()
    return record


@pytest.mark.parametrize("action", ["list", "status", "json", "xlsx"])
@pytest.mark.parametrize("username, allowed, page", CENTRAL_EXPORT_ROLES)
def test_central_export_reads(client, users, phulam_export, username, allowed, page, action):
    client.force_login(users[username])
    if action == "list":
        response = client.get("/central/")
        assert response.status_code == page
        if page == 200:
            assert (phulam_export in response.context["page"].object_list) is allowed
        return
    url = f"/central/{phulam_export.pk}/" + ("" if action == "status" else f"{action}/")
    response = client.get(url)
    assert response.status_code == (200 if allowed else 404)
    if allowed and action != "status":
        assert b"".join(response.streaming_content) == f"bản xuất {action}".encode()


@pytest.mark.parametrize("username, allowed, page", CENTRAL_EXPORT_ROLES)
def test_central_export_request(client, users, username, allowed, page):
    client.force_login(users[username])
    response = client.post("/central/", {"area": Area.objects.get(slug="phu-lam").pk, "kind": "annual",
                                         "year": timezone.localdate().year, "number": 1})
    if allowed:
        assert response.status_code == 302
        assert CentralExport.objects.get().requested_by == users[username]
    else:  # no export page at all, or Phú Lâm is not a choice in the form
        assert response.status_code == (403 if page == 403 else 200)
        assert not CentralExport.objects.exists()
