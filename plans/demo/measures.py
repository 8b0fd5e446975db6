"""What the demo shows, measured with the portal's own selectors: the figures load_demo prints and a test holds."""
from django.contrib.auth import get_user_model

from indicators.models import Indicator
from plans.clears import with_clears
from plans.models import Area
from tasks.models import Task


def clears_share():
    """(items with all six clears, items)."""
    clear = items = 0
    for model in (Task, Indicator):
        rows = with_clears(model.objects.all()).values_list("all_clear", flat=True)
        items += len(rows)
        clear += sum(1 for row in rows if row)
    return clear, items


def area_trends(today):
    """{commune: (non-zero months of the completion trend, of the warnings trend, overdue items)}, as the
    province's view computes them (reports/province.py)."""
    from reports.province import commune_figures

    communes = Area.objects.filter(kind=Area.Kind.COMMUNE).order_by("name")
    figures = commune_figures(communes.values("pk"), today=today)
    result = {}
    for commune in communes:
        values = figures.get(commune.pk)
        if values is None:
            result[commune.slug] = (0, 0, 0)
            continue
        trend = values["trend"]
        result[commune.slug] = (sum(1 for n in trend["completed"] if n), sum(1 for n in trend["warnings"] if n),
                                values["figures"]["overdue"])
    return result


def things_to_act_on(user, today):
    """What the user's landing page (or its first link) offers to act on: My work's open items for officers,
    pending evidence for reviewers, open warnings, reports to receive and open difficulties for the others."""
    from evidence.selectors import pending_evidence
    from plans.access import can_receive_report
    from reports.models import Difficulty, Report, Warning
    from tasks.selectors import my_indicator_rows, my_task_rows

    if user.role == user.Role.OFFICER:
        rows = my_task_rows(user, today=today, role="lead") + my_indicator_rows(user, today=today, role="lead")
        return sum(1 for row in rows if row.progress < 100 or row.evidence_status == "rejected")
    if user.role == user.Role.REVIEWER:
        return pending_evidence(user).count()
    areas = Area.objects.followed_by(user).values("pk")
    warnings = Warning.objects.filter(closed_at__isnull=True, area__in=areas).count()
    inbox = sum(1 for report in Report.objects.filter(status=Report.Status.ISSUED).select_related("area")
                if can_receive_report(user, report))
    difficulties = Difficulty.objects.filter(area__in=areas, status=Difficulty.Status.OPEN).count()
    return warnings + inbox + difficulties


def landing_counts(today):
    User = get_user_model()
    return {user.username: things_to_act_on(user, today)
            for user in User.objects.filter(is_superuser=False).order_by("username")}


def demo_figures(today):
    clear, items = clears_share()
    return {"clear": clear, "items": items, "trends": area_trends(today), "landing": landing_counts(today)}
