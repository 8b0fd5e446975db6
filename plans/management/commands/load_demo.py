import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from people.services import DEMO_PASSWORD, DEMO_USERS, demo_users_ensure
from plans.assignment import assignment_workbook_apply
from plans.models import Plan
from plans.services import SeedError, organisation_load, plan_load

from .build_demo_assignments import DEMO_DIR, PREFIX

SEED_DIR = Path(settings.BASE_DIR) / "fixtures" / "seed"
# Province plans first: commune plans name the plan they carry out.
PLAN_ORDER = ["dong-nai-182", "phu-lam-11nq", "phu-lam-55kh", "dai-phuoc-2026", "dan-tien-71nq"]


class Command(BaseCommand):
    help = "Load the five seed plans and one demo user per role per commune (safe to run again)."

    def handle(self, *args, **options):
        try:
            organisation_load(json.loads((SEED_DIR / "organisation.json").read_text(encoding="utf-8")))
            for slug in PLAN_ORDER:
                data = json.loads((SEED_DIR / "plans" / f"{slug}.json").read_text(encoding="utf-8"))
                plan = plan_load(data)
                self.stdout.write(f"  {plan.reference:<14} {plan.issuer}: " + _("%(indicators)s chỉ tiêu, %(tasks)s nhiệm vụ") % {
                    "indicators": plan.indicators.count(), "tasks": plan.tasks.count()})
        except SeedError as error:
            raise CommandError(str(error)) from error
        demo_users_ensure()
        self._demo_assignments()
        self.stdout.write(self.style.SUCCESS(_("Tài khoản demo (mật khẩu: %(password)s, chỉ để thử nghiệm):") % {"password": DEMO_PASSWORD}))
        for username, role, area, _unit, _name in DEMO_USERS:
            self.stdout.write(f"  {username:<20} {role:<9} {area}")
        self.stdout.write(f"  {'admin':<20} superuser")

    def _demo_assignments(self):
        """The DEMO "Phân công nhiệm vụ" workbooks, through the same import an admin uses (no change the second time)."""
        from django.contrib.auth import get_user_model

        superuser = get_user_model().objects.get(username="admin")
        for path in sorted(DEMO_DIR.glob(f"{PREFIX}*.xlsx")):
            plan = Plan.objects.select_related("area").get(slug=path.stem.removeprefix(PREFIX))
            changed = assignment_workbook_apply(plan=plan, user=superuser, data=path.read_bytes(), name=path.name,
                                                reason=_("Phân công mẫu (dữ liệu demo)"))
            self.stdout.write("  " + _("%(file)s: %(count)s mục được phân công") % {"file": path.name, "count": changed})
