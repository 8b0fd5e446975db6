"""The month at a desk ("Cập nhật nhiều mục"): saving the table's rows, each on its own by the same service as the
single form (tasks.services.task_progress_report, indicators.services.indicator_value_report), so one row's refusal
loses none of the others and each row is all or nothing. tasks/views/desk.py shows the table and calls
`desk_rows_save`."""
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from indicators.services import indicator_value_report
from plans.forms import add_service_errors
from plans.writes import StaleVersion

from .forms import DeskIndicatorRowForm, DeskTaskRowForm
from .selectors import desk_rows_hydrate
from .services import task_progress_report

POSTED_ROW = re.compile(r"^(task|indicator)-(\d+)-version$")


def desk_row_form(kind, item, data=None):
    """A row of the table, bound to `data` when given; its boxes are named after the item (`task-12-progress`)."""
    prefix = f"{kind}-{item.pk}"
    if kind == "task":
        return DeskTaskRowForm(data, prefix=prefix, task=item,
                               initial={"version": item.version, "progress": item.progress})
    return DeskIndicatorRowForm(data, prefix=prefix, indicator=item, initial={"version": item.version})


def desk_rows_save(*, user, kind, rows, data, period):
    """Save each posted row of `rows` (the officer's own, of `kind`) that the officer changed, each on its own.

    `period` is None when the table's period was refused: nothing is saved then. Returns {pk: (form, saved)} for
    the rows saved or refused (the form kept when refused, the words saying what was saved otherwise) and a summary:
    saved, refused, and rows posted for items that are not the officer's (never saved).
    """
    posted = {int(found[2]) for found in map(POSTED_ROW.match, data) if found and found[1] == kind}
    forged = len([key for key in data if (found := POSTED_ROW.match(key)) and found[1] != kind])
    own = [row for row in rows if row.pk in posted]
    summary = {"saved": 0, "refused": 0, "forged": forged + len(posted - {row.pk for row in own})}
    if period is None:
        return {}, summary
    outcomes = {}
    for row in desk_rows_hydrate(own):
        form = desk_row_form(kind, row.item, data)
        if not form.touched():
            continue
        save = _task_row_save if kind == "task" else _indicator_row_save
        form, saved = save(user, form, period)
        outcomes[row.pk] = (None, saved) if saved else (form, "")
        summary["saved" if saved else "refused"] += 1
    return outcomes, summary


def _task_row_save(user, form, period):
    if not form.is_valid():
        return form, ""
    data = form.cleaned_data
    if data["progress"] is None:
        form.add_error("progress", _("Hãy nhập tiến độ (%)."))
        return form, ""
    try:
        task_progress_report(
            task_id=form.item.pk, user=user, version=data["version"], progress=data["progress"], period=period,
            achievements=data["achievements"], difficulties=data["difficulties"], proposals=data["proposals"],
            reason=data["reason"])
    except StaleVersion as stale:
        return _stale(form, stale.current, progress=stale.current.progress), ""
    except (PermissionDenied, ValidationError) as error:
        _refusal_add(form, error)
        return form, ""
    return form, _("Đã lưu %(progress)s%%") % {"progress": data["progress"]}


def _indicator_row_save(user, form, period):
    if not form.is_valid():
        return form, ""
    data = form.cleaned_data
    try:
        indicator_value_report(
            indicator_id=form.item.pk, user=user, version=data["version"], period=period, value=data.get("value"),
            qualitative_state=data.get("qualitative_state", ""), description=data["description"],
            reason=data["reason"])
    except StaleVersion as stale:
        return _stale(form, stale.current), ""
    except (PermissionDenied, ValidationError) as error:
        _refusal_add(form, error)
        return form, ""
    return form, _("Đã lưu")


def _refusal_add(form, error):
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error))
        return
    add_service_errors(form, error)


def _stale(form, current, **figures):
    """The row's words kept, its version (and figure) replaced by the newer ones, and why."""
    data = form.data.copy()
    data[form.add_prefix("version")] = current.version
    for name, value in figures.items():
        data[form.add_prefix(name)] = value
    item = {"task": current} if isinstance(form, DeskTaskRowForm) else {"indicator": current}
    fresh = type(form)(data, prefix=form.prefix, **item)
    fresh.is_valid()
    fresh.add_error(None, _("Người khác vừa cập nhật mục này; số liệu mới nhất đang hiển thị. Hãy kiểm tra rồi lưu "
                            "lại."))
    return fresh
