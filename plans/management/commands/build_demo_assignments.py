"""Write fixtures/demo/demo-phan-cong-nhiem-vu-<plan>.xlsx: a DEMO assignment of the seed items no seed assigns.

The seeds name no lead unit for most items, and the fixtures stay faithful to them. For the demo,
each such item goes in turn to a unit that has a demo officer, with that officer in charge, so every
demo officer has work. Đại Phước's 44 targets stay unassigned: assigning them is what the
assignment page is for. `load_demo` imports these workbooks through the same assignment import.
"""
from itertools import cycle
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from people.services import DEMO_USERS
from plans.assignment import assignment_cells, assignment_workbook
from plans.models import Plan, Unit

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
PREFIX = "demo-phan-cong-nhiem-vu-"
LEFT_FOR_THE_ASSIGNMENT_PAGE = {("dai-phuoc-2026", "indicator")}


def demo_workbook(plan):
    """The DEMO workbook for a plan, or None when every item already has a lead unit."""
    officers = [(Unit.objects.get(area=plan.area, name=unit), username)
                for username, role, area, unit, _name in DEMO_USERS if role == "officer" and area == plan.area.slug]
    turns = cycle(officers)
    assigned = []

    def rows_for(item):
        kind = "indicator" if item.END_FIELD == "deadline" else "task"
        if item.lead_units.all() or (plan.slug, kind) in LEFT_FOR_THE_ASSIGNMENT_PAGE:
            return None
        unit, username = next(turns)
        assigned.append(item)
        _lead, support, _officer, *rest = assignment_cells(item)
        return [unit.name, support, username, *rest]

    data = assignment_workbook(plan, rows_for=rows_for, title=f"DỮ LIỆU MẪU (DEMO) – PHÂN CÔNG NHIỆM VỤ – {plan}")
    return data if assigned else None


class Command(BaseCommand):
    help = "Write the DEMO assignment workbooks that load_demo applies (run on a database with the seeds loaded)."

    def handle(self, *args, **options):
        DEMO_DIR.mkdir(parents=True, exist_ok=True)
        for plan in Plan.objects.select_related("area").order_by("slug"):
            data = demo_workbook(plan)
            if data:
                path = DEMO_DIR / f"{PREFIX}{plan.slug}.xlsx"
                path.write_bytes(data)
                self.stdout.write(f"{path.name}: {len(data)} bytes")
