"""The report's documents as a clerk would sign them: one Times-metric font holding every Vietnamese letter,
a .docx LibreOffice lays out as the PDF (national heading and motto on one line each, about as many pages),
dates padded as Decree 30 says, plans cited by number or by title and date, nothing cut inside a word."""
import io
import os
import re
import shutil
import subprocess

import pytest
from django.utils import timezone
from pypdf import PdfReader

from plans.models import Area, Plan
from reports.documents.layout import decree30_date, plan_name, words

from .test_register import QUARTER, TODAY, docx_text, pdf_text, run_jobs
from .test_report_workflow import issued

# Each starts from items nobody has reported on and an empty register: the demo's year left out.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_year")]
LONG_TITLE = ("Kế hoạch triển khai thực hiện Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính trị về "
              "đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia trên địa bàn xã "
              "Phú Lâm giai đoạn 2025 - 2030, tầm nhìn đến năm 2045")


def _font_families(data):
    """The font families a PDF draws its text with (subset prefixes and styles taken off)."""
    families = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            name = str(font.get_object().get("/BaseFont", ""))
            name = re.sub(r"^/?([A-Z]{6}\+)?", "", name)
            families.add(re.sub(r"([-,](Bold|Italic|Regular|Oblique))+$", "", name))
    return families


def _lines(data):
    return [" ".join(line.split()) for page in PdfReader(io.BytesIO(data)).pages
            for line in page.extract_text().splitlines()]


def test_decree_30_dates_pad_days_under_10_and_months_1_and_2_only():
    assert decree30_date(2026, 12, 7) == "ngày 07 tháng 12 năm 2026"
    assert decree30_date(2026, 2, 15) == "ngày 15 tháng 02 năm 2026"
    assert decree30_date(2026, 11, 20) == "ngày 20 tháng 11 năm 2026"
    assert decree30_date(2026, 3, 1) == "ngày 01 tháng 3 năm 2026"


def test_texts_are_cut_at_a_words_end_and_unnumbered_plans_cited_by_title_and_date():
    cut = words(LONG_TITLE, 120)
    assert len(cut) <= 120 and cut.endswith("…") and LONG_TITLE.startswith(cut[:-1])
    assert LONG_TITLE[len(cut) - 1] == " "  # the next character after the kept text is a space: no word split
    plan = {"reference": "Số: /KH-UBND", "number": "", "title": "Chuyển đổi số xã Phú Lâm", "issued": [2026, 2, 5]}
    assert plan_name(plan) == "Kế hoạch Chuyển đổi số xã Phú Lâm, ngày 05 tháng 02 năm 2026"
    assert plan_name({**plan, "number": "55", "reference": "55/KH-UBND"}) == (
        "Kế hoạch số 55/KH-UBND (Chuyển đổi số xã Phú Lâm)")


def test_the_issued_pdf_is_one_font_family_with_the_decree_30_heading(users):
    Plan.objects.filter(slug="phu-lam-55kh").update(number="", title=LONG_TITLE, issued_year=2026, issued_month=2,
                                                    issued_day=5)
    report = issued(users["phulam-leader"], render=True)
    pdf = report.pdf.read()
    assert _font_families(pdf) == {"Liberation-Serif"}, _font_families(pdf)
    text, docx = pdf_text(pdf), docx_text(report.docx.read())
    day = timezone.localtime(report.issued_at).date()
    for body in (text, docx):
        assert f"Phú Lâm, {decree30_date(day.year, day.month, day.day)}" in body
        assert f"Kế hoạch {LONG_TITLE}, ngày 05 tháng 02 năm 2026" in body  # whole, by title and date
        assert "Số: /KH" not in body
        assert (f"(Kèm theo Báo cáo số {report.reference} ngày {day:%d/%m/%Y} của Ủy ban nhân dân xã Phú Lâm)"
                in body)


def test_the_province_issuer_stays_on_one_line(users):
    province = run_jobs(_province_draft(users))
    lines = _lines(province.pdf.read())
    assert any("SỞ KHOA HỌC VÀ CÔNG NGHỆ" in line for line in lines), lines[:6]


def _province_draft(users):
    from reports.register import report_draft

    return report_draft(user=users["dongnai-leader"], area=Area.objects.get(slug="dong-nai"), kind="quarterly",
                        year=TODAY.year, number=QUARTER)


def _soffice():
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("CI must check the .docx in LibreOffice: install Debian's libreoffice-writer-nogui")
        pytest.skip("LibreOffice is not installed (Debian's libreoffice-writer-nogui)")
    return binary


def test_libreoffice_lays_the_docx_out_as_the_pdf(users, tmp_path):
    soffice = _soffice()
    report = issued(users["phulam-leader"], render=True)
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(report.docx.read())
    # A profile of its own: a LibreOffice already running elsewhere would otherwise take the job.
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=240,
                   env={**os.environ, "HOME": str(tmp_path)})
    converted = (tmp_path / "bao-cao.pdf").read_bytes()
    lines = _lines(converted)
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line for line in lines), lines[:8]
    assert any("Độc lập - Tự do - Hạnh phúc" in line for line in lines), lines[:8]
    pages, expected = len(PdfReader(io.BytesIO(converted)).pages), len(PdfReader(io.BytesIO(report.pdf.read())).pages)
    assert abs(pages - expected) <= 0.2 * expected, (pages, expected)


def test_the_body_names_what_lags_what_is_due_next_and_the_leaders_words(client, users):
    from reports.documents import report_snapshot_take
    from reports.register import report_draft
    from tasks.models import Task

    report = run_jobs(report_draft(user=users["phulam-leader"], area=Area.objects.get(slug="phu-lam"),
                                   kind="quarterly", year=TODAY.year, number=QUARTER))
    cutoff = timezone.datetime.fromisoformat(report.snapshot["cutoff"]).date()
    due = Task.objects.filter(plan__slug="phu-lam-55kh").order_by("position").last()
    Task.objects.filter(pk=due.pk).update(ends_on=cutoff + timezone.timedelta(days=20))
    report_snapshot_take(report.pk)
    client.force_login(users["phulam-officer"])  # an officer cannot write the leader's words
    client.post(f"/reports/register/{report.pk}/narrative/", {"results": "Không được lưu"})
    report.refresh_from_db()
    assert not report.snapshot["narrative"]
    client.force_login(users["phulam-leader"])
    narrative = {"results": "Xã đã tập trung triển khai các nhiệm vụ trọng tâm của quý.",
                 "shortcomings": "Nguồn nhân lực chuyên trách còn thiếu.",
                 "directions": "Hoàn thành đề án chuyển đổi số trước ngày 31/12.",
                 "proposals": "Đề nghị Sở hỗ trợ tập huấn."}
    assert client.post(f"/reports/register/{report.pk}/narrative/", narrative).status_code == 302
    report_snapshot_take(report.pk)  # figures taken again keep the leader's words
    report = run_jobs(report)
    assert report.snapshot["narrative"] == narrative
    tasks = [t for p in report.snapshot["plans"] for t in p["tasks"]]
    behind = [t for t in tasks if t["status"] != "completed" and t["expected"] is not None
              and (t["progress"] or 0) < t["expected"]]
    no_data = [i for p in report.snapshot["plans"] for i in p["indicators"] if i["met"] is None]
    assert behind and no_data
    for text in (pdf_text(report.pdf.read()), docx_text(report.docx.read())):
        squeezed = "".join(text.split())  # long titles: the PDF's justified lines space words unevenly
        assert f"I. KẾT QUẢ THỰC HIỆN {narrative['results']}" in text
        assert f"II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN {narrative['shortcomings']}" in text
        assert f"Nhiệm vụ chậm so với lộ trình: {len(behind)}." in text
        assert f"Chỉ tiêu chưa có số liệu: {len(no_data)}." in text
        for task in behind:
            # the first 100 characters: text extraction misreads some symbols (≥) in the longest titles
            assert "".join(f"{task['ordinal']}. {task['title'][:100]}".split()) in squeezed, task["title"]
        for indicator in no_data:
            assert "".join(indicator["content"][:100].split()) in squeezed
        assert f"III. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI {narrative['directions']}" in text
        assert "".join(f"{due.ordinal}. {due.title}".split()) in squeezed
        assert f"hạn {(cutoff + timezone.timedelta(days=20)):%d/%m/%Y}" in text
        assert f"IV. KIẾN NGHỊ, ĐỀ XUẤT {narrative['proposals']}" in text
