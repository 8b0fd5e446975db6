import datetime
import io

from django.template.loader import render_to_string
from django.utils import translation

from reports.charts import chart, trend_charts


def _svg(found):
    return render_to_string("reports/inc/chart.svg", {"chart": found})


def test_the_chart_is_inline_svg_with_a_text_alternative():
    svg = _svg(chart([0, 50, 100], ["01/26", "02/26", "03/26"], title="Hoàn thành", maximum=100, suffix="%"))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-label="Hoàn thành: 01/26: 0%; 02/26: 50%; 03/26: 100%"' in svg
    assert svg.count("<circle") == 3


def test_coordinates_keep_a_decimal_point_in_vietnamese():
    with translation.override("vi"):
        svg = _svg(chart([1, 2, 3], ["a", "b", "c"], title="Cảnh báo", kind="bar"))
    assert 'width="88.2"' in svg and "88,2" not in svg


def test_hostile_titles_and_labels_are_text():
    svg = _svg(chart([1, 2], ['"><script>alert(1)</script>', "javascript:alert(1)"], title="<b>T</b> & \"q\"",
                     kind="bar"))
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg and "&lt;b&gt;T&lt;/b&gt; &amp; &quot;q&quot;" in svg
    assert "href" not in svg  # a label is never a link


def test_the_same_chart_renders_into_a_pdf():
    from pypdf import PdfReader
    from weasyprint import HTML

    months = [datetime.date(2026, month, 1) for month in range(1, 13)]
    completion, warnings = trend_charts(months, list(range(0, 120, 10)), [3] * 12, title_completion="Tỷ lệ hoàn thành",
                                        title_warnings="Cảnh báo đang mở")
    html = render_to_string("reports/inc/trend_charts.html", {"charts": (completion, warnings)})
    pdf = HTML(string=f"<html><body>{html}</body></html>").write_pdf()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Tỷ lệ hoàn thành" in text and "Cảnh báo đang mở" in text and "12/26" in text
