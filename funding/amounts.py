"""Amounts of money (whole đồng) as Vietnamese offices write them: read from "1.500.000.000", "1,5 tỷ",
"350 triệu đồng", shown as "1.500.000.000 đ" or "1,5 tỷ"."""
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

AMOUNT_MAX = 10 ** 17  # a province's GRDP is some 10^15 đồng; anything near the column's limit is a typing slip
_UNITS = {"ty": 10 ** 9, "tỷ": 10 ** 9, "tỉ": 10 ** 9, "trieu": 10 ** 6, "triệu": 10 ** 6,
          "nghin": 10 ** 3, "nghìn": 10 ** 3, "ngan": 10 ** 3, "ngàn": 10 ** 3}
_CURRENCY = re.compile(r"\s*(đồng|đ|vnđ|vnd|dong)\.?\s*$", re.IGNORECASE)
_AMOUNT = re.compile(r"^(?P<number>[0-9][0-9., ]*)\s*(?P<unit>[^\W\d_]+)?$")


def _number(text, *, has_unit):
    """The Decimal a Vietnamese number means: dots group thousands and a comma marks the decimals; with a unit,
    "1.5" (a dot not followed by three digits) is a decimal too."""
    text = text.replace(" ", "")
    if "," in text:
        whole, _sep, decimals = text.rpartition(",")
        if "," in whole or (len(decimals) == 3 and not has_unit and "." not in text):
            # "1,500,000" written the English way: commas group thousands
            if all(len(group) == 3 for group in text.split(",")[1:]):
                return Decimal(text.replace(",", ""))
            raise InvalidOperation
        return Decimal(f"{whole.replace('.', '')}.{decimals}")
    groups = text.split(".")
    if len(groups) > 1 and not all(len(group) == 3 for group in groups[1:]):
        if has_unit and len(groups) == 2:
            return Decimal(text)
        raise InvalidOperation
    return Decimal(text.replace(".", ""))


def amount_parse(text):
    """Whole đồng from what an office types; None for nothing typed; ValidationError (Vietnamese) otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    if text.startswith("-"):
        raise ValidationError(_("Số tiền không được âm."), code="negative")
    text = _CURRENCY.sub("", text).strip()
    match = _AMOUNT.match(text)
    unit = (match.group("unit") or "").lower() if match else ""
    if not match or (unit and unit not in _UNITS):
        raise ValidationError(_("Không đọc được số tiền “%(text)s”: hãy ghi như 1.500.000.000 hoặc 1,5 tỷ.")
                              % {"text": text[:40]}, code="invalid")
    try:
        value = _number(match.group("number").strip(), has_unit=bool(unit)) * _UNITS.get(unit, 1)
    except InvalidOperation:
        raise ValidationError(_("Không đọc được số tiền “%(text)s”: hãy ghi như 1.500.000.000 hoặc 1,5 tỷ.")
                              % {"text": text[:40]}, code="invalid") from None
    if value != value.to_integral_value():
        raise ValidationError(_("Số tiền phải là số đồng nguyên."), code="fraction")
    if value > AMOUNT_MAX:
        raise ValidationError(_("Số tiền quá lớn; hãy kiểm tra lại số chữ số."), code="too_large")
    return int(value)


def _grouped(value, decimals=0):
    """A Decimal written the Vietnamese way: "5.000,0"."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def amount_full(amount):
    """ "1.500.000.000 đ"."""
    if amount is None:
        return "—"
    return f"{_grouped(Decimal(amount))} đ"


def amount_short(amount):
    """ "3,2 tỷ", "350 triệu", "500.000 đ": how offices say an amount in a sentence."""
    if amount is None:
        return "—"
    if amount >= 10 ** 9:
        value = (Decimal(amount) / 10 ** 9).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return _("%(amount)s tỷ") % {"amount": _grouped(value, 1)}
    if amount >= 10 ** 6:
        value = (Decimal(amount) / 10 ** 6).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        return _("%(amount)s triệu") % {"amount": _grouped(value)}
    return amount_full(amount)


def amount_input(amount):
    """What an amount field shows again: plain digits with dots."""
    return "" if amount is None else _grouped(Decimal(amount))
