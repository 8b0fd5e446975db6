"""Who enters funding: the area's Economic office (Phòng Kinh tế, in a province Sở Tài chính, whose budget it is)
and the area's admins (an admin of the province also for its communes, as for plans). Everyone who sees the plan
reads its funding."""
from plans.text import name_key

# Offices named as the seeds name them; a ward's "Phòng Kinh tế, Hạ tầng và Đô thị" is one too.
_OFFICE_KEYS = (name_key("Phòng Kinh tế"), name_key("Sở Tài chính"), name_key("Phòng Tài chính - Kế hoạch"))


def is_finance_office(unit_name):
    key = name_key(unit_name)
    return any(key.startswith(office) for office in _OFFICE_KEYS)


def finance_office_area_ids(user):
    """The areas whose finance office the user belongs to (read with the user's units: no query of its own)."""
    if not user.is_authenticated:
        return set()
    return {area_id for area_id, name in user.unit_areas_and_names if is_finance_office(name)}


def can_enter_funding(user, area):
    """Whether `user` may enter the funding of `area`'s plans and its yearly base figures."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if user.role == user.Role.ADMIN and (area.id in user.area_ids or area.parent_id in user.area_ids):
        return True
    return area.id in user.area_ids and area.id in finance_office_area_ids(user)
