"""Sub-items (`a)`, `b)`, `-` under an item): they belong to their item's plan, and their progress rolls up to it."""
import pytest
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone

from plans.models import ItemStatus
from tasks.models import Task
from tasks.services import task_progress_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]

THIS_MONTH = timezone.localdate().replace(day=1)


def _subitems(parent, count):
    position = Task.objects.filter(plan=parent.plan).aggregate(m=Max("position"))["m"]
    made = []
    for index in range(count):
        sub = Task.objects.create(plan=parent.plan, section=parent.section, parent=parent, position=position + index + 1,
                                  ordinal=f"{parent.ordinal}.{'abc'[index]}", title=f"Nội dung con {index + 1}")
        sub.lead_units.set(parent.lead_units.all())
        made.append(sub)
    return made


def _report(task, user, progress):
    task.refresh_from_db()
    return task_progress_report(task_id=task.pk, user=user, version=task.version, progress=progress, period=THIS_MONTH,
                                achievements="Đã triển khai", difficulties="Thiếu kinh phí", proposals="Bổ sung")


def test_a_subitem_belongs_to_an_item_of_the_same_plan():
    parent = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    other_plan = Task.objects.exclude(plan=parent.plan).first()
    sub = Task(plan=other_plan.plan, parent=parent, ordinal="3.a", title="Nội dung con", position=9999)
    with pytest.raises(ValidationError) as refused:
        sub.full_clean(validate_unique=False, validate_constraints=False)
    assert "parent" in refused.value.message_dict
    (child,) = _subitems(parent, 1)
    grandchild = Task(plan=parent.plan, parent=child, ordinal="3.a.1", title="x", position=9999)
    with pytest.raises(ValidationError):
        grandchild.full_clean(validate_unique=False, validate_constraints=False)
    assert list(parent.subitems.all()) == [child]


def test_subitem_progress_rolls_up_to_the_item_with_history(users):
    parent = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    first, second = _subitems(parent, 2)
    officer = users["phulam-officer"]
    _report(first, officer, 40)
    parent.refresh_from_db()
    assert (parent.progress, parent.status) == (20, ItemStatus.IN_PROGRESS)
    latest = parent.history.first()
    assert latest.history_user == officer and latest.history_change_reason == "Tổng hợp từ các nội dung con"
    assert latest.progress == 20
    _report(second, officer, 70)
    parent.refresh_from_db()
    rollups = parent.history.filter(history_change_reason="Tổng hợp từ các nội dung con")
    assert parent.progress == 55 and list(rollups.values_list("progress", flat=True)) == [55, 20]
    first.refresh_from_db()
    assert (first.progress, first.status) == (40, ItemStatus.IN_PROGRESS)  # the sub-item keeps its own figure
