import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator, IndicatorTarget
from indicators.services import indicator_targets_replace, indicator_value_report
from indicators.targets import baseline_values, year_of, year_target_values
from tests import files

PERIOD_2026 = datetime.date(2026, 11, 1)


def _with_years(indicator, user):
    """≥ 80% in 2026, ≥ 95% by 2030 (the indicator's own target stays the stage's)."""
    indicator_targets_replace({indicator.pk: [
        year_target_values("≥ 80%", year=2026, label="Năm 2026"),
        year_target_values("≥ 95%", year=2030, label="Đến năm 2030"),
    ]}, user=user, reason="Chỉ tiêu theo năm")
    return Indicator.objects.get(pk=indicator.pk)


@pytest.mark.parametrize("label, year", [("Năm 2026", 2026), ("Đến năm 2030", 2030), ("Chỉ tiêu năm 2026", 2026),
                                         ("Giai đoạn 2026 - 2030", 2030), ("Thực hiện năm 2025", 2025),
                                         ("Kết quả", None)])
def test_a_heading_names_the_year_its_target_is_for(label, year):
    assert year_of(label) == year


def test_a_baseline_keeps_its_words_year_and_figure():
    assert baseline_values("45%", label="Thực hiện năm 2025") == {
        "baseline": "45%", "baseline_label": "Thực hiện năm 2025", "baseline_year": 2025,
        "baseline_value": Decimal(45)}


@pytest.mark.django_db
def test_the_target_applying_is_the_years_then_the_next_then_the_indicators_own(users):
    indicator = _with_years(Indicator.objects.get(plan__slug="dai-phuoc-2026", ordinal="(7)", section__number="1.5."),
                            users["admin"])
    assert indicator.target_text == "95%"  # its own target is untouched
    assert indicator.target_for(datetime.date(2026, 6, 30)).value == 80
    assert indicator.target_for(datetime.date(2027, 1, 1)).label == "Đến năm 2030"  # the stage's, ahead
    assert indicator.target_for(datetime.date(2030, 12, 31)).value == 95
    assert indicator.target_for(datetime.date(2031, 1, 1)).target_text == "95%"  # after the stage: its own
    assert indicator.judge(Decimal(85), datetime.date(2026, 12, 1)) is True
    assert indicator.judge(Decimal(85), datetime.date(2030, 12, 1)) is False
    assert indicator.judge(Decimal(96), datetime.date(2030, 12, 1)) is True


@pytest.mark.django_db
def test_a_2026_report_is_judged_against_2026s_target(users):
    indicator = _with_years(Indicator.objects.get(plan__slug="dai-phuoc-2026", ordinal="(7)", section__number="1.5."),
                            users["admin"])
    indicator_value_report(indicator_id=indicator.pk, user=users["admin"], version=indicator.version,
                           period=PERIOD_2026, value=85,
                           uploads=[(files.upload("bc.pdf", files.pdf_bytes()), "Báo cáo")])
    indicator.refresh_from_db()
    assert indicator.is_met is True  # 85 meets 2026's ≥ 80%, not the plan's 95%
    assert indicator.reports.first().is_met is True


@pytest.mark.django_db
def test_targets_are_replaced_with_history_and_left_alone_when_the_same(users):
    indicator = _with_years(Indicator.objects.get(plan__slug="dai-phuoc-2026", ordinal="(7)", section__number="1.5."),
                            users["admin"])
    assert list(indicator.targets.values_list("year", "comparator", "value")) == [
        (2026, ">=", Decimal(80)), (2030, ">=", Decimal(95))]
    history = IndicatorTarget.history.filter(indicator_id=indicator.pk)
    assert history.filter(history_type="+", history_user=users["admin"]).count() == 2
    assert history.filter(history_type="-", history_user=users["admin"]).count() == 1  # the seed's 2026 target
    before = history.count()
    assert indicator_targets_replace({indicator.pk: [
        year_target_values("≥ 80%", year=2026, label="Năm 2026"),
        year_target_values("≥ 95%", year=2030, label="Đến năm 2030")]}) == 0
    assert history.count() == before
    indicator_targets_replace({indicator.pk: [year_target_values("≥ 90%", year=2030, label="Đến năm 2030")]},
                              user=users["admin"], reason="Sửa")
    assert list(indicator.targets.values_list("year", "value")) == [(2030, Decimal(90))]
    assert history.count() == before + 3
    assert history.filter(history_type="-", history_user=users["admin"], history_change_reason="Sửa").count() == 2


@pytest.mark.django_db
def test_the_indicator_page_and_report_form_show_the_targets_by_year_and_the_baseline(client, users):
    indicator = _with_years(Indicator.objects.get(plan__slug="dai-phuoc-2026", ordinal="(7)", section__number="1.5."),
                            users["admin"])
    Indicator.objects.filter(pk=indicator.pk).update(baseline="90%", baseline_label="Thực hiện năm 2025")
    client.force_login(users["admin"])
    page = client.get(f"/indicators/{indicator.pk}/").content.decode()
    assert "Năm 2026</strong>: ≥ 80%" in page and "Đến năm 2030</strong>: ≥ 95%" in page
    assert "90% <span class=\"muted\">(Thực hiện năm 2025)</span>" in page
    form = client.get(f"/indicators/{indicator.pk}/report/").content.decode()
    assert "Đến năm 2030</strong>: ≥ 95%" in form and "Thực hiện năm 2025: 90%" in form


@pytest.mark.django_db
def test_an_area_admin_edits_the_targets_by_year_and_baseline_in_the_indicator_form(client, users):
    indicator = Indicator.objects.get(plan__slug="dai-phuoc-2026", ordinal="(7)", section__number="1.5.")
    url = reverse("plans:item_edit", args=["dai-phuoc-2026", "indicators", indicator.pk])
    client.force_login(users["daiphuoc-admin"])
    assert "Đến cuối năm 2026: 95%" in client.get(url).content.decode()  # the seed's, shown to edit
    post = {"section": indicator.section_id, "ordinal": "(7)", "content": indicator.content, "unit_of_measure": "%",
            "target_text": "95%", "baseline": "88%", "baseline_label": "Thực hiện năm 2025",
            "year_targets": "Năm 2026: ≥ 90%\nĐến năm 2030: 98%", "version": indicator.version}
    bad = client.post(url, {**post, "year_targets": "Năm 2026: ≥ 90%\nsau này: 98%"})
    assert bad.status_code == 400 and "hãy ghi năm rồi chỉ tiêu" in bad.content.decode()
    assert [t.target_text for t in indicator.targets.all()] == ["95%"]  # nothing changed
    assert client.post(url, post).status_code == 302
    indicator.refresh_from_db()
    assert [(t.year, t.label, t.value) for t in indicator.targets.all()] == [
        (2026, "Năm 2026", Decimal(90)), (2030, "Đến năm 2030", Decimal(98))]
    assert (indicator.baseline_label, indicator.baseline_year, indicator.baseline_value) == (
        "Thực hiện năm 2025", 2025, Decimal(88))
    assert indicator.targets.first().history.first().history_user == users["daiphuoc-admin"]


def test_a_report_documents_target_cell_shows_each_years_target_and_the_baseline():
    from reports.documents.layout import _target_cell

    assert _target_cell({"target": "≥ 80%", "targets": [["Năm 2026", "≥ 80%"], ["Đến năm 2030", "≥ 95%"]],
                         "baseline": ["Thực hiện năm 2025", "45%"]}) == (
        "Năm 2026: ≥ 80%\nĐến năm 2030: ≥ 95%\nThực hiện năm 2025: 45%")
    assert _target_cell({"target": "≥ 80%"}) == "≥ 80%"  # a snapshot frozen before targets by year
