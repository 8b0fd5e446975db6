import pytest
from django.core.exceptions import ValidationError

from funding.amounts import amount_full, amount_parse, amount_short


@pytest.mark.parametrize("text, amount", [
    ("1.500.000.000", 1_500_000_000), ("1500000000", 1_500_000_000), ("1 500 000 000", 1_500_000_000),
    ("1,5 tỷ", 1_500_000_000), ("1,5 Tỷ đồng", 1_500_000_000), ("2.5 tỷ", 2_500_000_000), ("1.500 tỷ", 1_500 * 10 ** 9),
    ("350 triệu", 350_000_000), ("350 triệu đồng", 350_000_000), ("1.234,5 triệu", 1_234_500_000),
    ("500.000 đ", 500_000), ("500.000 VNĐ", 500_000), ("1,500,000", 1_500_000), ("0", 0), ("", None),
])
def test_amounts_are_read_as_offices_write_them(text, amount):
    assert amount_parse(text) == amount


@pytest.mark.parametrize("text, message", [
    ("-5", "không được âm"), ("1,5", "số đồng nguyên"), ("năm tỷ", "Không đọc được"), ("1,5 tấn", "Không đọc được"),
    ("1.50.000", "Không đọc được"), ("999999999 tỷ", "quá lớn"),
])
def test_what_is_not_an_amount_is_refused_in_vietnamese(text, message):
    with pytest.raises(ValidationError) as error:
        amount_parse(text)
    assert message in error.value.messages[0]


def test_amounts_are_shown_as_offices_say_them():
    assert amount_full(1_500_000_000) == "1.500.000.000 đ"
    assert amount_short(3_200_000_000) == "3,2 tỷ" and amount_short(5 * 10 ** 9) == "5,0 tỷ"
    assert amount_short(1_234_000 * 10 ** 9) == "1.234.000,0 tỷ"
    assert amount_short(350_000_000) == "350 triệu" and amount_short(500_000) == "500.000 đ"
    assert amount_short(None) == "—"
