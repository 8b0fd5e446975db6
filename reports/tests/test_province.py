"""The province's view against a small province whose every figure is known (today: 23 November 2026).

Communes A (red: a task overdue), B (yellow: behind) and C (green). The reporting window is January to
October 2026 (November's updates are due on the 25th).
"""
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from evidence.models import Evidence
from indicators.models import Indicator, IndicatorReport
from plans.models import Area, ItemStatus, Plan, Unit
from reports import province as selectors
from reports.models import Warning
from reports.scorecards import (
    officer_scorecards, scorecard_rows, scorecard_workbook, unit_scorecards, workbook_build, workbook_name,
)
from tasks.models import ProgressUpdate, Task, TimelineKind
from tasks.schedule import expected_progress, expected_progress_sql

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
ZONE = timezone.get_current_timezone()
YEAR_SHARE = 100 * 327 / 365  # 1 January to 23 November 2026, both days counted


def at(y, m, d, hour=9):
    return datetime.datetime(y, m, d, hour, tzinfo=ZONE)


def d(y, m, day=1):
    return datetime.date(y, m, day)


class Province:
    """The fixture: areas, units, users, tasks and indicators by short name."""

    def __init__(self):
        User = get_user_model()
        self.province = Area.objects.create(kind="province", name="Mẫu", slug="tinh-mau")
        self.areas = {k: Area.objects.create(kind="commune", name=f"Mẫu {k}", slug=f"xa-{k.lower()}",
                                             parent=self.province) for k in "ABC"}
        self.units = {
            "U1": Unit.objects.create(area=self.areas["A"], name="Phòng VH-XH A", slug="u1"),
            "U2": Unit.objects.create(area=self.areas["A"], name="Phòng Kinh tế A", slug="u2"),
            "U3": Unit.objects.create(area=self.areas["B"], name="Phòng VH-XH B", slug="u3"),
            "U4": Unit.objects.create(area=self.areas["C"], name="Phòng VH-XH C", slug="u4"),
            "P": Unit.objects.create(area=self.province, name="Sở KH&CN Mẫu", slug="so-mau"),
        }
        self.users = {}
        for name, unit, role in (("leader", "P", "leader"), ("a-leader", "U1", "leader"), ("a-officer", "U1", "officer"),
                                 ("b-officer", "U3", "officer"), ("a-reviewer", "U1", "reviewer")):
            user = User.objects.create_user(f"mau-{name}", password="x", role=role, first_name=name)
            user.units.set([self.units[unit]])
            self.users[name] = user
        self.plans = {k: Plan.objects.create(slug=f"kh-{k.lower()}", area=area, issuer="UBND", title="KH",
                                             number="1", status="issued") for k, area in self.areas.items()}
        self.plans["P"] = Plan.objects.create(slug="kh-tinh-mau", area=self.province, issuer="UBND tỉnh", title="KH",
                                              number="9", status="issued")
        # A plan replaced by a newer one counts nowhere.
        Plan.objects.create(slug="kh-a-cu", area=self.areas["A"], issuer="UBND", title="cũ", number="0",
                            status="replaced").tasks.create(position=1, title="cũ", progress=0)
        self.tasks = {}
        self.indicators = {}
        self.position = 0
        p_task = self.task("PT1", "P", "P", d(2026, 1), d(2026, 12, 31), 0)
        self.task("PT2", "P", "P", d(2026, 1), d(2026, 12, 31), 0)
        p_ind = self.indicator("PI1", "P", "P")
        officer_a, officer_b = self.users["a-officer"], self.users["b-officer"]
        self.task("A1", "A", "U1", d(2026, 1), d(2026, 12, 31), 100, ItemStatus.COMPLETED, carries_out=p_task,
                  officer=officer_a)
        self.task("A2", "A", "U2", d(2026, 1), d(2026, 6, 30), 40)
        self.task("A3", "A", "U1", None, None, 80, kind=TimelineKind.ANNUAL)
        self.indicator("IA1", "A", "U1", value=85, met=True, contributes_to=p_ind)
        self.indicator("IA2", "A", "U2", value=60, met=False, contributes_to=p_ind, deadline=d(2026, 3, 31))
        self.task("B1", "B", "U3", d(2026, 1), d(2026, 12, 31), 60, carries_out=p_task, officer=officer_b)
        self.task("B2", "B", "U3", d(2026, 1), d(2026, 12, 31), 100, ItemStatus.COMPLETED)
        self.task("C1", "C", "U4", d(2027, 1), d(2027, 12, 31), 10)
        self.task("C2", "C", "U4", d(2026, 1), d(2026, 12, 31), 95, carries_out=p_task)

        # Evidence: A1 rejected at first, accepted in June; B2 accepted at first review in September.
        self.evidence("A1", "rejected", at(2026, 5, 1))
        self.evidence("A1", "accepted", at(2026, 6, 10))
        self.evidence("B2", "accepted", at(2026, 9, 15))
        # Monthly updates (period, made on): on time up to the 25th of the month.
        self.updates("A1", [(d(2026, 1), at(2026, 1, 20)), (d(2026, 2), at(2026, 3, 3)), (d(2026, 5), at(2026, 5, 10))])
        self.updates("A2", [(d(2026, 1), at(2026, 1, 20))])
        self.updates("A3", [(d(2026, 10), at(2026, 10, 20)), (d(2026, 11), at(2026, 11, 20))])
        self.updates("B1", [(d(2026, m), at(2026, m, 20)) for m in range(1, 11)])
        self.updates("B2", [(d(2026, 9), at(2026, 9, 10))])
        report = IndicatorReport.objects.create(indicator=self.indicators["IA1"], author=officer_a, period=d(2026, 3),
                                                value=85, is_met=True)
        IndicatorReport.objects.filter(pk=report.pk).update(created_at=at(2026, 3, 30))
        # Warnings: A has an overdue task and a unit that missed October; one behind warning closed in May; B behind.
        Warning.objects.create(kind="overdue", task=self.tasks["A2"], raised_at=at(2026, 7, 1))
        Warning.objects.create(kind="report_late", unit=self.units["U2"], period=d(2026, 10),
                               raised_at=at(2026, 10, 26))
        Warning.objects.create(kind="behind_schedule", task=self.tasks["A3"], raised_at=at(2026, 3, 1),
                               closed_at=at(2026, 5, 1, 0))
        Warning.objects.create(kind="behind_schedule", task=self.tasks["B1"], raised_at=at(2026, 10, 2))

    def task(self, name, area, unit, starts_on, ends_on, progress, status=ItemStatus.IN_PROGRESS,
             kind=TimelineKind.ONE_OFF, **extra):
        self.position += 1
        task = Task.objects.create(plan=self.plans[area], position=self.position, ordinal=name, title=f"Nhiệm vụ {name}",
                                   starts_on=starts_on, ends_on=ends_on, timeline_kind=kind, progress=progress,
                                   status=status, timeline_text="x", **extra)
        task.lead_units.set([self.units[unit]])
        self.tasks[name] = task
        return task

    def indicator(self, name, area, unit, *, value=None, met=None, deadline=None, **extra):
        self.position += 1
        indicator = Indicator.objects.create(
            plan=self.plans[area], position=self.position, ordinal=name, content=f"Chỉ tiêu {name}",
            unit_of_measure="%", target_text="≥ 80", target_comparator=">=", target_value=80,
            current_value=value, is_met=met, deadline=deadline, **extra)
        indicator.lead_units.set([self.units[unit]])
        self.indicators[name] = indicator
        return indicator

    def evidence(self, task, status, reviewed_at):
        Evidence.objects.create(
            task=self.tasks[task], file="x.pdf", original_name="x.pdf", kind="pdf", size=1, sha256="0" * 64,
            description="QĐ", uploaded_by=self.users["a-officer"], uploaded_at=reviewed_at - datetime.timedelta(days=2),
            status=status, reviewed_by=self.users["a-reviewer"], reviewed_at=reviewed_at,
            rejection_reason="unsigned" if status == "rejected" else "", review_note="Thiếu chữ ký" if status == "rejected" else "")

    def updates(self, task, months):
        for period, made_on in months:
            update = ProgressUpdate.objects.create(task=self.tasks[task], author=self.users["a-officer"], period=period,
                                                   progress_before=0, progress_after=10, achievements="x")
            ProgressUpdate.objects.filter(pk=update.pk).update(created_at=made_on)


@pytest.fixture
def fixture():
    return Province()


def _rows(fixture):
    rows = selectors.commune_rows(Area.objects.filter(parent=fixture.province), today=TODAY)
    return {row.subject.slug: row for row in rows}


def test_the_sql_schedule_agrees_with_the_python_one(fixture):
    for task in Task.objects.annotate(schedule=expected_progress_sql(TODAY)).filter(plan__area__parent=fixture.province):
        python = expected_progress(timeline_kind=task.timeline_kind, starts_on=task.starts_on, ends_on=task.ends_on,
                                   today=TODAY)
        assert task.schedule == pytest.approx(python, abs=0.5), task.ordinal


def test_each_commune_has_its_figures_colour_and_rank(fixture):
    rows = _rows(fixture)
    a, b, c = rows["xa-a"], rows["xa-b"], rows["xa-c"]
    # A: 3 tasks and 2 indicators, A1 completed (accepted evidence); A2 and IA2 past their end: red.
    assert (a.tasks, a.indicators, a.completed, a.completion) == (3, 2, 1, 20)
    assert a.progress == pytest.approx((100 + 40 + 80) / 3)
    # A1's year, A2 ended, A3 annual: this year's share, unrounded like every schedule the database computes.
    assert a.expected == pytest.approx((YEAR_SHARE + 100 + YEAR_SHARE) / 3)
    assert (a.overdue, a.met, a.health) == (2, 1, "red")
    assert a.warnings == {"overdue": 1, "report_late": 1}
    # B: 60% and 100% against 89.6%: behind but above half: yellow.
    assert (b.tasks, b.completed, b.completion, b.overdue, b.health) == (2, 1, 50, 0, "yellow")
    assert b.progress == pytest.approx(80) and b.expected == pytest.approx(YEAR_SHARE)
    assert b.warnings == {"behind_schedule": 1}
    # C: one task not started yet (2027) and one at 95%: on track.
    assert (c.completion, c.health, c.warnings) == (0, "green", {})
    assert c.expected == pytest.approx(YEAR_SHARE / 2)
    assert [(r.rank, r.subject.slug) for r in selectors.rank_rows(list(rows.values()))] == [
        (1, "xa-b"), (2, "xa-a"), (3, "xa-c")]
    assert str(a.health_label) == "Chậm dưới một nửa lộ trình hoặc quá hạn"


def test_reporting_completeness_and_timeliness_per_commune(fixture):
    rows = _rows(fixture)
    # A: A1 owes January to May (completed, last update in May), A2 January to June, A3 and IA1 every month,
    # IA2 January to March: 34 updates due; 6 made, 4 of them by the 25th.
    assert rows["xa-a"].reporting == {"due": 34, "made": 6, "on_time": 4, "completeness": 18, "timeliness": 12}
    assert rows["xa-b"].reporting == {"due": 19, "made": 11, "on_time": 11, "completeness": 58, "timeliness": 58}
    assert rows["xa-c"].reporting == {"due": 10, "made": 0, "on_time": 0, "completeness": 0, "timeliness": 0}


def test_units_of_a_commune(fixture):
    rows = {row.subject.slug: row for row in selectors.unit_rows(fixture.areas["A"], today=TODAY)}
    u1, u2 = rows["u1"], rows["u2"]
    assert (u1.items, u1.completed, u1.completion, u1.met, u1.health, u1.rank) == (3, 1, 33, 1, "green", 1)
    assert (u2.items, u2.completed, u2.overdue, u2.health, u2.rank) == (2, 0, 2, "red", 2)
    assert u1.warnings == {} and u2.warnings == {"overdue": 1, "report_late": 1}
    assert (u1.reporting["due"], u1.reporting["made"], u1.reporting["on_time"]) == (25, 5, 3)
    assert (u2.reporting["due"], u2.reporting["made"], u2.reporting["on_time"]) == (9, 1, 1)


def test_trends_month_by_month(fixture):
    rows = _rows(fixture)
    assert [month for month, _end in selectors.month_ends(TODAY)][::11] == [d(2025, 12), d(2026, 11)]
    a = rows["xa-a"]
    assert a.trend["completed"] == [0] * 6 + [1] * 6  # accepted on 10 June
    assert a.trend["warnings"] == [0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 2, 2]
    completion, warnings = selectors.trend_series(list(rows.values()))  # 9 items in the province
    assert completion == [0] * 6 + [11] * 3 + [22] * 3
    assert warnings == [0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 3, 3]


def test_province_items_followed_down(fixture):
    communes = Area.objects.filter(parent=fixture.province).values("pk")
    tasks, indicators = selectors.followed_down(fixture.plans["P"], communes, today=TODAY)
    pt1, pt2 = tasks
    assert {k: pt1.rollup[k] for k in ("communes", "items", "completed", "overdue")} == {
        "communes": 3, "items": 3, "completed": 1, "overdue": 0}
    assert pt1.rollup["progress"] == pytest.approx((100 + 60 + 95) / 3) and pt1.health == "yellow"
    assert pt2.rollup["items"] == 0
    (pi1,) = indicators
    assert (pi1.rollup["communes"], pi1.rollup["met_communes"], pi1.rollup["items"], pi1.rollup["met"]) == (1, 1, 2, 1)
    assert float(pi1.rollup["average"]) == pytest.approx(72.5)  # percentages average


def test_unit_and_officer_scorecards(fixture):
    areas = Area.objects.filter(parent=fixture.province)
    cards = {c.subject.slug: c for c in unit_scorecards(areas, year=2026, today=TODAY)}
    u1, u2, u3, u4 = (cards[k] for k in ("u1", "u2", "u3", "u4"))
    assert (u1.led, u1.on_time, u1.late, u1.overdue, u1.reviewed, u1.first_accepted) == (3, 1, 0, 0, 1, 0)
    assert (u1.updates_on_time, u1.updates_due, u1.score) == (3, 25, 37)  # mean of 100, 0 and 12
    assert (u2.led, u2.on_time, u2.overdue, u2.on_time_rate, u2.first_review_rate, u2.score) == (2, 0, 2, 0, None, 6)
    assert (u3.led, u3.on_time, u3.first_review_rate, u3.updates_rate, u3.score) == (2, 1, 100, 58, 86)
    assert (u4.led, u4.score) == (1, 0)  # C1 runs in 2027
    assert [(c.rank, c.rank_in_area, c.subject.slug) for c in cards.values()] == [
        (1, 1, "u3"), (2, 1, "u1"), (3, 2, "u2"), (4, 1, "u4")]
    officers = officer_scorecards(areas, year=2026, today=TODAY)
    assert [(c.subject.username, c.led, c.score, c.rank) for c in officers] == [
        ("mau-b-officer", 1, 100, 1), ("mau-a-officer", 1, 47, 2)]


def test_scorecard_workbook_reads_back_with_text_kept_as_text(fixture):
    fixture.units["U1"].name = "=HYPERLINK(\"http://x\")"
    fixture.units["U1"].save()
    rows = scorecard_rows(Area.objects.filter(parent=fixture.province), year=2026, today=TODAY)
    data = scorecard_workbook(units=rows["units"], officers=rows["officers"], title="Bảng điểm")
    book = load_workbook(io.BytesIO(data))
    units, officers = book["Đơn vị"], book["Cán bộ"]
    assert units["A1"].value == "Bảng điểm" and units["O3"].value == "Điểm"
    assert [c.value for c in units[4]][:4] == [1, 1, "Xã Mẫu B", "Phòng VH-XH B"]
    formula_row = next(row for row in units.iter_rows(min_row=4) if row[3].value.startswith("="))
    assert formula_row[3].data_type == "s" and formula_row[3].quotePrefix
    assert officers["D4"].value == "b-officer" and officers["O4"].value == 100


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(queries)


def test_the_dashboard_page_sorts_pages_and_keeps_its_queries_fixed(client, fixture):
    client.force_login(fixture.users["leader"])
    response, queries = _get(client, "/reports/?sort=completion")  # the best first; clicked again, the worst first
    assert [row.subject.slug for row in response.context["page"]] == ["xa-b", "xa-a", "xa-c"]
    reverse = client.get("/reports/?sort=-completion").context["page"]
    assert [row.subject.slug for row in reverse] == ["xa-c", "xa-a", "xa-b"]
    reddest = client.get("/reports/?sort=health").context["page"]
    assert [row.subject.slug for row in reddest] == ["xa-a", "xa-b", "xa-c"]
    html = response.content.decode()
    assert 'href="/reports/warnings/?area=xa-a&amp;kind=overdue"' in html
    assert 'href="/reports/communes/xa-a/items/?overdue=1"' in html and "<svg" in html
    others = ("/reports/scorecards/?province=tinh-mau", "/reports/plans/kh-tinh-mau/followed-down/",
              f"/reports/tasks/{fixture.tasks['PT1'].pk}/followed-down/")
    before = [_get(client, url)[1] for url in others]
    call_command("generate_scale_data", communes=27, province="tinh-mau", months=2, stdout=open("/dev/null", "w"))
    response, more = _get(client, "/reports/?sort=completion")
    assert response.context["page"].paginator.count == 30 and more == queries
    assert [_get(client, url)[1] for url in others] == before


def test_the_linked_lists_keep_their_filters(client, fixture):
    client.force_login(fixture.users["leader"])
    overdue = client.get("/reports/communes/xa-a/items/?overdue=1").context["page"]
    assert [task.ordinal for task in overdue] == ["A2"]
    unit = client.get(f"/reports/communes/xa-a/items/?unit={fixture.units['U1'].pk}&status=completed").context["page"]
    assert [task.ordinal for task in unit] == ["A1"]
    met = client.get("/reports/communes/xa-a/items/?kind=indicators&met=1").context["page"]
    assert [i.ordinal for i in met] == ["IA1"]
    warnings = client.get("/reports/warnings/?area=xa-a&kind=overdue")
    assert [w.task.ordinal for w in warnings.context["page"]] == ["A2"]
    assert 'value="xa-a" selected' in warnings.content.decode()


def test_a_commune_leader_sees_only_their_commune(client, fixture):
    client.force_login(fixture.users["a-leader"])
    response = client.get("/reports/")
    assert [row.subject.slug for row in response.context["page"]] == ["xa-a"]
    assert client.get("/reports/communes/xa-a/").status_code == 200
    for url in ("/reports/communes/xa-b/", "/reports/communes/xa-b/items/", "/reports/scorecards/?commune=xa-b",
                "/reports/scorecards.xlsx?commune=xa-b"):
        assert client.get(url).status_code == 404, url
    scorecards = client.get("/reports/scorecards/").context["units"]
    assert {card["pk"] for card in scorecards} == {fixture.units["U1"].pk, fixture.units["U2"].pk}
    followed = client.get("/reports/plans/kh-tinh-mau/followed-down/").context["tasks"]
    assert followed[0].rollup["communes"] == 1  # only their own commune's items


def test_scorecard_download(client, fixture):
    """The workbook is asked for, built by its job (run here: tests/test_national_scale.py runs it in a worker),
    then downloaded; before it is built the link leads back to the page."""
    client.force_login(fixture.users["leader"])
    url = "/reports/scorecards.xlsx?province=tinh-mau&year=2026"
    assert client.get(url)["Location"] == "/reports/scorecards/?province=tinh-mau&year=2026"
    assert client.post("/reports/scorecards/workbook/?province=tinh-mau&year=2026").status_code == 302
    ids = [*Area.objects.filter(parent=fixture.province).values_list("pk", flat=True), fixture.province.pk]
    assert "đang chờ tạo" in client.get("/reports/scorecards/?province=tinh-mau&year=2026").content.decode()
    workbook_build(name=workbook_name(ids, 2026), area_ids=ids, year=2026, title="Bảng điểm", today=TODAY)
    response = client.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="bang-diem-thi-dua-2026-tinh-mau.xlsx"'
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Đơn vị"]
    assert {row[3].value for row in sheet.iter_rows(min_row=4)} >= {"Phòng VH-XH A", "Phòng VH-XH B"}


def _commune_c(response):
    return {row.subject.slug: row for row in response.context["page"]}["xa-c"]


def test_a_slow_province_shows_kept_figures_with_their_time_and_asks_a_job_for_new_ones(
        client, fixture, monkeypatch, django_capture_on_commit_callbacks):
    from reports import province_figures as kept_figures
    from reports.jobs import refresh_province_figures
    from reports.models import ProvinceFigures

    client.force_login(fixture.users["leader"])
    live = client.get("/reports/")
    assert _commune_c(live).progress == pytest.approx(52.5) and not ProvinceFigures.objects.exists()
    assert "Số liệu toàn tỉnh tính lúc" not in live.content.decode()  # an ordinary province: always live
    monkeypatch.setattr(kept_figures, "KEPT_FROM_COMMUNES", 3)  # as if it had thousands of communes
    # Nothing kept yet: nothing computed in the request, the page says a job computes the figures.
    with django_capture_on_commit_callbacks() as callbacks:
        first = client.get("/reports/")
    assert len(callbacks) == 1 and list(first.context["page"]) == []
    assert "Đang tính số liệu toàn tỉnh lần đầu cho 3 xã, phường" in first.content.decode()
    refresh_province_figures(fixture.province.pk, timezone.localdate().isoformat())  # what the job does
    kept = ProvinceFigures.objects.get(province=fixture.province)
    Task.objects.filter(pk=fixture.tasks["C2"].pk).update(progress=15)
    with django_capture_on_commit_callbacks() as callbacks:
        fresh = client.get("/reports/")
    html = fresh.content.decode()
    assert _commune_c(fresh).progress == pytest.approx(52.5) and callbacks == []
    assert f"Số liệu toàn tỉnh tính lúc {timezone.localtime(kept.computed_at):%H:%M %d/%m/%Y}" in html
    assert "Đang tính lại" not in html
    # Older than FRESH_FOR: still shown at once, with a job asked for new figures, once.
    ProvinceFigures.objects.filter(pk=kept.pk).update(
        computed_at=kept.computed_at - kept_figures.FRESH_FOR - datetime.timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as callbacks:
        stale = client.get("/reports/")
        again = client.get("/reports/")
    assert len(callbacks) == 1 and _commune_c(stale).progress == pytest.approx(52.5)
    assert "Đang tính lại" in stale.content.decode() and "Đang tính lại" in again.content.decode()
    refresh_province_figures(fixture.province.pk, timezone.localdate().isoformat())  # what the job does
    after = client.get("/reports/")
    assert _commune_c(after).progress == pytest.approx(12.5) and "Đang tính lại" not in after.content.decode()
    # Yesterday's kept figures are shown, with their time, while a job computes today's.
    ProvinceFigures.objects.update(day=TODAY - datetime.timedelta(days=1))
    Task.objects.filter(pk=fixture.tasks["C2"].pk).update(progress=35)
    with django_capture_on_commit_callbacks() as callbacks:
        yesterday = client.get("/reports/")
    assert _commune_c(yesterday).progress == pytest.approx(12.5) and len(callbacks) == 1
    assert "Đang tính lại" in yesterday.content.decode()
    refresh_province_figures(fixture.province.pk, timezone.localdate().isoformat())
    assert _commune_c(client.get("/reports/")).progress == pytest.approx(22.5)
    # The beat's sweep computes stale kept figures again, and drops them once the province is of ordinary size.
    from reports.jobs import refresh_kept_province_figures

    monkeypatch.setattr(kept_figures, "KEPT_FROM_COMMUNES", 500)
    assert refresh_kept_province_figures() == 0 and ProvinceFigures.objects.exists()  # fresh: left alone
    ProvinceFigures.objects.update(day=TODAY - datetime.timedelta(days=1))
    assert refresh_kept_province_figures() == 1 and not ProvinceFigures.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_kept_figures_are_computed_again_by_a_real_worker(client, monkeypatch, celery_worker):
    import time

    from reports import province_figures as kept_figures
    from reports.models import ProvinceFigures

    fixture = Province()
    monkeypatch.setattr(kept_figures, "KEPT_FROM_COMMUNES", 3)
    client.force_login(fixture.users["leader"])
    assert "Đang tính số liệu toàn tỉnh lần đầu" in client.get("/reports/").content.decode()
    deadline = time.monotonic() + 30
    while ProvinceFigures.objects.get().seconds < 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    old = ProvinceFigures.objects.get().computed_at - kept_figures.FRESH_FOR - datetime.timedelta(seconds=1)
    ProvinceFigures.objects.update(computed_at=old)
    Task.objects.filter(pk=fixture.tasks["C2"].pk).update(progress=15)
    assert "Đang tính lại" in client.get("/reports/").content.decode()
    deadline = time.monotonic() + 30
    while ProvinceFigures.objects.get().computed_at == old and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _commune_c(client.get("/reports/")).progress == pytest.approx(12.5)
