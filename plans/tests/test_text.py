from decimal import Decimal

import pytest

from indicators.models import Comparator
from indicators.targets import parse_target, target_is_met
from plans.text import clean_cell, name_key
from tasks.models import TimelineKind
from tasks.timelines import parse_timeline


@pytest.mark.parametrize("raw, clean", [
    ("<b>11</b>", "11"),
    ("$\\geq 80$", "≥ 80"),
    ("$\\leq 4$", "≤ 4"),
    ("$\\geq 95\\%$", "≥ 95%"),
    ("Văn phòng  HĐND\nUBND", "Văn phòng HĐND UBND"),
    (None, ""),
])
def test_clean_cell_removes_document_leftovers(raw, clean):
    assert clean_cell(raw) == clean


@pytest.mark.parametrize("a, b", [
    ("Phòng VH&XH", "Phòng VH & XH"),
    ("Phòng Văn hóa - Xã hội xã", "Phòng Văn hóa-Xã hội"),
    ("Sở KH & CN", "sở kh&cn"),
])
def test_name_key_matches_the_spellings_documents_use(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("raw, comparator, value, unit", [
    (">30%", Comparator.MORE_THAN, "30", "%"),
    ("≥ 01", Comparator.AT_LEAST, "1", ""),
    ("100", Comparator.EQUAL, "100", ""),
    ("100%", Comparator.EQUAL, "100", "%"),
    ("$\\geq 80$", Comparator.AT_LEAST, "80", ""),
    ("$\\leq 4$", Comparator.AT_MOST, "4", ""),
    ("2,5%", Comparator.EQUAL, "2.5", "%"),
])
def test_numeric_targets_are_typed(raw, comparator, value, unit):
    target = parse_target(raw)
    assert (target.comparator, target.value, target.unit) == (comparator, Decimal(value), unit)


def test_range_target_keeps_both_bounds():
    target = parse_target("06 - 10")
    assert (target.comparator, target.value, target.upper) == (Comparator.BETWEEN, 6, 10)


@pytest.mark.parametrize("raw", ["Triển khai", "Xếp hạng ở nhóm 60 xã dẫn đầu", "Triển khai hạ tầng IoT ở mức cơ bản"])
def test_words_are_a_qualitative_target_with_original_text(raw):
    target = parse_target(raw)
    assert target.is_qualitative and target.text == raw and target.value is None


@pytest.mark.parametrize("comparator, value, measured, met", [
    (Comparator.AT_LEAST, 80, 80, True),
    (Comparator.MORE_THAN, 30, 30, False),
    (Comparator.AT_MOST, 4, 3, True),
    (Comparator.LESS_THAN, 4, 4, False),
    (Comparator.EQUAL, 100, 99, False),
])
def test_target_is_met_follows_the_comparator(comparator, value, measured, met):
    assert target_is_met(comparator=comparator, value=Decimal(value), upper=None, measured=Decimal(measured)) is met


@pytest.mark.parametrize("raw, kind, start, end", [
    ("Năm 2026", TimelineKind.ONE_OFF, 2026, 2026),
    ("Năm 2026-2030", TimelineKind.ONE_OFF, 2026, 2030),
    ("Giai đoạn 2026-2027", TimelineKind.ONE_OFF, 2026, 2027),
    ("Giai đoạn 2026-2045", TimelineKind.ONE_OFF, 2026, 2045),
    ("Hàng năm", TimelineKind.ANNUAL, 2026, 2026),
    ("Thường xuyên", TimelineKind.CONTINUOUS, 2026, 2026),
    ("Thường xuyên trong năm", TimelineKind.CONTINUOUS, 2026, 2026),
    ("Thực hiện thường xuyên", TimelineKind.CONTINUOUS, 2026, 2026),
])
def test_timelines_are_parsed_keeping_the_text(raw, kind, start, end):
    timeline = parse_timeline(raw, plan_year=2026)
    assert timeline.text == raw
    assert (timeline.kind, timeline.starts_on.year, timeline.ends_on.year) == (kind, start, end)
    assert (timeline.starts_on.month, timeline.starts_on.day, timeline.ends_on.month, timeline.ends_on.day) == (1, 1, 12, 31)


@pytest.mark.parametrize("cells, group", [
    (["I.Nâng cao nhận thức", "", ""], ("I", "Nâng cao nhận thức")),
    (["IV. Phát triển khoa học", "", ""], ("IV", "Phát triển khoa học")),
    (["1.1. Phát triển hạ tầng (02)", "", ""], ("1.1", "Phát triển hạ tầng (02)")),
    (["", "", "Công an xã"], None),          # a continuation cell, not a group
    (["Các cơ quan, đơn vị", "", ""], None),
    (["Danh mục", "", ""], None),
])
def test_group_rows_need_a_number_and_a_separator(cells, group):
    from plans.appendix.table import _group_row

    assert _group_row(cells, {"ordinal": 0, "content": 1, "lead": 2}) == group
