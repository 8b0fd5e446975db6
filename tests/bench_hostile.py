"""Hostile upload figures for `make bench`: each small file that claims a huge table (plans/tests/hostile_files.py),
read as the import reads it (readers, header search, table), in a child process: its size, the time, the peak
memory of the process (Django alone is about 82 MB) and what it gave.

    .venv/bin/python -m tests.bench_hostile
"""
import os
import sys
import tempfile


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    from plans.appendix.readers import inflated_size
    from plans.tests.hostile_files import catalogue, run_reader

    inline = settings.IMPORT_INLINE_BYTES
    worst_seconds = worst_peak = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for name, build, _expected in catalogue():
            data = build()
            result, peak = run_reader(data, name, folder)
            seconds = result["seconds"]
            worst_seconds, worst_peak = max(worst_seconds, seconds), max(worst_peak, peak)
            outcome = f"{result['items']} items read" if "items" in result else f"refused: {result['refused'][:90]}"
            where = "in the request" if inflated_size(data) <= inline else "in a job"
            print(f"hostile upload, {name} ({len(data) / 1024:.0f} KB, {where}): {seconds * 1000:.0f} ms, "
                  f"peak {peak:.0f} MB; {outcome}")
    print(f"hostile uploads: slowest {worst_seconds * 1000:.0f} ms (goal 1 s), highest peak {worst_peak:.0f} MB "
          f"(goal 200 MB)")


if __name__ == "__main__":
    sys.exit(main())
