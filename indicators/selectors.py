"""Indicator data shaped for pages."""
from .models import IndicatorTarget


def year_targets_of(plan):
    """{indicator id: ((label, target text), ...)} of the plan's targets by year, in year order; one query."""
    found = {}
    for indicator_id, year, label, text in (IndicatorTarget.objects.filter(indicator__plan=plan)
                                            .order_by("indicator_id", "year")
                                            .values_list("indicator_id", "year", "label", "target_text")):
        found.setdefault(indicator_id, []).append((label or str(year), text))
    return {pk: tuple(rows) for pk, rows in found.items()}
