"""A report says the funding as it stood at its cut-off: what was entered later, or changed since, is not in it."""
import datetime

import pytest
from django.utils import timezone

from funding.models import FundingPeriod, TaskFunding
from funding.report import funding_paragraphs, funding_snapshot
from funding.services import PeriodEntry, task_funding_save
from plans.models import Area
from reports.as_of import day_end
from reports.documents.layout import document_build
from reports.register import report_draft
from reports.snapshot import snapshot_gather
from tasks.models import Task

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
QUARTER = (TODAY.month - 1) // 3 + 1
PAST_YEAR, PAST_QUARTER = (TODAY.year, QUARTER - 1) if QUARTER > 1 else (TODAY.year - 1, 4)


def _backdate(model, day):
    """Rows and their history as if entered on `day`."""
    moment = day_end(day) - datetime.timedelta(hours=12)
    model.history.update(history_date=moment)
    if model is FundingPeriod:
        model.objects.update(created_at=moment)


@pytest.fixture
def report(users, without_year):
    TaskFunding.objects.all().delete()
    FundingPeriod.objects.all().delete()
    area = Area.objects.get(slug="phu-lam")
    return report_draft(user=users["phulam-leader"], area=area, kind="quarterly", year=PAST_YEAR, number=PAST_QUARTER)


def test_the_snapshot_reads_funding_as_it_stood_at_the_cut_off(users, report):
    cutoff = report.window_end
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    economic = users["phulam-economic"]
    quarter = datetime.date(PAST_YEAR, (PAST_QUARTER - 1) * 3 + 1, 1)
    task_funding_save(task_id=task.pk, user=economic, planned_amount=2 * 10 ** 9, source="commune_budget",
                      periods=[PeriodEntry("quarterly", quarter, 800_000_000, 200_000_000)])
    _backdate(TaskFunding, cutoff - datetime.timedelta(days=5))
    _backdate(FundingPeriod, cutoff - datetime.timedelta(days=5))
    # after the cut-off: more allocated, the planned amount raised
    task_funding_save(task_id=task.pk, user=economic, planned_amount=3 * 10 ** 9, source="commune_budget",
                      periods=[PeriodEntry("quarterly", quarter, 1_000_000_000, 200_000_000)])

    then = funding_snapshot([task.plan_id], cutoff)
    assert (then["planned"], then["allocated"], then["disbursed"]) == (2 * 10 ** 9, 800_000_000, 200_000_000)
    now = funding_snapshot([task.plan_id], TODAY)
    assert (now["planned"], now["allocated"]) == (3 * 10 ** 9, 1_000_000_000)

    report.snapshot = snapshot_gather(report)
    results = dict(document_build(report)["sections"])["I. KẾT QUẢ THỰC HIỆN"]
    assert "Kinh phí: dự kiến 2,0 tỷ; đã phân bổ 800 triệu; đã giải ngân 200 triệu (25%)." in results
    # the demo's plan sets 1% of GRDP: said against the cut-off year's GRDP, or that it was not entered
    assert any(line.startswith(f"Tỷ lệ chi năm {cutoff.year}: đã phân bổ 800 triệu") for line in results)


def test_a_report_whose_plans_record_no_funding_says_nothing_of_it(report):
    from funding.models import BudgetShare

    BudgetShare.objects.all().delete()
    assert funding_snapshot(list(report.area.plans.values_list("pk", flat=True)), report.window_end) is None
    assert funding_paragraphs(None) == [] and funding_paragraphs({}) == []
