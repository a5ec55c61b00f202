"""Small bar charts drawn as inline SVG on the server.

The archive's pages run no JavaScript (see safe_html.py), so charts are drawn here: stacked
bars for counts (posts per month by site) and grouped bars for shares (health by run).
Every label is escaped; a chart is as safe as the text around it.
"""

from __future__ import annotations

import re
from html import escape

from markupsafe import Markup

PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")
WIDTH, LEFT, BOTTOM, TOP = 860, 48, 56, 12
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def bar_chart(labels: list[str], series: dict[str, list[float]], *, stacked: bool = True,
              percent: bool = False, title: str = "", height: int = 260) -> Markup:
    """Bars per label, one colour per series; stacked (counts) or side by side (shares)."""
    if not labels or not series:
        return Markup("")
    names = list(series)
    tops = [sum(series[n][i] for n in names) if stacked else max(series[n][i] for n in names)
            for i in range(len(labels))]
    peak = 1.0 if percent else max(max(tops), 1)
    plot_w, plot_h = WIDTH - LEFT - 10, height - BOTTOM - TOP
    slot = plot_w / len(labels)
    bar_w = max(slot * 0.8 / (1 if stacked else len(names)), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}" '
             f'height="{height + 18 * ((len(names) + 3) // 4)}" viewBox="0 0 {WIDTH} '
             f'{height + 18 * ((len(names) + 3) // 4)}"><title>{escape(title)}</title>']
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        label = f"{fraction:.0%}" if percent else f"{peak * fraction:g}"
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{label}</text>')
    every = max(1, len(labels) // 24)  # keep the axis readable
    for i, label in enumerate(labels):
        x0, base = LEFT + i * slot + slot * 0.1, 0.0
        for k, name in enumerate(names):
            value = series[name][i] or 0
            if not value:
                continue
            h = plot_h * value / peak
            x = x0 if stacked else x0 + k * bar_w
            y = TOP + plot_h - base - h
            shown = f"{value:.0%}" if percent else f"{value:g}"
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                         f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(str(label))} - '
                         f'{escape(name)}: {shown}</title></rect>')
            if stacked:
                base += h
        if i % every == 0:
            cx = LEFT + i * slot + slot / 2
            parts.append(f'<text x="{cx:.1f}" y="{height - BOTTOM + 14}" font-size="10" text-anchor="end" '
                         f'transform="rotate(-45 {cx:.1f} {height - BOTTOM + 14})">{escape(str(label))}</text>')
    for k, name in enumerate(names):
        x, y = LEFT + (k % 4) * 200, height + 4 + 18 * (k // 4)
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{PALETTE[k % len(PALETTE)]}"/>'
                     f'<text x="{x + 14}" y="{y + 9}" font-size="11">{escape(name[:30])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def chart_from_rows(columns: list[str], rows, x: str, y: str, series: str | None = None) -> Markup:
    """A stacked bar chart of query rows: x along the axis, y summed, one colour per series value."""
    if not rows or x not in columns or y not in columns:
        return Markup("")
    labels = _fill_months(sorted({row[x] for row in rows if row[x] is not None}))
    names = sorted({row[series] or "" for row in rows}) if series else [y]
    index = {label: i for i, label in enumerate(labels)}
    values = {name: [0.0] * len(labels) for name in names}
    for row in rows:
        if row[x] is not None:
            values[(row[series] or "") if series else y][index[row[x]]] += row[y] or 0
    return bar_chart(labels, values, title=f"{y} per {x}")


def _fill_months(labels: list) -> list:
    """YYYY-MM labels with the empty months between them, so time reads evenly along the axis."""
    if not labels or not all(isinstance(label, str) and _MONTH.match(label) for label in labels):
        return labels
    (year, month), end = map(int, labels[0].split("-")), tuple(map(int, labels[-1].split("-")))
    filled = []
    while (year, month) <= end:
        filled.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return filled
