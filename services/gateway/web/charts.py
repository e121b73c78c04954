"""Charts for the dashboard as inline SVG, drawn on the server: no script, no build step,
nothing fetched from elsewhere. Each chart is an ``<svg role="img">`` with a title and a
description for screen readers, and its numbers as text beside the marks.
"""

from markupsafe import Markup, escape

FONT = 'font-family="system-ui, sans-serif" font-size="12"'
COLOURS = {"primary": "#1d3557", "secondary": "#e76f51", "good": "#2a9d8f", "muted": "#adb5bd", "warn": "#f4a261"}


def _svg(chart_id, width, height, title, description, body):
    return Markup(
        f'<svg id="{escape(chart_id)}" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{escape(chart_id)}-title '
        f'{escape(chart_id)}-desc" xmlns="http://www.w3.org/2000/svg" {FONT}>'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>{body}</svg>'
    )


def _nice_top(value):
    """A round upper bound for an axis: 1, 2, 5 × 10^n."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _short(label, limit=20):
    """A label that fits beside a bar; the full one is in the chart's description."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _bar(label, value, x, y, length, height, fill, series=None, opacity=None):
    """A bar, with what it shows as data attributes: its label, its series if there are
    several, and its value ("" for none)."""
    of_series = f' data-series="{escape(series)}"' if series is not None else ""
    faded = f' opacity="{opacity:.2f}"' if opacity is not None else ""
    return (f'<rect class="bar" data-label="{escape(label)}"{of_series} data-value="{"" if value is None else value}" '
            f'x="{x}" y="{y}" width="{length:.1f}" height="{height}" fill="{fill}"{faded}/>')


def line_chart(chart_id, title, labels, series, width=960, height=240):
    """Lines over time. ``labels`` along the x axis; ``series`` = [(name, colour, values)]."""
    left, right, top, bottom = 40, 24, 24, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_top(max((max(values, default=0) for _, _, values in series), default=0))
    step = plot_w / max(len(labels) - 1, 1)

    def x(index):
        return left + index * step

    def y(value):
        return top + plot_h - value / peak * plot_h

    parts = []
    for tick in range(5):
        value = peak * tick / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     f'stroke="#e9ecef"/><text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
                     f'fill="#6c757d">{value:g}</text>')
    every = max(len(labels) // 8, 1)
    for index, label in enumerate(labels):
        if index % every == 0 or index == len(labels) - 1:
            parts.append(f'<text x="{x(index):.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                         f'fill="#6c757d">{escape(label)}</text>')
    for offset, (name, colour, values) in enumerate(series):
        points = " ".join(f"{x(index):.1f},{y(value):.1f}" for index, value in enumerate(values))
        parts.append(f'<polyline class="series" data-series="{escape(name)}" fill="none" stroke="{colour}" '
                     f'stroke-width="2" points="{points}"/>')
        parts.append(f'<rect x="{left + offset * 140}" y="4" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{left + offset * 140 + 16}" y="14">{escape(name)} ({sum(values):g})</text>')
    description = "; ".join(f"{name}: {', '.join(f'{label} {value:g}' for label, value in zip(labels, values, strict=True))}"
                            for name, _, values in series)
    return _svg(chart_id, width, height, title, description, "".join(parts))


def bar_chart(chart_id, title, rows, maximum=None, colour=COLOURS["primary"], width=480, unit=""):
    """Horizontal bars: ``rows`` = [(label, value or None, text shown beside the bar)]."""
    label_w, bar_h, gap, top = 170, 18, 8, 8
    height = top * 2 + len(rows) * (bar_h + gap) or 40
    peak = maximum or _nice_top(max((value or 0 for _, value, _ in rows), default=0))
    span = width - label_w - 90
    parts = []
    for index, (label, value, text) in enumerate(rows):
        y = top + index * (bar_h + gap)
        length = 0 if value is None else max(value / peak * span, 1 if value else 0)
        parts.append(f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end">{escape(_short(label))}</text>'
                     + _bar(label, value, label_w, y, length, bar_h, colour)
                     + f'<text x="{label_w + length + 6:.1f}" y="{y + 13}" fill="#343a40">{escape(text)}{escape(unit)}</text>')
    description = "; ".join(f"{label}: {text}{unit}" for label, _, text in rows)
    return _svg(chart_id, width, height, title, description, "".join(parts))


def paired_bar_chart(chart_id, title, rows, names, width=480):
    """Two bars per row (e.g. median and p90): ``rows`` = [(label, first, second)]."""
    label_w, bar_h, gap, top = 170, 12, 10, 26
    height = top + len(rows) * (2 * bar_h + gap) + 8
    peak = _nice_top(max((max(first or 0, second or 0) for _, first, second in rows), default=0))
    span = width - label_w - 60
    colours = (COLOURS["primary"], COLOURS["warn"])
    parts = [f'<rect x="{label_w + offset * 130}" y="4" width="12" height="12" fill="{colours[offset]}"/>'
             f'<text x="{label_w + offset * 130 + 16}" y="14">{escape(name)}</text>'
             for offset, name in enumerate(names)]
    for index, (label, *values) in enumerate(rows):
        y = top + index * (2 * bar_h + gap)
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h + 4}" text-anchor="end">{escape(_short(label))}</text>')
        for offset, value in enumerate(values):
            length = 0 if value is None else max(value / peak * span, 2)
            shown = "—" if value is None else f"{value:g}"
            parts.append(_bar(label, value, label_w, y + offset * bar_h, length, bar_h - 1, colours[offset],
                              series=names[offset])
                         + f'<text x="{label_w + length + 4:.1f}" y="{y + offset * bar_h + 10}" font-size="10">{shown}</text>')
    description = "; ".join(f"{label}: {names[0]} {first}, {names[1]} {second}" for label, first, second in rows)
    return _svg(chart_id, width, height, title, description, "".join(parts))


def funnel_chart(chart_id, title, steps, width=480):
    """Steps of a process, each bar as wide as its count, centred: [(label, count)]."""
    bar_h, gap, top = 30, 6, 6
    height = top * 2 + len(steps) * (bar_h + gap)
    peak = max((count for _, count in steps), default=0) or 1
    first = steps[0][1] if steps else 0
    parts = []
    for index, (label, count) in enumerate(steps):
        length = max(count / peak * (width - 40), 2)
        y = top + index * (bar_h + gap)
        share = f" · {count / first:.0%}" if first and index else ""
        parts.append(_bar(label, count, f"{(width - length) / 2:.1f}", y, length, bar_h, COLOURS["good"],
                          opacity=0.9 - index * 0.15)
                     + f'<text x="{width / 2}" y="{y + 20}" text-anchor="middle" fill="#1d2433" '
                     f'font-weight="bold">{escape(label)} {count}{share}</text>')
    description = "; ".join(f"{label} {count}" for label, count in steps)
    return _svg(chart_id, width, height, title, description, "".join(parts))
