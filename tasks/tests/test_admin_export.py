"""Admin exports never hand a spreadsheet a live formula (CSV/formula injection)."""
import csv
import io

import openpyxl
import pytest

from config.export_formats import EXPORT_FORMATS
from tasks.models import Task

pytestmark = pytest.mark.django_db

HOSTILE = ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _export(client, format_name):
    form = client.get("/admin/tasks/task/export/").context["form"]
    data = {name: True for name, field in form.fields.items() if name.startswith("taskresource_")}
    data["resource"] = 0
    data["format"] = [f.__name__ for f in EXPORT_FORMATS].index(format_name)
    response = client.post("/admin/tasks/task/export/", data)
    assert response.status_code == 200 and response.get("Content-Disposition"), response.context["form"].errors
    return response.content


@pytest.fixture
def hostile_tasks(users):
    tasks = list(Task.objects.filter(plan__slug="phu-lam-55kh").order_by("pk")[:len(HOSTILE)])
    for task, title in zip(tasks, HOSTILE, strict=True):
        task.title = title
        task.save()
    return tasks


def test_admin_offers_only_the_escaping_formats(client, users):
    client.force_login(users["admin"])
    formats = client.get("/admin/tasks/task/export/").context["form"].fields["format"].choices
    assert [label for value, label in formats if value != ""] == ["csv", "tsv", "xlsx", "ods"]


def test_csv_export_escapes_every_formula_start(client, users, hostile_tasks):
    client.force_login(users["admin"])
    rows = list(csv.reader(io.StringIO(_export(client, "CSV").decode("utf-8-sig"), newline="")))
    titles = {row[rows[0].index("title")] for row in rows[1:]}
    assert {"'" + title for title in HOSTILE} <= titles
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_xlsx_export_escapes_every_formula_start_and_keeps_numbers(client, users, hostile_tasks):
    client.force_login(users["admin"])
    sheet = openpyxl.load_workbook(io.BytesIO(_export(client, "XLSX"))).active
    rows = list(sheet.iter_rows(values_only=True))
    title, progress = rows[0].index("title"), rows[0].index("progress")
    assert {"'" + title_ for title_ in HOSTILE} <= {row[title] for row in rows[1:]}
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert all(isinstance(row[progress], int) for row in rows[1:])
