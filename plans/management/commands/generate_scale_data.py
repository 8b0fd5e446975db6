"""Build a province of N communes shaped like the seeds, with two years of monthly progress history."""
import datetime
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Indicator
from plans.models import Area, Plan, Section, Unit
from tasks.models import Task, TimelineKind

UNIT_NAMES = ["Phòng Văn hóa - Xã hội", "Phòng Kinh tế", "Văn phòng HĐND & UBND xã", "Công an xã", "Các trường học"]
SECTION_TITLES = [
    "Nâng cao nhận thức và hoàn thiện cơ chế, chính sách",
    "Phát triển hạ tầng số, nền tảng số và dữ liệu số",
    "Thúc đẩy chuyển đổi số, đổi mới sáng tạo trong các ngành, lĩnh vực",
    "Phát triển khoa học, công nghệ và nguồn nhân lực",
    "Cải cách hành chính và bảo đảm an ninh thông tin",
]
TIMELINES = [
    ("Năm 2026", TimelineKind.ONE_OFF, 2026, 2026), ("Giai đoạn 2026-2027", TimelineKind.ONE_OFF, 2026, 2027),
    ("Giai đoạn 2025-2026", TimelineKind.ONE_OFF, 2025, 2026), ("Hàng năm", TimelineKind.ANNUAL, 2026, 2026),
    ("Thường xuyên", TimelineKind.CONTINUOUS, 2026, 2026),
]
INDICATORS_PER_PLAN = 25
TASKS_PER_PLAN = 21
MONTHS_OF_HISTORY = 24


class Command(BaseCommand):
    help = "Generate a province of N communes with plans shaped like the seeds, for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--communes", type=int, required=True)
        parser.add_argument("--province", default="tinh-quy-mo")
        parser.add_argument("--seed", type=int, default=57)
        parser.add_argument("--months", type=int, default=MONTHS_OF_HISTORY,
                            help="months of progress history per task (0: none, for the largest runs)")

    @transaction.atomic
    def handle(self, *args, communes, province, seed, months=MONTHS_OF_HISTORY, **options):
        rng = random.Random(seed)  # noqa: S311 - reproducible made-up data, no secret
        province_area, _created = Area.objects.get_or_create(
            slug=province, defaults={"kind": Area.Kind.PROVINCE, "name": f"Quy mô {communes} xã"})
        existing = set(Area.objects.filter(parent=province_area).values_list("slug", flat=True))
        areas = Area.objects.bulk_create([
            Area(kind=Area.Kind.COMMUNE, name=f"Xã {i:04d}", slug=f"{province}-xa-{i:04d}", parent=province_area)
            for i in range(1, communes + 1) if f"{province}-xa-{i:04d}" not in existing
        ])
        units = Unit.objects.bulk_create([
            Unit(area=area, name=name, slug=f"{area.slug}-u{j}", is_culture_social_office=j == 0)
            for area in areas for j, name in enumerate(UNIT_NAMES)
        ])
        units_by_area = {}
        for unit in units:
            units_by_area.setdefault(unit.area_id, []).append(unit)
        plans = Plan.objects.bulk_create([
            Plan(slug=f"{area.slug}-kh{k}", area=area, issuer=f"UBND {area.name}", number=str(100 + k),
                 issued_year=2026, issued_month=4, status=Plan.Status.ISSUED, title=f"Kế hoạch {k} của {area.name}")
            for area in areas for k in (1, 2)
        ])
        sections = Section.objects.bulk_create([
            Section(plan=plan, appendix="II", number=f"{roman}.", title=title, position=s + 1)
            for plan in plans for s, (roman, title) in enumerate(zip(["I", "II", "III", "IV", "V"], SECTION_TITLES, strict=True))
        ])
        sections_by_plan = {}
        for section in sections:
            sections_by_plan.setdefault(section.plan_id, []).append(section)

        tasks, indicators = [], []
        for plan in plans:
            plan_sections = sections_by_plan[plan.id]
            for i in range(TASKS_PER_PLAN):
                text, kind, first, last = rng.choice(TIMELINES)
                tasks.append(Task(
                    plan=plan, section=plan_sections[i % 5], position=i + 1, ordinal=str(i + 1),
                    title=f"Nhiệm vụ {i + 1}", product="Báo cáo", timeline_text=text, timeline_kind=kind,
                    starts_on=datetime.date(first, 1, 1), ends_on=datetime.date(last, 12, 31),
                    progress=rng.randrange(0, 101, 5), status=Task.Status.IN_PROGRESS))
            for i in range(INDICATORS_PER_PLAN):
                indicators.append(Indicator(
                    plan=plan, section=plan_sections[0], position=i + 1, ordinal=str(i + 1),
                    content=f"Chỉ tiêu {i + 1}", unit_of_measure="%", target_text="≥ 80",
                    target_comparator=">=", target_value=80))
        tasks = Task.objects.bulk_create(tasks, batch_size=5000)
        indicators = Indicator.objects.bulk_create(indicators, batch_size=5000)

        plan_area = {plan.id: plan.area_id for plan in plans}
        lead = Task.lead_units.through
        support = Task.support_units.through
        lead.objects.bulk_create([lead(task=t, unit=rng.choice(units_by_area[plan_area[t.plan_id]])) for t in tasks], batch_size=10000)
        support.objects.bulk_create([support(task=t, unit=units_by_area[plan_area[t.plan_id]][1]) for t in tasks], batch_size=10000)
        ind_lead = Indicator.lead_units.through
        ind_lead.objects.bulk_create([ind_lead(indicator=i, unit=units_by_area[plan_area[i.plan_id]][0]) for i in indicators], batch_size=10000)

        self._history(tasks, months)
        self.stdout.write(_("%(areas)s xã, %(plans)s kế hoạch, %(tasks)s nhiệm vụ, %(indicators)s chỉ tiêu, %(history)s bản ghi "
                            "lịch sử tiến độ") % {"areas": len(areas), "plans": len(plans), "tasks": len(tasks),
                                                  "indicators": len(indicators), "history": len(tasks) * months})

    def _history(self, tasks, months):
        """One historical row a month per task, progress rising to today's figure."""
        History = Task.history.model
        now = timezone.now()
        rows = []
        for task in tasks:
            for month in range(months):
                rows.append(History(
                    id=task.id, plan_id=task.plan_id, section_id=task.section_id, position=task.position,
                    ordinal=task.ordinal, title=task.title, product=task.product, timeline_text=task.timeline_text,
                    timeline_kind=task.timeline_kind, starts_on=task.starts_on, ends_on=task.ends_on,
                    status=task.status, progress=task.progress * (month + 1) // months, version=month + 1,
                    history_date=now - datetime.timedelta(days=30 * (months - month)),
                    history_type="+" if month == 0 else "~"))
            if len(rows) >= 50000:
                History.objects.bulk_create(rows)
                rows = []
        History.objects.bulk_create(rows)
