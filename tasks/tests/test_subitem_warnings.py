"""A task with sub-items owes no monthly update of its own (issue 24.3 and 24.4): its sub-items do, and the
"chưa cập nhật" warning is theirs."""
import datetime

import pytest

from plans.models import Plan, Section, Unit
from reports.models import Warning
from reports.services import warnings_raise
from tasks.models import ProgressUpdate, Task, TimelineKind

D = datetime.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]


def test_the_sub_items_owe_the_update_and_their_task_does_not(users):
    plan = Plan.objects.get(slug="phu-lam-55kh")
    section = Section.objects.create(plan=plan, number="VII.", title="Nhóm thử nội dung con", position=98)
    unit = Unit.objects.get(area__slug="phu-lam", name="Phòng Văn hóa - Xã hội")
    values = dict(plan=plan, section=section, timeline_kind=TimelineKind.CONTINUOUS, starts_on=D(2026, 1, 1),
                  ends_on=D(2026, 12, 31), timeline_text="Thường xuyên", progress=30)
    parent = Task.objects.create(position=960, ordinal="960", title="Nhiệm vụ có nội dung con", **values)
    silent = Task.objects.create(position=961, ordinal="960.1", title="Nội dung con chưa cập nhật", parent=parent,
                                 **values)
    updated = Task.objects.create(position=962, ordinal="960.2", title="Nội dung con đã cập nhật", parent=parent,
                                  **values)
    alone = Task.objects.create(position=963, ordinal="963", title="Nhiệm vụ không có nội dung con", **values)
    for task in (parent, silent, updated, alone):
        task.lead_units.set([unit])
    ProgressUpdate.objects.create(task=updated, author=users["phulam-officer"], period=D(2026, 10, 1),
                                  progress_before=20, progress_after=30, achievements="Đã làm")
    warnings_raise(today=D(2026, 11, 23))
    warned = set(Warning.objects.filter(kind=Warning.Kind.NOT_UPDATED, closed_at__isnull=True,
                                        task__section=section).values_list("task__ordinal", flat=True))
    assert warned == {"960.1", "963"}
