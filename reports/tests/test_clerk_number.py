"""The clerk's number: at issue, the number from the office's register, or the next one of the area's counter."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plans.models import Area
from reports.documents import report_snapshot_take
from reports.models import Report
from reports.register import report_draft, report_issue, report_number_next, report_number_next_set

from .test_as_of import PAST_QUARTER, PAST_YEAR, TODAY
from .test_register import QUARTER

# Each starts from items nobody has reported on and an empty register: the demo's year left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]


def _draft(user, kind="quarterly", year=TODAY.year, number=QUARTER):
    report = report_draft(user=user, area=Area.objects.get(slug="phu-lam"), kind=kind, year=year, number=number)
    report_snapshot_take(report.pk)
    return report


def test_the_clerk_enters_the_registers_number_or_takes_the_counters_next(client, users):
    leader = users["phulam-leader"]
    client.force_login(leader)
    first = _draft(leader)
    page = client.get(f"/reports/register/{first.pk}/").content.decode()
    assert "để trống để lấy số tiếp theo 01/BC-UBND" in page
    client.post(f"/reports/register/{first.pk}/issue/", {"number": "57"})
    first.refresh_from_db()
    assert first.status == Report.Status.ISSUED and first.reference == "57/BC-UBND"

    second = _draft(leader, year=PAST_YEAR, number=PAST_QUARTER)
    with pytest.raises(ValidationError) as refused:  # the register's number is unique per issuer and year
        report_issue(report_id=second.pk, user=leader, number=57)
    assert "đã cấp" in " ".join(refused.value.messages)
    second.refresh_from_db()
    assert second.status == Report.Status.DRAFT and second.number is None
    second = report_issue(report_id=second.pk, user=leader)  # the counter moved past the clerk's number
    assert second.number == 58

    area = Area.objects.get(slug="phu-lam")
    with pytest.raises(PermissionDenied):
        report_number_next_set(area=area, year=TODAY.year, next_number=120, user=users["phulam-officer"])
    with pytest.raises(ValidationError):  # never onto a number already used
        report_number_next_set(area=area, year=TODAY.year, next_number=58, user=users["phulam-admin"])
    client.force_login(users["phulam-admin"])
    client.post(f"/reports/rules/numbers/{area.pk}/", {f"area{area.pk}-next_number": "120"})
    assert report_number_next(area_id=area.pk, year=TODAY.year) == 120
    third = report_issue(report_id=_draft(leader, kind="annual", number=1).pk, user=leader)
    assert third.reference == "120/BC-UBND"


def test_the_report_page_costs_a_fixed_number_of_queries(client, users, django_assert_num_queries):
    leader = users["phulam-leader"]
    report = _draft(leader)
    client.force_login(leader)
    client.get(f"/reports/register/{report.pk}/")  # the session and the user read once
    with django_assert_num_queries(DRAFT_PAGE_QUERIES):
        assert client.get(f"/reports/register/{report.pk}/").status_code == 200
    report = report_issue(report_id=report.pk, user=leader)
    signature = {"verdict": "scan", "scan": True, "uploads": [{"at": "01/12/2026 08:00", "by": "Văn thư", "sha256": "0" * 64,
                                                             "verdict": v, "kept": False} for v in ("altered",) * 30]}
    Report.objects.filter(pk=report.pk).update(signature=signature)
    with django_assert_num_queries(ISSUED_PAGE_QUERIES):
        page = client.get(f"/reports/register/{report.pk}/").content.decode()
    assert page.count("Từ chối: bị sửa sau khi ký") == 30


DRAFT_PAGE_QUERIES = 9  # the counter's next number read once, the recipients once; the session is the cache's
ISSUED_PAGE_QUERIES = 8  # however many uploads the log holds; the recipients once
