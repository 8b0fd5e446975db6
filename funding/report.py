"""Funding in a report: frozen in its snapshot as it stood at the cut-off, and said in one or two lines of its
results section."""
from collections import defaultdict

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from config.numbers import percent
from reports.as_of import day_end, items_then

from .amounts import amount_short
from .models import BudgetShare, FundingBase, FundingPeriod, TaskFunding


def funding_snapshot(plan_ids, cutoff):
    """The plans' funding at the end of `cutoff`, in five queries (three for a day not yet over): planned amounts as
    their history held them then, the periods begun and entered by then with their amounts then, and each plan's
    budget share (as it is now) against the base figure of the cut-off's year. None when the plans record none."""
    end = day_end(cutoff)
    entered = TaskFunding.history.filter(history_date__lt=end).values("id")
    planned = items_then(TaskFunding.objects.filter(task__plan__in=plan_ids, pk__in=entered), ["planned_amount"],
                         cutoff)
    periods = FundingPeriod.objects.filter(task__plan__in=plan_ids, created_at__lt=end, starts_on__lte=cutoff)
    amounts = items_then(periods, ["allocated", "disbursed", "starts_on", "task__plan"], cutoff)
    base = FundingBase.objects.filter(area=OuterRef("plan__area"), year=cutoff.year, kind=OuterRef("base_kind"))
    shares = list(BudgetShare.objects.filter(plan__in=plan_ids).annotate(base=Subquery(base.values("amount")[:1]))
                  .order_by("plan__slug"))
    if not planned and not amounts and not shares:
        return None
    allocated_in_year = defaultdict(int)
    for row in amounts.values():
        if row["starts_on"].year == cutoff.year:
            allocated_in_year[row["task__plan"]] += row["allocated"]
    share_rows = []
    for share in shares:
        target = share.target(share.base) if share.base is not None else None
        allocated = allocated_in_year[share.plan_id]
        share_rows.append({"label": share.label, "base_label": str(share.get_base_kind_display()),
                           "year": cutoff.year, "allocated": allocated, "target": target,
                           "percent": percent(allocated, target) if target else None})
    allocated = sum(row["allocated"] for row in amounts.values())
    disbursed = sum(row["disbursed"] for row in amounts.values())
    return {"planned": sum(row["planned_amount"] or 0 for row in planned.values()), "allocated": allocated,
            "disbursed": disbursed, "shares": share_rows}


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
