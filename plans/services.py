"""Plan administration: the workflows that write plans, their headings, items, legal documents and units.

The portal's pages for admins of an area call these, never the models directly."""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from indicators.models import Indicator
from indicators.services import indicator_targets_replace
from indicators.targets import baseline_values, parse_target, year_targets_read
from tasks.models import Task
from tasks.timelines import parse_timeline

from .item_kinds import item_model
from .models import Area, LegalDocument, Plan, Section, Unit, UnitAlias
from .text import name_key
from .units import area_units
from .writes import REASON_MAX, item_lock, unit_slug


def plan_check_editable(user, plan):
    if not Plan.objects.editable_by(user).filter(pk=plan.pk).exists():
        raise PermissionDenied(_("Chỉ quản trị của địa bàn mới được thay đổi kế hoạch này."))


def change_reason(plan, reason):
    """A draft changes freely; once issued, every change says why (kept as the history's change reason)."""
    reason = (reason or "").strip()
    if plan.status != Plan.Status.DRAFT and not reason:
        raise ValidationError({"reason": _("Kế hoạch đã ban hành: hãy nêu lý do thay đổi.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Lý do tối đa %(max)s ký tự.") % {"max": REASON_MAX}})
    return reason


def _unique_slug(model, base, max_length):
    slug = base[:max_length] or "ke-hoach"
    suffix = 1
    while model.objects.filter(slug=slug).exists():
        suffix += 1
        slug = f"{base[:max_length - 6]}-{suffix}"
    return slug


def _saved(obj, *, user, reason):
    obj._history_user = user
    obj._change_reason = reason or None
    obj.save()
    return obj


def _saved_with_relations(obj, *, user, reason, relations):
    """Save an object and its many-to-many relations as one history record that holds both."""
    created = obj.pk is None
    obj.skip_history_when_saving = True
    try:
        obj.save()
        for name, values in relations.items():
            if values is not None:
                getattr(obj, name).set(values)
    finally:
        del obj.skip_history_when_saving
    _saved(obj, user=user, reason=reason)
    if created:  # the one record is the creation, not an update
        type(obj).history.filter(id=obj.pk).update(history_type="+")
    return obj


def _check_documents(user, documents):
    usable = set(LegalDocument.objects.usable_by(user).filter(pk__in=[d.pk for d in documents])
                 .values_list("pk", flat=True))
    if any(d.pk not in usable for d in documents):
        raise PermissionDenied(_("Văn bản được chọn không thuộc phạm vi của bạn."))


PLAN_FIELDS = ["number", "symbol", "issued_day", "issued_month", "issued_year", "issuer", "signer_name",
               "signer_title", "title", "implements_plan", "replaces"]


def _plan_errors(plan, *, issued):
    """What a plan lacks: a title and issuer always, a real date, and once issued its number, full date and signer."""
    errors = {}
    if not plan.title.strip():
        errors["title"] = _("Hãy nhập trích yếu của kế hoạch.")
    if not plan.issuer.strip():
        errors["issuer"] = _("Hãy nhập cơ quan ban hành.")
    if plan.issued_month is not None and not 1 <= plan.issued_month <= 12:
        errors["issued_month"] = _("Tháng phải từ 1 đến 12.")
    if plan.issued_day is not None and not 1 <= plan.issued_day <= 31:
        errors["issued_day"] = _("Ngày phải từ 1 đến 31.")
    elif plan.issued_year and plan.issued_month and plan.issued_day and "issued_month" not in errors:
        try:
            datetime.date(plan.issued_year, plan.issued_month, plan.issued_day)
        except ValueError:
            errors["issued_day"] = _("Ngày ban hành không có thật.")
    if issued:
        if not plan.number:
            errors["number"] = _("Kế hoạch ban hành phải có số.")
        if not (plan.issued_year and plan.issued_month and plan.issued_day):
            errors.setdefault("issued_day", _("Kế hoạch ban hành phải có đủ ngày, tháng, năm ban hành."))
        if not plan.signer_name:
            errors["signer_name"] = _("Kế hoạch ban hành phải có người ký.")
    return errors


@transaction.atomic
def plan_save(*, user, plan=None, area=None, values, legal_basis=(), implements=(), reason=""):
    """Create a draft plan in an area the user administers, or change one they may edit.

    `values` holds the plan's own fields (PLAN_FIELDS); the plan it implements and the documents
    it cites must be within the user's scope.
    """
    if plan is None:
        if not Area.objects.administered_by(user).filter(pk=area.pk).exists():
            raise PermissionDenied(_("Bạn không quản trị địa bàn này."))
        plan = Plan(area=area, status=Plan.Status.DRAFT)
        plan.slug = _unique_slug(Plan, slugify(f"{area.slug} {values.get('number') or ''} {values.get('symbol', '')} "
                                               f"{values.get('issued_year') or ''}"), 120)
    else:
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        plan_check_editable(user, plan)
    reason = change_reason(plan, reason)
    higher = values.get("implements_plan")
    if higher is not None and (higher.pk == plan.pk or not Plan.objects.visible_to(user).filter(pk=higher.pk).exists()):
        raise ValidationError({"implements_plan": _("Chọn một kế hoạch cấp trên khác kế hoạch này.")})
    documents = [*legal_basis, *implements, *([values["replaces"]] if values.get("replaces") else [])]
    _check_documents(user, documents)
    for name in PLAN_FIELDS:
        if name in values:
            setattr(plan, name, values[name])
    errors = _plan_errors(plan, issued=plan.status != Plan.Status.DRAFT)
    if errors:
        raise ValidationError(errors)
    return _saved_with_relations(plan, user=user, reason=reason,
                                 relations={"legal_basis": legal_basis, "implements": implements})


@transaction.atomic
def plan_issue(*, user, plan):
    """Draft → issued: the plan must carry its number, full date, signer and at least one item."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    plan_check_editable(user, plan)
    if plan.status != Plan.Status.DRAFT:
        raise ValidationError(_("Chỉ kế hoạch dự thảo mới được ban hành."))
    errors = _plan_errors(plan, issued=True)
    if not plan.indicators.exists() and not plan.tasks.exists():
        errors["__all__"] = _("Kế hoạch chưa có chỉ tiêu hoặc nhiệm vụ nào.")
    if errors:
        raise ValidationError(errors)
    plan.status = Plan.Status.ISSUED
    plan = _saved(plan, user=user, reason=_("Ban hành kế hoạch"))
    reporting_rules_create(plan)
    return plan


def reporting_rules_create(plan):
    """An issued plan's area starts owing reports: its reporting rules (and the plan's own cadence) are made now,
    never on a page view."""
    from reports.register import reporting_rules_defaults_create

    reporting_rules_defaults_create(area_ids=[plan.area_id])


@transaction.atomic
def legal_document_save(*, user, document=None, area=None, values):
    """An admin enters a document for their area's plans, or corrects one nobody else cites."""
    if document is None:
        if not Area.objects.administered_by(user).filter(pk=area.pk).exists():
            raise PermissionDenied(_("Bạn không quản trị địa bàn này."))
        document = LegalDocument(area=area)
    elif not LegalDocument.objects.editable_by(user).filter(pk=document.pk).exists():
        raise PermissionDenied(_("Văn bản này dùng chung hoặc được kế hoạch của địa bàn khác trích dẫn; "
                                 "chỉ quản trị hệ thống được sửa."))
    for name, value in values.items():
        setattr(document, name, value)
    if LegalDocument.objects.filter(reference=document.reference, issuer=document.issuer).exclude(pk=document.pk).exists():
        raise ValidationError({"reference": _("Văn bản %(reference)s của %(issuer)s đã có; hãy chọn nó trong danh sách.")
                               % {"reference": document.reference, "issuer": document.issuer}})
    return _saved(document, user=user, reason="")


@transaction.atomic
def section_save(*, user, plan, section=None, values, reason=""):
    """Add a heading at the end of the plan, or change one; its parent must be a heading of the same plan."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    plan_check_editable(user, plan)
    reason = change_reason(plan, reason)
    if section is None:
        section = Section(plan=plan, position=(plan.sections.aggregate(m=Max("position"))["m"] or 0) + 1)
    else:
        section = plan.sections.get(pk=section.pk)
    parent = values.get("parent")
    if parent is not None and (parent.plan_id != plan.pk or parent.pk == section.pk):
        raise ValidationError({"parent": _("Mục cha phải là một mục khác của cùng kế hoạch.")})
    for name in ("appendix", "number", "title", "parent"):
        if name in values:
            setattr(section, name, values[name])
    if not section.title.strip():
        raise ValidationError({"title": _("Hãy nhập tên mục.")})
    return _saved(section, user=user, reason=reason)


def _swap_positions(first, second, *, user, reason):
    """Two rows trade places; positions are unique, so one waits at a free position meanwhile."""
    model = type(first)
    free = (model.objects.filter(plan_id=first.plan_id).aggregate(m=Max("position"))["m"] or 0) + 1
    first_position, second_position = first.position, second.position
    first.position = free
    first.save_without_historical_record()
    second.position = first_position
    _saved(second, user=user, reason=reason)
    first.position = second_position
    _saved(first, user=user, reason=reason)


def _neighbour(rows, obj, direction):
    ordered = list(rows.order_by("position"))
    index = [row.pk for row in ordered].index(obj.pk) + (-1 if direction == "up" else 1)
    return ordered[index] if 0 <= index < len(ordered) else None


@transaction.atomic
def section_move(*, user, section, direction, reason=""):
    plan = Plan.objects.select_for_update().get(pk=section.plan_id)
    plan_check_editable(user, plan)
    reason = change_reason(plan, reason)
    section = plan.sections.get(pk=section.pk)
    other = _neighbour(plan.sections.all(), section, direction)
    if other is not None:
        _swap_positions(section, other, user=user, reason=reason)
    return section


def _item_text(model, values, plan):
    """The target or timeline as written, read by the same parsers as imports."""
    if model is Indicator and "target_text" in values:
        target = parse_target(values.pop("target_text"))
        values.update(target_text=target.text, target_comparator=target.comparator, target_value=target.value,
                      target_value_upper=target.upper, target_unit=target.unit)
    if model is Indicator and values.get("year_targets") is not None:
        values["year_targets"] = year_targets_read(values["year_targets"],
                                                   unit_of_measure=values.get("unit_of_measure", ""))
    if model is Indicator and "baseline" in values:
        values.update(baseline_values(values["baseline"], label=values.get("baseline_label", ""),
                                      unit_of_measure=values.get("unit_of_measure", "")))
    if model is Task and "timeline_text" in values:
        timeline = parse_timeline(values.pop("timeline_text"), plan_year=plan.issued_year)
        values.update(timeline_text=timeline.text, timeline_kind=timeline.kind, starts_on=timeline.starts_on,
                      ends_on=timeline.ends_on)
    return values


def _check_units(plan, units):
    allowed = set(area_units(plan.area).values_list("pk", flat=True))
    if any(unit.pk not in allowed for unit in units):
        raise ValidationError({"lead_units": _("Chỉ chọn đơn vị của địa bàn của kế hoạch.")})


@transaction.atomic
def item_save(*, user, plan, kind, item_id=None, version=None, values, lead_units=None, support_units=None, reason=""):
    """Add an indicator or task at the end of its plan, or change one (refusing a stale version).

    Lead and support units are optional here (the assignment table sets them for many items); when
    given, they are written with the item's own fields as one history record.
    """
    model = item_model(kind)
    plan = Plan.objects.select_for_update().select_related("area").get(pk=plan.pk)
    plan_check_editable(user, plan)
    reason = change_reason(plan, reason)
    if item_id is None:
        item = model(plan=plan, position=(model.objects.filter(plan=plan).aggregate(m=Max("position"))["m"] or 0) + 1)
    else:
        item = item_lock(model, pk=item_id, version=version)
        if item.plan_id != plan.pk:
            raise PermissionDenied(_("Mục này không thuộc kế hoạch."))
        item.version += 1
    values = _item_text(model, dict(values), plan)
    year_targets = values.pop("year_targets", None)
    text = "content" if model is Indicator else "title"
    if text in values and not (values[text] or "").strip():
        raise ValidationError({text: _("Nội dung không được để trống.")})
    section = values.get("section")
    if section is not None and section.plan_id != plan.pk:
        raise ValidationError({"section": _("Chọn một mục của cùng kế hoạch.")})
    for name, value in values.items():
        setattr(item, name, value)
    units = [*(lead_units or []), *(support_units or [])]
    _check_units(plan, units)
    saved = _saved_with_relations(item, user=user, reason=reason,
                                  relations={"lead_units": lead_units, "support_units": support_units})
    if year_targets is not None:
        indicator_targets_replace({saved.pk: year_targets}, user=user, reason=reason)
    return saved


@transaction.atomic
def item_move(*, user, item, direction, reason=""):
    """Up or down among the items of the same section."""
    model = type(item)
    plan = Plan.objects.select_for_update().get(pk=item.plan_id)
    plan_check_editable(user, plan)
    reason = change_reason(plan, reason)
    item = model.objects.get(pk=item.pk)
    other = _neighbour(model.objects.filter(plan=plan, section_id=item.section_id), item, direction)
    if other is not None:
        _swap_positions(item, other, user=user, reason=reason)
    return item


@transaction.atomic
def item_delete(*, user, item, reason=""):
    """Remove an item that has no reports or evidence yet; the history keeps it, with the reason."""
    model = type(item)
    plan = Plan.objects.select_for_update().get(pk=item.plan_id)
    plan_check_editable(user, plan)
    reason = change_reason(plan, reason)
    item = model.objects.get(pk=item.pk)
    followed = item.evidence.exists() or (item.updates.exists() or item.comments.exists() if model is Task
                                          else item.reports.exists())
    if followed:
        raise ValidationError(_("Mục đã có báo cáo, ý kiến hoặc minh chứng nên không thể xóa."))
    item._history_user = user
    item._change_reason = reason or None
    item.delete()


# Units and their aliases, for admins of the area.

def _check_unit_area(user, area):
    if not Area.objects.administered_by(user).filter(pk=area.pk).exists():
        raise PermissionDenied(_("Bạn không quản trị địa bàn này."))


def _check_unit_name(area, name, exclude=None):
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Tên đơn vị không được để trống.")})
    if Unit.objects.filter(area=area, name__iexact=name).exclude(pk=exclude).exists():
        raise ValidationError({"name": _("Địa bàn đã có đơn vị tên này.")})
    return name


@transaction.atomic
def unit_create(*, user, area, name, is_culture_social_office=False):
    _check_unit_area(user, area)
    name = _check_unit_name(area, name)
    unit = Unit(area=area, name=name, is_culture_social_office=is_culture_social_office,
                slug=_unique_slug(Unit, unit_slug(area, name), 120))
    return _saved(unit, user=user, reason="")


@transaction.atomic
def unit_update(*, user, unit, name, is_culture_social_office):
    """Rename a unit (its slug stays, links keep working); it stays in its area whatever is posted."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _check_unit_area(user, unit.area)
    unit.name = _check_unit_name(unit.area, name, exclude=unit.pk)
    unit.is_culture_social_office = is_culture_social_office
    return _saved(unit, user=user, reason="")


@transaction.atomic
def unit_alias_add(*, user, unit, alias):
    _check_unit_area(user, unit.area)
    alias = alias.strip()
    if not alias:
        raise ValidationError({"alias": _("Tên gọi khác không được để trống.")})
    if name_key(alias) == name_key(unit.name) or unit.aliases.filter(key=name_key(alias)).exists():
        raise ValidationError({"alias": _("Đơn vị đã có tên gọi này.")})
    return UnitAlias.objects.create(unit=unit, alias=alias[:255])


@transaction.atomic
def unit_alias_remove(*, user, alias):
    _check_unit_area(user, alias.unit.area)
    alias.delete()
