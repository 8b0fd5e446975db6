"""What `load_demo` does beyond the seeds: the demo's people, its assignment workbooks, and its year of work."""
import datetime
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from funding.demo import funding_demo_load
from people.services import demo_password_hash
from plans.assignment import Change, assignment_save
from plans.assignment_workbook import assignment_workbook_apply
from plans.models import Area, Plan, Unit
from plans.writes import unit_slug
from tasks.models import ProgressUpdate, Task

from . import DEMO_PREFIX, DEMO_PROVINCE_NAME, DEMO_PROVINCE_SLUG
from .assignments import DEMO_PEOPLE
from .year import REPORT_PLAN, DemoClock, DemoYear, local

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
WORKBOOK_PREFIX = "demo-phan-cong-nhiem-vu-"
ASSIGNMENT_REASON = "Phân công mẫu (dữ liệu demo)"
FOCAL_OFFICE = "Sở Khoa học và Công nghệ"
# Đại Phước's plan runs its tasks through 2026; its office set one an earlier deadline in the assignment
# (a seed-stated timeline the demo narrows, so Đại Phước too has an overdue item to show).
NARROWED = ("dai-phuoc-2026", 2, "Quý III/2026")


def demo_year_loaded():
    return ProgressUpdate.objects.filter(achievements__startswith=DEMO_PREFIX).exists()


def demo_people_ensure():
    """The demo province's focal office, and an officer for each lead unit DEMO_USERS leaves without one
    (created once; what an admin changes since is kept)."""
    province = Area.objects.get(slug=DEMO_PROVINCE_SLUG)
    if not province.units.filter(name=FOCAL_OFFICE).exists():
        Unit.objects.create(area=province, name=FOCAL_OFFICE, slug=unit_slug(province, FOCAL_OFFICE))
    User = get_user_model()
    created = []
    for username, role, area, unit, name in DEMO_PEOPLE:
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, role=role, first_name=name, password=demo_password_hash())
        user.save()
        user.units.set([Unit.objects.get(area__slug=area, name=unit)])
        created.append(user)
    return created


def demo_assignments_apply(year):
    """The DEMO "Phân công nhiệm vụ" workbooks, through the import an admin uses, dated early in the demo's year;
    once only (an assignment changed since is kept when load_demo runs again)."""
    from indicators.models import Indicator

    if (Task.history.filter(history_change_reason=ASSIGNMENT_REASON).exists()
            or Indicator.history.filter(history_change_reason=ASSIGNMENT_REASON).exists()):
        return []
    superuser = get_user_model().objects.get(username="admin")
    applied = []
    with DemoClock(local(datetime.date(year, 1, 5), 8, 30)).running():
        for path in sorted(DEMO_DIR.glob(f"{WORKBOOK_PREFIX}*.xlsx")):
            plan = Plan.objects.select_related("area").get(slug=path.stem.removeprefix(WORKBOOK_PREFIX))
            count = assignment_workbook_apply(plan=plan, user=superuser, data=path.read_bytes(), name=path.name,
                                              reason=ASSIGNMENT_REASON)
            applied.append((path.name, count))
    return applied


def _setup(clock):
    """Before the year: the demo province named, its communes' reports addressed to its focal office, and
    Đại Phước's earlier deadline."""
    from reports.models import ReportingRule
    from reports.register import reporting_rule_update

    superuser = get_user_model().objects.get(username="admin")
    province = Area.objects.get(slug=DEMO_PROVINCE_SLUG)
    if not province.name:
        province.name = DEMO_PROVINCE_NAME
        province._history_user, province._change_reason = superuser, DEMO_PREFIX + "Đặt tên tỉnh minh họa"
        province.save()
    focal = province.units.get(name=FOCAL_OFFICE)
    for rule in ReportingRule.objects.filter(area__parent=province, recipient_unit__isnull=True):
        reporting_rule_update(rule_id=rule.pk, user=superuser, data={"recipient_unit": focal, "addressee": focal.name})
    slug, position, timeline = NARROWED
    plan = Plan.objects.select_related("area").get(slug=slug)
    task = Task.objects.get(plan=plan, position=position)
    clock.moment = local(datetime.date(clock.moment.year, 1, 6), 9)
    assignment_save(plan=plan, user=superuser, reason=DEMO_PREFIX + "Giao thời hạn hoàn thành sớm hơn",
                    changes=[Change(key=f"task-{task.pk}", version=task.version, values={"timeline": timeline})])


def demo_year_load(*, today=None):
    """The year of work up to last month, all or nothing; returns what it made and how long it took."""
    started = time.monotonic()
    real_today = timezone.localdate()
    today = today or real_today
    now = timezone.now() if today == real_today else local(today, 9)
    with transaction.atomic():
        made = DemoYear(today=today, now=now).load(REPORT_PLAN, setup=_setup)
        funding_demo_load(today=today)
    return {**made, "seconds": time.monotonic() - started}
