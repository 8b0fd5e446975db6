"""Who may act on a task or indicator. Views, services and tests all ask here.

Seeing is decided by the querysets in `querysets.py`; these rules decide acting
on what is seen. Items passed in should have `lead_units`/`support_units` prefetched
where a page checks many of them.
"""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def _unit_ids(units):
    return {unit.id for unit in units.all()}


def reports_for_lead_units(user):
    """Whether the user reports the figures of the items their units lead: officers do, reviewers and leaders of a
    lead unit do not (they review and read)."""
    return user.is_authenticated and (user.is_superuser or user.role == user.Role.OFFICER)


def can_report(user, item):
    """Lead-unit officers change figures; admins of the plan's area may correct them."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if reports_for_lead_units(user):
        return bool(_unit_ids(item.lead_units) & user.unit_ids)
    if user.role == user.Role.ADMIN:
        area = item.plan.area
        return area.id in user.area_ids or area.parent_id in user.area_ids
    return False


def can_comment(user, item):
    """Support units comment on what they support; whoever may report may comment too. A supervisor's unit (the
    Front supports many tasks) does not make them a commenter: supervisors change nothing."""
    if can_report(user, item):
        return True
    return (user.is_authenticated and not user.is_read_only
            and bool(_unit_ids(item.support_units) & user.unit_ids))


def can_review(user, item):
    """The Culture-Social office of the item's own area reviews its evidence."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.role == user.Role.REVIEWER and item.plan.area_id in user.area_ids


def portal_admin_required(view):
    """Pages for admins of an area (and superusers); what they reach within is narrowed by the querysets."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_portal_admin:
            raise PermissionDenied(_("Trang này dành cho quản trị của địa bàn."))
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def can_prepare_report(user, area):
    """Leaders and admins of an area draft, refresh, issue its reports and upload the signed copy."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.role in (user.Role.LEADER, user.Role.ADMIN) and area.id in user.area_ids


def can_prepare_unit_report(user, unit):
    """A unit's own report (to its commune's People's Committee) is drafted, issued and signed by its members."""
    if not user.is_authenticated or user.is_read_only:
        return False
    return user.is_superuser or unit.id in user.unit_ids


def is_unit_head(user, unit):
    """The head of a unit (trưởng phòng, hiệu trưởng, trưởng công an): a leader who is one of its members. Only
    they confirm the unit's figures for a period; a superuser is not the head of anything."""
    return user.is_authenticated and user.role == user.Role.LEADER and unit.id in user.unit_ids


def can_prepare(user, report):
    """Drafting, issuing and signing a report: the unit's members for a unit's report, else the area's."""
    if report.unit_id:
        return can_prepare_unit_report(user, report.unit)
    return can_prepare_report(user, report.area)


def can_receive_for(user, report, unit):
    """Whether the user receives (or returns) the report for one of its recipients: a member of that office; the
    leaders and admins of the area above for its offices (the province for the Sở); the commune's leaders for a
    report its units send to the People's Committee."""
    if not user.is_authenticated or user.is_read_only:
        return False
    if user.is_superuser or unit.id in user.unit_ids:
        return True
    if user.role not in (user.Role.LEADER, user.Role.ADMIN):
        return False
    if unit.area_id != report.area_id:
        return unit.area_id in user.area_ids
    return bool(report.unit_id) and user.role == user.Role.LEADER and report.area_id in user.area_ids


def can_receive_report(user, report):
    """The offices the report is sent to (`can_receive_for` one of them); a report sent to no office, the leaders
    and admins of the area above."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if user.is_read_only:
        return False
    recipients = [r.unit for r in report.recipients.all()] if report.pk else []
    if recipients:
        return any(can_receive_for(user, report, unit) for unit in recipients)
    if report.recipient_unit_id and report.recipient_unit_id in user.unit_ids:
        return True
    return user.role in (user.Role.LEADER, user.Role.ADMIN) and report.area.parent_id in user.area_ids


def can_answer_difficulty(user, difficulty):
    """Leaders of the area (or the area above) and the province's focal office give ý kiến chỉ đạo."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if user.is_read_only:
        return False
    area = difficulty.area
    if user.role == user.Role.LEADER and (area.id in user.area_ids or area.parent_id in user.area_ids):
        return True
    return area.parent_id in user.area_ids and user.unit_ids & focal_unit_ids(area)


def focal_unit_ids(area):
    """The units that receive an area's reports under its reporting rules."""
    return set(area.reporting_rules.filter(issuing_unit__isnull=True).exclude(recipient_unit=None)
               .values_list("recipient_unit_id", flat=True))


def can_edit_reporting_rules(user, area):
    if not user.is_authenticated:
        return False
    return user.is_superuser or (user.role == user.Role.ADMIN and (area.id in user.area_ids
                                                                    or area.parent_id in user.area_ids))
