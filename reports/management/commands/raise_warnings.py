import datetime
import time

from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from reports.services import warnings_raise


class Command(BaseCommand):
    help = "Raise and close warnings now (what the daily job does)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                            help="evaluate as of this day (YYYY-MM-DD)")

    def handle(self, *args, today, **options):
        reset_queries()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            result = warnings_raise(today=today)
        seconds = time.perf_counter() - started
        self.stdout.write(_("Ngày %(today)s: %(raised)s cảnh báo mới, %(closed)s đã đóng, %(open)s đang mở "
                            "(%(seconds).2f s, %(queries)s truy vấn)") % {**result, "seconds": seconds, "queries": len(queries)})
