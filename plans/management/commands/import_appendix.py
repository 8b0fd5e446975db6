from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

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
            raise CommandError(f"Không có kế hoạch “{plan}”.")
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
        self.stdout.write(f"{preview.kind}, trang “{preview.sheet}”: {preview.count('new')} mới, "
                          f"{preview.count('changed')} thay đổi, {preview.count('unchanged')} không đổi, "
                          f"{len(preview.errors)} lỗi")
        for row, message in preview.errors:
            self.stdout.write(f"  dòng {row}: {message}")
        for name, rows in preview.unknown_units.items():
            self.stdout.write(f"  đơn vị chưa có: “{name}” (dòng {', '.join(map(str, rows))})")
        if not preview.can_import:
            raise CommandError("Không ghi gì: hãy sửa lỗi hoặc dùng --create-units cho đơn vị mới.")
        if dry_run:
            self.stdout.write("Chạy thử (--dry-run): không ghi gì.")
            return
        importer = get_user_model().objects.get(username=user)
        counts = appendix_import(plan=plan, preview=preview, user=importer, unit_mapping=mapping)
        self.stdout.write(self.style.SUCCESS(f"Đã nhập: {counts['new']} mới, {counts['changed']} cập nhật."))
