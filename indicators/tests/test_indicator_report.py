from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from indicators.models import Indicator
from indicators.services import indicator_value_report
from plans.models import ItemStatus
from tests import files

# Workflows from a clean slate: the demo's year of work is left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]
MONTH = timezone.localdate().replace(day=1)


def _indicator(ordinal):
    return Indicator.objects.get(plan__slug="phu-lam-55kh", ordinal=ordinal)


def test_a_value_below_target_is_in_progress(users):
    indicator = _indicator("14")  # ≥ 30 %
    indicator_value_report(indicator_id=indicator.pk, user=users["phulam-officer"], version=1, period=MONTH, value="29,5")
    indicator.refresh_from_db()
    assert (indicator.current_value, indicator.is_met, indicator.status) == (Decimal("29.5"), False, ItemStatus.IN_PROGRESS)


def test_a_met_target_needs_evidence_and_then_awaits_review(users):
    indicator = _indicator("14")
    with pytest.raises(ValidationError) as refused:
        indicator_value_report(indicator_id=indicator.pk, user=users["phulam-officer"], version=1, period=MONTH, value=30)
    assert "uploads" in refused.value.message_dict
    indicator_value_report(indicator_id=indicator.pk, user=users["phulam-officer"], version=1, period=MONTH, value=30,
                           uploads=[(files.upload("ds.xlsx", files.xlsx_bytes()), "Danh sách cán bộ đạt kỹ năng số")])
    indicator.refresh_from_db()
    assert indicator.is_met and indicator.status == ItemStatus.AWAITING_REVIEW and indicator.version == 2


def test_more_than_is_not_met_by_the_bound_itself(users):
    indicator = _indicator("1")  # > 30 %
    indicator_value_report(indicator_id=indicator.pk, user=users["phulam-officer"], version=1, period=MONTH, value=30)
    indicator.refresh_from_db()
    assert indicator.is_met is False


def test_a_qualitative_target_takes_a_state(users):
    indicator = _indicator("24")  # Triển khai
    with pytest.raises(ValidationError):
        indicator_value_report(indicator_id=indicator.pk, user=users["phulam-officer"], version=1, period=MONTH, value=5)
    indicator_value_report(indicator_id=indicator.pk, user=users["phulam-officer"], version=1, period=MONTH,
                           qualitative_state="in_progress", description="Đang khảo sát")
    indicator.refresh_from_db()
    assert indicator.status == ItemStatus.IN_PROGRESS and indicator.is_met is False


def test_only_the_lead_unit_reports(users):
    indicator = _indicator("15")  # led by the commune police
    with pytest.raises(PermissionDenied):
        indicator_value_report(indicator_id=indicator.pk, user=users["phulam-officer"], version=1, period=MONTH, value=90)


def test_report_page_round_trip(client, users):
    indicator = _indicator("14")
    client.force_login(users["phulam-officer"])
    assert client.get(f"/indicators/{indicator.pk}/report/").status_code == 200
    response = client.post(f"/indicators/{indicator.pk}/report/", {"version": 1, "period": MONTH.strftime("%Y-%m"), "value": "12"})
    assert response.status_code == 302
    page = client.get(f"/indicators/{indicator.pk}/")
    assert "12" in page.content.decode() and page.context["reports"][0].value == 12
