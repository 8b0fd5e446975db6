"""The history records' many-to-many links, written in SQL (plans/historical.py), are those simple-history writes."""
import pytest
import simple_history.models
from django.db.models.signals import post_save

from plans.historical import HistoricalRecords
from tasks.models import Task

# Workflows from a clean slate: the demo's year of work is left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]


def _history_links(record):
    """{field: sorted through-table rows} a history record holds."""
    links = {}
    for field in record._history_m2m_fields:
        rows = getattr(record, field.name).all().values_list(*[f.attname for f in field.remote_field.through._meta.fields])
        links[field.name] = sorted(rows)
    return links


def test_a_saves_history_links_are_the_rows_simple_history_writes(users):
    task = Task.objects.filter(lead_units__isnull=False, support_units__isnull=False).distinct().first()
    task.support_units.add(*Task.objects.exclude(pk=task.pk).first().lead_units.all())
    task.title += " (sửa)"
    task.save()
    record = task.history.order_by("-history_id").first()
    ours = _history_links(record)
    assert all(ours.values()) and ours["lead_units"] == sorted(task.lead_units.through.objects.filter(task=task)
                                                               .values_list("id", "task_id", "unit_id"))
    (records,) = [receiver.__self__ for receivers in post_save._live_receivers(Task) for receiver in receivers
                  if isinstance(getattr(receiver, "__self__", None), HistoricalRecords)]
    for field in record._history_m2m_fields:
        getattr(record, field.name).all().delete()
    simple_history.models.HistoricalRecords.create_historical_record_m2ms(records, record, task)
    assert _history_links(record) == ours
