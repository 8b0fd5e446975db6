"""The confirm of a large import checks its foreign keys once for each row they name (`plans.appendix.references`):
the per-row checks are off only inside its transaction, a row naming what is gone refuses the whole import with a
message, and a table written without being checked refuses it too."""
import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from plans.appendix import write
from plans.appendix.references import Written
from plans.models import Unit, UnitAlias
from plans.tests.test_appendix_jobs import _plan, _tasks
from plans.tests.test_appendix_kept_rows import _confirm
from plans.tests.test_appendix_streamed import _previewed, small_chunks  # noqa: F401  a fixture

pytestmark = pytest.mark.django_db


def _role():
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        return cursor.fetchone()[0]


def _link(task, unit_id):
    write._insert_links(task.lead_units.through, "task", [(task.pk, unit_id)])


def _task(plan):
    return plan.tasks.model.objects.create(plan=plan, position=1, ordinal="1", title="Nhiệm vụ", product="Báo cáo")


def test_the_per_row_checks_are_off_only_until_the_check():
    plan, _user = _plan()
    unit = Unit.objects.filter(area=plan.area).first()
    with transaction.atomic():
        written = Written()
        assert written.start() and _role() == "replica"
        model = plan.tasks.model
        written.add(model, "plan_id = %s", [plan.pk])
        written.add_new(model.history.model)
        written.add_new(model.lead_units.through, own=["task"])
        _link(_task(plan), unit.pk)
        written.check()
        assert _role() == "origin"
    assert plan.tasks.get().lead_units.get() == unit


def test_a_role_that_may_not_turn_them_off_keeps_the_per_row_checks():
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE ROLE appendix_import_plain")  # rolled back with the test
        cursor.execute("SET LOCAL ROLE appendix_import_plain")
        written = Written()
        assert not written.start() and _role() == "origin"
        written.check()  # nothing to check: the database's own triggers do it
        cursor.execute("RESET ROLE")


def test_a_row_naming_what_is_gone_is_refused():
    plan, _user = _plan()
    gone = (Unit.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    with pytest.raises(ValidationError, match="đã bị xoá trong lúc nhập"), transaction.atomic():
        written = Written()
        written.start()
        model = plan.tasks.model
        written.add(model, "plan_id = %s", [plan.pk])
        written.add_new(model.history.model)
        written.add_new(model.lead_units.through, own=["task"])
        _link(_task(plan), gone)  # no error here: the per-row check is off
        written.check()
    assert not plan.tasks.exists() and _role() == "origin"


def test_a_table_written_without_being_checked_is_refused():
    plan, _user = _plan()
    unit = Unit.objects.filter(area=plan.area).first()
    with pytest.raises(RuntimeError, match="plans_unitalias"), transaction.atomic():
        written = Written()
        written.start()
        UnitAlias.objects.create(unit=unit, alias="Tên khác")
        written.check()
    assert not UnitAlias.objects.filter(alias="Tên khác").exists() and _role() == "origin"


def test_a_confirm_whose_rows_name_a_unit_gone_writes_nothing(small_chunks, monkeypatch):  # noqa: F811
    plan, user = _plan()
    record = _previewed(plan, user, _tasks(7))
    assert record.status == "previewed" and record.parsed_file
    gone = Unit.objects.order_by("-pk").first().pk + 1000
    real = write._insert_links

    def with_a_unit_gone(relation, name, links):
        real(relation, name, [*links, (links[0][0], gone)])  # as if the unit were deleted meanwhile

    monkeypatch.setattr(write, "_insert_links", with_a_unit_gone)
    record = _confirm(record, user)
    assert record.status == "failed" and "đã bị xoá trong lúc nhập" in record.message
    assert not plan.tasks.exists() and not plan.sections.exists() and _role() == "origin"


def test_a_confirm_checks_its_keys_once_and_writes_everything(small_chunks):  # noqa: F811
    plan, user = _plan()
    record = _confirm(_previewed(plan, user), user)  # sections, sub-items in the chunk after their item's
    assert record.status == "done", record.message
    tasks = plan.tasks.all()
    assert tasks.count() == 10 and all(task.lead_units.exists() for task in tasks) and _role() == "origin"
    # The history rows sent in the rows' own COPY: who, why, and the item as written, its item (parent) too.
    for task in tasks:
        history = task.history.get()
        assert (history.history_type, history.history_user_id, history.history_change_reason) == (
            "+", user.pk, "Nhập phụ lục")
        assert (history.title, history.section_id, history.parent_id, history.position, history.ends_on) == (
            task.title, task.section_id, task.parent_id, task.position, task.ends_on)
    assert sum(1 for task in tasks if task.parent_id) == 5
