"""Small charts drawn on the server as inline SVG: the same markup in a page and in a WeasyPrint PDF.

No script and no library: a polyline or bars, the axis labels, a title and a text alternative. This module
works out the geometry; reports/inc/chart.svg lays it out.
"""
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


def chart(values, labels, *, title, kind="line", maximum=None, suffix=""):
    """The geometry of a chart of `values` (one per label), `kind` "line" or "bar", for reports/inc/chart.svg:
    its size, title and text alternative (`summary`), grid lines (`levels`), axis labels (`ticks`), the points
    (`marks`: a bar's or a point's place, its value and label) and, for a line, its `points`."""
    top = _nice_maximum(values, maximum) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(values), 1)

    def y(value):
        return round(TOP + plot_h - plot_h * min(value, top) / top, 1)

    def x(i):
        return round(LEFT + step * i, 1)

    levels = [{"y": y(top * fraction), "text_y": y(top * fraction) + 3, "label": f"{top * fraction:g}"}
              for fraction in (0, 0.5, 1)]
    ticks = [{"x": x(i + 0.5), "label": label} for i, label in enumerate(labels) if len(labels) <= 12 or i % 2 == 0]
    if kind == "bar":
        marks = [{"x": x(i + 0.15), "y": y(value), "height": round(TOP + plot_h - y(value), 1), "value": value,
                  "label": labels[i]} for i, value in enumerate(values)]
    else:
        marks = [{"x": x(i + 0.5), "y": y(value), "value": value, "label": labels[i]} for i, value in enumerate(values)]
    return {
        "kind": kind, "title": title, "suffix": suffix, "colour": COLOURS[kind],
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right_x": WIDTH - RIGHT, "label_x": LEFT - 3,
        "tick_y": HEIGHT - 6, "bar_width": round(step * 0.7, 1),
        "summary": "; ".join(f"{label}: {value}{suffix}" for label, value in zip(labels, values, strict=False)),
        "levels": levels, "ticks": ticks, "marks": marks,
        "points": " ".join(f"{mark['x']},{mark['y']}" for mark in marks) if kind == "line" else "",
    }


def trend_charts(months, completion, warnings, *, title_completion, title_warnings):
    """The two trend charts of the province's view: completion (%) as a line, open warnings as bars."""
    labels = [f"{month:%m/%y}" for month in months]
    return (chart(completion, labels, title=title_completion, maximum=100, suffix="%"),
            chart(warnings, labels, title=title_warnings, kind="bar"))
