"""Seeded reporting rules nobody has edited, corrected as the seeds say (defaults apply only to areas without rules,
so a database made before keeps the old ones): a plan's own report sent up where the area's reports go, never to the
commune's own office; Đồng Nai's cut-offs left to Đồng Nai; the focal office named with its province."""
from django.db import migrations
from django.db.models import Count

DONG_NAI = "dong-nai"
FOCAL = "Sở Khoa học và Công nghệ"


def rules_correct(apps, schema_editor):
    ReportingRule = apps.get_model("reports", "ReportingRule")
    HistoricalReportingRule = apps.get_model("reports", "HistoricalReportingRule")
    unedited = set(HistoricalReportingRule.objects.values("id").annotate(n=Count("history_id")).filter(n=1)
                   .values_list("id", flat=True))
    rules = list(ReportingRule.objects.filter(pk__in=unedited).select_related("area__parent", "recipient_unit"))
    area_wide = {(r.area_id, r.kind): r for r in ReportingRule.objects.filter(plan__isnull=True)
                 .select_related("recipient_unit")}
    for rule in rules:
        area = rule.area
        province = area if area.kind == "province" else area.parent
        changes = {}
        if rule.plan_id and area.kind != "province" and rule.recipient_unit and rule.recipient_unit.area_id == area.id:
            upward = area_wide.get((area.id, rule.kind)) or next(
                (r for (area_id, _kind), r in area_wide.items() if area_id == area.id), None)
            if upward is not None:
                changes.update(recipient_unit_id=upward.recipient_unit_id, addressee=upward.addressee)
        if province is not None and province.slug != DONG_NAI:
            if area.kind != "province" and rule.kind == "quarterly" and (rule.cutoff_day, rule.deadline_day) == (8, 9):
                changes.update(cutoff_day=14, deadline_day=20)
            if area.kind == "province" and rule.kind in ("monthly", "quarterly") and rule.deadline_day == 24:
                changes.update(deadline_day=20)
        addressee = changes.get("addressee", rule.addressee)
        if area.kind != "province" and addressee == FOCAL and province is not None and province.name:
            changes["addressee"] = f"{FOCAL} tỉnh {province.name}"
        if changes:
            ReportingRule.objects.filter(pk=rule.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [("reports", "0006_warning_period_key")]

    operations = [migrations.RunPython(rules_correct, migrations.RunPython.noop)]
