"""A year of work, entered as the offices would have: month by month, each record dated when it was entered.

The workflows stamp what they write with `timezone.now()`; the demo runs them at the moment each step
would have happened (`DemoClock`), so updates, evidence, reviews, reports, warnings, notifications and
their history rows carry those dates, and a report of a past period drafted as of its cut-off finds them.
The many plain monthly updates are written in bulk (with their history rows, dated); everything with a
rule of its own (a result reported complete with its evidence file, a review, a report, an answer, the
warnings check) goes through its service.
"""
import datetime
import heapq
import random
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from evidence.models import Evidence
from evidence.services import evidence_review
from indicators.models import Indicator, IndicatorReport
from indicators.services import indicator_value_report
from indicators.targets import target_is_met
from plans.models import ItemStatus
from reports.models import Difficulty, Report, ReportKind
from reports.periods import rule_period
from reports.register import (
    difficulty_answer, locked_reports, period_lock_record, period_locked_anywhere, report_confirm,
    report_details_update, report_draft, report_issue, report_receive, reporting_rules_ensure,
)
from reports.services import warnings_raise
from tasks.models import ProgressUpdate, Task, TimelineKind
from tasks.schedule import expected_progress
from tasks.services import task_progress_report, task_rollup

from . import DEMO_PREFIX, texts

SEED = 57


class DemoClock:
    """`timezone.now()` at a moment the demo chooses, while the year is entered."""

    def __init__(self, moment):
        self.moment = moment

    def now(self):
        return self.moment

    def running(self):
        return mock.patch("django.utils.timezone.now", self.now)


def local(day, hour=9, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def month_end(month):
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def demo_pdf(title, lines):
    """A small real PDF (WeasyPrint) marked as demo data, as an office scans or exports a document."""
    from weasyprint import HTML

    html = render_to_string("plans/demo/evidence.html", {"demo_prefix": DEMO_PREFIX, "title": title, "lines": lines})
    return HTML(string=html).write_pdf()


@dataclass
class Course:
    """What an item goes through this year: its months of updates, the month it is reported complete
    (`done`) and how its evidence fares, or where its progress stands at the end."""

    item: object
    author: object
    area: object
    first: int                    # month (1-12) of its first update
    last: int                     # month of its last plain update
    fate: str                     # done, awaiting, rejected_open, overdue, behind, on_track
    done: int | None = None       # month reported complete
    final: float = 0              # progress (tasks) or share of the target (indicators) at `last`
    rejected_first: bool = False
    misses_last: bool = False     # work that runs all year, not updated last month: "chưa cập nhật" today
    rng: random.Random = field(default=None, repr=False)

    @property
    def is_task(self):
        return isinstance(self.item, Task)


class DemoYear:
    def __init__(self, *, today, now, stdout=None):
        self.today, self.final_moment = today, now
        last_month = today.replace(day=1) - datetime.timedelta(days=1)
        self.year, self.last = last_month.year, last_month.month
        self.clock = DemoClock(local(datetime.date(self.year, 1, 2)))
        self.events, self.sequence = [], 0
        self.stdout = stdout
        User = get_user_model()
        self.users = {user.username: user for user in User.objects.prefetch_related("units")}
        self.by_role_area = {}
        for user in self.users.values():
            for unit in user.units.all():
                self.by_role_area.setdefault((user.role, unit.area_id), []).append(user)
        for people in self.by_role_area.values():
            people.sort(key=lambda u: u.username)
        self.officers_of_unit = {}
        for user in sorted(self.users.values(), key=lambda u: u.username):
            if user.role == "officer":
                for unit in user.units.all():
                    self.officers_of_unit.setdefault(unit.pk, user)
        self.lock_cache, self.month_locked, self.files = {}, {}, {}
        self.counts = {"updates": 0, "evidence": 0, "reviews": 0, "reports": 0}

    # The event queue --------------------------------------------------------------------------------------

    def at(self, moment, action, *args):
        if moment < self.final_moment:
            self.sequence += 1
            heapq.heappush(self.events, (moment, self.sequence, action, args))

    def run(self):
        while self.events:
            moment, _sequence, action, args = heapq.heappop(self.events)
            self.clock.moment = moment
            action(*args)
        self.clock.moment = self.final_moment
        return warnings_raise(today=self.today)

    # Courses ------------------------------------------------------------------------------------------------

    def month_of(self, day, default):
        if day is None:
            return default
        if day.year < self.year:
            return 1
        if day.year > self.year:
            return 13
        return day.month

    def courses(self):
        items = [*Task.objects.select_related("plan__area", "officer").prefetch_related("lead_units")
                 .order_by("plan__slug", "position"),
                 *Indicator.objects.select_related("plan__area", "officer").prefetch_related("lead_units")
                 .order_by("plan__slug", "position")]
        courses = []
        parents = set(Task.objects.filter(parent__isnull=False).values_list("parent_id", flat=True))
        for item in items:
            if isinstance(item, Task) and item.pk in parents:
                continue  # reported through its sub-items, its figures rolled up from theirs
            rng = random.Random(f"{SEED}:{item.plan.slug}:{type(item).__name__}:{item.position}")  # noqa: S311 - the demo, the same on every load
            author = item.officer or next((self.officers_of_unit[u.pk] for u in item.lead_units.all()
                                           if u.pk in self.officers_of_unit), None)
            if author is None:
                continue
            is_task = isinstance(item, Task)
            recurring = is_task and item.timeline_kind in (TimelineKind.ANNUAL, TimelineKind.CONTINUOUS)
            end = None if recurring else (item.ends_on if is_task else item.deadline)
            first = 1 if recurring else self.month_of(item.starts_on, 1)
            if first > self.last or (not is_task and item.target_comparator and not (item.target_value or 0) > 0):
                continue
            ended = end is not None and end < self.today
            course = Course(item=item, author=author, area=item.plan.area, first=first, last=self.last,
                            fate="on_track", rng=rng)
            roll = rng.random()
            if ended:
                end_month = self.month_of(end, self.last)
                if roll < 0.15:
                    course.fate, course.final = "overdue", rng.randrange(40, 86, 5)
                else:
                    course.fate, course.done = "done", max(first, min(end_month, self.last))
            elif roll < 0.14 and not recurring and self.last - first >= 3:
                course.fate, course.done = "done", rng.randrange(first + 2, self.last + 1)
            elif roll < 0.34:
                course.fate, course.final = "behind", rng.uniform(0.2, 0.4)
            else:
                course.fate, course.final = "on_track", rng.uniform(0.85, 1.1)
            if course.fate == "done":
                course.rejected_first = rng.random() < 0.25
            courses.append(course)
        self._ensure_each_area(courses)
        return courses

    def _ensure_each_area(self, courses):
        """Each commune has an item completed early (its trend), one awaiting review, one whose evidence was
        sent back and not yet resent, and one overdue (where any item's time has run out); each area with work
        that runs all year has one such task its office did not update last month."""
        by_area = {}
        for course in courses:
            by_area.setdefault(course.area.pk, []).append(course)
        for area_courses in by_area.values():
            all_year = [c for c in area_courses if c.is_task and c.item.timeline_kind != TimelineKind.ONE_OFF
                        and c.fate in ("on_track", "behind") and c.last > c.first]
            if all_year:
                all_year[-1].misses_last = True
            running = [c for c in area_courses if c.fate in ("on_track", "behind") and c.first <= self.last - 3
                       and not (c.is_task and c.item.timeline_kind != TimelineKind.ONE_OFF)]
            if not any(c.fate == "done" and c.done <= 4 for c in area_courses) and running:
                early = running.pop(0)
                early.fate, early.done, early.rejected_first = "done", max(early.first + 1, 3), False
            for fate in ("awaiting", "rejected_open"):
                if running:
                    course = running.pop(0)
                    course.fate, course.done = fate, self.last if fate == "awaiting" else max(course.first + 1,
                                                                                               self.last - 1)
            if not any(c.fate == "overdue" for c in area_courses):
                ended = [c for c in area_courses if c.fate == "done" and c.is_task
                         and c.item.ends_on and c.item.ends_on < self.today]
                if ended:
                    ended[-1].fate, ended[-1].done, ended[-1].final = "overdue", None, 60

    # Figures month by month ---------------------------------------------------------------------------------

    def share(self, course, month):
        """The item's progress (tasks) or share of its target (indicators), 0-1, at a month's update."""
        if course.done:
            return min(0.95, (month - course.first + 1) / (course.done - course.first + 1))
        if course.fate == "overdue":
            return course.final / 100 * (month - course.first + 1) / (self.last - course.first + 1)
        day = month_end(datetime.date(self.year, month, 1))
        item = course.item
        if course.is_task:
            expected = expected_progress(timeline_kind=item.timeline_kind, starts_on=item.starts_on,
                                         ends_on=item.ends_on, today=day)
        else:
            expected = expected_progress(timeline_kind=TimelineKind.ONE_OFF, starts_on=item.starts_on,
                                         ends_on=item.deadline, today=day) if item.deadline else None
        if expected is None:
            expected = 100 * (month - course.first + 1) / (12 - course.first + 1)
        return min(0.95, max(0.05, course.final * expected / 100))

    def moment_in(self, course, month, low=15, high=25):
        """When an update of `month` was entered: mostly by the 25th, now and then a few days late."""
        rng = course.rng
        day = datetime.date(self.year, month, rng.randint(low, high))
        if rng.random() < 0.12:
            day = month_end(day) + datetime.timedelta(days=rng.randint(1, 4))
        return local(day, rng.randint(8, 16), rng.choice((0, 15, 30, 45)))

    # Plain monthly updates, in bulk ---------------------------------------------------------------------------

    def month_updates(self, month, courses):
        period = datetime.date(self.year, month, 1)
        tasks, updates, locked, indicators, reports = [], [], [], [], []
        for course in courses:
            if not course.first <= month <= course.last or (course.done and month >= course.done):
                continue
            if course.rng.random() < 0.08 and month not in (course.first, self.last):
                continue  # a month the office did not report
            if course.misses_last and month == self.last:
                continue
            moment = self.moment_in(course, month)
            if moment >= self.final_moment:
                continue
            item, rng = course.item, course.rng
            share = self.share(course, month)
            achievements = DEMO_PREFIX + rng.choice(texts.ACHIEVEMENTS)
            if course.is_task:
                progress = max(item.progress, int(round(share * 100 / 5)) * 5)
                expected = expected_progress(timeline_kind=item.timeline_kind, starts_on=item.starts_on,
                                             ends_on=item.ends_on, today=moment.date())
                behind = expected is not None and progress < expected
                lock = self.locks(item, period)
                update = ProgressUpdate(
                    task=item, author=course.author, period=period, progress_before=item.progress,
                    progress_after=progress, achievements=achievements,
                    difficulties=rng.choice(texts.DIFFICULTIES) if behind else "",
                    proposals=rng.choice(texts.PROPOSALS) if behind else "",
                    reason=texts.LOCKED_REASON if lock else "", created_at=moment)
                updates.append(update)
                if lock:
                    locked.append((lock, update))
                item.progress = progress
                item.status = ItemStatus.NOT_STARTED if progress == 0 else ItemStatus.IN_PROGRESS
                self._stamp(item, course.author, moment, update.reason or f"Báo cáo tiến độ tháng {period:%m/%Y}")
                tasks.append(item)
            else:
                value, state = self.figure(item, share, met=False)
                report = IndicatorReport(
                    indicator=item, author=course.author, period=period, value=value, qualitative_state=state,
                    description=achievements, is_met=self.is_met(item, value, state), created_at=moment)
                reports.append(report)
                item.current_value, item.current_period, item.is_met = value, period, report.is_met
                item.status = (ItemStatus.NOT_STARTED if state == IndicatorReport.QualitativeState.NOT_STARTED
                               else ItemStatus.IN_PROGRESS)
                self._stamp(item, course.author, moment, f"Báo cáo kết quả tháng {period:%m/%Y}")
                indicators.append(item)
        for model, rows in ((ProgressUpdate, updates), (IndicatorReport, reports)):
            # Each row keeps the moment it was entered, which auto_now_add would overwrite with the clock's one.
            with mock.patch.object(model._meta.get_field("created_at"), "auto_now_add", False):
                model.objects.bulk_create(rows)
        for lock, update in locked:
            period_lock_record(reports=lock, update=update, user=update.author)
        if tasks:
            self.bulk_update_with_history(tasks, ["progress", "status", "version"])
            for task in {task.parent_id: task for task in tasks if task.parent_id}.values():
                task_rollup(parent_id=task.parent_id, user=task._history_user)
        if indicators:
            self.bulk_update_with_history(indicators, ["current_value", "current_period", "is_met", "status",
                                                       "version"])
        self.counts["updates"] += len(updates) + len(reports)

    @staticmethod
    def bulk_update_with_history(items, fields):
        """simple-history's bulk_update_with_history, with one UPDATE for each value a field takes rather than
        Django's CASE of a WHEN for each row and field, whose building cost most of the monthly updates' time
        (the month's rows share few values: progress in steps of 5, a status, a version)."""
        model = type(items[0])
        with transaction.atomic(savepoint=False):
            for name in fields:
                attname = model._meta.get_field(name).attname
                rows = {}
                for item in items:
                    rows.setdefault(getattr(item, attname), []).append(item.pk)
                for value, pks in rows.items():
                    model.objects.filter(pk__in=pks).update(**{attname: value})
            model.history.bulk_history_create(items, update=True, batch_size=500)

    @staticmethod
    def _stamp(item, user, moment, reason):
        item.version += 1
        item._history_user, item._history_date, item._change_reason = user, moment, reason

    def locks(self, task, period):
        # The reports that lock a month depend on the plan and, for the units' own reports, on who leads the task;
        # most months no report locks any item at all, which one query tells for the whole month.
        today = self.clock.moment.date()
        if (period, today) not in self.month_locked:
            self.month_locked[period, today] = period_locked_anywhere(period=period, today=today)
        if not self.month_locked[period, today]:
            return []
        key = (task.plan_id, period, tuple(sorted(unit.pk for unit in task.lead_units.all())))
        if key not in self.lock_cache:
            self.lock_cache[key] = locked_reports(item=task, period=period, today=today)
        return self.lock_cache[key]

    def figure(self, indicator, share, *, met):
        """(value, qualitative state) reported for an indicator at `share` of its target, or meeting it."""
        states = IndicatorReport.QualitativeState
        if indicator.is_qualitative:
            return None, states.ACHIEVED if met else (states.IN_PROGRESS if share > 0.15 else states.NOT_STARTED)
        target = indicator.target_value
        lower = indicator.direction == "lower" or indicator.target_comparator in ("<=", "<")
        whole = target == target.to_integral_value() and "%" not in (indicator.unit_of_measure or "")
        if met:
            value = target
        elif lower:
            value = target * Decimal(str(round(2 - share, 3)))
        else:
            value = target * Decimal(str(round(share, 3)))
        if "%" in (indicator.unit_of_measure or indicator.target_unit or ""):
            value = min(value, Decimal(100))
        value = value.quantize(Decimal("1") if whole else Decimal("0.1"))
        if not met and self.is_met(indicator, value, ""):
            value = (target + 1) if lower else max(Decimal(0), target - (1 if whole else Decimal("0.1")))
        return value, ""

    @staticmethod
    def is_met(indicator, value, state):
        if indicator.is_qualitative:
            return state == IndicatorReport.QualitativeState.ACHIEVED
        return target_is_met(comparator=indicator.target_comparator, value=indicator.target_value,
                             upper=indicator.target_value_upper, measured=value, direction=indicator.direction)

    # Results reported complete, with evidence, through the services ------------------------------------------

    def complete(self, course, resubmission=False):
        item, rng = course.item, course.rng
        # A result sent in this month's first days (a resubmission) is last month's: the demo's year ends there.
        period = min(self.clock.moment.date().replace(day=1), datetime.date(self.year, self.last, 1))
        name = f"minh-chung-{'bo-sung-' if resubmission else ''}{item.plan.slug}-{item.position}-{period:%m-%Y}.pdf"
        pdf = self.evidence_file(item.plan, course.is_task)
        description = DEMO_PREFIX + ("Minh chứng bổ sung" if resubmission else "Văn bản, biên bản kết quả")
        uploads = [(SimpleUploadedFile(name, pdf, "application/pdf"), description)]
        achievements = DEMO_PREFIX + (texts.RESUBMISSION if resubmission else rng.choice(texts.COMPLETION))
        if course.is_task:
            lock = locked_reports(item=item, period=period, today=self.clock.moment.date())
            task_progress_report(task_id=item.pk, user=course.author, version=None, progress=100, period=period,
                                 achievements=achievements, reason=texts.LOCKED_REASON if lock else "",
                                 uploads=uploads)
        else:
            value, state = self.figure(item, 1, met=True)
            indicator_value_report(indicator_id=item.pk, user=course.author, version=None, period=period,
                                   value=value, qualitative_state=state, description=achievements, uploads=uploads)
        self.counts["evidence"] += 1
        evidence = Evidence.objects.filter(**{"task" if course.is_task else "indicator": item}).latest("id")
        if course.fate == "awaiting":
            return
        review_at = self.clock.moment + datetime.timedelta(days=rng.randint(2, 6), hours=rng.randint(0, 5))
        reject = course.fate == "rejected_open" or (course.rejected_first and not resubmission)
        self.at(review_at, self.review, course, evidence.pk, not reject)

    def evidence_file(self, plan, is_task):
        """One document a plan and kind: rendering one per item would cost most of the demo's time."""
        key = (plan.pk, is_task)
        if key not in self.files:
            title = "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ" if is_task else "BẢNG TỔNG HỢP SỐ LIỆU CHỈ TIÊU"
            self.files[key] = demo_pdf(title, [plan.issuer, f"Thực hiện Kế hoạch {plan.reference}: {plan.title[:300]}",
                                               f"Năm {self.year}"])
        return self.files[key]

    def review(self, course, evidence_id, accept):
        reviewer = self.reviewer(course.area)
        if reviewer is None:
            return
        reason, note = ("", texts.ACCEPT_NOTE) if accept else course.rng.choice(texts.REJECTIONS)
        evidence_review(evidence_id=evidence_id, reviewer=reviewer, accept=accept, reason=reason,
                        note=DEMO_PREFIX + note)
        self.counts["reviews"] += 1
        if not accept and course.fate == "done":
            again = self.clock.moment + datetime.timedelta(days=course.rng.randint(4, 9), hours=2)
            self.at(again, self.complete, course, True)

    def reviewer(self, area):
        return next(iter(self.by_role_area.get(("reviewer", area.pk), [])), None)

    @staticmethod
    def warnings_check(day):
        warnings_raise(today=day)  # as the daily beat job would have, once a month here

    # Reports of past periods through the register ---------------------------------------------------------------

    def report_cycle(self, area, kind, number, *, late_days=0, outcome="received"):
        leader = next(iter(self.by_role_area.get(("leader", area.pk), [])), None)
        rule = next((r for r in reporting_rules_ensure(area) if r.kind == kind and r.plan_id is None
                     and r.issuing_unit_id is None), None)
        if leader is None or rule is None:
            return
        period = rule_period(rule, self.year, number)
        if period.deadline is None or period.deadline >= self.today:
            return
        drafted = local(period.window_end + datetime.timedelta(days=1), 8, 30)
        issued = local(period.deadline + datetime.timedelta(days=late_days), 15, 30) if late_days > 0 else local(
            max(period.window_end + datetime.timedelta(days=1), period.deadline - datetime.timedelta(days=1)), 16)
        self.at(drafted, self.report_make, area, kind, number, leader, issued, outcome)

    def report_make(self, area, kind, number, leader, issued, outcome):
        from reports.documents import report_snapshot_take

        report = report_draft(user=leader, area=area, kind=kind, year=self.year, number=number)
        report_details_update(report_id=report.pk, user=leader, data={
            "subject": DEMO_PREFIX + report.subject, "addressee": report.addressee, "signer_name": report.signer_name,
            "signer_title": report.signer_title, "distribution": report.distribution})
        # What the draft job does first; its rendering waits for the issued report (the draft's files would go).
        report_snapshot_take(report.pk)
        self.at(max(issued, self.clock.moment + datetime.timedelta(hours=2)), self.report_send, report.pk, leader,
                outcome)

    def unit_report_cycle(self, area, unit_name, plan_slug, kind, number, *, outcome="received"):
        """A unit's report to its commune's People's Committee: drafted by its officer the day after the cut-off,
        confirmed by its head, issued before the deadline and received (or left waiting) by the Culture-Social
        office. `number` None is the demo's last month."""
        unit = area.units.get(name=unit_name)
        head = next((u for u in self.by_role_area.get(("leader", area.pk), []) if unit.pk in u.unit_ids), None)
        rule = next((r for r in reporting_rules_ensure(area) if r.kind == kind and r.issuing_unit_id == unit.pk
                     and (r.plan.slug if r.plan_id else None) == plan_slug and r.is_active), None)
        if head is None or rule is None:
            return
        period = rule_period(rule, self.year, number or self.last)
        if period.deadline is None or period.deadline >= self.today:
            return
        drafted = local(period.window_end + datetime.timedelta(days=1), 9)
        self.at(drafted, self.unit_report_make, rule, period.number, self.officers_of_unit.get(unit.pk, head), head,
                outcome)

    def unit_report_make(self, rule, number, officer, head, outcome):
        from reports.documents import report_snapshot_take

        report = report_draft(user=officer, area=rule.area, kind=rule.kind, year=self.year, number=number,
                              plan=rule.plan, unit=rule.issuing_unit)
        report_details_update(report_id=report.pk, user=officer, data={
            "subject": DEMO_PREFIX + report.subject, "addressee": report.addressee, "signer_name": head.display_name,
            "signer_title": report.signer_title, "distribution": report.distribution})
        report_snapshot_take(report.pk)
        self.at(self.clock.moment + datetime.timedelta(hours=5), self.unit_report_confirm, report.pk, head)
        self.at(self.clock.moment + datetime.timedelta(days=1, hours=6), self.report_send, report.pk, officer,
                outcome, False)

    @staticmethod
    def unit_report_confirm(report_id, head):
        report_confirm(report_id=report_id, user=head)

    def report_send(self, report_id, leader, outcome, answers=True):
        from reports.documents import report_job_run

        report_issue(report_id=report_id, user=leader)
        for job in Report.objects.get(pk=report_id).jobs.order_by("id"):
            report_job_run(job.pk)  # the draft's job renders the issued files; the issue's finds them made
        self.counts["reports"] += 1
        report = Report.objects.select_related("recipient_unit", "area").get(pk=report_id)
        rng = random.Random(f"{SEED}:report:{report_id}")  # noqa: S311 - the demo, the same on every load
        if outcome != "pending":
            self.at(self.clock.moment + datetime.timedelta(days=rng.randint(2, 5), hours=1), self.report_handle,
                    report_id, outcome == "received")
        difficulties = Difficulty.objects.filter(report__isnull=True, area=report.area_id, status=Difficulty.Status.OPEN)
        for index, difficulty in enumerate(difficulties.order_by("id") if answers else ()):
            if index % 3 != 2:
                self.at(self.clock.moment + datetime.timedelta(days=rng.randint(3, 9), hours=index % 5),
                        self.answer, difficulty.pk, report.area_id)

    def report_handle(self, report_id, accept):
        """Each recipient receives the report (the focal office alone returns one); a recipient without anyone
        on the portal leaves it waiting."""
        from plans.access import can_receive_for

        report = Report.objects.select_related("area", "recipient_unit").get(pk=report_id)
        for recipient in report.recipients.select_related("unit").order_by("id"):
            if report.status != Report.Status.ISSUED or (not accept and recipient.unit_id != report.recipient_unit_id):
                continue
            receiver = self.receiver(report, recipient.unit, can_receive_for)
            if receiver is not None:
                report = report_receive(report_id=report_id, user=receiver, accept=accept, unit_id=recipient.unit_id,
                                        comment="" if accept else DEMO_PREFIX + texts.RETURN_COMMENT)

    def receiver(self, report, unit, can_receive_for):
        people = [u for u in self.users.values() if can_receive_for(u, report, unit) and not u.is_superuser]
        people.sort(key=lambda u: (unit.pk not in u.unit_ids, u.role not in ("leader", "admin"), u.username))
        return people[0] if people else None

    def answer(self, difficulty_id, area_id):
        leader = next(iter(self.by_role_area.get(("leader", area_id), [])), None)
        difficulty = Difficulty.objects.get(pk=difficulty_id)
        if leader is None or difficulty.status != Difficulty.Status.OPEN:
            return
        rng = random.Random(f"{SEED}:answer:{difficulty_id}")  # noqa: S311 - the demo, the same on every load
        difficulty_answer(difficulty_id=difficulty_id, user=leader, answer=DEMO_PREFIX + rng.choice(texts.ANSWERS),
                          status=Difficulty.Status.ANSWERED if rng.random() < 0.7 else Difficulty.Status.RESOLVED)

    # The year ------------------------------------------------------------------------------------------------

    def load(self, report_plan, setup=None):
        with self.clock.running():
            if setup:
                setup(self.clock)
            return self._load(report_plan)

    def _load(self, report_plan):
        courses = self.courses()
        for month in range(1, self.last + 1):
            self.at(local(datetime.date(self.year, month, 20), 0, 5), self.month_updates, month, courses)
            first_of_next = (datetime.date(self.year, month, 1) + datetime.timedelta(days=32)).replace(day=1)
            self.at(local(first_of_next, 5, 30), self.warnings_check, first_of_next)
        for course in courses:
            if course.done:
                day = datetime.date(self.year, course.done, course.rng.randint(16, 26))
                self.at(local(day, course.rng.randint(8, 16), 10), self.complete, course)
        for area_slug, kind, number, options in report_plan:
            from plans.models import Area

            self.report_cycle(Area.objects.get(slug=area_slug), kind, number, **options)
        for area_slug, unit_name, plan_slug, kind, number, options in UNIT_REPORT_PLAN:
            from plans.models import Area

            self.unit_report_cycle(Area.objects.get(slug=area_slug), unit_name, plan_slug, kind, number, **options)
        result = self.run()
        # Notices older than a week were read when they came: the bell shows what is new.
        from people.models import Notification

        Notification.objects.filter(created_at__lt=self.final_moment - datetime.timedelta(days=7),
                                    read_at__isnull=True).update(read_at=F("created_at") + datetime.timedelta(hours=20))
        return {**self.counts, "warnings": result}


# The communes' reports of past periods: (area, kind, number, how it went).
REPORT_PLAN = [
    ("phu-lam", ReportKind.QUARTERLY, 3, {}),
    ("dai-phuoc", ReportKind.QUARTERLY, 3, {"late_days": 6, "outcome": "pending"}),
    ("dan-tien", ReportKind.MONTHLY, 10, {"late_days": 5, "outcome": "returned"}),
    ("dan-tien", ReportKind.MONTHLY, 11, {"outcome": "pending"}),
]
# The units' reports to their commune's People's Committee (area, unit, plan, kind, number or None for the last
# month, how it went): Phú Lâm's economic office on 55-KH's first half-year, received by the Culture-Social office;
# Dân Tiến's for last month, waiting in that office's inbox.
UNIT_REPORT_PLAN = [
    ("phu-lam", "Phòng Kinh tế", "phu-lam-55kh", ReportKind.HALF_YEAR, 1, {}),
    ("dan-tien", "Phòng Kinh tế", None, ReportKind.MONTHLY, None, {"outcome": "pending"}),
]
