"""Figures shown as whole percentages, computed one way everywhere."""


def percent(part, whole):
    """`part` as a whole percentage of `whole`; None when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None
