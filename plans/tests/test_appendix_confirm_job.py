"""The confirm of a large appendix import previews the sheets its preview job kept, without reading the
workbook again (issue 21): the plan may have changed since, so the rows are matched again, but not read again."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plans import jobs  # noqa: F401  registers the jobs by name before any worker starts (see config/jobs.py)
from plans.appendix import services
from plans.tests.test_appendix_jobs import _plan, _tasks, _wait

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_confirm_reuses_the_sheets_the_preview_read(celery_worker, settings, media_root, monkeypatch):
    settings.IMPORT_INLINE_BYTES = 0
    plan, user = _plan()
    record = services.import_upload(plan=plan, user=user, upload=SimpleUploadedFile("lon.xlsx", _tasks(300)))
    record = _wait(record, lambda r: r.status == "previewed")
    assert record.parsed_file and record.summary["counts"]["new"] == 300
    # From here the workbook cannot be read: the import must come from the kept sheets.
    monkeypatch.setattr(services, "read_sheets", lambda *args: pytest.fail("the workbook was read again"))
    plan.tasks.model.objects.create(plan=plan, position=1, ordinal="1", product="Thêm trước khi xác nhận",
                                    title="Nhiệm vụ số 1: triển khai nền tảng số dùng chung cho các cơ quan của xã")
    services.import_confirm(record, user)
    record = _wait(record, lambda r: r.status in ("done", "failed"))
    assert record.status == "done", record.message
    # Matched again against the plan as it is now: the item added meanwhile is updated, not duplicated.
    assert record.summary["imported"] == {"new": 299, "changed": 1, "unchanged": 0}
    assert plan.tasks.count() == 300
    assert not record.parsed_file and not list(media_root.rglob("*.json"))  # not kept once imported
