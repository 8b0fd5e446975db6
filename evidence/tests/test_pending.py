"""A chosen evidence file survives a refused save, and only its uploader can claim it, for the same item."""
import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from evidence.models import Evidence, PendingUpload
from tasks.models import ProgressUpdate, Task
from tests import files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]

THIS_MONTH = timezone.localdate().strftime("%Y-%m")


def _task(ordinal="3"):
    return Task.objects.get(plan__slug="phu-lam-55kh", ordinal=ordinal)


def _post(client, task, **fields):
    data = {"version": task.version, "period": THIS_MONTH, "progress": 100, "achievements": "Đề án đã phê duyệt",
            "difficulties": "-", "proposals": "-"}
    data.update(fields)
    return client.post(f"/tasks/{task.pk}/report/", data)


def test_a_refused_save_keeps_the_file_and_the_next_save_uses_it(client, users):
    task = _task()
    client.force_login(users["phulam-officer"])
    refused = _post(client, task, achievements="", file_1=files.upload("quyet-dinh.pdf", files.pdf_bytes()))
    assert refused.status_code == 400
    assert not ProgressUpdate.objects.filter(task=task).exists() and not Evidence.objects.filter(task=task).exists()
    kept = PendingUpload.objects.get(task=task)
    page = refused.content.decode()
    assert "Đã đính kèm: quyet-dinh.pdf" in page and f'name="pending_1" value="{kept.pk}"' in page

    saved = _post(client, task, pending_1=kept.pk)
    assert saved.status_code == 302
    evidence = Evidence.objects.get(task=task)
    assert evidence.original_name == "quyet-dinh.pdf" and evidence.description == "quyet-dinh.pdf"  # name by default
    assert evidence.file.read().startswith(b"%PDF-")
    assert not PendingUpload.objects.exists() and not default_storage.exists(kept.file.name)


def test_a_forged_id_claims_nothing(client, users):
    task = _task()
    client.force_login(users["phulam-admin"])  # someone else's upload for the same task
    _post(client, task, achievements="", file_1=files.upload("cua-quan-tri.pdf", files.pdf_bytes()))
    theirs = PendingUpload.objects.get()
    client.force_login(users["phulam-officer"])
    refused = _post(client, task, pending_1=theirs.pk)
    assert refused.status_code == 400 and "Tệp đã đính kèm không còn" in refused.content.decode()
    assert not Evidence.objects.exists() and not ProgressUpdate.objects.filter(task=task).exists()
    assert PendingUpload.objects.filter(pk=theirs.pk).exists()


def test_an_upload_kept_for_one_item_cannot_prove_another(client, users):
    client.force_login(users["phulam-officer"])
    first = _task("3")
    _post(client, first, achievements="", file_1=files.upload("de-an.pdf", files.pdf_bytes()))
    kept = PendingUpload.objects.get()
    other = Task.objects.filter(plan=first.plan, lead_units__in=first.lead_units.all()).exclude(pk=first.pk).first()
    if other is None:
        pytest.skip("the demo has one task of this unit")
    refused = _post(client, other, pending_1=kept.pk)
    assert refused.status_code == 400 and not Evidence.objects.exists()


def test_a_file_refused_by_its_content_is_not_kept_and_says_why_beside_it(client, users):
    task = _task()
    client.force_login(users["phulam-officer"])
    refused = _post(client, task, file_1=files.upload("ban-gia.pdf", b"not a pdf at all"))
    assert refused.status_code == 400 and not PendingUpload.objects.exists()
    assert 'class="evidence-slot invalid"' in refused.content.decode()


def test_a_kept_file_can_be_removed(client, users):
    task = _task()
    client.force_login(users["phulam-officer"])
    _post(client, task, achievements="", file_1=files.upload("nham.pdf", files.pdf_bytes()))
    kept = PendingUpload.objects.get()
    response = _post(client, task, pending_1=kept.pk, remove_1="on", progress=40)
    assert response.status_code == 302
    assert not PendingUpload.objects.exists() and not Evidence.objects.exists()


def test_complete_without_a_file_says_so_beside_the_file(client, users):
    task = _task()
    client.force_login(users["phulam-officer"])
    refused = _post(client, task).content.decode()
    slot = refused[refused.index('class="evidence-slot invalid"'):]
    assert "phải kèm tệp minh chứng" in slot[:slot.index("</fieldset>")]


# The indicator report form keeps a chosen file the same way (issue 25), through the same code path.

def _indicator(ordinal="14"):  # ≥ 30 %, led by the Culture-Social office (phulam-officer)
    from indicators.models import Indicator

    return Indicator.objects.get(plan__slug="phu-lam-55kh", ordinal=ordinal)


def _report(client, indicator, **fields):
    data = {"version": indicator.version, "period": THIS_MONTH, "value": "35", "description": "35% cán bộ"}
    data.update(fields)
    return client.post(f"/indicators/{indicator.pk}/report/", data)


def test_a_refused_indicator_report_keeps_the_file_and_the_next_save_uses_it(client, users):
    from indicators.models import IndicatorReport

    indicator = _indicator()
    client.force_login(users["phulam-officer"])
    refused = _report(client, indicator, period="2099-01",  # a period to come: refused beside the field
                      file_1=files.upload("danh-sach.pdf", files.pdf_bytes()), description_1="Danh sách cán bộ")
    assert refused.status_code == 400
    assert not IndicatorReport.objects.filter(indicator=indicator).exists()
    assert not Evidence.objects.filter(indicator=indicator).exists()
    kept = PendingUpload.objects.get(indicator=indicator)
    page = refused.content.decode()
    assert "Đã đính kèm: danh-sach.pdf" in page and f'name="pending_1" value="{kept.pk}"' in page
    assert "Bỏ tệp này" in page and 'value="Danh sách cán bộ"' in page

    saved = _report(client, indicator, pending_1=kept.pk, description_1="Danh sách cán bộ")
    assert saved.status_code == 302
    evidence = Evidence.objects.get(indicator=indicator)
    assert (evidence.original_name, evidence.description) == ("danh-sach.pdf", "Danh sách cán bộ")
    assert evidence.file.read().startswith(b"%PDF-") and evidence.uploaded_by == users["phulam-officer"]
    assert not PendingUpload.objects.exists() and not default_storage.exists(kept.file.name)


def test_a_met_indicator_refused_for_want_of_a_file_says_so_beside_the_file(client, users):
    indicator = _indicator()
    client.force_login(users["phulam-officer"])
    refused = _report(client, indicator)
    page = refused.content.decode()
    assert refused.status_code == 400 and "phải kèm tệp minh chứng" in page
    assert page.index("phải kèm tệp minh chứng") > page.index('name="file_1"')  # beside the first file, not on top


def test_an_indicators_kept_file_is_claimed_only_by_its_uploader_for_that_indicator(client, users):
    indicator = _indicator()
    client.force_login(users["phulam-admin"])  # an admin may report too: their upload is theirs
    _report(client, indicator, period="2099-01", file_1=files.upload("cua-quan-tri.pdf", files.pdf_bytes()))
    theirs = PendingUpload.objects.get(indicator=indicator)
    client.force_login(users["phulam-officer"])
    refused = _report(client, indicator, pending_1=theirs.pk)
    assert refused.status_code == 400 and "Tệp đã đính kèm không còn" in refused.content.decode()
    # Nor does a file kept for a task prove an indicator.
    _post(client, _task(), achievements="", file_1=files.upload("de-an.pdf", files.pdf_bytes()))
    for_task = PendingUpload.objects.get(task=_task())
    refused = _report(client, indicator, pending_1=for_task.pk)
    assert refused.status_code == 400 and "Tệp đã đính kèm không còn" in refused.content.decode()
    assert not Evidence.objects.exists() and PendingUpload.objects.count() == 2


def test_dropping_an_indicators_kept_file_deletes_it(client, users):
    indicator = _indicator()
    client.force_login(users["phulam-officer"])
    _report(client, indicator, period="2099-01", file_1=files.upload("nham.pdf", files.pdf_bytes()))
    kept = PendingUpload.objects.get(indicator=indicator)
    refused = _report(client, indicator, pending_1=kept.pk, remove_1="on")
    assert refused.status_code == 400 and "phải kèm tệp minh chứng" in refused.content.decode()  # none left
    assert not PendingUpload.objects.exists() and not default_storage.exists(kept.file.name)
