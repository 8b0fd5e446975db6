"""Units' reports to their commune's People's Committee owe their deadlines as the commune's own do: "due" and "late"
warnings on the unit, named by the period's real name, only for periods after the plan was issued, closed as the
report is sent, seen by the unit and by the commune's leaders and Culture-Social office."""
import datetime

import pytest

from people.models import Notification
from plans.models import Unit
from reports.documents import report_snapshot_take
from reports.models import Warning
from reports.register import report_confirm, report_draft, report_issue
from reports.services import warnings_raise

D = datetime.date
pytestmark = pytest.mark.usefixtures("without_year")
REPORT_WARNINGS = (Warning.Kind.REPORT_DUE, Warning.Kind.REPORT_LATE)
PHU_LAM_UNITS = {"Phòng Kinh tế", "Văn phòng HĐND & UBND xã", "Công an xã", "Trung tâm phục vụ hành chính công xã",
                 "Trạm y tế", "Các trường học"}
H2_55KH = "6 tháng cuối năm 2026 (Triển khai Kế hoạch số 55-KH/TU ngày 11/02/2026…)"


def _unit_warnings(area):
    """{(unit, kind, period label)} of the open report warnings raised on the area's units other than the office
    that prepares the commune's own reports."""
    return {(w.unit.name, w.kind, w.period_label)
            for w in Warning.objects.filter(unit__area__slug=area, kind__in=REPORT_WARNINGS, closed_at__isnull=True,
                                            unit__is_culture_social_office=False).select_related("unit")}


def _send(users, unit_name, head_username):
    unit = Unit.objects.get(area__slug="phu-lam", name=unit_name)
    report = report_draft(user=users[head_username], area=unit.area, kind="half_year", year=2026, number=2,
                          plan=unit.area.plans.get(slug="phu-lam-55kh"), unit=unit)
    report_snapshot_take(report.pk)
    report_confirm(report_id=report.pk, user=users[head_username])
    return report_issue(report_id=report.pk, user=users[head_username])


def test_each_unit_owes_its_report_and_is_warned_before_and_after_its_deadline(users):
    warnings_raise(today=D(2026, 12, 1))  # the items' own warnings, and the first half-year's report late
    assert ("Công an xã", Warning.Kind.REPORT_LATE, H2_55KH.replace("cuối", "đầu")) in _unit_warnings("phu-lam")
    # 55-KH's units report every six months, three days before the commune's own deadline (20/12): by 17/12.
    warnings_raise(today=D(2026, 12, 15))
    assert _unit_warnings("phu-lam") == {(unit, Warning.Kind.REPORT_DUE, H2_55KH) for unit in PHU_LAM_UNITS}
    police = Warning.objects.get(unit__area__slug="phu-lam", unit__name="Công an xã", closed_at__isnull=True)
    assert police.details["deadline"] == "2026-12-17" and police.period_key.endswith(f"-unit{police.unit_id}")
    # The commune's own reports keep their four warnings on its Culture-Social office.
    assert Warning.objects.filter(unit__area__slug="phu-lam", kind__in=REPORT_WARNINGS, closed_at__isnull=True,
                                  unit__is_culture_social_office=True).count() == 4
    # The unit's officer is told; so are the commune's leaders (a unit's head among them).
    told = Notification.objects.filter(recipient=users["phulam-congan"]).latest("id").message
    assert "Sắp đến hạn báo cáo – Công an xã · 6 tháng cuối năm 2026" in told, told
    assert Notification.objects.filter(recipient=users["phulam-truong-congan"]).exists()

    warnings_raise(today=D(2026, 12, 18))
    assert _unit_warnings("phu-lam") == {(unit, Warning.Kind.REPORT_LATE, H2_55KH) for unit in PHU_LAM_UNITS}


def test_sending_the_report_closes_its_warning_at_once_and_only_its_own(users):
    warnings_raise(today=D(2026, 12, 18))
    report = _send(users, "Phòng Kinh tế", "phulam-truong-kinhte")
    assert report.reference == "01/BC-PKT"
    assert ("Phòng Kinh tế", Warning.Kind.REPORT_LATE, H2_55KH) not in _unit_warnings("phu-lam")  # before any job
    closed = Warning.objects.get(unit=report.unit, kind=Warning.Kind.REPORT_LATE)
    assert closed.closed_at is not None
    assert ("Công an xã", Warning.Kind.REPORT_LATE, H2_55KH) in _unit_warnings("phu-lam")
    # The commune's own six-monthly report for 55-KH is still owed: the unit's report does not stand for it.
    office = Unit.objects.get(area__slug="phu-lam", is_culture_social_office=True)
    assert Warning.objects.filter(unit=office, closed_at__isnull=True, period_key__startswith="half_year-2026-2-plan"
                                  ).exists()
    warnings_raise(today=D(2026, 12, 18))  # the job finds it sent and raises nothing again
    assert not Warning.objects.filter(unit=report.unit, closed_at__isnull=True).exists()
    assert len(_unit_warnings("phu-lam")) == len(PHU_LAM_UNITS) - 1


def test_no_unit_report_is_owed_for_a_period_before_the_plan_was_issued():
    # Dân Tiến's plan is of December 2025: its units owe nothing for November, and December's by the 17th.
    warnings_raise(today=D(2025, 12, 5))
    assert _unit_warnings("dan-tien") == set()
    warnings_raise(today=D(2025, 12, 15))
    assert _unit_warnings("dan-tien") == {(unit, Warning.Kind.REPORT_DUE, label)
                                          for unit in ("Phòng Kinh tế", "Các trường học", "Công an xã")
                                          for label in ("Tháng 12/2025", "Quý IV/2025", "6 tháng cuối năm 2025",
                                                        "Năm 2025")}
    # Phú Lâm's 55-KH was issued in April 2026: its units owe nothing for the second half of 2025.
    warnings_raise(today=D(2026, 1, 5))
    assert _unit_warnings("phu-lam") == set()


@pytest.mark.parametrize("username, sees", [
    ("phulam-congan", True), ("phulam-truong-congan", True), ("phulam-leader", True), ("phulam-officer", True),
    ("daiphuoc-leader", False), ("dantien-officer", False),
])
def test_the_unit_and_the_communes_leaders_and_office_see_it(client, users, username, sees):
    warnings_raise(today=D(2026, 12, 18))
    client.force_login(users[username])
    page = client.get("/reports/warnings/?kind=report_late")
    listed = {(w.unit.name if w.unit_id else "", w.period_label) for w in page.context["page"]}
    assert (("Công an xã", H2_55KH) in listed) is sees
    if sees:
        assert f"Công an xã · {H2_55KH}" in page.content.decode()
