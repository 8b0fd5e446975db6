"""Issue 5's journey: evidence is submitted, previewed, rejected with a reason, resubmitted and accepted."""
import pytest
from playwright.sync_api import expect

from evidence.models import Evidence
from tasks.models import Task
from tests import files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _report_complete(page, live_server, task, path, note):
    page.goto(f"{live_server.url}/tasks/{task.pk}/report/")
    page.locator("input[name=progress]").fill("100")
    page.locator("textarea[name=achievements]").fill(note)
    page.locator("input[name=file_1]").set_input_files(str(path))
    page.locator("input[name=description_1]").fill("Quyết định phê duyệt đề án")
    page.get_by_role("button", name="Lưu tiến độ").click()
    page.wait_for_url(f"**/tasks/{task.pk}/")


def test_officer_and_reviewer_take_evidence_from_submission_to_acceptance(demo, live_server, browser, sign_in, tmp_path,
                                                                          celery_worker):
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    first_file, second_file = tmp_path / "quyet-dinh.pdf", tmp_path / "quyet-dinh-da-ky.pdf"
    first_file.write_bytes(files.pdf_bytes("Quyết định (bản nháp)"))
    second_file.write_bytes(files.pdf_bytes("Quyết định (đã ký)"))
    officer = browser.new_context().new_page()
    reviewer = browser.new_context().new_page()
    sign_in(officer, "phulam-officer")
    sign_in(reviewer, "phulam-reviewer")

    _report_complete(officer, live_server, task, first_file, "Đề án đã được phê duyệt")
    assert officer.locator("#task-status").inner_text() == "Chờ thẩm định"

    reviewer.get_by_role("link", name="Thẩm định minh chứng").click()
    item = reviewer.locator("article.evidence", has_text="quyet-dinh.pdf")
    with reviewer.expect_response(lambda r: "/preview/" in r.url) as preview:
        item.locator("iframe.preview").wait_for()
    assert preview.value.status == 200 and preview.value.headers["content-type"] == "application/pdf"
    item.get_by_role("radio", name="Trả lại", exact=True).check()
    item.locator("select[name=reason]").select_option("unsigned")
    item.locator("textarea[name=note]").fill("Quyết định chưa có chữ ký, đóng dấu")
    item.get_by_role("button", name="Ghi nhận").click()
    assert "Không có minh chứng nào chờ thẩm định" in reviewer.locator("main").inner_text()

    officer.goto(f"{live_server.url}/tasks/{task.pk}/")
    assert officer.locator("#task-status").inner_text() == "Minh chứng bị trả lại"
    assert "Quyết định chưa có chữ ký, đóng dấu" in officer.locator(".evidence-list").inner_text()
    officer.goto(f"{live_server.url}/tasks/my-work/")
    row = officer.locator("tbody.work-item", has_text="Xây dựng Đề án thí điểm")
    assert row.locator(".mark").count() == 0  # warnings come from the job, which has not run yet
    assert "Quyết định chưa có chữ ký, đóng dấu" in row.locator(".rejection-note").inner_text()  # on the card
    officer.goto(f"{live_server.url}/tasks/{task.pk}/report/")
    assert "Quyết định chưa có chữ ký, đóng dấu" in officer.locator(".report-form .rejection-note").inner_text()
    assert officer.locator("textarea[name=achievements]").input_value() == "Đề án đã được phê duyệt"
    officer.goto(f"{live_server.url}/tasks/my-work/")
    assert officer.locator("#unread-count").inner_text() == "1"

    # An admin starts the warning job from the interface; a real Celery worker runs it.
    admin = browser.new_context().new_page()
    sign_in(admin, "phulam-admin")
    admin.goto(f"{live_server.url}/reports/warnings/")
    admin.get_by_role("button", name="Chạy kiểm tra cảnh báo ngay").click()
    assert "Đã yêu cầu kiểm tra cảnh báo" in admin.locator(".message").inner_text()
    for _attempt in range(30):
        officer.reload()
        row = officer.locator("tbody.work-item", has_text="Xây dựng Đề án thí điểm")
        if row.locator(".mark.red").count():
            break
        officer.wait_for_timeout(500)
    assert "Minh chứng bị trả lại" in row.locator(".mark.red").inner_text()

    _report_complete(officer, live_server, task, second_file, "Nộp bản đã ký")
    assert officer.locator("#task-status").inner_text() == "Chờ thẩm định"

    reviewer.goto(f"{live_server.url}/evidence/review/")
    item = reviewer.locator("article.evidence", has_text="quyet-dinh-da-ky.pdf")
    assert "Quyết định chưa có chữ ký, đóng dấu" in item.locator(".earlier").inner_text()
    assert "Nộp bản đã ký" in item.locator(".review-context").inner_text()  # the officer's report beside the file
    item.locator("iframe.preview").wait_for()
    item.locator("label", has_text="Chấp nhận").click()
    expect(item.get_by_role("radio", name="Chấp nhận", exact=True)).to_be_checked()
    item.get_by_role("button", name="Ghi nhận").click()

    officer.goto(f"{live_server.url}/tasks/{task.pk}/")
    assert officer.locator("#task-status").inner_text() == "Hoàn thành"
    task.refresh_from_db()
    assert task.status == "completed" and task.evidence.filter(status=Evidence.Status.ACCEPTED).count() == 1


def test_a_reviewer_of_another_commune_never_gets_the_file(demo, live_server, page, sign_in, users):
    from django.utils import timezone

    from tasks.services import task_progress_report

    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=100,
                         period=timezone.localdate().replace(day=1), achievements="Xong", difficulties="-",
                         proposals="-", uploads=[(files.upload("qd.pdf", files.pdf_bytes()), "Quyết định")])
    evidence = task.evidence.get()
    sign_in(page, "daiphuoc-reviewer")
    for view in ("download", "preview"):
        assert page.goto(f"{live_server.url}/evidence/{evidence.pk}/{view}/").status == 403
    page.goto(f"{live_server.url}/evidence/review/")
    assert "qd.pdf" not in page.locator("main").inner_text()
