from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plans.appendix import INDICATORS, TASKS, AppendixError
from plans.imports import CREATE_UNIT, appendix_import, appendix_preview
from plans.models import Plan
from plans.workbooks import read_rows


class Command(BaseCommand):
    help = "Import an appendix table (xlsx) into a plan: preview, then write everything or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--plan", required=True, help="the plan's slug")
        parser.add_argument("--kind", choices=[INDICATORS, TASKS], default=None)
        parser.add_argument("--dry-run", action="store_true", help="preview only, write nothing")
        parser.add_argument("--user", default="admin", help="who the history records as the importer")
        parser.add_argument("--create-units", action="store_true", help="create units that match no existing one")

    def handle(self, *args, file, plan, kind, dry_run, user, create_units, **options):
        try:
            plan = Plan.objects.select_related("area").get(slug=plan)
        except Plan.DoesNotExist:
            raise CommandError(_("Không có kế hoạch “%(plan)s”.") % {"plan": plan}) from None
        path = Path(file)
        try:
            sheets = read_rows(path.read_bytes(), path.name)
            preview = appendix_preview(plan=plan, sheets=sheets, kind=kind)
            mapping = {}
            if create_units and preview.unknown_units:
                mapping = {name: CREATE_UNIT for name in preview.unknown_units}
                preview = appendix_preview(plan=plan, sheets=sheets, kind=kind, unit_mapping=mapping)
        except (ValidationError, AppendixError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)])))
        self.stdout.write(_("%(kind)s, trang “%(sheet)s”: %(new)s mới, %(changed)s thay đổi, %(unchanged)s không đổi, "
                            "%(errors)s lỗi") % {"kind": preview.kind, "sheet": preview.sheet, "new": preview.count("new"),
                                                 "changed": preview.count("changed"),
                                                 "unchanged": preview.count("unchanged"), "errors": len(preview.errors)})
        for row, message in preview.errors:
            self.stdout.write(f"  {message}")
        for name, rows in preview.unknown_units.items():
            self.stdout.write("  " + _("đơn vị chưa có: “%(name)s” (dòng %(rows)s)") % {"name": name, "rows": ", ".join(map(str, rows))})
        if not preview.can_import:
            raise CommandError(_("Không ghi gì: hãy sửa lỗi hoặc dùng --create-units cho đơn vị mới."))
        if dry_run:
            self.stdout.write(_("Chạy thử (--dry-run): không ghi gì."))
            return
        importer = get_user_model().objects.get(username=user)
        counts = appendix_import(plan=plan, preview=preview, user=importer, unit_mapping=mapping)
        self.stdout.write(self.style.SUCCESS(_("Đã nhập: %(new)s mới, %(changed)s cập nhật.") % counts))
