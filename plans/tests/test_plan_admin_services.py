"""Plan administration services: create, issue, items changed only with a reason once issued, scope."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.models import Indicator
from plans.history_rows import history_rows
from plans.models import Area, LegalDocument, Plan, Section, Unit
from plans.services import (item_delete, item_move, item_save, legal_document_save, plan_issue, plan_save,
                            section_move, section_save, unit_create, unit_update)
from tasks.models import Task

pytestmark = pytest.mark.django_db

PLAN_VALUES = {"number": "", "symbol": "KH-UBND", "issued_day": None, "issued_month": None, "issued_year": 2026,
               "issuer": "UBND xã Đại Phước", "signer_name": "", "signer_title": "", "title": "Kế hoạch chuyển đổi số 2027",
               "implements_plan": None, "replaces": None}


@pytest.fixture
def draft(users):
    return plan_save(user=users["daiphuoc-admin"], area=Area.objects.get(slug="dai-phuoc"), values=PLAN_VALUES,
                     legal_basis=[LegalDocument.objects.get(reference="57-NQ/TW")])


def _task(user, plan, reason="", **values):
    return item_save(user=user, plan=plan, kind="tasks", reason=reason, values={
        "section": None, "ordinal": "1", "title": "Số hóa hồ sơ", "details": "", "product": "", "timeline_text": "Năm 2026",
        **values})


def test_an_admin_creates_a_draft_in_their_area_citing_documents(users, draft):
    assert draft.status == Plan.Status.DRAFT and draft.area.slug == "dai-phuoc"
    assert [d.reference for d in draft.legal_basis.all()] == ["57-NQ/TW"]
    record = draft.history.get()
    assert record.history_user == users["daiphuoc-admin"] and record.history_type == "+"


def test_an_admin_cannot_create_a_plan_in_another_area(users):
    with pytest.raises(PermissionDenied):
        plan_save(user=users["daiphuoc-admin"], area=Area.objects.get(slug="phu-lam"), values=PLAN_VALUES)
    with pytest.raises(PermissionDenied):
        plan_save(user=users["daiphuoc-leader"], area=Area.objects.get(slug="dai-phuoc"), values=PLAN_VALUES)


def test_a_plan_cannot_implement_a_plan_its_author_cannot_see(users):
    with pytest.raises(ValidationError):
        plan_save(user=users["daiphuoc-admin"], area=Area.objects.get(slug="dai-phuoc"),
                  values={**PLAN_VALUES, "implements_plan": Plan.objects.get(slug="dan-tien-71nq")})


def test_issuing_needs_number_date_signer_and_an_item(users, draft):
    admin = users["daiphuoc-admin"]
    with pytest.raises(ValidationError) as refused:
        plan_issue(user=admin, plan=draft)
    assert set(refused.value.message_dict) == {"number", "issued_day", "signer_name", "__all__"}
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT
    plan_save(user=admin, plan=draft, values={**PLAN_VALUES, "number": "75", "issued_day": 2, "issued_month": 3,
                                              "signer_name": "Nguyễn Văn A", "signer_title": "Chủ tịch"})
    _task(admin, draft)
    plan_issue(user=admin, plan=draft)
    draft.refresh_from_db()
    assert draft.status == Plan.Status.ISSUED
    assert draft.history.first().history_change_reason == "Ban hành kế hoạch"
    with pytest.raises(ValidationError):
        plan_issue(user=admin, plan=draft)


def test_another_communes_admin_cannot_issue(users, draft):
    _task(users["daiphuoc-admin"], draft)
    with pytest.raises(PermissionDenied):
        plan_issue(user=users["phulam-admin"], plan=draft)


@pytest.fixture
def issued(users, draft):
    admin = users["daiphuoc-admin"]
    plan_save(user=admin, plan=draft, values={**PLAN_VALUES, "number": "75", "issued_day": 2, "issued_month": 3,
                                              "signer_name": "Nguyễn Văn A"})
    task = _task(admin, draft)
    plan_issue(user=admin, plan=draft)
    draft.refresh_from_db()
    task.refresh_from_db()
    return task


def test_an_issued_plans_item_changes_only_with_a_reason_shown_in_its_history(users, issued):
    admin = users["daiphuoc-admin"]
    values = {"section": None, "ordinal": "1", "title": "Số hóa toàn bộ hồ sơ", "details": "", "product": "",
              "timeline_text": "Giai đoạn 2026-2027"}
    with pytest.raises(ValidationError) as refused:
        item_save(user=admin, plan=issued.plan, kind="tasks", item_id=issued.pk, version=issued.version, values=values)
    assert "reason" in refused.value.message_dict
    issued.refresh_from_db()
    assert issued.title == "Số hóa hồ sơ"
    office = Unit.objects.get(area__slug="dai-phuoc", name="Phòng Văn hóa - Xã hội")
    item_save(user=admin, plan=issued.plan, kind="tasks", item_id=issued.pk, version=issued.version, values=values,
              lead_units=[office], support_units=[], reason="Theo Thông báo 12/TB-UBND")
    issued.refresh_from_db()
    assert issued.title == "Số hóa toàn bộ hồ sơ" and issued.ends_on.year == 2027 and issued.version == 2
    latest = history_rows(issued)[0]
    assert latest["reason"] == "Theo Thông báo 12/TB-UBND" and latest["user_id"] == admin.pk
    changed = {str(change["field"]) for change in latest["changes"]}
    assert {"nhiệm vụ", "thời gian thực hiện", "đơn vị chủ trì"} <= changed
    assert issued.history.count() == 2  # one record for the edit, units included


def test_a_stale_edit_is_refused(users, issued):
    from plans.writes import StaleVersion

    with pytest.raises(StaleVersion):
        item_save(user=users["daiphuoc-admin"], plan=issued.plan, kind="tasks", item_id=issued.pk, version=0,
                  values={"title": "x"}, reason="r")


def test_an_indicator_target_is_read_by_the_import_parser(users, draft):
    indicator = item_save(user=users["daiphuoc-admin"], plan=draft, kind="indicators", values={
        "section": None, "ordinal": "1", "content": "Tỷ lệ hồ sơ trực tuyến", "unit_of_measure": "%",
        "target_text": "≥ 80"})
    indicator.refresh_from_db()
    assert (indicator.target_comparator, indicator.target_value) == (">=", 80)


def test_units_of_another_area_are_refused(users, draft):
    with pytest.raises(ValidationError):
        item_save(user=users["daiphuoc-admin"], plan=draft, kind="tasks", values={"title": "x"},
                  lead_units=[Unit.objects.get(area__slug="phu-lam", name="Công an xã")])
    assert not draft.tasks.filter(title="x").exists()


def test_sections_and_items_are_reordered_and_removed_with_a_reason(users, issued):
    admin, plan = users["daiphuoc-admin"], issued.plan
    first = section_save(user=admin, plan=plan, values={"number": "I.", "title": "Mục một"}, reason="Bổ sung")
    second = section_save(user=admin, plan=plan, values={"number": "II.", "title": "Mục hai"}, reason="Bổ sung")
    section_move(user=admin, section=second, direction="up", reason="Sắp xếp lại")
    assert list(plan.sections.order_by("position").values_list("title", flat=True)) == ["Mục hai", "Mục một"]
    assert first.history.first().history_change_reason == "Sắp xếp lại"
    other = _task(admin, plan, ordinal="2", reason="Bổ sung nhiệm vụ")
    item_move(user=admin, item=other, direction="up", reason="Đổi thứ tự")
    assert list(plan.tasks.order_by("position").values_list("ordinal", flat=True)) == ["2", "1"]
    with pytest.raises(ValidationError):
        item_delete(user=admin, item=other, reason="")
    item_delete(user=admin, item=other, reason="Trùng nhiệm vụ 1")
    assert not Task.objects.filter(pk=other.pk).exists()
    assert Task.history.filter(id=other.pk, history_type="-").get().history_change_reason == "Trùng nhiệm vụ 1"


def test_a_section_cannot_hang_under_another_plans_section(users, draft):
    foreign = Section.objects.filter(plan__slug="phu-lam-55kh").first()
    with pytest.raises(ValidationError):
        section_save(user=users["daiphuoc-admin"], plan=draft, values={"title": "x", "parent": foreign})


def test_an_item_cannot_be_edited_through_another_plan(users, draft):
    foreign = Indicator.objects.filter(plan__slug="dai-phuoc-2026").first()
    with pytest.raises(PermissionDenied):
        item_save(user=users["daiphuoc-admin"], plan=draft, kind="indicators", item_id=foreign.pk,
                  version=foreign.version, values={"content": "x"})


def test_documents_an_area_enters_are_its_own_to_edit_until_another_area_cites_them(users, draft):
    admin = users["daiphuoc-admin"]
    values = {"kind": "decision", "reference": "12/QĐ-UBND", "issued_on": None, "issuer": "UBND xã Đại Phước", "title": "x"}
    document = legal_document_save(user=admin, area=draft.area, values=values)
    assert document.area.slug == "dai-phuoc"
    legal_document_save(user=admin, document=document, values={**values, "title": "Quyết định thành lập BCĐ"})
    with pytest.raises(PermissionDenied):
        legal_document_save(user=users["phulam-admin"], document=document, values={**values, "title": "Forged"})
    with pytest.raises(PermissionDenied):  # a shared document, cited by every area
        legal_document_save(user=admin, document=LegalDocument.objects.get(reference="57-NQ/TW"), values={"title": "Forged"})
    Plan.objects.get(slug="phu-lam-55kh").legal_basis.add(document)
    with pytest.raises(PermissionDenied):
        legal_document_save(user=admin, document=document, values={**values, "title": "Forged"})
    document.refresh_from_db()
    assert document.title == "Quyết định thành lập BCĐ"
    assert set(LegalDocument.objects.editable_by(users["admin"])) == set(LegalDocument.objects.all())


def test_a_unit_never_moves_to_another_area(users):
    unit = unit_create(user=users["daiphuoc-admin"], area=Area.objects.get(slug="dai-phuoc"), name="Tổ CNS cộng đồng")
    unit.area = Area.objects.get(slug="phu-lam")
    with pytest.raises(ValidationError):
        unit.save()
    with pytest.raises(ValueError):
        Unit.objects.filter(pk=unit.pk).update(area=unit.area)
    unit_update(user=users["admin"], unit=unit, name="Tổ Công nghệ số cộng đồng", is_culture_social_office=False)
    unit.refresh_from_db()
    assert unit.area.slug == "dai-phuoc" and unit.name == "Tổ Công nghệ số cộng đồng"


def test_units_are_created_and_renamed_only_in_administered_areas(users):
    phu_lam = Area.objects.get(slug="phu-lam")
    with pytest.raises(PermissionDenied):
        unit_create(user=users["daiphuoc-admin"], area=phu_lam, name="Ban X")
    with pytest.raises(PermissionDenied):
        unit_update(user=users["daiphuoc-admin"], unit=Unit.objects.filter(area=phu_lam).first(), name="Forged",
                    is_culture_social_office=False)
    with pytest.raises(ValidationError):
        unit_create(user=users["phulam-admin"], area=phu_lam, name="công an xã")  # already there
    assert unit_create(user=users["dongnai-admin"], area=phu_lam, name="Ban X").area == phu_lam  # the province's commune


@pytest.mark.parametrize("values, field", [
    ({"issued_month": 13}, "issued_month"), ({"issued_day": 0}, "issued_day"),
    ({"issued_day": 30, "issued_month": 2}, "issued_day"), ({"title": " "}, "title"),
])
def test_a_plan_with_an_impossible_date_or_no_title_is_refused(users, draft, values, field):
    with pytest.raises(ValidationError) as refused:
        plan_save(user=users["daiphuoc-admin"], plan=draft, values={**PLAN_VALUES, **values})
    assert field in refused.value.message_dict


def test_an_issued_plan_keeps_its_number(users, issued):
    with pytest.raises(ValidationError) as refused:
        plan_save(user=users["daiphuoc-admin"], plan=issued.plan, values={**PLAN_VALUES, "number": ""}, reason="Sửa số")
    assert "number" in refused.value.message_dict
    assert Plan.objects.get(pk=issued.plan_id).number == "75"


def test_an_issued_plan_changes_only_with_a_reason(users, issued):
    values = {**PLAN_VALUES, "number": "75", "issued_day": 2, "issued_month": 3, "signer_name": "Nguyễn Văn A",
              "title": "Trích yếu mới"}
    with pytest.raises(ValidationError) as refused:
        plan_save(user=users["daiphuoc-admin"], plan=issued.plan, values=values)
    assert "reason" in refused.value.message_dict
    plan_save(user=users["daiphuoc-admin"], plan=issued.plan, values=values, reason="Sửa lỗi chính tả")
    assert history_rows(Plan.objects.get(pk=issued.plan_id))[0]["reason"] == "Sửa lỗi chính tả"


def test_an_item_with_reports_or_comments_is_not_removed(users, issued):
    from tasks.services import task_comment_add

    issued.lead_units.add(Unit.objects.get(area__slug="dai-phuoc", name="Phòng Kinh tế"))
    task_comment_add(task_id=issued.pk, user=users["daiphuoc-economic"], body="Đã phối hợp")
    with pytest.raises(ValidationError):
        item_delete(user=users["daiphuoc-admin"], item=issued, reason="Trùng")
    assert Task.objects.filter(pk=issued.pk).exists()
