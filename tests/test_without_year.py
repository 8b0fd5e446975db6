"""conftest.py's without_year empties the demo's year of work in a few statements (rows_delete): the database it
leaves is the one deleting every row through the ORM leaves, history records included."""
import pytest
from django.apps import apps
from django.db import connection, transaction

from conftest import YEAR_OF_WORK, cascaded, rows_delete

pytestmark = [pytest.mark.django_db, pytest.mark.skipif("connection.vendor != 'postgresql'")]


def _state():
    """Each table's row count, and each history table's records by type, without their dates."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        state[model._meta.db_table] = model._default_manager.count()
        if hasattr(model, "history_type"):
            fields = [field.attname for field in model._meta.concrete_fields
                      if field.name not in ("history_id", "history_date")]
            state[model._meta.db_table, "-"] = sorted(map(str, model._default_manager.filter(history_type="-")
                                                         .values_list(*fields)))
    return state


def test_rows_delete_leaves_what_the_orm_s_deletes_leave(demo):
    models = [apps.get_model(label) for label in YEAR_OF_WORK]
    assert all(model.objects.exists() for model in models if model._meta.model_name != "warningrun")
    before = _state()
    with transaction.atomic():
        for model in models:
            model.objects.all().delete()
        by_orm = _state()
        transaction.set_rollback(True)
    assert _state() == before
    rows_delete(connection, models)
    assert _state() == by_orm
    emptied = {model._meta.db_table for model in cascaded(tuple(models))}
    assert {"reports_reportrecipient", "reports_lockedperiodchange"} <= emptied
    # Every table the ORM's deletes emptied in part is one rows_delete empties (the history tables only grew).
    assert {table for table, count in before.items() if by_orm[table] < count} == emptied & {
        table for table, count in before.items() if count}
