"""The read-only supervisor (issue 26.5): the Fatherland Front reads its commune's plans, progress, evidence and
reports, and every write is refused with nothing changed, whatever units the supervisor belongs to."""
import pytest
from django.utils import timezone

from evidence.models import Evidence
from indicators.models import Indicator
from plans.models import Plan, Unit
from reports.models import Difficulty, Report, ReportingRule
from reports.register import report_draft
from tasks.models import Comment, ProgressUpdate, Task
from tasks.services import task_progress_report
from tests import files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]

SUPERVISOR = "phulam-supervisor"


def _report(users, plan):
    """A draft of Phú Lâm's first period this year under its own reporting rule, as its leader opens one."""
    rule = ReportingRule.objects.filter(area=plan.area, plan__isnull=True, is_active=True).order_by("id").first()
    return report_draft(user=users["phulam-leader"], area=plan.area, kind=rule.kind,
                        year=timezone.localdate().year, number=1)


@pytest.fixture
def followed(users):
    """A Phú Lâm task the Front supports and leads (as seeds 002 and 004 give it duties), with pending evidence."""
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    front = users[SUPERVISOR].units.get()
    task.support_units.add(front)
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=100,
                         period=timezone.localdate().replace(day=1), achievements="Xong", difficulties="-",
                         proposals="-", uploads=[(files.upload("qd.pdf", files.pdf_bytes()), "Quyết định")])
    task.lead_units.add(front)  # even leading an item gives a supervisor no write
    task.refresh_from_db()
    return task


def test_the_demo_has_a_supervisor_of_the_front(users):
    supervisor = users[SUPERVISOR]
    assert supervisor.role == "supervisor" and supervisor.is_read_only
    assert supervisor.units.get().area.slug == "phu-lam"


def test_a_supervisor_reads_the_communes_plans_progress_evidence_and_reports(client, users, followed):
    client.force_login(users[SUPERVISOR])
    plan = Plan.objects.get(slug="phu-lam-55kh")
    indicator = Indicator.objects.filter(plan=plan).first()
    evidence = followed.evidence.get()
    report = _report(users, plan)
    assert client.get("/").url == "/plans/"  # where a supervisor's day starts
    for url in ("/plans/", f"/plans/{plan.slug}/", f"/tasks/{followed.pk}/", f"/indicators/{indicator.pk}/",
                f"/evidence/{evidence.pk}/download/", f"/reports/register/{report.pk}/", "/reports/warnings/"):
        assert client.get(url).status_code == 200, url
    task_page = client.get(f"/tasks/{followed.pk}/").content.decode()
    assert f'action="/tasks/{followed.pk}/comment/"' not in task_page
    assert f'href="/tasks/{followed.pk}/report/"' not in task_page


def test_every_write_is_refused_and_nothing_changes(client, users, followed):
    supervisor = users[SUPERVISOR]
    client.force_login(supervisor)
    plan = Plan.objects.get(slug="phu-lam-55kh")
    evidence = followed.evidence.get()
    report = _report(users, plan)
    # Issued to the Front's own unit: being a member of the recipient office still lets a supervisor receive nothing.
    Report.objects.filter(pk=report.pk).update(status=Report.Status.ISSUED, recipient_unit=supervisor.units.get(),
                                               number=7, number_year=report.year, issued_at=timezone.now())
    difficulty = Difficulty.objects.create(area=plan.area, unit=Unit.objects.filter(area=plan.area).first(),
                                           task=followed, difficulties="Thiếu kinh phí", raised_at=timezone.now())
    counts = (ProgressUpdate.objects.count(), Comment.objects.count(), Report.objects.count())
    refused = [
        (f"/tasks/{followed.pk}/report/", {"version": followed.version, "progress": 50, "achievements": "x",
                                            "period": timezone.localdate().strftime("%Y-%m")}),
        (f"/tasks/{followed.pk}/comment/", {"body": "Góp ý giám sát"}),
        (f"/evidence/{evidence.pk}/review/", {"decision": "accept"}),
        ("/reports/register/new/", {"period": f"{report.kind}-{report.year}-2"}),
        (f"/reports/register/{report.pk}/receive/", {}),
        (f"/reports/difficulties/{difficulty.pk}/answer/", {"answer": "Đồng ý", "status": "answered"}),
        (f"/plans/{plan.slug}/edit/", {"title": "Đổi"}),
        (f"/plans/{plan.slug}/tasks/new/", {"title": "Mới"}),
        (f"/plans/{plan.slug}/assignment/", {}),
    ]
    for url, data in refused:
        response = client.post(url, data)
        assert response.status_code in (403, 404), (url, response.status_code)
    followed.refresh_from_db()
    evidence.refresh_from_db()
    report.refresh_from_db()
    difficulty.refresh_from_db()
    assert (ProgressUpdate.objects.count(), Comment.objects.count(), Report.objects.count()) == counts
    assert evidence.status == Evidence.Status.PENDING and report.status == Report.Status.ISSUED
    assert difficulty.answer == "" and followed.title != "Mới"


def test_a_supervisor_reads_nothing_of_another_commune(client, users):
    client.force_login(users[SUPERVISOR])
    other = Task.objects.filter(plan__slug="dai-phuoc-2026").first() or Indicator.objects.filter(
        plan__slug="dai-phuoc-2026").first()
    url = f"/tasks/{other.pk}/" if isinstance(other, Task) else f"/indicators/{other.pk}/"
    assert client.get(url).status_code == 404
    assert client.get("/plans/dai-phuoc-2026/").status_code == 404
