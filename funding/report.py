"""Funding in a report: frozen in its snapshot as it stood at the cut-off, and said in one or two lines of its
results section."""
from collections import defaultdict

from django.utils.translation import gettext as _

from config.numbers import percent
from reports.as_of import day_end, items_then

from .amounts import amount_short
from .models import BudgetShare, FundingBase, FundingPeriod, TaskFunding


def funding_snapshot(plan_ids, cutoff):
    """The plans' funding at the end of `cutoff` (six queries): planned amounts as their history held them then,
    the periods begun and entered by then with their amounts then, and each plan's budget share (as it is now)
    against the base figure of the cut-off's year. None when the plans record no funding."""
    end = day_end(cutoff)
    entered = TaskFunding.history.filter(history_date__lt=end).values("id")
    fundings = TaskFunding.objects.filter(task__plan__in=plan_ids, pk__in=entered)
    planned = items_then(fundings, ["planned_amount", "source"], cutoff)
    periods = FundingPeriod.objects.filter(task__plan__in=plan_ids, created_at__lt=end, starts_on__lte=cutoff)
    amounts = items_then(periods, ["allocated", "disbursed"], cutoff)
    if not planned and not amounts:
        return None
    in_year = set(periods.filter(starts_on__year=cutoff.year).values_list("pk", flat=True))
    plan_of = dict(periods.values_list("pk", "task__plan"))
    allocated_in_year = defaultdict(int)
    for pk, row in amounts.items():
        if pk in in_year:
            allocated_in_year[plan_of[pk]] += row["allocated"]
    shares = []
    for share in BudgetShare.objects.filter(plan__in=plan_ids).select_related("plan").order_by("plan__slug"):
        base = (FundingBase.objects.filter(area=share.plan.area_id, year=cutoff.year, kind=share.base_kind)
                .values_list("amount", flat=True).first())
        target = share.target(base) if base is not None else None
        allocated = allocated_in_year[share.plan_id]
        shares.append({"label": share.label, "base_label": str(share.get_base_kind_display()), "year": cutoff.year,
                       "allocated": allocated, "target": target, "percent": percent(allocated, target) if target else None})
    allocated = sum(row["allocated"] for row in amounts.values())
    disbursed = sum(row["disbursed"] for row in amounts.values())
    return {"planned": sum(row["planned_amount"] or 0 for row in planned.values()), "allocated": allocated,
            "disbursed": disbursed, "shares": shares}


def funding_paragraphs(funding):
    """The results section's funding lines; none for a report whose plans record no funding (or one taken before
    funding was recorded)."""
    if not funding:
        return []
    disbursed_percent = percent(funding["disbursed"], funding["allocated"])
    lines = [_("Kinh phí: dự kiến %(planned)s; đã phân bổ %(allocated)s; đã giải ngân %(disbursed)s%(share)s.") % {
        "planned": amount_short(funding["planned"]), "allocated": amount_short(funding["allocated"]),
        "disbursed": amount_short(funding["disbursed"]),
        "share": f" ({disbursed_percent}%)" if disbursed_percent is not None else ""}]
    for share in funding["shares"]:
        if share["target"] is None:
            lines.append(_("Tỷ lệ chi năm %(year)s: đã phân bổ %(allocated)s; chưa nhập %(base)s năm %(year)s.") % {
                "year": share["year"], "allocated": amount_short(share["allocated"]), "base": share["base_label"]})
        else:
            lines.append(_("Tỷ lệ chi năm %(year)s: đã phân bổ %(allocated)s / %(share)s = %(target)s "
                           "(%(percent)s%%).") % {
                "year": share["year"], "allocated": amount_short(share["allocated"]), "share": share["label"],
                "target": amount_short(share["target"]), "percent": share["percent"]})
    return lines
