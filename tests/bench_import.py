"""Appendix import figures for `make bench`: seed size, 10,000 and 100,000 rows, a hostile workbook,
and a stock django-import-export ModelResource import of the same rows for comparison.

Each measurement runs in a child process so its peak memory is its own.
"""
import io
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path


def roman(number):
    result = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            result, number = result + letters, number - value
    return result


def task_rows(count):
    """Rows shaped like Phụ lục II, with a group row every 50 rows."""
    rows, ordinal = [], 0
    for index in range(count):
        if index % 50 == 0:
            group = index // 50 + 1
            rows.append([f"{roman(group)}. Nhóm nhiệm vụ {group}", None, None, None, None, None])
        ordinal += 1
        rows.append([str(ordinal), f"Nhiệm vụ số {ordinal} về chuyển đổi số", "Phòng Văn hóa - Xã hội",
                     "Phòng Kinh tế, Công an xã", "Báo cáo kết quả", "Giai đoạn 2026-2027"])
    return rows


def workbook(count):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Phụ lục II")
    sheet.append(["PHỤ LỤC II"])
    sheet.append([])
    sheet.append(["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm", "Thời gian thực hiện"])
    for row in task_rows(count):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def hostile_workbook():
    """A sheet whose zip entry declares a gigabyte: a few MB on disk."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            chunk = b"<row>" + b" " * (1024 * 1024 - 11) + b"</row>"
            for _ in range(1024):
                entry.write(chunk)
    return buffer.getvalue()


def peak_mb():
    """This process's own peak resident memory (VmHWM; ru_maxrss would carry the parent's peak across exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(measure, rows):
    """Run inside a fresh process against the benchmark database (DATABASE_URL names it)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from plans.models import Area, Plan, Unit

    area, _ = Area.objects.get_or_create(slug="bench-import", defaults={"kind": "commune", "name": "Bench import"})
    for index, name in enumerate(["Phòng Văn hóa - Xã hội", "Phòng Kinh tế", "Công an xã"]):
        Unit.objects.get_or_create(area=area, name=name, defaults={"slug": f"bench-import-u{index}"})
    user, _ = get_user_model().objects.get_or_create(username="bench-importer")
    plan = Plan.objects.create(slug=f"bench-import-{measure}-{rows}-{time.time_ns()}", area=area, issuer="UBND",
                               title="Bench", issued_year=2026)
    if measure == "hostile":
        from django.core.exceptions import ValidationError

        from plans.workbooks import read_rows

        data = hostile_workbook()
        before = peak_mb()
        started = time.perf_counter()
        try:
            read_rows(data, "hostile.xlsx")
        except ValidationError as error:
            message = error.messages[0]
        seconds = time.perf_counter() - started
        print(f"{seconds:.4f} {peak_mb() - before:.1f} {len(data)} {message}")
        return
    if measure == "portal":
        from plans.imports import appendix_import, appendix_preview
        from plans.workbooks import read_rows

        data = Path(os.environ["BENCH_WORKBOOK"]).read_bytes()  # built by the parent, outside this peak
        started = time.perf_counter()
        preview = appendix_preview(plan=plan, sheets=read_rows(data))
        appendix_import(plan=plan, preview=preview, user=user)
        seconds = time.perf_counter() - started
        assert plan.tasks.count() == rows
        print(f"{seconds:.3f} {peak_mb():.0f}")
        return
    if measure == "stock":
        import tablib
        from import_export import resources

        from tasks.models import Task

        class TaskResource(resources.ModelResource):
            class Meta:
                model = Task
                fields = ("id", "plan", "position", "ordinal", "title", "product", "timeline_text")

        dataset = tablib.Dataset(headers=["id", "plan", "position", "ordinal", "title", "product", "timeline_text"])
        for index in range(rows):
            dataset.append(["", plan.pk, index + 1, str(index + 1), f"Nhiệm vụ số {index}", "Báo cáo", "Giai đoạn 2026-2027"])
        started = time.perf_counter()
        with transaction.atomic():
            result = TaskResource().import_data(dataset, dry_run=False, raise_errors=True)
        seconds = time.perf_counter() - started
        assert not result.has_errors()
        print(f"{seconds:.3f} {peak_mb():.0f}")


def run(measure, rows, database_url):
    import os
    import tempfile

    env = {**os.environ, "DATABASE_URL": database_url}
    if measure == "portal":
        handle, path = tempfile.mkstemp(suffix=".xlsx")
        with os.fdopen(handle, "wb") as file:
            file.write(workbook(rows))
        env["BENCH_WORKBOOK"] = path
    output = subprocess.run([sys.executable, "-m", "tests.bench_import", measure, str(rows)], env=env,
                            capture_output=True, text=True)
    if output.returncode:
        sys.exit(f"{measure} {rows}: {output.stderr[-3000:]}")
    return output.stdout.strip().splitlines()[-1].split(" ", 3)


def bench(database_url, sizes=(46, 10_000, 100_000)):
    stock_rows = 2000
    stock_seconds, _ = run("stock", stock_rows, database_url)[:2]
    stock_per_row = float(stock_seconds) / stock_rows
    print(f"import, stock django-import-export ModelResource: {stock_per_row * 1000:.2f} ms a row "
          f"({stock_rows} rows in {float(stock_seconds):.1f} s)")
    for rows in sizes:
        seconds, peak = run("portal", rows, database_url)[:2]
        per_row = float(seconds) / rows
        print(f"import, {rows} rows end to end (read, preview, write with history): {float(seconds):.2f} s, "
              f"peak memory {peak} MB, {per_row * 1000:.3f} ms a row, {stock_per_row / per_row:.1f}x faster than stock")
    seconds, grown, size, message = run("hostile", 0, database_url)
    print(f"import, hostile workbook ({int(size) // 1024} KB declaring 1 GB): refused in {float(seconds) * 1000:.0f} ms, "
          f"memory grew {grown} MB: {message}")


if __name__ == "__main__":
    child(sys.argv[1], int(sys.argv[2]))
