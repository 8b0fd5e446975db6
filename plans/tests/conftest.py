import pytest


@pytest.fixture
def draft_plan(users):
    """A draft plan of Phú Lâm with nothing in it, as an appendix import finds it."""
    from plans.models import Plan

    area = Plan.objects.get(slug="phu-lam-55kh").area
    return Plan.objects.create(slug="phu-lam-moi", area=area, issuer="UBND xã Phú Lâm", title="Kế hoạch mới",
                               issued_year=2026, status="draft")
