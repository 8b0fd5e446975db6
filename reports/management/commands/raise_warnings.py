import datetime
import time

from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

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
        self.stdout.write(f"Ngày {result['today']}: {result['raised']} cảnh báo mới, {result['closed']} đã đóng, "
                          f"{result['open']} đang mở ({seconds:.2f} s, {len(queries)} truy vấn)")
