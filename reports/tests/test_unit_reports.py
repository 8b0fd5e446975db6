"""Reports a unit issues to its commune's People's Committee, confirmed by the unit's head, and reports with several
recipients, each receiving on its own (a real Celery worker drafts and renders; pypdf reads the PDF back)."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from plans.models import Area, Unit
from reports.models import Report, ReportingRule, ReportRecipient
from reports.register import report_confirm, report_draft, report_issue, report_receive, report_refresh
from tasks.models import Task

from .test_as_of import _wait_for_jobs
from .test_register import pdf_text

TODAY = timezone.localdate()
HALF = 1 if TODAY.month <= 6 else 2


def unit_head(django_user_model, area, unit_name, username):
    """The head of a unit: a leader who is one of its members."""
    head = django_user_model.objects.create_user(username, password="x", role="leader", first_name="Trần Văn Trưởng")
    head.units.set([Unit.objects.get(area__slug=area, name=unit_name)])
    return head


@pytest.mark.usefixtures("without_year")
def test_the_seeds_units_owe_reports_to_their_communes_peoples_committee():
    dan_tien = ReportingRule.objects.filter(area__slug="dan-tien", issuing_unit__isnull=False, plan=None)
    assert {(r.issuing_unit.name, r.kind) for r in dan_tien} == {
        (unit, kind) for unit in ("Phòng Kinh tế", "Các trường học", "Công an xã")
        for kind in ("monthly", "quarterly", "half_year", "annual")}
    assert {r.recipient_unit.name for r in dan_tien} == {"Phòng Văn hóa - Xã hội"}
    assert {r.recipient_unit.area.slug for r in dan_tien} == {"dan-tien"}
    assert all("Ủy ban nhân dân xã Dân Tiến (qua Phòng Văn hóa - Xã hội)" == r.addressee for r in dan_tien)
    phu_lam = ReportingRule.objects.filter(area__slug="phu-lam", issuing_unit__isnull=False)
    assert {r.plan.slug for r in phu_lam} == {"phu-lam-55kh"} and {r.kind for r in phu_lam} == {"half_year"}
    assert "Công an xã" in {r.issuing_unit.name for r in phu_lam}
    # Đại Phước's commune reports go to the Sở KH&CN, the Party Committee's standing board and its steering committee.
    quarterly = ReportingRule.objects.get(area__slug="dai-phuoc", kind="quarterly", plan=None, issuing_unit=None)
    assert quarterly.recipient_unit.name == "Sở Khoa học và Công nghệ"
    assert {u.name for u in quarterly.other_recipients.all()} == {"Văn phòng Đảng ủy xã", "Lãnh đạo UBND xã Đại Phước"}
    assert quarterly.addressee.startswith("Thường trực Đảng ủy xã; Sở Khoa học và Công nghệ")
    # The commune's own rules are untouched by its units' rules: it reports up, to its province.
    own = ReportingRule.objects.get(area__slug="dan-tien", kind="monthly", plan=None, issuing_unit=None)
    assert own.recipient_unit is None or own.recipient_unit.area.slug != "dan-tien"


@pytest.mark.django_db(transaction=True)
def test_a_units_monthly_report_is_confirmed_by_its_head_issued_and_received(demo, users, django_user_model,
                                                                             celery_worker):
    officer = users["dantien-economic"]
    head = unit_head(django_user_model, "dan-tien", "Phòng Kinh tế", "dantien-economic-head")
    unit = Unit.objects.get(area__slug="dan-tien", name="Phòng Kinh tế")
    area = Area.objects.get(slug="dan-tien")
    led = Task.objects.filter(lead_units=unit).count()
    assert led, "the demo assignment gives Dân Tiến's economic office tasks"

    with pytest.raises(PermissionDenied):  # another unit's officer drafts nothing for it
        report_draft(user=users["dantien-officer"], area=area, kind="monthly", year=TODAY.year, number=TODAY.month,
                     unit=unit)
    report = _wait_for_jobs(report_draft(user=officer, area=area, kind="monthly", year=TODAY.year,
                                         number=TODAY.month, unit=unit))
    assert report.unit == unit and report.issuer == "Phòng Kinh tế xã Dân Tiến" and report.symbol == "BC-PKT"
    assert report.recipient_unit.name == "Phòng Văn hóa - Xã hội"
    assert report.snapshot["totals"]["tasks"] == led  # only the items the unit leads
    assert report.snapshot["totals"]["tasks"] < Task.objects.filter(plan__area=area).count()

    with pytest.raises(ValidationError, match="chưa xác nhận"):
        report_issue(report_id=report.pk, user=officer)
    for someone in (officer, users["dantien-leader"], users["daiphuoc-leader"]):  # a non-head, another unit's leader
        with pytest.raises(PermissionDenied):
            report_confirm(report_id=report.pk, user=someone)
    report = report_confirm(report_id=report.pk, user=head)
    assert report.confirmed_by == head and report.confirmed_at and report.signer_name == "Trần Văn Trưởng"
    record = report.history.order_by("-history_date").first()
    assert record.history_user == head and record.history_change_reason.startswith("Thủ trưởng đơn vị xác nhận")

    # Figures taken again need the head again.
    _wait_for_jobs(report_refresh(report_id=report.pk, user=officer).report)
    report.refresh_from_db()
    assert report.confirmed_at is None
    report_confirm(report_id=report.pk, user=head)

    report = _wait_for_jobs(report_issue(report_id=report.pk, user=officer))
    assert report.reference == "01/BC-PKT" and report.status == Report.Status.ISSUED
    text = pdf_text(report.pdf.read())
    assert "UBND XÃ DÂN TIẾN" in text and "PHÒNG KINH TẾ" in text and "Số: 01/BC-PKT" in text
    # The unit's counter is its own: the commune's next number is still 01.
    from reports.register import report_number_next

    assert report_number_next(area_id=area.pk, year=TODAY.year) == 1
    assert [r.unit.name for r in report.recipients.all()] == ["Phòng Văn hóa - Xã hội"]

    with pytest.raises(PermissionDenied):  # the province above receives its communes' reports, not their units'
        report_receive(report_id=report.pk, user=users["dongnai-leader"], accept=True)
    report = report_receive(report_id=report.pk, user=users["dantien-officer"], accept=True)
    assert report.status == Report.Status.RECEIVED
    recipient = report.recipients.get()
    assert recipient.status == "received" and recipient.handled_by == users["dantien-officer"]
    # The commune's own monthly report is still owed: the unit's report does not stand for it.
    assert not Report.objects.filter(area=area, unit=None).exists()


@pytest.mark.django_db(transaction=True)
def test_a_report_to_several_recipients_is_received_by_each(demo, users, django_user_model, celery_worker):
    party = django_user_model.objects.create_user("daiphuoc-party", password="x", role="officer")
    party.units.set([Unit.objects.get(area__slug="dai-phuoc", name="Văn phòng Đảng ủy xã")])
    leader = users["daiphuoc-leader"]
    quarter = (TODAY.month - 1) // 3 + 1
    report = _wait_for_jobs(report_draft(user=leader, area=Area.objects.get(slug="dai-phuoc"), kind="quarterly",
                                         year=TODAY.year, number=quarter))
    report = _wait_for_jobs(report_issue(report_id=report.pk, user=leader))
    names = [r.unit.name for r in report.recipients.order_by("id")]
    assert names[0] == "Sở Khoa học và Công nghệ"  # the focal office first
    assert set(names) == {"Sở Khoa học và Công nghệ", "Văn phòng Đảng ủy xã", "Lãnh đạo UBND xã Đại Phước"}
    assert "Thường trực Đảng ủy xã" in pdf_text(report.pdf.read())

    report_receive(report_id=report.pk, user=users["dongnai-officer"], accept=True)
    report.refresh_from_db()
    assert report.status == Report.Status.ISSUED  # the others have not received it yet
    with pytest.raises(ValidationError):  # the Sở has acted already
        report_receive(report_id=report.pk, user=users["dongnai-officer"], accept=True)
    with pytest.raises(PermissionDenied):  # Phú Lâm is no recipient
        report_receive(report_id=report.pk, user=users["phulam-leader"], accept=True)
    report_receive(report_id=report.pk, user=party, accept=True)
    report_receive(report_id=report.pk, user=leader, accept=True,
                   unit_id=Unit.objects.get(area__slug="dai-phuoc", name="Lãnh đạo UBND xã Đại Phước").pk)
    report.refresh_from_db()
    assert report.status == Report.Status.RECEIVED
    assert {r.unit.name: (r.status, r.handled_by.username) for r in report.recipients.all()} == {
        "Sở Khoa học và Công nghệ": ("received", "dongnai-officer"), "Văn phòng Đảng ủy xã": ("received", "daiphuoc-party"),
        "Lãnh đạo UBND xã Đại Phước": ("received", "daiphuoc-leader")}


@pytest.mark.usefixtures("without_year")
def test_one_recipient_returning_returns_the_report_and_keeps_the_others_decisions(users, django_user_model):
    from reports.documents import report_snapshot_take

    party = django_user_model.objects.create_user("daiphuoc-party", password="x", role="officer")
    party.units.set([Unit.objects.get(area__slug="dai-phuoc", name="Văn phòng Đảng ủy xã")])
    leader = users["daiphuoc-leader"]
    report = report_draft(user=leader, area=Area.objects.get(slug="dai-phuoc"), kind="quarterly", year=TODAY.year,
                          number=(TODAY.month - 1) // 3 + 1)
    report_snapshot_take(report.pk)
    report = report_issue(report_id=report.pk, user=leader)
    report_receive(report_id=report.pk, user=users["dongnai-officer"], accept=True)
    with pytest.raises(ValidationError):  # a return needs its reason; nothing changes
        report_receive(report_id=report.pk, user=party, accept=False, comment="  ")
    assert report.recipients.get(unit__name="Văn phòng Đảng ủy xã").status == "pending"
    report_receive(report_id=report.pk, user=party, accept=False, comment="Thiếu đánh giá của Đảng ủy " * 10)
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED and report.return_comment.startswith("Thiếu đánh giá")
    states = dict(report.recipients.values_list("unit__name", "status"))
    assert states == {"Sở Khoa học và Công nghệ": "received", "Văn phòng Đảng ủy xã": "returned",
                      "Lãnh đạo UBND xã Đại Phước": "pending"}
    with pytest.raises(ValidationError):  # a returned report is drafted again, not received
        report_receive(report_id=report.pk, user=leader, accept=True)


@pytest.mark.usefixtures("without_year")
def test_bad_input_changes_nothing(users, django_user_model):
    """A unit's report for another area's unit, an ad hoc unit report, a second live report for the period, an
    issued unit report without confirmation (the database refuses it too)."""
    officer = users["dantien-economic"]
    area = Area.objects.get(slug="dan-tien")
    unit = Unit.objects.get(area__slug="dan-tien", name="Phòng Kinh tế")
    with pytest.raises(PermissionDenied):
        report_draft(user=officer, area=Area.objects.get(slug="phu-lam"), kind="monthly", year=TODAY.year,
                     number=TODAY.month, unit=unit)
    with pytest.raises(ValidationError):
        report_draft(user=officer, area=area, kind="ad_hoc", year=TODAY.year, number=0, unit=unit)
    assert not Report.objects.filter(unit=unit).exists()
    report = report_draft(user=officer, area=area, kind="monthly", year=TODAY.year, number=TODAY.month, unit=unit)
    with pytest.raises(ValidationError):
        report_draft(user=officer, area=area, kind="monthly", year=TODAY.year, number=TODAY.month, unit=unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(status="issued", number=1, number_year=TODAY.year,
                                                   issued_at=timezone.now())
    assert Report.objects.filter(unit=unit).count() == 1 and not ReportRecipient.objects.exists()


@pytest.mark.usefixtures("without_year")
def test_the_completeness_page_counts_the_reports_units_owe(client, users, django_user_model):
    from reports.documents import report_snapshot_take

    head = unit_head(django_user_model, "phu-lam", "Phòng Kinh tế", "phulam-economic-head")
    unit = Unit.objects.get(area__slug="phu-lam", name="Phòng Kinh tế")
    plan = unit.area.plans.get(slug="phu-lam-55kh")
    owed = ReportingRule.objects.filter(area__slug="phu-lam", issuing_unit__isnull=False, kind="half_year").count()
    url = f"/reports/register/completeness/?kind=half_year&year={TODAY.year}&number={HALF}"
    client.force_login(users["dongnai-officer"])
    rows = {str(r["area"]): r for r in client.get(url).context["rows"]}
    assert rows["Xã Phú Lâm"]["units"] == {"owed": owed, "sent": 0, "received": 0}
    assert rows["Xã Đại Phước"]["units"] is None  # Đại Phước's units owe none

    report = report_draft(user=users["phulam-economic"], area=unit.area, kind="half_year", year=TODAY.year,
                          number=HALF, plan=plan, unit=unit)
    report_snapshot_take(report.pk)
    report_confirm(report_id=report.pk, user=head)
    report_issue(report_id=report.pk, user=head)
    page = client.get(url)
    assert {str(r["area"]): r["units"] for r in page.context["rows"]}["Xã Phú Lâm"] == {
        "owed": owed, "sent": 1, "received": 0}
    assert f"1/{owed} đã gửi, 0 đã tiếp nhận" in page.content.decode()
    # The commune's own half-year report is still missing: its unit's report is no commune report.
    assert rows["Xã Phú Lâm"]["state"] in ("missing", "not_owed")
    assert {str(r["area"]): r["state"] for r in page.context["rows"]}["Xã Phú Lâm"] == rows["Xã Phú Lâm"]["state"]
