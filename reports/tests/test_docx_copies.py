""".docx rows and paragraphs copied from the first of their format are the XML python-docx makes for each: the
document is the same, byte for byte, as one built call by call."""
import io
import zipfile

import pytest
from django.utils import translation

from plans.models import Area
from reports.documents import report_snapshot_take
from reports.documents.layout import document_build
from reports.documents.word import docx_render
from reports.register import report_draft

from .test_register import QUARTER, TODAY

pytestmark = pytest.mark.usefixtures("without_year")


def _parts(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def test_the_copied_rows_and_paragraphs_are_what_python_docx_makes(users):
    report = report_draft(user=users["phulam-leader"], area=Area.objects.get(slug="phu-lam"), kind="quarterly",
                          year=TODAY.year, number=QUARTER)
    report = report_snapshot_take(report.pk)
    with translation.override("vi"):
        doc = document_build(report)
        assert sum(len(appendix["rows"]) for appendix in doc["appendices"]) > 50
        # Line breaks, tabs and edge spaces in a cell: written as python-docx writes them.
        row = next(row for row in doc["appendices"][0]["rows"] if "cells" in row)
        row["cells"][1] = f" {row['cells'][1]}\nDòng thứ hai\tcột "
        copied, step_by_step = docx_render(doc), docx_render(doc, copies=False)
    parts = _parts(copied)
    assert parts == _parts(step_by_step)
    assert parts["word/document.xml"].count(b"<w:tr>") + parts["word/document.xml"].count(b"<w:tr ") > 50
