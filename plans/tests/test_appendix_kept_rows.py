"""The confirm of a large import writes the rows its preview job read and checked (issue 22): the upload is not read
and previewed again, unless what the reading depended on changed (the file, the units it may name) or the kept
rows are gone; then it is, and the import is still all or nothing. The jobs run here, in the test's transaction."""
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from plans.appendix import services
from plans.models import AppendixImport, UnitAlias
from plans.tests.test_appendix_jobs import _plan, _tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def previewed(settings, media_root):
    settings.IMPORT_INLINE_BYTES = 0  # a job, not the request
    plan, user = _plan()
    record = services.import_upload(plan=plan, user=user, upload=SimpleUploadedFile("lon.xlsx", _tasks(40)))
    record.refresh_from_db()
    services.import_preview_run(record.pk, record.run_token)
    record.refresh_from_db()
    assert record.status == AppendixImport.Status.PREVIEWED and record.parsed_file
    return plan, user, record


def _confirm(record, user):
    record.status = AppendixImport.Status.IMPORTING
    record.save(update_fields=["status"])
    services._job_send(record, services.APPLY_JOB, user.pk)  # sent on commit, which this test never reaches
    record.refresh_from_db()
    services.import_apply_run(record.pk, record.run_token)
    record.refresh_from_db()
    return record


@pytest.fixture
def reads(monkeypatch):
    """How many times the workbook is read."""
    calls = []
    real = services.read_sheets
    monkeypatch.setattr(services, "read_sheets", lambda *args: calls.append(1) or real(*args))
    return calls


def test_the_confirm_writes_the_kept_rows_without_reading_the_workbook(previewed, reads, media_root):
    plan, user, record = previewed
    record = _confirm(record, user)
    assert record.status == "done", record.message
    assert reads == [] and record.summary["imported"] == {"new": 40, "changed": 0, "unchanged": 0}
    assert plan.tasks.count() == 40
    assert plan.tasks.model.lead_units.through.objects.filter(task__plan=plan).count() == 40
    assert plan.tasks.model.support_units.through.objects.filter(task__plan=plan).count() == 80
    task = plan.tasks.get(ordinal="7")
    assert task.starts_on and task.ends_on and task.product == "Báo cáo" and task.history.count() == 1
    assert not record.parsed_file and not list(media_root.rglob("*.json"))


def test_a_unit_alias_added_since_the_preview_makes_the_confirm_read_again(previewed, reads):
    plan, user, record = previewed
    UnitAlias.objects.create(unit=plan.area.units.get(name="Phòng Kinh tế"), alias="Phòng KT")
    record = _confirm(record, user)
    assert record.status == "done", record.message
    assert reads == [1] and plan.tasks.count() == 40


def test_kept_rows_gone_or_the_upload_replaced_the_confirm_reads_again(previewed, reads):
    plan, user, record = previewed
    record.parsed_file.storage.delete(record.parsed_file.name)
    record = _confirm(record, user)
    assert record.status == "done", record.message
    assert reads == [1] and plan.tasks.count() == 40

    other = services.import_upload(plan=plan, user=user, upload=SimpleUploadedFile("lon.xlsx", _tasks(5)))
    other.refresh_from_db()
    services.import_preview_run(other.pk, other.run_token)
    other.refresh_from_db()
    other.file.storage.delete(other.file.name)
    other.file.storage.save(other.file.name, ContentFile(_tasks(3)))
    reads.clear()
    other = _confirm(other, user)
    assert other.status == "done", other.message
    assert reads == [1] and other.summary["imported"] == {"new": 0, "changed": 0, "unchanged": 3}


def test_kept_rows_are_matched_again_and_refused_whole(previewed, reads):
    """An item added since the preview under a row's ordinal with unrelated text: nothing is written."""
    plan, user, record = previewed
    plan.tasks.model.objects.create(plan=plan, position=1, ordinal="3", title="Một việc hoàn toàn khác, đã có sẵn")
    record = _confirm(record, user)
    assert record.status == "failed" and reads == []
    assert plan.tasks.count() == 1
