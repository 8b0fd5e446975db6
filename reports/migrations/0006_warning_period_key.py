from django.db import migrations, models


def keys_fill(apps, schema_editor):
    # Open report warnings keyed by their first month keep a key of their own; the next run closes them
    # and raises one per period owed.
    Warning = apps.get_model("reports", "Warning")
    for warning in Warning.objects.filter(unit__isnull=False).only("id", "period"):
        Warning.objects.filter(pk=warning.pk).update(period_key=f"month-{warning.period:%Y-%m}")


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_job_heartbeats")]

    operations = [
        migrations.AddField(model_name="warning", name="period_key",
                            field=models.CharField(blank=True, default="", max_length=80)),
        migrations.RunPython(keys_fill, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="warning", name="one_open_warning_per_unit_period_and_kind"),
        migrations.AddConstraint(
            model_name="warning",
            constraint=models.UniqueConstraint(
                condition=models.Q(("closed_at__isnull", True), ("unit__isnull", False)),
                fields=("kind", "unit", "period_key"), name="one_open_warning_per_unit_report_and_kind")),
    ]
