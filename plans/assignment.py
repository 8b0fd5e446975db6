"""Assignment of a plan's items ("Phân công"): lead and support units, officer in charge, product,
time and authority, for many tasks and indicators at once.

One service writes it (`assignment_save`): the assignment page and the "Phân công nhiệm vụ"
workbook import both call it. It checks every change first and then writes all of them or
none, with one change reason in each item's history, and refuses changes made on an old
version of an item (optimistic locking). The workbook itself is read and written in
`assignment_workbook.py`; its upload, preview job and confirm are the workflow here.
"""
import datetime
import logging
import re
import uuid
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import Indicator
from tasks.models import Task, TimelineKind
from tasks.timelines import parse_timeline

from .item_kinds import ITEM_KIND_NAMES, item_kind, kind_of
from .models import Plan, Unit
from .units import area_units

logger = logging.getLogger(__name__)
FIELDS = ("lead_units", "support_units", "officer", "product", "timeline", "authority")
_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](20\d\d)\b")


def item_key(item):
    return f"{kind_of(item).name}-{item.pk}"


def item_label(item):
    kind = _(kind_of(item).label)
    section = f"{item.section.number} " if item.section_id and item.section.number else ""
    return f"{kind} {section}{item.ordinal}".strip()


def assignment_officers(plan):
    """Active users of the plan's area units, with their units, to choose an officer in charge from."""
    User = get_user_model()
    units = Prefetch("units", queryset=Unit.objects.filter(area_id=plan.area_id))
    return (User.objects.filter(is_active=True, units__area_id=plan.area_id).distinct()
            .prefetch_related(units).order_by("first_name", "username"))


def current_values(item):
    """What the assignment page shows and compares for an item (reads prefetched units)."""
    return {
        "lead_units": sorted(unit.pk for unit in item.lead_units.all()),
        "support_units": sorted(unit.pk for unit in item.support_units.all()),
        "officer": item.officer_id,
        "product": item.product,
        "timeline": item.timeline_text,
        "authority": item.authority,
    }


def timeline_dates(text, *, plan_year):
    """(kind, starts_on, ends_on) for a timeline as written; a date (`31/12/2026`) is a deadline."""
    match = _DATE.search(text)
    if match:
        try:
            return TimelineKind.ONE_OFF, None, datetime.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError as error:
            raise ValidationError(_("Ngày “%(text)s” không có thật.") % {"text": match[0]}) from error
    timeline = parse_timeline(text, plan_year=plan_year)
    return timeline.kind, timeline.starts_on, timeline.ends_on


@dataclass
class Change:
    """The fields a person changed on one item, as `current_values` names them, and the version they read."""

    key: str                       # "task-12", "indicator-7"
    version: int | None
    values: dict = field(default_factory=dict)


def officer_units(plan):
    """{officer id: ids of their units in the plan's area}: whom `_check` accepts as an item's officer in charge."""
    return {officer.pk: {unit.pk for unit in officer.units.all()} for officer in assignment_officers(plan)}


def assignment_rules(plan):
    """What `assignment_problems` checks an item's changes against: read once for a whole save or preview."""
    return {"units": {unit.pk: unit for unit in area_units(plan.area)}, "officers": officer_units(plan),
            "plan_year": plan.issued_year}


def assignment_problems(item, values, *, units, officers, plan_year):
    """Why `values` cannot be written on `item` (Vietnamese, without the item's name): the rules the save
    enforces, which the workbook's preview applies too so that what it passes the confirm accepts."""
    errors = []
    for name in ("lead_units", "support_units"):
        foreign = set(values.get(name, [])) - units.keys()
        if foreign:
            errors.append(_("có đơn vị không thuộc địa bàn của kế hoạch"))
    lead = values.get("lead_units", current_values(item)["lead_units"])
    officer = values.get("officer", item.officer_id)
    # The officer is judged when they or the lead units change: an officer whose account was closed since does not
    # stop another change to the item.
    if officer is not None and ("officer" in values or "lead_units" in values):
        if officer not in officers:
            errors.append(_("cán bộ phụ trách không thuộc địa bàn của kế hoạch"))
        elif not officers[officer] & set(lead):
            errors.append(_("cán bộ phụ trách phải là người của đơn vị chủ trì"))
    if "timeline" in values:
        try:
            timeline_dates(values["timeline"], plan_year=plan_year)
        except ValidationError as error:
            errors.extend(error.messages)
    for name in ("product", "timeline", "authority"):
        if len(values.get(name, "")) > (5000 if name == "product" else 255):
            errors.append(_("nội dung quá dài"))
    return errors


def _require_reason(plan, reason, changes):
    if plan.status != Plan.Status.DRAFT and not reason and changes:
        raise ValidationError({"reason": _("Kế hoạch đã ban hành: hãy nêu lý do điều chỉnh phân công.")})


@transaction.atomic
def assignment_save(*, plan, user, changes, reason=""):
    """Apply the changes to the plan's items, all or nothing; returns how many items changed.

    Raises PermissionDenied for someone who may not administer the plan, ValidationError (in
    Vietnamese, naming each item) for a foreign unit or officer, an officer outside the lead
    unit, an unknown item, or an item someone else saved since `version` was read.
    """
    if not Plan.objects.editable_by(user).filter(pk=plan.pk).exists():
        raise PermissionDenied(_("Chỉ quản trị của địa bàn mới được phân công nhiệm vụ của kế hoạch này."))
    reason = reason.strip()
    _require_reason(plan, reason, changes)
    wanted = {}
    for change in changes:
        kind, _sep, pk = change.key.partition("-")
        if kind not in ITEM_KIND_NAMES or not pk.isdigit():
            raise ValidationError(_("Dữ liệu gửi lên không hợp lệ."))
        wanted.setdefault(kind, {})[int(pk)] = change
    items = {}
    for kind, by_pk in wanted.items():
        locked = (item_kind(kind).model.objects.select_for_update(of=("self",)).filter(plan=plan, pk__in=by_pk)
                  .select_related("section").prefetch_related("lead_units", "support_units"))
        items.update({f"{kind}-{item.pk}": item for item in locked})
    rules = assignment_rules(plan)
    errors, stale = [], []
    for change in changes:
        item = items.get(change.key)
        if item is None:
            errors.append(_("Mục %(key)s không thuộc kế hoạch này.") % {"key": change.key})
            continue
        values = {name: value for name, value in change.values.items() if current_values(item).get(name) != value}
        change.values = values
        if not values:
            continue
        if change.version is not None and change.version != item.version:
            stale.append(item)
            continue
        for problem in assignment_problems(item, values, **rules):
            errors.append(f"{item_label(item)}: {problem}")
    if stale:
        errors.insert(0, _("Người khác vừa sửa %(items)s; hãy tải lại trang để thấy số liệu mới rồi phân công lại.")
                      % {"items": ", ".join(item_label(item) for item in stale)})
    if errors:
        raise ValidationError(errors)
    reason = reason or _("Phân công nhiệm vụ")
    _apply([(items[change.key], change.values) for change in changes if change.values],
           user=user, reason=reason, plan_year=plan.issued_year)
    return sum(1 for change in changes if change.values)


def assignment_officer_spread(*, plan, officer, rows):
    """One officer picked for many rows ("apply to the ticked rows"): set on each row where the officer belongs to
    one of its lead units (as the row now stands), the other rows keeping the officer they had. `rows` maps item
    keys to their values and is changed in place; returns the labels of the rows left out, to name them."""
    theirs = officer_units(plan).get(officer, set())
    left_out = []
    for key, values in rows.items():
        if theirs & set(values.get("lead_units", [])):
            values["officer"] = officer
        else:
            left_out.append(key)
    return item_labels(plan, left_out)


def item_labels(plan, keys):
    """`item_label` of the plan's items named by `keys` ("task-12"), in the order given; unknown keys left out."""
    wanted = {}
    for key in keys:
        kind, _sep, pk = key.partition("-")
        if kind in ITEM_KIND_NAMES and pk.isdigit():
            wanted.setdefault(kind, []).append(int(pk))
    found = {item_key(item): item for kind, pks in wanted.items()
             for item in item_kind(kind).model.objects.filter(plan=plan, pk__in=pks).select_related("section")}
    return [item_label(found[key]) for key in keys if key in found]


# The columns each assignment field writes; bulk updates name only those a save touches (Django's
# bulk_update builds a CASE per column and row, so fewer columns cost much less).
_COLUMNS = {"officer": ["officer"], "product": ["product"], "authority": ["authority"]}
_TIMELINE_COLUMNS = {Task: ["timeline_text", "starts_on", "ends_on", "timeline_kind"],
                     Indicator: ["timeline_text", "starts_on", "deadline"]}


def _apply(changed, *, user, reason, plan_year):
    """Write the changed items set-based: their own fields in one bulk update a model, the links of those whose
    units changed in one delete and one insert a relation, then one history row each (simple-history's bulk
    helper) with its units as they now stand (copied in SQL, as `HistoricalRecords` copies one record's)."""
    from simple_history.utils import get_history_manager_for_model

    by_model = {}
    for item, values in changed:
        if "officer" in values:
            item.officer_id = values["officer"]
        for name in ("product", "authority"):
            if name in values:
                setattr(item, name, values[name])
        if "timeline" in values:
            kind, starts_on, ends_on = timeline_dates(values["timeline"], plan_year=plan_year)
            item.timeline_text, item.starts_on = values["timeline"], starts_on
            if isinstance(item, Task):
                item.timeline_kind, item.ends_on = kind, ends_on
            else:
                item.deadline = ends_on
        item.version += 1
        objects, columns = by_model.setdefault(type(item), ([], {"version"}))
        objects.append(item)
        for name in values:
            columns.update(_TIMELINE_COLUMNS[type(item)] if name == "timeline" else _COLUMNS.get(name, []))
    for model, (objects, columns) in by_model.items():
        model.objects.bulk_update(objects, sorted(columns), batch_size=500)
        owner = f"{model._meta.model_name}_id"
        for name in ("lead_units", "support_units"):
            through = getattr(model, name).through
            touched = {item.pk: values[name] for item, values in changed if type(item) is model and name in values}
            through.objects.filter(**{f"{owner}__in": list(touched)}).delete()
            through.objects.bulk_create([through(**{owner: item, "unit_id": unit}) for item, chosen in touched.items()
                                         for unit in chosen], batch_size=1000)
        records = get_history_manager_for_model(model).bulk_history_create(
            objects, update=True, default_user=user, default_change_reason=reason, batch_size=500)
        _copy_unit_history(model, [record.pk for record in records])


def _copy_unit_history(model, history_ids):
    """The lead and support units of the history records `history_ids`, as their items now have them."""
    from django.apps import apps
    from django.db import connection

    quote = connection.ops.quote_name
    historical = model.history.model
    for m2m in historical._history_m2m_fields:
        through = getattr(model, m2m.name).through
        m2m_history = apps.get_model(model._meta.app_label, f"{historical.__name__}_{m2m.name}")
        columns = [quote(column.column) for column in through._meta.fields]
        owner = quote(through._meta.get_field(model._meta.model_name).column)
        with connection.cursor() as cursor:
            for start in range(0, len(history_ids), 5000):
                batch = history_ids[start:start + 5000]
                cursor.execute(
                    f"INSERT INTO {quote(m2m_history._meta.db_table)} ({', '.join(columns)}, "  # noqa: S608 - names from _meta, values as parameters
                    f"{quote(m2m_history._meta.get_field('history').column)}) "
                    f"SELECT {', '.join(f't.{column}' for column in columns)}, h.history_id "
                    f"FROM {quote(through._meta.db_table)} t JOIN {quote(historical._meta.db_table)} h "
                    f"ON h.{quote(model._meta.pk.column)} = t.{owner} "
                    f"WHERE h.history_id IN ({', '.join(['%s'] * len(batch))})", batch)


def assignment_apply_preview(*, plan, user, preview, reason=""):
    """Write a preview's changes through `assignment_save`; refused as a whole if it has errors."""
    if preview["errors"]:
        raise ValidationError(_("Tệp còn lỗi; hãy sửa rồi tải lên lại."))
    return assignment_save(plan=plan, user=user, reason=reason, changes=[
        Change(key=row["key"], version=row["version"], values=row["values"]) for row in preview["changes"]])


# The workbook's confirm runs as a Celery job (a thousand items take seconds): the record shows its state, queued,
# applying, done or failed with a retry. A small one is applied inside the request, as a tiny appendix is.
APPLY_JOB = "plans.apply_assignment_import"
INLINE_CHANGES = 50


def assignment_upload(*, plan, user, upload):
    """Keep an uploaded workbook and preview it: now when small, by a job when it unpacks to more than
    IMPORT_INLINE_BYTES (a request never reads a large file). Writes nothing to the plan."""
    from django.conf import settings
    from django.core.files.base import ContentFile

    from .appendix.readers import check_upload, inflated_size
    from .assignment_workbook import assignment_preview, assignment_sheets  # it reads items through this module
    from .models import AssignmentImport
    from .text import upload_display_name

    name = upload_display_name(upload)
    data = upload.read()
    check_upload(data, name)  # a file that is no workbook, or an unsafe one, is refused at once
    record = AssignmentImport(plan=plan, original_name=name, uploaded_by=user, created_at=timezone.now(),
                              status=AssignmentImport.Status.READING)
    if inflated_size(data) <= settings.IMPORT_INLINE_BYTES:
        _previewed(record, assignment_preview(plan=plan, sheets=assignment_sheets(data, name)))
    record.file.save(name, ContentFile(data), save=False)
    record.save()
    if record.status == AssignmentImport.Status.READING:
        _send_preview(record.pk)
    return record


def _previewed(record, preview):
    from .models import AssignmentImport

    Status = AssignmentImport.Status
    record.summary = preview
    record.status = (Status.PREVIEWED if preview["can_apply"] else
                     Status.UNCHANGED if preview.get("unchanged") else Status.INVALID)


PREVIEW_JOB = "plans.preview_assignment_import"
READ_FAILED = gettext_lazy("Chưa đọc được tệp: %(reason)s Chưa có gì được ghi; hãy tải tệp lên lại.")


def _send_preview(import_id):
    from config import jobs

    from .models import AssignmentImport

    def refused(message):
        AssignmentImport.objects.filter(pk=import_id, status=AssignmentImport.Status.READING).update(
            status=AssignmentImport.Status.INVALID, message=READ_FAILED % {"reason": message})

    jobs.enqueue_after_commit(PREVIEW_JOB, import_id, on_refused=refused)


def assignment_preview_run(import_id):
    """The preview job: read a kept workbook once (a message delivered again finds it read) and keep what it
    would change, or why it cannot be read."""
    from .assignment_workbook import assignment_preview, assignment_sheets  # it reads items through this module
    from .models import AssignmentImport

    record = AssignmentImport.objects.select_related("plan").filter(
        pk=import_id, status=AssignmentImport.Status.READING).first()
    if record is None:
        return None
    try:
        with record.file.open("rb") as stored:
            _previewed(record, assignment_preview(plan=record.plan,
                                                  sheets=assignment_sheets(stored.read(), record.original_name)))
    except ValidationError as error:
        record.status, record.message = AssignmentImport.Status.INVALID, READ_FAILED % {
            "reason": " ".join(error.messages)}
    AssignmentImport.objects.filter(pk=import_id, status=AssignmentImport.Status.READING).update(
        status=record.status, summary=record.summary, message=record.message)
    return record.status


def assignment_import_confirm(*, record, user, reason=""):
    """Apply an uploaded workbook's preview once: claimed first, so a second confirm (a double click, two admins)
    finds it taken and changes nothing; applied now when small, by a job otherwise. A failed or unsent run is
    confirmed again the same way (its retry). Returns the record as it now stands."""
    from .models import AssignmentImport

    Status = AssignmentImport.Status
    if not Plan.objects.editable_by(user).filter(pk=record.plan_id).exists():
        raise PermissionDenied(_("Chỉ quản trị của địa bàn mới được phân công nhiệm vụ của kế hoạch này."))
    reason = reason.strip()[:255]
    _require_reason(record.plan, reason, record.summary.get("changes"))
    token = uuid.uuid4().hex
    unsent = Q(status=Status.QUEUED) & ~Q(message="")  # the broker refused it
    claimed = AssignmentImport.objects.filter(Q(status__in=[Status.PREVIEWED, Status.FAILED]) | unsent,
                                              pk=record.pk).update(
        status=Status.QUEUED, confirmed_by=user, reason=reason, run_token=token, heartbeat_at=None, message="")
    if not claimed:
        raise ValidationError(_("Bảng phân công này đã được áp dụng hoặc không còn áp dụng được."))
    if len(record.summary.get("changes", [])) <= INLINE_CHANGES:
        assignment_import_run(record.pk, token)
    else:
        _send(record.pk, token)
    record.refresh_from_db()
    return record


def _send(import_id, token):
    from config import jobs

    from .models import AssignmentImport

    def refused():
        AssignmentImport.objects.filter(pk=import_id, run_token=token).update(message=_(
            "Hàng đợi xử lý nền đang tạm ngừng; chưa có gì được ghi. Bấm “Thử lại” khi hàng đợi hoạt động lại."))

    jobs.enqueue_after_commit(APPLY_JOB, import_id, token, on_refused=refused)


def assignment_import_run(import_id, token):
    """Apply a confirmed workbook, all or nothing; the record says what came of it. Returns the items changed."""
    from .models import AssignmentImport

    Status = AssignmentImport.Status
    mine = AssignmentImport.objects.filter(pk=import_id, run_token=token)
    if not mine.filter(status=Status.QUEUED, heartbeat_at__isnull=True).update(status=Status.APPLYING,
                                                                               heartbeat_at=timezone.now()):
        return None  # another run took it, or a redelivered message came late
    record = AssignmentImport.objects.select_related("plan__area", "confirmed_by").get(pk=import_id)
    try:
        with transaction.atomic():
            changed = assignment_apply_preview(plan=record.plan, user=record.confirmed_by, preview=record.summary,
                                               reason=record.reason)
            mine.update(status=Status.DONE, applied_count=changed, heartbeat_at=None)
    except (ValidationError, PermissionDenied) as error:
        mine.update(status=Status.FAILED, heartbeat_at=None, message=" ".join(_messages(error)))
        return None
    except Exception:
        logger.exception("assignment import %s failed", import_id)
        mine.update(status=Status.FAILED, heartbeat_at=None, message=APPLY_FAILED)
        return None
    return changed


APPLY_FAILED = gettext_lazy("Áp dụng bảng phân công không thành công; chưa có gì được ghi. Bấm “Thử lại” để chạy lại.")


def _messages(error):
    return getattr(error, "messages", None) or [str(error)]


def assignment_import_sweep(*, now=None):
    """Fail runs whose worker stopped (nothing was written: one transaction), so their page offers a retry."""
    from django.conf import settings

    from .models import AssignmentImport

    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.IMPORT_HEARTBEAT_TIMEOUT)
    # A workbook no worker read in time (its message lost with a killed worker): say so, the file can come again.
    AssignmentImport.objects.filter(
        status=AssignmentImport.Status.READING,
        created_at__lt=now - datetime.timedelta(seconds=settings.JOB_QUEUED_TIMEOUT)).update(
        status=AssignmentImport.Status.INVALID,
        message=READ_FAILED % {"reason": _("máy xử lý nền không đọc xong tệp.")})
    return AssignmentImport.objects.filter(status=AssignmentImport.Status.APPLYING, heartbeat_at__lt=stale).update(
        status=AssignmentImport.Status.FAILED, heartbeat_at=None, message=APPLY_FAILED)
