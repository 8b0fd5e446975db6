from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backups.services import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump on PostgreSQL), the media files and a manifest of SHA-256 sums."

    def add_arguments(self, parser):
        parser.add_argument("destination", help="a new folder, or a .tar file with --tar")
        parser.add_argument("--tar", action="store_true", help="write one tar file instead of a folder")

    def handle(self, *args, destination, tar, **options):
        try:
            manifest = backup_create(destination=destination, as_tar=tar)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("Đã sao lưu vào %(path)s: %(files)s tệp (cơ sở dữ liệu và tệp đính kèm).") % {
            "path": destination, "files": len(manifest["files"])})
