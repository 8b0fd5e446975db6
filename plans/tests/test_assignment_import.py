"""The office's "Phân công nhiệm vụ" workbook: matched by section and ordinal, previewed, applied all or nothing."""
import pytest

from indicators.models import Indicator
from plans.models import AssignmentImport, Plan
from tasks.models import Task
from tests import files
from tests.workbooks import workbook_bytes

# About assigning Đại Phước's targets: they start unassigned, as their seed leaves them.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("targets_unassigned")]
PLAN = "dai-phuoc-2026"
HEADER = ["STT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Cán bộ phụ trách", "Sản phẩm", "Thời gian",
          "Thẩm quyền"]


def _upload(client, rows, name="phan-cong.xlsx"):
    data = workbook_bytes([HEADER, *rows], titles=["PHÂN CÔNG NHIỆM VỤ"])
    return client.post(f"/plans/{PLAN}/assignment/import/", {"file": files.upload(name, data)})


def _indicator(section, ordinal):
    return Indicator.objects.prefetch_related("lead_units").get(
        plan__slug=PLAN, section__number=section, ordinal=ordinal)


def test_rows_match_by_section_and_any_spelling_of_the_ordinal(client, users):
    client.force_login(users["daiphuoc-admin"])
    response = _upload(client, [
        ["1.1", "Phát triển hạ tầng (02)"],
        ["1", "", "Phòng Văn hóa - Xã hội", "", "daiphuoc-officer", "Báo cáo", "đến cuối năm 2026", "Chủ tịch UBND xã"],
        ["(2)", "", "Phòng VH-XH"],
        ["1.2."],
        ["06)", "", "Phòng Kinh tế", "", "Cán bộ Phòng Kinh tế xã Đại Phước"],  # a leading zero, as Excel keeps "06"
        ["II.", "NHIỆM VỤ TRỌNG TÂM NĂM 2026"],
        ["1.", "Về cơ chế, chính sách phát triển khoa học, công nghệ và đổi mới sáng tạo"],
        ["1.", "Phối hợp...", "Phòng Kinh tế"],
    ])
    record = AssignmentImport.objects.get()
    assert response.status_code == 302 and record.status == AssignmentImport.Status.PREVIEWED
    assert [change["label"] for change in record.summary["changes"]] == [
        "Chỉ tiêu 1.1. (1)", "Chỉ tiêu 1.1. (2)", "Chỉ tiêu 1.2. (6)", "Nhiệm vụ 1. 1"]
    page = client.get(response["Location"]).content.decode()
    assert "Phòng Văn hóa - Xã hội" in page and "Chủ tịch UBND xã" in page
    assert not _indicator("1.1.", "(1)").lead_units.exists()  # nothing written before the confirm

    confirm = f"{response['Location']}confirm/"
    response = client.post(confirm)
    assert response.status_code == 302
    first = _indicator("1.1.", "(1)")
    assert [u.name for u in first.lead_units.all()] == ["Phòng Văn hóa - Xã hội"]
    assert first.officer == users["daiphuoc-officer"] and first.deadline.isoformat() == "2026-12-31"
    assert first.history.first().history_user == users["daiphuoc-admin"]
    assert _indicator("1.2.", "(6)").officer == users["daiphuoc-economic"]
    task = Task.objects.get(plan__slug=PLAN, section__number="1.", ordinal="1")
    assert [u.name for u in task.lead_units.all()] == ["Phòng Kinh tế"]
    assert AssignmentImport.objects.get().status == AssignmentImport.Status.DONE
    # A second confirm (a double click, another admin) is told so and writes nothing more.
    versions = _indicator("1.1.", "(1)").history.count()
    response = client.post(confirm, follow=True)
    assert "đã được áp dụng" in response.content.decode()
    assert _indicator("1.1.", "(1)").history.count() == versions


def test_unknown_units_and_unmatched_rows_are_errors_by_row_and_nothing_is_written(client, users):
    client.force_login(users["daiphuoc-admin"])
    _upload(client, [
        ["1.1", "Phát triển hạ tầng (02)"],
        ["1", "", "Phòng Văn hóa - Xã hội"],
        ["2", "", "Phòng Tài nguyên"],
        ["9", "", "Phòng Kinh tế"],
        ["1.2", "Phát triển nguồn nhân lực (06)"],
        ["1", "", "Phòng Kinh tế", "", "phulam-officer"],
    ])
    record = AssignmentImport.objects.get()
    assert record.status == AssignmentImport.Status.INVALID
    errors = [(e["row"], e["message"]) for e in record.summary["errors"]]
    assert [row for row, _ in errors] == ["Trang “Phụ lục”, dòng 6", "Trang “Phụ lục”, dòng 7",
                                          "Trang “Phụ lục”, dòng 9"]
    assert "Phòng Tài nguyên" in errors[0][1] and "không tìm thấy mục 9" in errors[1][1]
    assert "phulam-officer" in errors[2][1]
    response = client.post(f"/plans/{PLAN}/assignment/import/{record.pk}/confirm/", follow=True)
    assert "không còn áp dụng được" in response.content.decode()
    assert AssignmentImport.objects.get().status == AssignmentImport.Status.INVALID
    assert not Indicator.lead_units.through.objects.filter(indicator__plan__slug=PLAN).exists()


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(client, users):
    client.force_login(users["daiphuoc-admin"])
    response = client.post(f"/plans/{PLAN}/assignment/import/", {"file": files.upload("a.xlsx", b"not a workbook")})
    assert response.status_code == 400 and "không phải tệp Excel" in response.content.decode()
    assert not AssignmentImport.objects.exists()


def test_a_preview_gone_stale_is_refused_whole(client, users):
    client.force_login(users["daiphuoc-admin"])
    response = _upload(client, [["1.1", "Phát triển hạ tầng (02)"], ["1", "", "Phòng Văn hóa - Xã hội"],
                                ["2", "", "Phòng Văn hóa - Xã hội"]])
    second = _indicator("1.1.", "(2)")
    second.product = "Sửa trong lúc chờ"
    second.version += 1
    second.save()
    client.post(f"{response['Location']}confirm/")
    assert not Indicator.lead_units.through.objects.filter(indicator__plan__slug=PLAN).exists()
    # Failed, with why on its page and a retry (which finds the same stale item until the file is uploaded again).
    assert AssignmentImport.objects.get().status == AssignmentImport.Status.FAILED
    page = client.get(response["Location"]).content.decode()
    assert "Người khác vừa sửa" in page and 'id="assignment-retry"' in page


def test_the_export_reads_back_as_no_change(client, users):
    client.force_login(users["daiphuoc-admin"])
    exported = client.get(f"/plans/{PLAN}/assignment/export.xlsx").content
    from plans.assignment_workbook import assignment_preview, assignment_sheets

    preview = assignment_preview(plan=Plan.objects.get(slug=PLAN), sheets=assignment_sheets(exported, "phan-cong.xlsx"))
    assert preview["errors"] == [] and preview["changes"] == []


def test_the_preview_refuses_what_the_confirm_would_refuse(client, users):
    """Issue 25: an officer outside the row's lead unit, or a date that does not exist, is an error of the
    preview, by row, not a surprise at the confirm."""
    client.force_login(users["daiphuoc-admin"])
    _upload(client, [
        ["1.1", "Phát triển hạ tầng (02)"],
        ["1", "", "Phòng Kinh tế", "", "daiphuoc-officer"],  # the officer is of the Culture-Social office
        ["2", "", "Phòng Văn hóa - Xã hội", "", "daiphuoc-officer", "", "31/02/2026"],
        ["1.2", "Phát triển nguồn nhân lực (06)"],
        ["1", "", "Phòng Văn hóa - Xã hội", "", "daiphuoc-officer"],  # right: no error of its own
    ])
    record = AssignmentImport.objects.get()
    assert record.status == AssignmentImport.Status.INVALID
    errors = [(e["row"], e["message"]) for e in record.summary["errors"]]
    assert [row for row, _ in errors] == ["Trang “Phụ lục”, dòng 5", "Trang “Phụ lục”, dòng 6"]
    assert "đơn vị chủ trì" in errors[0][1] and "Chỉ tiêu 1.1. (1)" in errors[0][1]
    assert "không có thật" in errors[1][1]
    page = client.get(f"/plans/{PLAN}/assignment/import/{record.pk}/").content.decode()
    assert 'id="assignment-confirm"' not in page and "dòng 5" in page
    assert not Indicator.lead_units.through.objects.filter(indicator__plan__slug=PLAN).exists()


def test_an_unchanged_workbook_says_there_is_no_change(client, users):
    client.force_login(users["daiphuoc-admin"])
    exported = client.get(f"/plans/{PLAN}/assignment/export.xlsx").content
    response = client.post(f"/plans/{PLAN}/assignment/import/", {"file": files.upload("phan-cong.xlsx", exported)})
    record = AssignmentImport.objects.get()
    assert record.status == AssignmentImport.Status.UNCHANGED and record.summary["errors"] == []
    page = client.get(response["Location"]).content.decode()
    assert 'id="assignment-unchanged"' in page and "Không có thay đổi" in page
    assert "Có lỗi" not in page and 'id="assignment-errors"' not in page and 'id="assignment-confirm"' not in page
    response = client.post(f"/plans/{PLAN}/assignment/import/{record.pk}/confirm/", follow=True)
    assert "không còn áp dụng được" in response.content.decode()


def test_a_workbook_naming_an_items_closed_officer_changes_nothing_and_usernames_match_exactly(client, users):
    """The export names each item's officer by username; read back, an officer whose account was closed is the
    item's own (no change, no error), and a username is never taken for a look-alike one (`...-cong-an-xa`)."""
    from people.models import User
    from plans.assignment import Change, assignment_save
    from plans.models import Unit

    plan = Plan.objects.get(slug=PLAN)
    police = Unit.objects.get(area__slug="dai-phuoc", name="Công an xã")
    target = Indicator.objects.filter(plan=plan).order_by("position").first()
    assignment_save(plan=plan, user=users["daiphuoc-admin"], changes=[Change(
        key=f"indicator-{target.pk}", version=None,
        values={"lead_units": [police.pk], "officer": users["daiphuoc-congan"].pk})])
    User.objects.filter(username="daiphuoc-congan").update(is_active=False)
    newcomer = User.objects.create_user("dai-phuoc-cong-an-xa", first_name="Trần Văn Bình")
    newcomer.units.set([police])
    client.force_login(users["daiphuoc-admin"])
    exported = client.get(f"/plans/{PLAN}/assignment/export.xlsx").content
    client.post(f"/plans/{PLAN}/assignment/import/", {"file": files.upload("phan-cong.xlsx", exported)})
    record = AssignmentImport.objects.get()
    assert record.status == AssignmentImport.Status.UNCHANGED, record.summary
    _upload(client, [["1.1", "Phát triển hạ tầng (02)"], ["1", "", "Công an xã", "", "dai-phuoc-cong-an-xa"]])
    changes = AssignmentImport.objects.exclude(pk=record.pk).get().summary["changes"]
    assert changes[0]["values"]["officer"] == newcomer.pk
