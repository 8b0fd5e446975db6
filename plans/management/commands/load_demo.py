import datetime
import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from people.services import DEMO_PASSWORD, DEMO_USERS, demo_users_ensure
from plans.demo.assignments import DEMO_PEOPLE
from plans.demo.load import demo_assignments_apply, demo_people_ensure, demo_year_load, demo_year_loaded
from plans.demo.measures import demo_figures
from plans.seeding import SeedError, organisation_load, plan_load
from tasks.models import Task

SEED_DIR = Path(settings.BASE_DIR) / "fixtures" / "seed"
# Province plans first: commune plans name the plan they carry out.
PLAN_ORDER = ["dong-nai-182", "phu-lam-11nq", "phu-lam-55kh", "dai-phuoc-2026", "dan-tien-71nq"]
# The province plan carries out the Government's programme (Resolution 11/NQ-CP amending 71/NQ-CP): its tasks are
# tasks the centre assigns, which seed 001 (I.5) has followed on the central monitoring system.
CENTRALLY_ASSIGNED_PLANS = ["dong-nai-182"]


class Command(BaseCommand):
    help = ("Load the five seed plans, the demo users and the demo assignment, then a year of work up to last month "
            "(updates, evidence, reviews, reports, warnings), dated relative to --today. Safe to run again: once the "
            "year is loaded, a second run changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--seed-only", action="store_true",
                            help="Only the seeds, the demo users and the demo assignment, without the year of work.")
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                            help="The day the demo's year runs up to (YYYY-MM-DD; default: today).")

    def handle(self, *args, **options):
        started = time.monotonic()
        today = options["today"] or timezone.localdate()
        if demo_year_loaded():
            self.stdout.write(_("Dữ liệu demo đã có: không thay đổi gì."))
        else:
            self._seeds()
            demo_users_ensure()
            demo_people_ensure()
            last_month = today.replace(day=1) - datetime.timedelta(days=1)
            for name, count in demo_assignments_apply(last_month.year):
                self.stdout.write("  " + _("%(file)s: %(count)s mục được phân công") % {"file": name, "count": count})
            if not options["seed_only"]:
                made = demo_year_load(today=today)
                self.stdout.write(_("Một năm công việc (dữ liệu minh họa) đến hết tháng %(month)s: %(updates)s cập nhật, "
                                    "%(evidence)s minh chứng, %(reviews)s lượt thẩm định, %(reports)s báo cáo; "
                                    "cảnh báo đang mở: %(warnings)s (%(seconds).1f giây)") % {
                    "month": f"{last_month:%m/%Y}", "updates": made["updates"], "evidence": made["evidence"],
                    "reviews": made["reviews"], "reports": made["reports"], "warnings": made["warnings"]["open"],
                    "seconds": made["seconds"]})
        if demo_year_loaded():
            self._figures(today)
        self.stdout.write(self.style.SUCCESS(_("Tài khoản demo (mật khẩu: %(password)s, chỉ để thử nghiệm):") % {"password": DEMO_PASSWORD}))
        for username, role, area, _unit, _name in [*DEMO_USERS, *DEMO_PEOPLE]:
            self.stdout.write(f"  {username:<20} {role:<9} {area}")
        self.stdout.write(f"  {'admin':<20} superuser")
        self.stdout.write(_("load_demo: %(seconds).1f giây") % {"seconds": time.monotonic() - started})

    def _seeds(self):
        try:
            organisation_load(json.loads((SEED_DIR / "organisation.json").read_text(encoding="utf-8")))
            for slug in PLAN_ORDER:
                data = json.loads((SEED_DIR / "plans" / f"{slug}.json").read_text(encoding="utf-8"))
                plan = plan_load(data)
                self.stdout.write(f"  {plan.reference:<14} {plan.issuer}: " + _("%(indicators)s chỉ tiêu, %(tasks)s nhiệm vụ") % {
                    "indicators": plan.indicators.count(), "tasks": plan.tasks.count()})
            # As loaded, in the records that created them too: nothing to show as a later change.
            for manager in (Task.objects, Task.history):
                manager.filter(plan__slug__in=CENTRALLY_ASSIGNED_PLANS).update(centrally_assigned=True)
        except SeedError as error:
            raise CommandError(str(error)) from error

    def _figures(self, today):
        figures = demo_figures(today)
        self.stdout.write(_("Đủ 6 rõ: %(clear)s/%(items)s mục (%(percent)s%%)") % {
            "clear": figures["clear"], "items": figures["items"],
            "percent": round(100 * figures["clear"] / figures["items"]) if figures["items"] else 0})
        for slug, (completed, warnings, overdue) in figures["trends"].items():
            self.stdout.write("  " + _("%(area)s: xu hướng 12 tháng có %(completed)s tháng có kết quả hoàn thành, "
                                       "%(warnings)s tháng có cảnh báo; %(overdue)s mục quá hạn") % {
                "area": slug, "completed": completed, "warnings": warnings, "overdue": overdue})
        idle = [username for username, count in figures["landing"].items() if not count]
        self.stdout.write(_("Việc cần xử lý trên trang đầu của mỗi tài khoản demo: %(counts)s") % {
            "counts": ", ".join(f"{u} {n}" for u, n in figures["landing"].items())})
        if idle:
            self.stdout.write(self.style.WARNING(_("Không có việc: %(users)s") % {"users": ", ".join(idle)}))
