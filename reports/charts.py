"""Small charts drawn on the server as inline SVG: the same markup in a page and in a WeasyPrint PDF.

No script and no library: a polyline or bars, the axis labels, a title and a text alternative.
"""
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 420, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 18, 22
COLOURS = {"line": "#175cd3", "bar": "#dc6803"}


def _nice_maximum(values, maximum):
    if maximum is not None:
        return maximum
    top = max(values, default=0)
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000):
        if top <= step * 4:
            return step * 4
    return top


def chart_svg(values, labels, *, title, kind="line", maximum=None, suffix=""):
    """An SVG chart of `values` (one per label); `kind` is "line" or "bar". Returns safe markup."""
    top = _nice_maximum(values, maximum) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(len(values), 1)
    step = plot_w / count

    def y(value):
        return round(TOP + plot_h - plot_h * min(value, top) / top, 1)

    def x(i):
        return round(LEFT + step * i, 1)

    parts = [format_html('<text x="{}" y="12" class="chart-title" font-size="11" font-weight="600">{}</text>',
                         LEFT, title)]
    for fraction in (0, 0.5, 1):
        level = top * fraction
        parts.append(format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d0d5dd" stroke-width="0.6"/>'
            '<text x="{}" y="{}" font-size="9" text-anchor="end" fill="#475467">{}{}</text>',
            LEFT, WIDTH - RIGHT, y(level), y(level), LEFT - 3, y(level) + 3, f"{level:g}", suffix))
    for i, label in enumerate(labels):
        if len(labels) <= 12 or i % 2 == 0:
            parts.append(format_html('<text x="{}" y="{}" font-size="8.5" text-anchor="middle" fill="#475467">{}'
                                     '</text>', x(i + 0.5), HEIGHT - 6, label))
    colour = COLOURS[kind]
    if kind == "bar":
        for i, value in enumerate(values):
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}{}</title></rect>',
                x(i + 0.15), y(value), round(step * 0.7, 1), round(TOP + plot_h - y(value), 1), colour,
                labels[i], value, suffix))
    else:
        points = " ".join(f"{x(i + 0.5)},{y(value)}" for i, value in enumerate(values))
        parts.append(format_html('<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>', points, colour))
        for i, value in enumerate(values):
            parts.append(format_html('<circle cx="{}" cy="{}" r="2.5" fill="{}"><title>{}: {}{}</title></circle>',
                                     x(i + 0.5), y(value), colour, labels[i], value, suffix))
    summary = "; ".join(f"{label}: {value}{suffix}" for label, value in zip(labels, values, strict=False))
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" aria-label="{escape(title)}: {escape(summary)}">'
        f'<title>{escape(title)}</title>{"".join(parts)}</svg>')


def trend_charts(months, completion, warnings, *, title_completion, title_warnings):
    """The two trend charts of the province's view: completion (%) as a line, open warnings as bars."""
    labels = [f"{month:%m/%y}" for month in months]
    return (chart_svg(completion, labels, title=title_completion, maximum=100, suffix="%"),
            chart_svg(warnings, labels, title=title_warnings, kind="bar"))
