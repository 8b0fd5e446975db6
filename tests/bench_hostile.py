"""Hostile upload figures for `make bench`: each small file that claims a huge table (plans/tests/hostile_files.py),
read as the import reads it (readers, header search, table), in a child process: its size, the time, the peak
memory of the process (Django alone is about 82 MB) and what it gave. Then the largest files within the upload
limits (15 MB, 150 MB unpacked), each as costly a kind of cell as it can hold, refused at the reading's memory
bound: their peak is the most any upload costs.

    .venv/bin/python -m tests.bench_hostile
"""
import os
import sys
import tempfile
import zipfile
from pathlib import Path

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_LETTERS = "ABCDEFGHIJKLM"
LARGEST = [
    ("13 distinct numbers a row, 150,000 rows", 150_000, 13, lambda r, c: f'<c r="{_LETTERS[c]}{r}"><v>{r * 13 + c}</v></c>'),
    ("13 distinct short texts a row, 150,000 rows", 150_000, 13,
     lambda r, c: f'<c r="{_LETTERS[c]}{r}" t="inlineStr"><is><t>Ô số {r * 13 + c} đủ</t></is></c>'),
    ("one text of 32,000 characters a row, 3,000 rows", 3_000, 1,
     lambda r, c: f'<c r="A{r}" t="inlineStr"><is><t>{r} ' + "Nhiệm vụ " * 3_550 + "</t></is></c>"),
]


def largest_xlsx(path, rows, columns, cell):
    """A workbook of `rows` rows of `columns` cells, streamed to `path`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{_MAIN}" xmlns:r="http://schemas.openxmlformats.org/'
                                            f'officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" '
                                            f'r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
                         '</Relationships>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            entry.write(f'<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
            for r in range(1, rows + 1):
                entry.write((f'<row r="{r}">' + "".join(cell(r, c) for c in range(columns)) + "</row>").encode())
            entry.write(b"</sheetData></worksheet>")


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
    with tempfile.TemporaryDirectory() as folder:
        for name, rows, columns, cell in LARGEST:
            path = Path(folder) / "largest.xlsx"
            largest_xlsx(path, rows, columns, cell)
            data = path.read_bytes()
            result, peak = run_reader(data, "largest.xlsx", folder)
            outcome = f"{result['items']} items read" if "items" in result else f"refused: {result['refused'][:70]}"
            print(f"largest upload, {name} ({len(data) / 2**20:.1f} MB, {inflated_size(data) / 2**20:.0f} MB "
                  f"unpacked): {result['seconds']:.1f} s, peak {peak:.0f} MB (goal 200 MB); {outcome}")


if __name__ == "__main__":
    sys.exit(main())
