from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backups.services import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup (folder or .tar) into an empty database, after checking its manifest."

    def add_arguments(self, parser):
        parser.add_argument("source", help="the backup folder or .tar file")

    def handle(self, *args, source, **options):
        try:
            manifest = backup_restore(source=source)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("Đã khôi phục bản sao lưu lúc %(created)s: %(files)s tệp đã kiểm tra SHA-256.") % {
            "created": manifest["created_at"], "files": len(manifest["files"])})
