"""Reporting rules as the seeds say: what each area owes, from when, to whom; warnings one per report owed."""
import datetime

import pytest

from plans.models import Unit
from reports.models import Warning
from reports.services import warnings_raise

D = datetime.date
pytestmark = pytest.mark.usefixtures("without_year")
REPORT_WARNINGS = (Warning.Kind.REPORT_DUE, Warning.Kind.REPORT_LATE)


def _report_warnings(area):
    office = Unit.objects.get(area__slug=area, is_culture_social_office=True)
    return {(w.kind, w.period_label) for w in Warning.objects.filter(unit=office, kind__in=REPORT_WARNINGS,
                                                                     closed_at__isnull=True)}


def test_warnings_one_per_report_owed_named_by_its_period(users, mailoutbox):
    from reports.services import warning_digest_send

    warnings_raise(today=D(2026, 12, 15))
    # Q4 was due by 09/12 ("trước ngày 10"); the area's six-monthly report and 55-KH's own are due by 20/12:
    # two warnings for the two half-year reports, none named by a first month ("kỳ 10/2026").
    assert _report_warnings("phu-lam") == {
        (Warning.Kind.REPORT_LATE, "Quý IV/2026"), (Warning.Kind.REPORT_DUE, "6 tháng cuối năm 2026"),
        (Warning.Kind.REPORT_DUE, "6 tháng cuối năm 2026 (Triển khai Kế hoạch số 55-KH/TU ngày 11/02/2026…)"),
        (Warning.Kind.REPORT_DUE, "Năm 2026")}
    users["phulam-officer"].email = "vhxh@phulam.example"
    users["phulam-officer"].save()
    warning_digest_send(today=D(2026, 12, 15))
    body = next(mail.body for mail in mailoutbox if mail.to == ["vhxh@phulam.example"])
    assert "Quá hạn báo cáo: Phòng Văn hóa - Xã hội · Quý IV/2026" in body
    warnings_raise(today=D(2026, 12, 15))  # a second run raises nothing new
    assert Warning.objects.filter(kind__in=REPORT_WARNINGS, closed_at__isnull=True,
                                  unit__area__slug="phu-lam").count() == 4 + 6  # and 55-KH's six units' own


def test_no_report_owed_for_a_period_before_the_plan_was_issued():
    # Phú Lâm's plans were issued in April 2026: Q1 2026 (due by 09/03) is owed by no one there;
    # Đại Phước's plan is of 2026, so its Q1 is late.
    warnings_raise(today=D(2026, 4, 1))
    assert _report_warnings("phu-lam") == set()
    assert _report_warnings("dai-phuoc") == {(Warning.Kind.REPORT_LATE, "Quý I/2026")}
    # Dân Tiến's plan is of December 2025: November's monthly report (late by then) is not owed, December's is.
    warnings_raise(today=D(2025, 12, 5))
    assert {label for kind, label in _report_warnings("dan-tien") if kind == Warning.Kind.REPORT_LATE} == set()
    warnings_raise(today=D(2025, 12, 15))
    assert (Warning.Kind.REPORT_DUE, "Tháng 12/2025") in _report_warnings("dan-tien")


def test_completeness_lists_as_missing_only_the_communes_that_owe_the_report(client, users):
    client.force_login(users["dongnai-officer"])

    def states(kind, year, number):
        rows = client.get(f"/reports/register/completeness/?kind={kind}&year={year}&number={number}").context["rows"]
        return {str(row["area"]): row["state"] for row in rows}

    # Neither Đồng Nai commune reports monthly: not "Chưa báo cáo".
    assert states("monthly", 2026, 11) == {"Xã Phú Lâm": "not_owed", "Xã Đại Phước": "not_owed"}
    # Q1 2026 ended before Phú Lâm's plans were issued (April 2026); Đại Phước's plan is of 2026.
    assert states("quarterly", 2026, 1) == {"Xã Phú Lâm": "not_owed", "Xã Đại Phước": "missing"}
    assert states("quarterly", 2026, 3) == {"Xã Phú Lâm": "missing", "Xã Đại Phước": "missing"}
    page = client.get("/reports/register/completeness/?kind=monthly&year=2026&number=11").content.decode()
    assert "Không phải báo cáo kỳ này" in page and "Chưa báo cáo" not in page


def _rules(area):
    from plans.models import Area
    from reports.register import reporting_rules_ensure

    return {(rule.plan.slug if rule.plan else None, rule.kind): rule
            for rule in reporting_rules_ensure(Area.objects.get(slug=area))}


def test_seeded_rules_send_reports_where_the_seeds_say_with_each_provinces_own_cut_offs():
    sở_đồng_nai = Unit.objects.get(area__slug="dong-nai", name="Sở Khoa học và Công nghệ")
    sở_minh_họa = Unit.objects.get(area__slug="tinh-cua-dan-tien", name="Sở Khoa học và Công nghệ")
    phu_lam = _rules("phu-lam")
    # 55-KH's six-monthly report goes up to the province's focal office, not to Phú Lâm itself.
    six_monthly = phu_lam["phu-lam-55kh", "half_year"]
    assert six_monthly.recipient_unit == sở_đồng_nai and six_monthly.addressee == "Sở Khoa học và Công nghệ tỉnh Đồng Nai"
    # Đồng Nai's plan 182: communes' quarterly report before the 10th of the quarter's last month.
    assert (phu_lam[None, "quarterly"].cutoff_day, phu_lam[None, "quarterly"].deadline_day) == (8, 9)
    dan_tien = _rules("dan-tien")
    assert set(dan_tien) == {(None, kind) for kind in ("monthly", "quarterly", "half_year", "annual")}
    assert {rule.recipient_unit for rule in dan_tien.values()} == {sở_minh_họa}
    assert {rule.addressee for rule in dan_tien.values()} == {"Sở Khoa học và Công nghệ tỉnh Minh họa"}
    # Minh họa's plan sets no cut-offs: Decree 09/2019's, not Đồng Nai's.
    assert {(rule.cutoff_day, rule.deadline_day) for rule in dan_tien.values()} == {(14, 20)}
    assert (_rules("tinh-cua-dan-tien")[None, "monthly"].deadline_day, _rules("dong-nai")[None, "monthly"].deadline_day) \
        == (20, 24)
    # So Dân Tiến's Q4 2025 is due by 20/12 (Decree 09), five days on.
    warnings_raise(today=D(2025, 12, 15))
    assert _report_warnings("dan-tien") == {(Warning.Kind.REPORT_DUE, label) for label in (
        "Tháng 12/2025", "Quý IV/2025", "6 tháng cuối năm 2025", "Năm 2025")}


def test_an_area_admin_adds_and_removes_a_report_kind(client, users):
    from reports.models import ReportingRule

    sở = Unit.objects.get(area__slug="dong-nai", name="Sở Khoa học và Công nghệ")
    phu_lam = _rules("phu-lam")[None, "quarterly"].area
    client.force_login(users["phulam-admin"])
    prefix = f"add{phu_lam.pk}"
    form = {f"{prefix}-kind": "monthly", f"{prefix}-plan": "", f"{prefix}-recipient_unit": sở.pk,
            f"{prefix}-addressee": "Sở Khoa học và Công nghệ tỉnh Đồng Nai", f"{prefix}-cutoff_day": 14,
            f"{prefix}-deadline_day": 20, f"{prefix}-deadline_month_offset": 0}
    page = client.get("/reports/rules/").content.decode()
    assert f'id="rule-add-{phu_lam.pk}"' in page
    response = client.post(f"/reports/rules/add/{phu_lam.pk}/", form, follow=True)
    assert "Đã thêm báo cáo tháng vào chế độ báo cáo của Xã Phú Lâm." in response.content.decode()
    monthly = ReportingRule.objects.get(area=phu_lam, plan=None, kind="monthly")
    assert monthly.is_active and monthly.recipient_unit == sở and monthly.history.count() == 1
    client.force_login(users["dongnai-officer"])
    rows = client.get("/reports/register/completeness/?kind=monthly&year=2026&number=11").context["rows"]
    assert {str(row["area"]): row["state"] for row in rows}["Xã Phú Lâm"] == "missing"

    client.force_login(users["phulam-admin"])
    again = client.post(f"/reports/rules/add/{phu_lam.pk}/", {**form, f"{prefix}-deadline_day": 5}, follow=True)
    assert "Chế độ báo cáo của địa bàn đã có báo cáo tháng." in again.content.decode()
    monthly.refresh_from_db()
    assert monthly.deadline_day == 20  # refused: nothing changed

    client.post(f"/reports/rules/{monthly.pk}/remove/")
    monthly.refresh_from_db()
    assert not monthly.is_active
    warnings_raise(today=D(2026, 12, 15))
    assert not {label for _kind, label in _report_warnings("phu-lam") if label.startswith("Tháng")}
    # Added again: the same rule comes back with the values given.
    client.post(f"/reports/rules/add/{phu_lam.pk}/", {**form, f"{prefix}-deadline_day": 25})
    monthly.refresh_from_db()
    assert monthly.is_active and monthly.deadline_day == 25
    # A recipient outside the commune and its province is refused.
    other = Unit.objects.get(area__slug="tinh-cua-dan-tien", name="Sở Khoa học và Công nghệ")
    client.post(f"/reports/rules/add/{phu_lam.pk}/", {**form, f"{prefix}-kind": "nine_month",
                                                     f"{prefix}-recipient_unit": other.pk})
    assert not ReportingRule.objects.filter(area=phu_lam, kind="nine_month").exists()


def test_a_database_made_before_gets_the_seeded_rules_corrected_unless_someone_edited_them(users):
    import importlib

    from django.apps import apps

    from reports.models import ReportingRule
    from reports.register import reporting_rule_update

    migration = importlib.import_module("reports.migrations.0007_reporting_rules_as_the_seeds_say")
    office = Unit.objects.get(area__slug="phu-lam", name="Phòng Văn hóa - Xã hội")
    phu_lam, dan_tien = _rules("phu-lam"), _rules("dan-tien")
    # The rules as the old defaults made them (updated in place, leaving history as it was).
    ReportingRule.objects.filter(pk=phu_lam["phu-lam-55kh", "half_year"].pk).update(
        recipient_unit=office, addressee="Ủy ban nhân dân xã Phú Lâm")
    ReportingRule.objects.filter(pk__in=[r.pk for r in dan_tien.values()]).update(addressee="Sở Khoa học và Công nghệ")
    ReportingRule.objects.filter(pk=dan_tien[None, "quarterly"].pk).update(cutoff_day=8, deadline_day=9)
    # Đại Phước's admin chose its own quarterly deadline: kept.
    edited = _rules("dai-phuoc")[None, "quarterly"]
    reporting_rule_update(rule_id=edited.pk, user=users["dongnai-admin"], data={"deadline_day": 7})
    migration.rules_correct(apps, None)
    fixed = _rules("phu-lam")["phu-lam-55kh", "half_year"]
    assert (fixed.recipient_unit.area.slug, fixed.addressee) == ("dong-nai", "Sở Khoa học và Công nghệ tỉnh Đồng Nai")
    quarterly = _rules("dan-tien")[None, "quarterly"]
    assert (quarterly.cutoff_day, quarterly.deadline_day, quarterly.addressee) == (
        14, 20, "Sở Khoa học và Công nghệ tỉnh Minh họa")
    assert _rules("phu-lam")[None, "quarterly"].deadline_day == 9  # Đồng Nai's own, kept
    assert _rules("dai-phuoc")[None, "quarterly"].deadline_day == 7


def test_the_provinces_report_asks_no_commune_for_a_period_before_its_plan():
    from types import SimpleNamespace

    from reports.snapshot import _owed

    q1 = SimpleNamespace(kind="quarterly", last_month=D(2026, 3, 1))
    # Phú Lâm's plans are of April 2026: it owed nothing for Q1; Đại Phước's (2026) owed Q1.
    assert _owed(["quarterly", "half_year", "annual"], q1, D(2026, 4, 1)) is None
    assert _owed(["quarterly", "half_year", "annual"], q1, D(2026, 1, 1))[:3] == ("quarterly", 2026, 1)
    assert _owed(["quarterly"], q1, None) is None  # no plan yet
    from reports.documents.layout import _communes_appendix

    row = {"rank": 1, "area": "Xã Phú Lâm", "owed": "", "reported": False, "on_time": None, "reference": "",
           "issued": "", "totals": {}}
    cells = _communes_appendix([row], {})["rows"][0]["cells"]
    assert cells[2:5] == ["", "Không phải báo cáo kỳ này", "Không phải báo cáo kỳ này"]
    owing = _communes_appendix([{**row, "owed": "Quý I/2026"}], {})["rows"][0]["cells"]
    assert owing[3:5] == ["Chưa báo cáo", "Chưa báo cáo"]


def test_the_rules_page_only_reads_and_an_area_without_rules_takes_the_defaults_on_request(client, users):
    from reports.models import ReportingRule

    phu_lam = _rules("phu-lam")[None, "quarterly"].area
    assert ReportingRule.objects.filter(area=phu_lam).exists()  # made when its plans were loaded, not by a page
    ReportingRule.objects.filter(area=phu_lam).delete()
    client.force_login(users["phulam-admin"])
    page = client.get("/reports/rules/").content.decode()
    assert not ReportingRule.objects.filter(area=phu_lam).exists()  # a GET writes nothing
    assert f'id="rule-defaults-{phu_lam.pk}"' in page and "Tạo chế độ báo cáo mặc định" in page
    client.get("/reports/register/")
    assert not ReportingRule.objects.filter(area=phu_lam).exists()
    response = client.post(f"/reports/rules/defaults/{phu_lam.pk}/", follow=True)
    assert "Đã tạo chế độ báo cáo mặc định cho Xã Phú Lâm." in response.content.decode()
    assert set(ReportingRule.objects.filter(area=phu_lam).values_list("plan__slug", "kind")) == {
        (None, "quarterly"), (None, "half_year"), (None, "annual"), ("phu-lam-55kh", "half_year")}
    client.force_login(users["danTien-admin"] if "danTien-admin" in users else users["dongnai-officer"])
    assert client.post(f"/reports/rules/defaults/{phu_lam.pk}/").status_code == 404
