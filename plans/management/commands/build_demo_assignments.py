"""Write fixtures/demo/demo-phan-cong-nhiem-vu-<plan>.xlsx: a DEMO assignment ("Phân công nhiệm vụ") of the seed plans.

The seeds name no lead unit, officer, product, time or authority for most items, and the fixtures stay
faithful to them. For the demo, `plans.demo.assignments.demo_rows` fills what each seed leaves blank (lead
units in turn, Đại Phước's targets by their field; the lead unit's demo officer; a product, a timeline
and an authority), with a few gaps for the six-clears check to show. `load_demo` imports these workbooks
through the same assignment import an admin uses.
"""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from indicators.models import Indicator
from plans.assignment_workbook import assignment_cells, assignment_workbook
from plans.demo.assignments import demo_rows
from plans.models import Plan
from tasks.models import Task

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
PREFIX = "demo-phan-cong-nhiem-vu-"


def _items(plan):
    """The plan's items in the workbook's order (as `assignment_workbook` writes them)."""
    sections = {section.pk: section.position for section in plan.sections.all()}
    related = ("lead_units", "support_units")
    return sorted([*Indicator.objects.filter(plan=plan).select_related("officer").prefetch_related(*related),
                   *Task.objects.filter(plan=plan).select_related("officer").prefetch_related(*related)],
                  key=lambda item: (sections.get(item.section_id, 0), isinstance(item, Task), item.position))


def demo_workbook(plan):
    """The DEMO workbook for a plan, or None when it would change nothing."""
    rows = {(type(item), item.pk): cells for item, cells in demo_rows(plan, _items(plan)).items()
            if cells != assignment_cells(item)}

    def rows_for(item):
        return rows.get((type(item), item.pk))

    data = assignment_workbook(plan, rows_for=rows_for, title=f"DỮ LIỆU MẪU (DEMO) – PHÂN CÔNG NHIỆM VỤ – {plan}")
    return data if rows else None


class Command(BaseCommand):
    help = "Write the DEMO assignment workbooks that load_demo applies (run on a database with only the seeds loaded)."

    def handle(self, *args, **options):
        DEMO_DIR.mkdir(parents=True, exist_ok=True)
        for plan in Plan.objects.select_related("area").order_by("slug"):
            data = demo_workbook(plan)
            if data:
                path = DEMO_DIR / f"{PREFIX}{plan.slug}.xlsx"
                path.write_bytes(data)
                self.stdout.write(f"{path.name}: {len(data)} bytes")
