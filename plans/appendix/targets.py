"""Targets by year and the baseline in an indicators appendix.

Offices head their target columns by year and by stage, in one row (`Chỉ tiêu năm 2026`, `Chỉ tiêu đến năm
2030`) or two (`Mục tiêu` over `Năm 2026 | Đến năm 2030`), with the year before as the baseline (`Thực hiện năm
2025`). Each such column is a field of its own (`target_2026`, `baseline`); the table's single target column,
when it has none, is its last year's (the stage's end), so the indicator's own target stays "the target". The
preview reads the year columns into `IndicatorTarget` fields, the writer replaces the indicator's targets by
year with them (only where the table has year columns), and the undo puts back what was there before.
"""
import decimal
import re

from indicators.targets import baseline_values, year_of, year_target_values

from ..text import fold

_YEAR_HEADING = re.compile(
    r"^(?:(?:chi tieu|muc tieu|ket qua|ke hoach|ket qua can dat)\s+)?"
    r"(?:(?:den|den het|den cuoi|het|cuoi)\s+)?(?:nam\s+\d{4}|(?:giai doan|nhiem ky)\s+\d{4}\s*[-–]\s*\d{4})$")
_BASELINE_HEADING = re.compile(
    r"^(?:(?:uoc\s+)?(?:ket qua\s+)?thuc hien(?:\s+nam)?\s+\d{4}|(?:hien trang|gia tri nen)(?:\s+nam\s+\d{4})?)$")
TARGET_PREFIX = "target_"
BASELINE = "baseline"


def heading_field(cell):
    """`target_2026` for a year's or a stage's target heading, `baseline` for the baseline's, else None."""
    folded = re.sub(r"\s+", " ", fold(cell)).strip(" :*")
    if _BASELINE_HEADING.match(folded):
        return BASELINE
    if _YEAR_HEADING.match(folded):
        return f"{TARGET_PREFIX}{year_of(folded)}"
    return None


def _year_fields(columns):
    return sorted((name for name in columns if name.startswith(TARGET_PREFIX)), key=lambda name: int(name[7:]))


def columns_settled(columns, labels):
    """Without a single target column, the table's target is its last year's (the stage's end)."""
    years = _year_fields(columns)
    if years and "target" not in columns:
        columns["target"], labels["target"] = columns[years[-1]], labels[years[-1]]


def row_values(values, labels, unit_of_measure):
    """(the indicator's baseline fields, its targets by year or None when the table has no year column)."""
    baseline = baseline_values(values.get(BASELINE, ""), label=labels.get(BASELINE, ""),
                               unit_of_measure=unit_of_measure)
    years = _year_fields(values)
    if not years:
        return baseline, None
    return baseline, [year_target_values(values[name], year=int(name[7:]), label=labels.get(name, ""),
                                         unit_of_measure=unit_of_measure)
                      for name in years if values[name]]


def _key(target):
    return [target["year"], target["label"], target["target_text"], target["comparator"],
            _text(target["value"]), _text(target["value_upper"]), target["unit"]]


def _text(value):
    return None if value is None else format(decimal.Decimal(value).normalize(), "f")


def kept(targets):
    """Targets as a kept row or a journal holds them (JSON)."""
    return None if targets is None else [_key(target) for target in targets]


def from_kept(rows):
    if rows is None:
        return None
    names = ("year", "label", "target_text", "comparator", "value", "value_upper", "unit")
    targets = [dict(zip(names, row, strict=True)) for row in rows]
    for target in targets:
        for name in ("value", "value_upper"):
            if target[name] is not None:
                target[name] = decimal.Decimal(target[name])
    return targets


def _current(ids):
    from indicators.models import IndicatorTarget

    current = {}
    for target in IndicatorTarget.objects.filter(indicator_id__in=ids).order_by("indicator_id", "year").values():
        current.setdefault(target["indicator_id"], []).append(_key(target))
    return current


def changes_marked(rows):
    """Rows matched to an indicator whose targets by year the table changes are changed rows."""
    matched = [row for row in rows if row.existing_id and row.targets is not None and row.state != "error"]
    current = _current([row.existing_id for row in matched]) if matched else {}
    for row in matched:
        if current.get(row.existing_id, []) != kept(row.targets):
            if "target_text" not in row.changes:
                row.changes.append("target_text")
            row.state = "changed"


def targets_write(rows, *, journal, user, reason):
    """Replace the targets by year of the written rows that the table gives some; the ones they replace go to the
    journal for the undo."""
    from indicators.services import indicator_targets_replace

    wanted = {row.existing_id: row.targets for row in rows if row.targets is not None}
    if not wanted:
        return
    before = _current(list(wanted))
    changed = [row.existing_id for row in rows if row.state == "changed" and row.existing_id in wanted]
    journal.setdefault("targets", {}).update({str(pk): before.get(pk, []) for pk in changed})
    indicator_targets_replace(wanted, user=user, reason=reason)


def targets_restore(journal, *, user, reason):
    """Put back the targets by year the import replaced (its created indicators go with their targets)."""
    from indicators.models import Indicator
    from indicators.services import indicator_targets_replace

    before = journal.get("targets") or {}
    present = set(Indicator.objects.filter(pk__in=[int(pk) for pk in before]).values_list("pk", flat=True))
    indicator_targets_replace({int(pk): from_kept(rows) for pk, rows in before.items() if int(pk) in present},
                              user=user, reason=reason)



def export_columns(plan):
    """([header], cells(indicator)) of the baseline and year columns a plan's indicators appendix is written with,
    headed so that the import reads them back; none when its indicators have neither."""
    from indicators.models import Indicator, IndicatorTarget

    years = {}
    for year, label in (IndicatorTarget.objects.filter(indicator__plan=plan).order_by("year", "label")
                        .values_list("year", "label")):
        if year not in years:
            years[year] = label if heading_field(label) == f"{TARGET_PREFIX}{year}" else f"Năm {year}"
    baseline = (Indicator.objects.filter(plan=plan).exclude(baseline="").order_by("position")
                .values_list("baseline_label", flat=True).first())
    headers = []
    if baseline is not None:
        headers.append(baseline if heading_field(baseline) == BASELINE else "Giá trị nền")
    headers += list(years.values())

    def cells(indicator):
        by_year = {target.year: target.target_text for target in indicator.targets.all()}
        return ([indicator.baseline] if baseline is not None else []) + [by_year.get(year, "") for year in years]

    return headers, cells
