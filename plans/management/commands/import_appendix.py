from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plans.appendix import INDICATORS, TASKS, AppendixError
from plans.appendix.preview import CREATE_UNIT, appendix_preview
from plans.units import area_units
from plans.appendix.readers import read_sheets
from plans.appendix.write import appendix_import
from plans.models import Plan
from plans.text import name_key


class Command(BaseCommand):
    help = "Import an appendix file (xlsx, xls, ods, docx) into a plan: preview, then write everything or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--plan", required=True, help="the plan's slug")
        parser.add_argument("--kind", choices=[INDICATORS, TASKS], default=None)
        parser.add_argument("--dry-run", action="store_true", help="preview only, write nothing")
        parser.add_argument("--user", default="admin", help="who the history records as the importer")
        parser.add_argument("--create-units", action="store_true", help="create units that match no existing one")
        parser.add_argument("--map", action="append", default=[], metavar="NAME=UNIT",
                            help="take an unknown unit name for an existing unit of the plan's area (name, slug or id)")

    def handle(self, *args, file, plan, kind, dry_run, user, create_units, map, **options):
        try:
            plan = Plan.objects.select_related("area").get(slug=plan)
        except Plan.DoesNotExist:
            raise CommandError(_("Không có kế hoạch “%(plan)s”.") % {"plan": plan}) from None
        mapping = self._mapping(plan, map)
        path = Path(file)
        try:
            data = path.read_bytes()
            preview = appendix_preview(plan=plan, sheets=read_sheets(data, path.name), kind=kind, unit_mapping=mapping)
            if create_units and preview.unknown_units:
                # The reader consumes the rows it reads: read the file again for the second preview.
                mapping.update({name: CREATE_UNIT for name in preview.unknown_units})
                preview = appendix_preview(plan=plan, sheets=read_sheets(data, path.name), kind=kind,
                                           unit_mapping=mapping)
        except (ValidationError, AppendixError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        for part in preview.parts:
            self.stdout.write(_("%(kind)s, trang “%(sheet)s”: %(new)s mới, %(changed)s thay đổi, %(unchanged)s không "
                                "đổi, %(errors)s lỗi") % {
                "kind": part.kind, "sheet": part.sheet, "new": part.count("new"), "changed": part.count("changed"),
                "unchanged": part.count("unchanged"), "errors": len(part.errors)})
            for _row, message in [*part.notes, *part.skipped_rows]:
                self.stdout.write(f"  {message}")
            if part.ignored_columns:
                self.stdout.write("  " + _("Cột không nhập: %(columns)s") % {
                    "columns": ", ".join(f"“{text}”" for _column, text in part.ignored_columns)})
        for title, reason in preview.skipped:
            self.stdout.write("  " + _("không nhập trang “%(sheet)s”: %(reason)s") % {"sheet": title, "reason": reason})
        for _row, message in preview.errors:
            self.stdout.write(f"  {message}")
        for name, rows in preview.unknown_units.items():
            self.stdout.write("  " + _("đơn vị chưa có: “%(name)s” (dòng %(rows)s)") % {"name": name, "rows": ", ".join(str(row) for row in rows)})
        if not preview.can_import:
            raise CommandError(_("Không ghi gì: hãy sửa lỗi, dùng --map \"tên=đơn vị\" hoặc --create-units cho đơn vị mới."))
        if dry_run:
            self.stdout.write(_("Chạy thử (--dry-run): không ghi gì."))
            return
        importer = get_user_model().objects.get(username=user)
        counts = appendix_import(plan=plan, preview=preview, user=importer, unit_mapping=mapping)
        self.stdout.write(self.style.SUCCESS(_("Đã nhập: %(new)s mới, %(changed)s cập nhật.") % counts))

    def _mapping(self, plan, pairs):
        """{name in the file: unit id} from `--map "P. Kinh tế=Phòng Kinh tế"`, units of the plan's area only."""
        units = list(area_units(plan.area))
        mapping = {}
        for pair in pairs:
            name, _sep, target = pair.partition("=")
            if not name.strip() or not target.strip():
                raise CommandError(_("--map cần dạng \"tên trong tệp=đơn vị\", không phải “%(pair)s”.") % {"pair": pair})
            target = target.strip()
            found = [u for u in units if str(u.pk) == target or u.slug == target or name_key(u.name) == name_key(target)]
            if not found:
                raise CommandError(_("Không có đơn vị “%(unit)s” trong địa bàn của kế hoạch.") % {"unit": target})
            mapping[name.strip()] = str(found[0].pk)
        return mapping
