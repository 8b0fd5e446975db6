"""Plan administration pages: create, edit, issue, sections and items, documents."""
import pytest

from indicators.models import Indicator
from plans.models import Area, LegalDocument, Plan, Unit
from tasks.models import Task

pytestmark = pytest.mark.django_db


def _plan_form(**values):
    return {"area": Area.objects.get(slug="dai-phuoc").pk, "number": "", "symbol": "KH-UBND", "issued_year": 2026,
            "issuer": "UBND xã Đại Phước", "title": "Kế hoạch chuyển đổi số năm 2027", "signer_name": "",
            "signer_title": "", "legal_basis": [LegalDocument.objects.get(reference="57-NQ/TW").pk],
            "implements_plan": Plan.objects.get(slug="dong-nai-182").pk, **values}


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["daiphuoc-admin"])
    return client


@pytest.fixture
def draft(admin_client):
    response = admin_client.post("/manage/plans/new/", _plan_form())
    assert response.status_code == 302
    return Plan.objects.get(title="Kế hoạch chuyển đổi số năm 2027")


def test_an_admin_creates_a_plan_citing_documents_and_the_province_plan(draft, users):
    assert draft.area.slug == "dai-phuoc" and draft.status == "draft"
    assert draft.implements_plan.slug == "dong-nai-182"
    assert draft.history.get().history_user == users["daiphuoc-admin"]


def test_the_plan_form_offers_only_what_the_admin_may_use(admin_client):
    form = admin_client.get("/manage/plans/new/").context["form"]
    assert {a.slug for a in form.fields["area"].queryset} == {"dai-phuoc"}
    assert "dan-tien-71nq" not in {p.slug for p in form.fields["implements_plan"].queryset}
    assert "phu-lam-55kh" not in {p.slug for p in form.fields["implements_plan"].queryset}
    forged = admin_client.post("/manage/plans/new/", _plan_form(area=Area.objects.get(slug="phu-lam").pk, title="Forged"))
    assert forged.status_code == 400 and not Plan.objects.filter(title="Forged").exists()


def test_an_admin_builds_issues_then_edits_an_item_with_a_reason(admin_client, draft):
    url = f"/plans/{draft.slug}"
    assert admin_client.post(f"{url}/sections/new/", {"appendix": "II", "number": "1.", "title": "Hạ tầng số"}).status_code == 302
    section = draft.sections.get()
    office = Unit.objects.get(area__slug="dai-phuoc", name="Phòng Văn hóa - Xã hội")
    response = admin_client.post(f"{url}/tasks/new/", {"section": section.pk, "ordinal": "1", "title": "Phủ sóng 5G",
                                                       "timeline_text": "Năm 2026", "lead_units": [office.pk]})
    assert response.status_code == 302
    task = draft.tasks.get()
    assert list(task.lead_units.all()) == [office] and task.ends_on.year == 2026
    assert admin_client.post(f"{url}/issue/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == "draft"  # no number, date or signer yet
    admin_client.post(f"{url}/edit/", _plan_form(number="88", issued_day=5, issued_month=3, signer_name="Lê Văn C"))
    admin_client.post(f"{url}/issue/")
    draft.refresh_from_db()
    assert draft.status == "issued"
    edit = {"version": task.version, "section": section.pk, "ordinal": "1", "title": "Phủ sóng 5G toàn xã",
            "timeline_text": "Năm 2026", "lead_units": [office.pk]}
    refused = admin_client.post(f"{url}/tasks/{task.pk}/edit/", edit)
    assert refused.status_code == 400 and "lý do" in refused.content.decode()
    task.refresh_from_db()
    assert task.title == "Phủ sóng 5G"
    assert admin_client.post(f"{url}/tasks/{task.pk}/edit/", {**edit, "reason": "Theo chỉ đạo của tỉnh"}).status_code == 302
    page = admin_client.get(f"/tasks/{task.pk}/").content.decode()
    assert "Phủ sóng 5G toàn xã" in page and "Theo chỉ đạo của tỉnh" in page
    assert "Theo chỉ đạo của tỉnh" in admin_client.get(f"/plans/{draft.slug}/").content.decode()


def test_a_stale_item_form_is_refused(admin_client):
    indicator = Indicator.objects.filter(plan__slug="dai-phuoc-2026").first()
    response = admin_client.post(f"/plans/dai-phuoc-2026/indicators/{indicator.pk}/edit/", {
        "version": indicator.version - 1, "ordinal": "9", "content": "x", "target_text": "100"})
    assert response.status_code == 400
    indicator.refresh_from_db()
    assert indicator.content != "x"


def test_indicators_are_added_moved_and_removed(admin_client, draft):
    url = f"/plans/{draft.slug}"
    for ordinal in ("1", "2"):
        admin_client.post(f"{url}/indicators/new/", {"ordinal": ordinal, "content": f"Chỉ tiêu {ordinal}",
                                                      "unit_of_measure": "%", "target_text": ">30%"})
    second = draft.indicators.get(ordinal="2")
    assert (second.target_comparator, second.target_value, second.target_unit) == (">", 30, "%")
    admin_client.post(f"{url}/indicators/{second.pk}/up/")
    assert list(draft.indicators.order_by("position").values_list("ordinal", flat=True)) == ["2", "1"]
    assert admin_client.post(f"{url}/indicators/{second.pk}/sideways/").status_code == 404
    admin_client.post(f"{url}/indicators/{second.pk}/delete/")
    assert list(draft.indicators.values_list("ordinal", flat=True)) == ["1"]
    structure = admin_client.get(f"{url}/structure/")
    assert structure.status_code == 200 and [r["action"] for r in structure.context["item_history"]][0] == "Xóa"


def test_an_item_of_another_plan_is_not_reached_through_this_one(admin_client, draft):
    task = Task.objects.filter(plan__slug="dai-phuoc-2026").first()
    assert admin_client.get(f"/plans/{draft.slug}/tasks/{task.pk}/edit/").status_code == 404


def test_documents_page_offers_editing_only_of_the_areas_own_documents(admin_client, users):
    response = admin_client.post("/manage/documents/new/", {
        "area": Area.objects.get(slug="dai-phuoc").pk, "kind": "decision", "reference": "15/QĐ-UBND",
        "issuer": "UBND xã Đại Phước", "title": "Thành lập tổ công tác"})
    assert response.status_code == 302
    own = LegalDocument.objects.get(reference="15/QĐ-UBND")
    page = admin_client.get("/manage/documents/")
    assert own.pk in page.context["editable"]
    shared = LegalDocument.objects.get(reference="57-NQ/TW")
    assert shared.pk not in page.context["editable"]
    assert admin_client.post(f"/manage/documents/{shared.pk}/edit/", {
        "kind": "resolution", "reference": "57-NQ/TW", "issuer": "Bộ Chính trị", "title": "Forged"}).status_code == 403
    shared.refresh_from_db()
    assert shared.title != "Forged"
    duplicate = admin_client.post("/manage/documents/new/", {
        "area": own.area_id, "kind": "decision", "reference": "15/QĐ-UBND", "issuer": "UBND xã Đại Phước"})
    assert duplicate.status_code == 400 and LegalDocument.objects.filter(reference="15/QĐ-UBND").count() == 1


def test_the_overview_lists_the_plans_the_admin_manages(admin_client):
    page = admin_client.get("/manage/")
    assert {p.slug for p in page.context["page"]} == {"dai-phuoc-2026"}
    html = page.content.decode()
    assert "/manage/people/" in html and "/manage/units/" in html and "/manage/documents/" in html


def test_the_menu_shows_administration_to_admins_only(client, users):
    client.force_login(users["daiphuoc-admin"])
    assert 'href="/manage/"' in client.get("/plans/").content.decode()
    client.force_login(users["daiphuoc-officer"])
    assert 'href="/manage/"' not in client.get("/plans/").content.decode()
