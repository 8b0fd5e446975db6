"""The change history every tracked model keeps: django-simple-history's `HistoricalRecords`, with its
many-to-many links written in SQL."""
import simple_history.models


class HistoricalRecords(simple_history.models.HistoricalRecords):
    """simple-history's, with the many-to-many links of each new history record copied by one INSERT … SELECT a
    field.

    simple-history reads an item's links with both their ends (whole item and unit rows), makes a model
    object of each and creates them again: four queries and half the CPU of a progress report's save, the
    portal's most frequent write. The rows written are the same (plans/tests/test_historical.py compares
    them); simple-history's pre/post_create_historical_m2m_records signals are not sent, and nothing in the
    portal listens to them.
    """

    def create_historical_record_m2ms(self, history_instance, instance):
        from django.db import connection

        quote = connection.ops.quote_name
        for field in history_instance._history_m2m_fields:
            m2m_history_model = self.m2m_models[field]
            through = getattr(instance, field.name).through
            columns = ", ".join(quote(through_field.column) for through_field in through._meta.fields)
            owner = through._meta.get_field(field.m2m_field_name()).column
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {quote(m2m_history_model._meta.db_table)} ({columns}, "  # noqa: S608 - names from _meta, values as parameters
                    f"{quote(m2m_history_model._meta.get_field('history').column)}) "
                    f"SELECT {columns}, %s FROM {quote(through._meta.db_table)} WHERE {quote(owner)} = %s",
                    [history_instance.pk, instance.pk])
