"""A sub-item typed with its number (`3.1`) goes under its item (`3`) whichever chunk of a large import each is in
(issue 22.6): far below it, above it, or under an item the plan already has. One whose item is nowhere (`9.1`, no
item 9) is an error on its row in the preview, and refuses the whole import if the plan lost the item since.
The chunks are three rows here (a setting of the streamed preview), so the rows are many chunks apart."""
import pytest

from plans.appendix import services
from plans.appendix.preview import appendix_preview
from plans.appendix.readers import read_sheets
from plans.appendix.write import appendix_import
from plans.tests.test_appendix_jobs import _plan
from plans.tests.test_appendix_kept_rows import _confirm
from plans.tests.test_appendix_streamed import _previewed, _workbook, small_chunks  # noqa: F401  the fixture, used below

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_chunks")]  # chunks of three rows
FIRST_ROW = 6  # the title, a blank row, the two header rows and the column numbers come first


def _row(ordinal, title):
    return [ordinal, title, "Phòng Kinh tế", "Công an xã", "Báo cáo", "Năm 2026"]


def _items(count):
    return [_row(str(n), f"Nhiệm vụ số {n} về chuyển đổi số của xã") for n in range(1, count + 1)]


def test_a_typed_sub_item_goes_under_its_item_whichever_chunk_each_is_in():
    plan, user = _plan()
    rows = _items(4) + [_row("6.1", "Nội dung con của nhiệm vụ 6, ghi trước nhiệm vụ 6")] + _items(12)[4:]
    rows += [_row("3.1", "Nội dung con của nhiệm vụ 3, ghi ở cuối bảng")]
    record = _previewed(plan, user, _workbook(rows))
    assert record.status == "previewed" and record.summary["can_import"], record.summary["errors"]
    assert record.parsed_file  # the confirm writes the kept rows, a chunk at a time
    record = _confirm(record, user)
    assert record.status == "done", record.message
    assert record.summary["imported"] == {"new": 14, "changed": 0, "unchanged": 0}
    tasks = plan.tasks.model.objects.filter(plan=plan)
    late, early = tasks.get(ordinal="3.1"), tasks.get(ordinal="6.1")
    assert late.parent == tasks.get(ordinal="3") and early.parent == tasks.get(ordinal="6")
    assert late.history.get().parent_id == late.parent_id and early.history.get().parent_id == early.parent_id
    assert not tasks.filter(parent__isnull=False).exclude(ordinal__in=["3.1", "6.1"]).exists()


def test_a_typed_sub_item_of_an_item_the_plan_has_goes_under_it():
    plan, user = _plan()
    assert _confirm(_previewed(plan, user, _workbook(_items(5))), user).status == "done"
    record = _previewed(plan, user, _workbook(_items(9) + [_row("2.1", "Nội dung con của nhiệm vụ 2")]))
    assert record.summary["counts"] == {"new": 5, "changed": 0, "unchanged": 5, "error": 0}
    assert _confirm(record, user).status == "done"
    assert plan.tasks.get(ordinal="2.1").parent == plan.tasks.get(ordinal="2")


def test_an_orphan_sub_item_is_an_error_on_its_row_and_nothing_is_kept():
    plan, user = _plan()
    rows = _items(8) + [_row("9.1", "Nội dung con của một nhiệm vụ 9 không có")] + _items(12)[9:]
    record = _previewed(plan, user, _workbook(rows))
    orphan_row = FIRST_ROW + 8
    assert record.status == "previewed" and not record.summary["can_import"] and not record.parsed_file
    assert [row for row, _message in record.summary["errors"]] == [orphan_row]
    assert "9.1" in record.summary["errors"][0][1] and "mục 9 " in record.summary["errors"][0][1]
    assert record.summary["counts"] == {"new": 11, "changed": 0, "unchanged": 0, "error": 1}
    whole = services.preview_summary(appendix_preview(plan=plan, sheets=read_sheets(_workbook(rows), "lon.xlsx")))
    assert whole["errors"] == record.summary["errors"] and whole["counts"] == record.summary["counts"]
    assert next(row for row in whole["rows"] if row["sheet_row"] == orphan_row)["state"] == "error"
    with pytest.raises(ValueError):
        appendix_import(plan=plan, preview=appendix_preview(plan=plan, sheets=read_sheets(_workbook(rows), "x.xlsx")),
                        user=user)
    assert not plan.tasks.exists()


def test_a_sub_item_whose_item_left_the_plan_since_the_preview_refuses_the_whole_import():
    plan, user = _plan()
    assert _confirm(_previewed(plan, user, _workbook(_items(3))), user).status == "done"
    record = _previewed(plan, user, _workbook(_items(12)[3:] + [_row("2.1", "Nội dung con của nhiệm vụ 2")]))
    assert record.summary["can_import"] and record.parsed_file
    plan.tasks.filter(ordinal="2").delete()
    record = _confirm(record, user)
    assert record.status == "failed" and "2.1" in record.message and "không có gì được ghi" in record.message
    assert sorted(plan.tasks.values_list("ordinal", flat=True)) == ["1", "3"]
