"""The demo's funding (made up, as the demo's notes say): Phú Lâm's plan 55 sets at least 1% of GRDP for science,
technology, innovation and digital transformation (seed 002, task 2), Đại Phước's at least 2% (seed 003,
target 1); each commune's Economic office enters the year's GRDP and a few tasks' funding by quarter."""
import datetime

from django.contrib.auth import get_user_model

from plans.demo import DEMO_PREFIX
from plans.models import Plan
from tasks.models import Task

from .models import BaseKind, FundingSource
from .services import PeriodEntry, budget_share_save, funding_base_save, task_funding_save

PURPOSE = "phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số"
TY = 10 ** 9
# plan slug, economic office user, share %, GRDP, [(task position, planned, source, [(allocated, disbursed) a quarter])]
DEMO_FUNDING = [
    ("phu-lam-55kh", "phulam-economic", 1, 500 * TY, [
        (2, 5 * TY, FundingSource.COMMUNE_BUDGET, [(1_200_000_000, 900_000_000), (800_000_000, 700_000_000),
                                                   (600_000_000, 500_000_000), (0, 200_000_000)]),
        (9, 1_500_000_000, FundingSource.PROVINCE_BUDGET, [(0, 0), (300_000_000, 100_000_000),
                                                           (200_000_000, 150_000_000), (0, 0)]),
        (16, 800_000_000, FundingSource.SOCIALISED, [(0, 0), (0, 0), (100_000_000, 0), (0, 0)]),
    ]),
    ("dai-phuoc-2026", "daiphuoc-economic", 2, 320 * TY, [
        (2, 2 * TY, FundingSource.COMMUNE_BUDGET, [(500_000_000, 300_000_000), (500_000_000, 450_000_000),
                                                   (300_000_000, 250_000_000), (0, 100_000_000)]),
    ]),
]


def funding_demo_load(*, today):
    """The demo plans' funding for the year of last month, up to its quarter; safe to run again."""
    User = get_user_model()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    year, quarters = last_month.year, (last_month.month - 1) // 3 + 1
    for slug, username, share, grdp, tasks in DEMO_FUNDING:
        plan = Plan.objects.filter(slug=slug).first()
        user = User.objects.filter(username=username).first()
        if plan is None or user is None:
            continue
        budget_share_save(plan_id=plan.pk, user=user, percent=share, base_kind=BaseKind.GRDP, purpose=PURPOSE)
        funding_base_save(area_id=plan.area_id, user=user, year=year, kind=BaseKind.GRDP, amount=grdp)
        for position, planned, source, by_quarter in tasks:
            task = Task.objects.filter(plan=plan, position=position).first()
            if task is None:
                continue
            periods = [PeriodEntry("quarterly", datetime.date(year, quarter * 3 + 1, 1), allocated, disbursed)
                       for quarter, (allocated, disbursed) in enumerate(by_quarter[:quarters])
                       if allocated or disbursed]
            task_funding_save(task_id=task.pk, user=user, planned_amount=planned, source=source,
                              note=DEMO_PREFIX.strip(), periods=periods)
