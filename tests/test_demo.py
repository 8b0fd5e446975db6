"""The demo is a year of work: what issue 21 asks of it, measured with the portal's own selectors."""
import datetime

from django.core.management import call_command
from django.utils import timezone

from evidence.models import Evidence
from indicators.models import Indicator
from plans.demo import DEMO_PREFIX
from plans.demo.measures import demo_figures
from plans.models import Unit
from reports.models import Difficulty, Report, Warning
from tasks.models import ProgressUpdate, Task


def test_the_demo_meets_what_the_dashboard_and_landing_pages_need(demo):
    figures = demo_figures(timezone.localdate())
    assert figures["clear"] >= 0.8 * figures["items"] and figures["clear"] < figures["items"]  # a few gaps to show
    assert set(figures["trends"]) == {"phu-lam", "dai-phuoc", "dan-tien"}
    for commune, (completed_months, warning_months, overdue) in figures["trends"].items():
        assert completed_months >= 6, commune
        assert warning_months >= 6, commune
        assert overdue >= 1, commune
    assert {user: n for user, n in figures["landing"].items() if not n} == {}


def test_records_are_dated_when_they_would_have_been_entered(demo):
    today = timezone.localdate()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    updates = ProgressUpdate.objects.filter(achievements__startswith=DEMO_PREFIX)
    months = set(updates.values_list("period", flat=True))
    assert months == {datetime.date(last_month.year, m, 1) for m in range(1, last_month.month + 1)}
    assert not updates.filter(created_at__gte=timezone.now()).exists()
    # each update's history row carries its date
    update = updates.order_by("created_at").first()
    assert update.task.history.filter(history_date=update.created_at).exists()
    reviewed = Evidence.objects.exclude(status=Evidence.Status.PENDING)
    assert reviewed.count() >= 30
    assert all(e.uploaded_at < e.reviewed_at < timezone.now() for e in reviewed)
    assert Evidence.objects.filter(status=Evidence.Status.REJECTED).exists()
    assert all(e.description.startswith(DEMO_PREFIX) for e in Evidence.objects.all())


def test_past_reports_were_issued_to_a_recipient_and_found_the_updates_of_their_window(demo):
    reports = Report.objects.exclude(status=Report.Status.DRAFT)
    assert {r.status for r in reports} >= {Report.Status.RECEIVED, Report.Status.RETURNED, Report.Status.ISSUED}
    assert {r.is_on_time for r in reports} == {True, False}
    for report in reports:
        assert report.recipient_unit and report.recipient_unit.members.exists(), report
        assert report.pdf and report.docx and report.subject.startswith(DEMO_PREFIX)
        assert report.issued_at.date() <= timezone.localdate()
        results = [t["results"] for plan in report.snapshot["plans"] for t in plan["tasks"]]
        assert any(results), report
    assert Difficulty.objects.exclude(status=Difficulty.Status.OPEN).exists()
    assert Difficulty.objects.filter(status=Difficulty.Status.OPEN).exists()


def test_every_lead_unit_has_an_officer_and_dai_phuoc_targets_are_assigned(demo):
    for model in (Task, Indicator):
        for unit in Unit.objects.filter(**{f"led_{model._meta.model_name}s__isnull": False}, is_placeholder=False).distinct():
            assert unit.members.filter(role="officer", is_active=True).exists(), unit
    assert not Indicator.objects.filter(plan__slug="dai-phuoc-2026", lead_units__isnull=True).exists()
    assert Unit.objects.filter(area__slug="dai-phuoc", led_indicators__isnull=False).distinct().count() >= 4


def test_warnings_are_raised_at_once_and_over_the_year(demo):
    open_warnings = Warning.objects.filter(closed_at__isnull=True)
    assert open_warnings.filter(kind=Warning.Kind.OVERDUE).exists()
    assert open_warnings.filter(kind=Warning.Kind.EVIDENCE_REJECTED).exists()
    assert Warning.objects.filter(closed_at__isnull=False).exists()  # raised in a past month, cleared since


def test_load_demo_again_changes_nothing(demo):
    def counts():
        return [model.objects.count() for model in (ProgressUpdate, Evidence, Report, Warning, Difficulty)] + [
            Task.history.count(), Indicator.history.count(), Evidence.history.count(), Report.history.count()]

    before = counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts() == before


def test_units_that_report_have_a_head_and_a_newcomer_finds_units_reports_sent_and_received(demo):
    from reports.models import ReportRecipient

    # Every unit that owes its commune's People's Committee a report (Phú Lâm 55-KH's six, Dân Tiến's three) has a
    # head: a leader who is one of its members, who confirms its figures.
    owing = Unit.objects.filter(reporting_rules__isnull=False).distinct()
    assert owing.count() == 9
    for unit in owing:
        assert unit.members.filter(role="leader", is_active=True).exists(), unit
    sent = Report.objects.filter(unit__isnull=False).exclude(status=Report.Status.DRAFT).select_related("unit")
    # Dân Tiến's economic office sent last month's, waiting in the Culture-Social office's inbox; Phú Lâm's sent
    # 55-KH's first half-year (due by 17 June), received.
    expected = {("dan-tien", Report.Status.ISSUED)}
    if timezone.localdate() > datetime.date(timezone.localdate().year, 6, 30):
        expected.add(("phu-lam", Report.Status.RECEIVED))
    assert {(r.unit.area.slug, r.status) for r in sent} == expected
    for report in sent:
        assert report.confirmed_by.role == "leader" and report.unit in report.confirmed_by.units.all()
        assert report.confirmed_at < report.issued_at and report.is_on_time
        assert [r.unit.name for r in report.recipients.all()] == ["Phòng Văn hóa - Xã hội"]
        assert report.snapshot["totals"]["tasks"] < Task.objects.filter(plan__area=report.area).count()
    for received in ReportRecipient.objects.filter(report__in=sent, status=ReportRecipient.Status.RECEIVED):
        assert received.handled_by.units.filter(is_culture_social_office=True).exists()
    # The units that sent nothing are warned, on the unit, by the period's name.
    late = Warning.objects.filter(kind=Warning.Kind.REPORT_LATE, closed_at__isnull=True, unit__in=owing)
    assert late.exists() and all(w.period_label for w in late)
