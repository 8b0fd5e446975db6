"""A huge province's pages read figures that jobs keep, and the scorecards workbook is a job with a state.

The small province of test_province.py stands in for a national one (`KEPT_FROM_COMMUNES` lowered to 3): what
matters is that the request never computes the whole province, and that kept figures equal live ones. The times
at 3,400 communes are printed by tests/bench_national.py.
"""
import datetime
import io
import time

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reports import jobs  # noqa: F401  the jobs enqueued by name, registered as a worker has them
from reports import province_figures as kept_figures
from reports.province_figures import followed_down_keep, kept_write
from reports.scorecards import scorecards_keep, workbook_name, workbook_state

from .test_province import Province

pytestmark = pytest.mark.django_db

SCORECARDS = "/reports/scorecards/?province=tinh-mau"
FOLLOWED = "/reports/plans/kh-tinh-mau/followed-down/"


@pytest.fixture
def fixture():
    return Province()


def _huge(monkeypatch):
    monkeypatch.setattr(kept_figures, "KEPT_FROM_COMMUNES", 3)  # as if it had thousands of communes


def _pks(response, name="units"):
    return [(row["pk"], row["rank"], row["score"]) for row in response.context[name]]


def test_a_huge_provinces_scorecards_are_kept_rows_filtered_and_paged(
        client, fixture, monkeypatch, django_capture_on_commit_callbacks, django_assert_num_queries):
    client.force_login(fixture.users["leader"])
    live = client.get(SCORECARDS)
    assert live.context["kept"] is None and len(_pks(live)) == 5  # four communes' units and the province's
    _huge(monkeypatch)
    with django_capture_on_commit_callbacks() as callbacks:
        first = client.get(SCORECARDS)
        again = client.get(SCORECARDS)
    assert len(callbacks) == 1 and _pks(first) == [] and _pks(again) == []  # a job asked for, once
    assert "Đang tính số liệu của toàn tỉnh lần đầu" in first.content.decode()
    today = timezone.localdate()
    scorecards_keep(province_id=fixture.province.pk, year=today.year, today=today)  # what the job does
    with django_assert_num_queries(5):  # user (the session is the cache's), the user's units, provinces, communes, areas ranked
        kept = client.get(SCORECARDS)
    assert _pks(kept) == _pks(live) and _pks(kept, "officers") == _pks(live, "officers")
    assert "Số liệu toàn tỉnh tính lúc" in kept.content.decode() and "Đang tính" not in kept.content.decode()
    filtered = client.get(f"{SCORECARDS}&q=mẫu b")
    assert [row["area"] for row in filtered.context["units"]] == ["Xã Mẫu B"]
    assert [row["name"] for row in filtered.context["officers"]] == ["b-officer"]


def test_a_huge_provinces_plan_followed_down_reads_kept_rollups(
        client, fixture, monkeypatch, django_capture_on_commit_callbacks, django_assert_num_queries):
    client.force_login(fixture.users["leader"])
    live = client.get(FOLLOWED)
    _huge(monkeypatch)
    with django_capture_on_commit_callbacks() as callbacks:
        first = client.get(FOLLOWED)
    assert len(callbacks) == 1 and "Đang tính số liệu của toàn tỉnh lần đầu" in first.content.decode()
    assert [task.rollup["items"] for task in first.context["tasks"]] == [0, 0]
    followed_down_keep(plan_id=fixture.plans["P"].pk, today=timezone.localdate())  # what the job does
    with django_assert_num_queries(6):  # user (the session is the cache's), units, the plan, communes counted, its tasks, indicators
        kept = client.get(FOLLOWED)
    assert [t.rollup for t in kept.context["tasks"]] == [t.rollup for t in live.context["tasks"]]
    assert [float(i.rollup["average"]) for i in kept.context["indicators"]] == pytest.approx([72.5])
    assert "Số liệu toàn tỉnh tính lúc" in kept.content.decode()
    # A commune's leader sees only their commune, computed for the request: nothing of the other communes.
    client.force_login(fixture.users["a-leader"])
    own = client.get(FOLLOWED)
    assert own.context["kept"] is None and own.context["tasks"][0].rollup["communes"] == 1


def _area_ids(fixture):
    return [*(area.pk for area in fixture.areas.values()), fixture.province.pk]


def test_a_lost_workbook_run_is_shown_failed_with_a_retry(client, fixture, django_capture_on_commit_callbacks):
    client.force_login(fixture.users["leader"])
    name = workbook_name(_area_ids(fixture), timezone.localdate().year)
    long_ago = (timezone.now() - datetime.timedelta(minutes=11)).isoformat()
    kept_write(name, {"state": "running", "requested_at": long_ago, "filename": "x.xlsx", "error": ""})
    html = client.get(SCORECARDS).content.decode()
    assert "Việc tạo bảng điểm bị gián đoạn" in html and "Tạo lại" in html
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post("/reports/scorecards/workbook/?province=tinh-mau").status_code == 302
    assert len(callbacks) == 1 and workbook_state(name)["state"] == "queued"


@pytest.mark.django_db(transaction=True)
def test_a_workbook_the_broker_refuses_is_failed_with_a_retry(client, broker_down):
    fixture = Province()
    client.force_login(fixture.users["leader"])
    client.post("/reports/scorecards/workbook/?province=tinh-mau")
    state = workbook_state(workbook_name(_area_ids(fixture), timezone.localdate().year))
    assert state["state"] == "failed" and "Hàng đợi công việc" in state["error"]
    assert "Tạo lại" in client.get(SCORECARDS).content.decode()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_workbook_is_built_by_a_real_worker_and_downloaded_only_for_the_same_areas(client, celery_worker):
    fixture = Province()
    unit = fixture.units["U3"]
    unit.name = "=HYPERLINK(\"http://x\")"
    unit.save()
    fixture.users["b-officer"].first_name = "@SUM(A1)"
    fixture.users["b-officer"].save()
    client.force_login(fixture.users["leader"])
    download = "/reports/scorecards.xlsx?province=tinh-mau"
    assert client.get(download)["Location"] == SCORECARDS  # nothing built yet: back to the page
    assert client.post("/reports/scorecards/workbook/?province=tinh-mau").status_code == 302
    html = client.get(SCORECARDS).content.decode()
    assert "Bảng điểm (Excel) đang" in html or "Tải bảng điểm (Excel)" in html  # the worker may be done already
    name = workbook_name(_area_ids(fixture), timezone.localdate().year)
    deadline = time.monotonic() + 30
    while workbook_state(name)["state"] != "done" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "Tải bảng điểm (Excel)" in client.get(SCORECARDS).content.decode()
    response = client.get(download)
    assert response["Content-Disposition"] == (
        f'attachment; filename="bang-diem-thi-dua-{timezone.localdate().year}-tinh-mau.xlsx"')
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    units, officers = book["Đơn vị"], book["Cán bộ"]
    assert units["A1"].value.startswith("Bảng điểm thi đua") and units["D3"].value == "Đơn vị"
    formula = next(row[3] for row in units.iter_rows(min_row=4) if row[3].value.startswith("="))
    assert formula.data_type == "s" and formula.quotePrefix
    at_sign = next(row[3] for row in officers.iter_rows(min_row=4) if row[3].value.startswith("@"))
    assert at_sign.data_type == "s" and at_sign.quotePrefix
    # A commune's leader asking for the same province ranks only their commune: not this file.
    client.force_login(fixture.users["a-leader"])
    assert client.get(download).status_code == 302
    assert client.get("/reports/scorecards.xlsx?commune=xa-b").status_code == 404


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_the_workbook_keeps_every_formula_start_as_text_and_numbers_as_numbers(start):
    from reports.scorecards import ROW_FIELDS, scorecard_workbook

    values = {"rank": 1, "rank_in_area": 1, "area": f"{start}A1", "area_slug": "x", "area_kind": "commune", "pk": 1,
              "name": f"{start}SUM(1)", "heads": [f"{start}cmd"], "led": 3, "on_time": 1, "late": 0, "overdue": 0,
              "on_time_rate": 50, "first_accepted": 0, "reviewed": 0, "updates_on_time": 0, "updates_due": 0,
              "score": -5}
    row = [values[name] for name in ROW_FIELDS]
    book = load_workbook(io.BytesIO(scorecard_workbook(units=[row], officers=[row], title=f"{start}title")))
    for sheet in book.worksheets:
        cells = list(sheet.iter_rows(min_row=4, max_row=4))[0]
        for cell in (sheet["A1"], cells[2], cells[3], cells[4]):
            assert cell.data_type == "s" and cell.quotePrefix and cell.value.startswith(start), cell.coordinate
        assert cells[14].value == -5 and cells[14].data_type == "n" and not cells[14].quotePrefix


def test_a_huge_provinces_workbook_writes_the_kept_rows_the_page_shows(fixture, monkeypatch):
    from reports.province_figures import kept_read
    from reports.scorecards import kept_scorecards_name, workbook_build

    _huge(monkeypatch)
    today, ids = timezone.localdate(), _area_ids(fixture)
    name, kept_name = workbook_name(ids, today.year), kept_scorecards_name(fixture.province, today.year)
    workbook_build(name=name, area_ids=ids, year=today.year, title="Bảng điểm", today=today)  # none kept: kept now
    kept = kept_read(kept_name)
    assert workbook_state(name)["units"] == len(kept["units"]) == 5
    unit = fixture.units["U1"]
    kept_write(kept_name, {**kept, "units": [row for row in kept["units"] if row[5] != unit.pk]})
    workbook_build(name=name, area_ids=ids, year=today.year, title="Bảng điểm", today=today)  # fresh: as kept
    assert workbook_state(name)["units"] == 4
    stale = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    kept_write(kept_name, {**kept_read(kept_name), "computed_at": stale})
    workbook_build(name=name, area_ids=ids, year=today.year, title="Bảng điểm", today=today)  # stale: kept anew
    assert workbook_state(name)["units"] == 5 and kept_read(kept_name)["computed_at"] != stale
