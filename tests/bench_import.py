"""Appendix import figures for `make bench`: seed size, 10,000 and 100,000 rows, a hostile workbook,
and a stock django-import-export ModelResource import of the same rows for comparison.

Each measurement runs in a child process so its peak memory is its own.
"""
import io
import os
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


UNITS = ["Phòng Văn hóa - Xã hội", "Phòng Kinh tế", "Công an xã", "Văn phòng HĐND & UBND xã",
         "Trung tâm Phục vụ hành chính công", "Ban Chỉ huy Quân sự xã", "Trạm Y tế xã", "Trường Tiểu học"]
_WORDS = ("triển khai nền tảng số dùng chung, số hóa hồ sơ, kết nối cơ sở dữ liệu chuyên ngành với kho dữ liệu của "
          "tỉnh, bảo đảm an toàn thông tin, đào tạo kỹ năng số cho cán bộ, công chức và người dân, đánh giá kết quả "
          "thực hiện hằng quý, báo cáo Ban Chỉ đạo xã về tiến độ và các khó khăn, vướng mắc phát sinh").split()


def task_rows(count):
    """Rows shaped like Phụ lục II as offices write them: titles of 150-300 characters, 2-3 unit names a row,
    a group row every 50 rows."""
    rows, ordinal = [], 0
    for index in range(count):
        if index % 50 == 0:
            group = index // 50 + 1
            rows.append([f"{roman(group)}. Nhóm nhiệm vụ {group} về chuyển đổi số và đổi mới sáng tạo", None, None,
                         None, None, None])
        ordinal += 1
        length = 150 + (index * 37) % 151
        words, title = _WORDS[index % 7:] + _WORDS, f"Nhiệm vụ {ordinal}:"
        while len(title) < length:
            title += " " + words[len(title) % len(words)]
        lead = UNITS[index % len(UNITS)]
        support = [UNITS[(index + 1) % len(UNITS)]] + ([UNITS[(index + 3) % len(UNITS)]] if index % 2 else [])
        rows.append([str(ordinal), title[:length], lead, ", ".join(support), "Báo cáo kết quả thực hiện",
                     "Quý III/2026" if index % 3 else "Giai đoạn 2026-2027"])
    return rows


def workbook(count):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Phụ lục II")
    sheet.append(["PHỤ LỤC II"])
    sheet.append([])
    sheet.append(["STT", "Nhiệm vụ", "Cơ quan thực hiện", None, "Sản phẩm", "Thời gian thực hiện"])
    sheet.append([None, None, "Chủ trì", "Phối hợp", None, None])
    sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])
    for row in task_rows(count):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def flat_workbook(count, plan_id):
    """The same item rows as one flat table with a header naming the resource's fields, for the stock import."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Phụ lục II")
    sheet.append(["id", "plan", "position", "ordinal", "title", "product", "timeline_text"])
    position = 0
    for row in task_rows(count):
        if row[1] is None:
            continue
        position += 1
        sheet.append([None, plan_id, position, row[0], row[1], row[4], row[5]])
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


def load_text(figures=None):
    """The load average over 1, 5 and 15 minutes (now, or `figures`), for a figure measured on a shared machine."""
    return " ".join(f"{figure:.2f}" for figure in figures or os.getloadavg())


def peak_mb():
    """This process's own peak resident memory (VmHWM; ru_maxrss would carry the parent's peak across exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(measure, rows):
    """Run inside a fresh process against the benchmark database (DATABASE_URL names it)."""

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from plans.models import Area, Plan, Unit

    area, _ = Area.objects.get_or_create(slug="bench-import", defaults={"kind": "commune", "name": "Bench import"})
    for index, name in enumerate(UNITS):
        Unit.objects.get_or_create(area=area, name=name, defaults={"slug": f"bench-import-u{index}"})
    user, _ = get_user_model().objects.get_or_create(username="bench-importer")
    plan = Plan.objects.create(slug=f"bench-import-{measure}-{rows}-{time.time_ns()}", area=area, issuer="UBND",
                               title="Bench", issued_year=2026)
    if measure == "hostile":
        from django.core.exceptions import ValidationError

        from plans.appendix.readers import read_sheets

        data = hostile_workbook()
        before = peak_mb()
        started = time.perf_counter()
        try:
            read_sheets(data, "hostile.xlsx")
        except ValidationError as error:
            message = error.messages[0]
        seconds = time.perf_counter() - started
        print(f"{seconds:.4f} {peak_mb() - before:.1f} {len(data)} {message}")
        return
    if measure == "portal":
        from plans.appendix.preview import appendix_preview
        from plans.appendix.readers import read_sheets
        from plans.appendix.write import appendix_import

        data = Path(os.environ["BENCH_WORKBOOK"]).read_bytes()  # built by the parent, outside this peak
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        preview = appendix_preview(plan=plan, sheets=read_sheets(data, "bench.xlsx"))
        read = time.perf_counter() - started
        appendix_import(plan=plan, preview=preview, user=user)
        seconds = time.perf_counter() - started
        if os.environ.get("BENCH_PROFILE"):
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
        assert plan.tasks.count() == rows
        assert plan.tasks.model.lead_units.through.objects.filter(task__plan=plan).count() == rows
        print(f"{seconds:.3f} {peak_mb():.0f} {read:.3f}")
        return
    if measure == "stock":
        from import_export import fields, resources, widgets
        from import_export.formats.base_formats import XLSX
        from import_export.instance_loaders import CachedInstanceLoader

        from tasks.models import Task

        class TaskResource(resources.ModelResource):
            """Tuned as django-import-export's documentation advises for large imports, and fairly: the plan is
            set by its id, not looked up by a ForeignKeyWidget query a row."""

            plan = fields.Field(attribute="plan_id", column_name="plan", widget=widgets.IntegerWidget())

            class Meta:
                model = Task
                fields = ("id", "plan", "position", "ordinal", "title", "product", "timeline_text")
                use_bulk = True
                batch_size = 1000
                skip_diff = True
                instance_loader_class = CachedInstanceLoader

        data = Path(os.environ["BENCH_WORKBOOK"]).read_bytes()
        started = time.perf_counter()
        dataset = _with_plan(XLSX().create_dataset(data), plan.pk)  # the plan exists only in this process
        read = time.perf_counter() - started
        with transaction.atomic():
            result = TaskResource().import_data(dataset, dry_run=False, raise_errors=True)
        seconds = time.perf_counter() - started
        assert not result.has_errors() and plan.tasks.count() == rows
        print(f"{seconds:.3f} {peak_mb():.0f} {read:.3f}")


def _with_plan(dataset, plan_id):
    column = dataset.headers.index("plan")
    rows = [list(row) for row in dataset]
    for row in rows:
        row[column] = plan_id
    import tablib

    return tablib.Dataset(*rows, headers=dataset.headers)


def run(measure, rows, database_url):
    import tempfile

    env = {**os.environ, "DATABASE_URL": database_url}
    if measure in ("portal", "stock"):
        handle, path = tempfile.mkstemp(suffix=".xlsx")
        with os.fdopen(handle, "wb") as file:
            file.write(workbook(rows) if measure == "portal" else flat_workbook(rows, 0))
        env["BENCH_WORKBOOK"] = path
    output = subprocess.run([sys.executable, "-m", "tests.bench_import", measure, str(rows)], env=env,
                            capture_output=True, text=True)
    if output.returncode:
        sys.exit(f"{measure} {rows}: {output.stderr[-3000:]}")
    if env.get("BENCH_PROFILE"):
        print(output.stderr[-6000:])
    return output.stdout.strip().splitlines()[-1].split(" ", 3)


def bench(database_url, sizes=(46, 10_000, 100_000)):
    for rows in sizes:
        seconds, peak, read = run("portal", rows, database_url)[:3]
        line = (f"import, {rows} rows end to end (read, preview, write with history and unit links): "
                f"{float(seconds):.2f} s (reading and preview {float(read):.2f} s), peak memory {peak} MB")
        if rows <= 10_000:
            # The stock import, tuned for large imports, on the same rows in the same run.
            stock_seconds, stock_peak, stock_read = run("stock", rows, database_url)[:3]
            write, stock_write = float(seconds) - float(read), float(stock_seconds) - float(stock_read)
            line += (f"\n  tuned stock django-import-export (use_bulk, skip_diff, CachedInstanceLoader; writes no history "
                     f"and no unit links) {float(stock_seconds):.2f} s (reading {float(stock_read):.2f} s), peak "
                     f"{stock_peak} MB\n  ratio end to end {float(stock_seconds) / float(seconds):.1f}x, "
                     f"ratio write only {stock_write / write:.1f}x ({write:.2f} s against {stock_write:.2f} s)")
        print(line)
    if max(sizes) >= 100_000 and os.environ.get("CELERY_BROKER_URL"):
        # The largest again as an office runs it: through HTTP, with the Celery worker, the stock import beside it.
        output = subprocess.run([sys.executable, "-m", "tests.bench_import_http", str(max(sizes))],
                                env={**os.environ, "DATABASE_URL": database_url,
                                     "COMPARE": os.environ.get("COMPARE", "none")}, capture_output=True, text=True)
        print(output.stdout.strip() or f"import through HTTP: {output.stderr[-2000:]}")
    seconds, grown, size, message = run("hostile", 0, database_url)
    print(f"import, hostile workbook ({int(size) // 1024} KB declaring 1 GB): refused in {float(seconds) * 1000:.0f} ms, "
          f"memory grew {grown} MB: {message}")
    from tests.bench_undo import bench as bench_undo

    bench_undo(database_url, rows=min(max(sizes), 10_000))


_FIGURES = r"\): ([\d.]+) s of upload.*?web worker (\d+) MB.*?Celery worker (\d+) MB.*?\): ([\d.]+) s \(reading"


def base_compare(base, rows, this):
    """Run `base`'s own bench in a temporary worktree, right after this checkout's, and print both."""
    import re
    import shutil
    import tempfile

    from tests.bench_load import git

    root = Path(__file__).resolve().parent.parent
    commit = git("rev-parse", "--verify", f"{base}^{{commit}}")
    folder = Path(tempfile.mkdtemp(prefix="bench-import-base-"))
    tree = folder / "base"
    git("worktree", "add", "--detach", str(tree), commit)
    try:
        (tree / ".venv").symlink_to((root / ".venv").resolve())
        for name in ("bench_import.py", "bench_import_http.py"):  # the same bench on the other ref's code
            shutil.copy(root / "tests" / name, tree / "tests" / name)
        output = subprocess.run([sys.executable, "-m", "tests.bench_import_http", str(rows)], cwd=tree,
                                env={**os.environ, "COMPARE": "none"}, capture_output=True, text=True)
    finally:
        git("worktree", "remove", "--force", str(tree))
        shutil.rmtree(folder, ignore_errors=True)
    found = re.search(_FIGURES, output.stdout, re.S)
    if not found:
        print(f"{base} ({commit[:10]}): no figures\n{output.stdout[-1500:]}{output.stderr[-1500:]}")
        return
    seconds, web, worker, stock = (float(figure) for figure in found.groups())
    cpu = re.search(r"Celery worker ([\d.]+) s \(preview and import\), PostgreSQL backends ([\d.]+) s", output.stdout)
    worker_cpu, postgres_cpu = (float(figure) for figure in cpu.groups()) if cpu else (float("nan"),) * 2
    print(f"\n{base} ({commit[:10]}), its own bench right after, same rows:")
    for line in output.stdout.strip().splitlines():
        if not line.startswith("AXES"):
            print(f"  | {line}")
    print(f"side by side (seconds; peak MB web / Celery worker; tuned stock's time over the portal's, in the same run; "
          f"load average now {load_text()}):\n"
          f"  this checkout {this['seconds']:.1f} s; {this['web']:.0f} / {this['worker']:.0f} MB; stock "
          f"{this['stock'] / this['seconds']:.2f}x; CPU s worker / PostgreSQL {this['worker_cpu']:.1f} / "
          f"{this['postgres_cpu']:.1f}\n"
          f"  {base:13} {seconds:.1f} s; {web:.0f} / {worker:.0f} MB; stock {stock / seconds:.2f}x; CPU s worker / "
          f"PostgreSQL {worker_cpu:.1f} / {postgres_cpu:.1f}\n"
          f"  this checkout takes {this['seconds'] / seconds:.2f}x {base}'s time, "
          f"{(this['worker_cpu'] + this['postgres_cpu']) / (worker_cpu + postgres_cpu):.2f}x its CPU")


if __name__ == "__main__":
    child(sys.argv[1], int(sys.argv[2]))
