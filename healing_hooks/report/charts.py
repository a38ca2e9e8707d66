"""Inline SVG charts for the HTML report: no script, no external file, tooltips by <title>.

Every text that comes from the memory files is escaped here; colours come from the page's CSS
variables where they exist, so the charts follow the page's light or dark scheme.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from healing_hooks.report.summary import Bucket, TestRun

CATEGORY_COLOURS = {
    "import": "#4e79a7",
    "dependency": "#f28e2b",
    "async": "#b07aa1",
    "rust": "#9c755f",
    "test": "#e15759",
    "timeout": "#edc948",
    "syntax": "#76b7b2",
    "type": "#59a14f",
    "name": "#ff9da7",
    "attribute": "#86bcb6",
    "command": "#8cd17d",
    "permission": "#d37295",
    "network": "#a0cbe8",
    "lint": "#bab0ac",
    "runtime": "#f1ce63",
    "unclassified": "#c7c7c7",
}
SPARE_COLOURS = ("#499894", "#d4a6c8", "#fabfd2", "#b6992d", "#79706e", "#ffbe7d", "#9d7660", "#d7b5a6")


def colour(category: str) -> str:
    """A category's colour: fixed for the known ones, stable for the others."""
    if category in CATEGORY_COLOURS:
        return CATEGORY_COLOURS[category]
    return SPARE_COLOURS[sum(map(ord, category)) % len(SPARE_COLOURS)]


def _text(x: float, y: float, content: str, css: str = "", anchor: str = "start") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" class="{css}" text-anchor="{anchor}">{escape(content)}</text>'


def nice_ticks(top: int, wanted: int = 4) -> list[int]:
    """0 and a few round numbers reaching at least `top`."""
    if top <= 0:
        return [0, 1]
    raw = top / wanted
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    return list(range(0, top + step, step))[: wanted + 2]


def stacked_bars(
    buckets: Sequence[Bucket], categories: Sequence[str], width: int = 880, height: int = 260
) -> str:
    """Error events per category per time step, stacked, with a y axis and thinned x labels."""
    left, right, top, bottom = 40, 12, 14, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = nice_ticks(max((sum(b.counts.values()) for b in buckets), default=0))
    scale = plot_h / ticks[-1]
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="errors per category">'
    ]
    for tick in ticks:
        y = top + plot_h - tick * scale
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(_text(left - 8, y + 4, str(tick), "axis", "end"))
    slot = plot_w / max(len(buckets), 1)
    bar = max(min(slot * 0.72, 46), 2)
    every = max(1, math.ceil(len(buckets) / 8))
    for index, bucket in enumerate(buckets):
        x = left + index * slot + (slot - bar) / 2
        y = top + plot_h
        tip = ", ".join(f"{n} {c}" for c, n in sorted(bucket.counts.items(), key=lambda kv: -kv[1]))
        parts.append(f"<g><title>{escape(bucket.label)}: {escape(tip or 'no errors')}</title>")
        slot_x = left + index * slot
        parts.append(f'<rect class="slot" x="{slot_x:.1f}" y="{top}" width="{slot:.1f}" height="{plot_h}"/>')
        for category in categories:
            count = bucket.counts.get(category, 0)
            if count:
                h = count * scale
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" rx="2" '
                    f'fill="{colour(category)}"/>'
                )
        parts.append("</g>")
        if index % every == 0:
            parts.append(_text(x + bar / 2, height - bottom + 18, bucket.label, "axis", "middle"))
    parts.append(
        f'<line class="baseline" x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def legend(categories: Sequence[tuple[str, int]]) -> str:
    """Coloured keys for the categories, with their totals."""
    items = "".join(
        f'<span class="key"><i style="background:{colour(c)}"></i>{escape(c)} <b>{n}</b></span>'
        for c, n in categories
    )
    return f'<div class="legend">{items}</div>'


def donut(rate: float | None, caption: str, size: int = 150) -> str:
    """A ring filled to `rate` (0..1), the percentage in its middle; grey with "n/a" when unknown."""
    radius, stroke = size / 2 - 12, 16
    centre = size / 2
    circumference = 2 * math.pi * radius
    parts = [f'<svg class="donut" viewBox="0 0 {size} {size}" role="img" aria-label="{escape(caption)}">']
    circle = f'cx="{centre}" cy="{centre}" r="{radius:.1f}" fill="none" stroke-width="{stroke}"'
    parts.append(f'<circle class="ring" {circle}/>')
    if rate is not None and rate > 0:
        dash = circumference * min(rate, 1.0)
        parts.append(
            f'<circle class="fill" {circle} stroke-linecap="round" '
            f'stroke-dasharray="{dash:.1f} {circumference:.1f}" transform="rotate(-90 {centre} {centre})"/>'
        )
    label = "n/a" if rate is None else f"{rate:.0%}"
    parts.append(_text(centre, centre + 9, label, "donut-value", "middle"))
    parts.append("</svg>")
    return "".join(parts)


def bar_cell(value: int, most: int) -> str:
    """A small horizontal bar for a table cell, with the number beside it."""
    width = 100 * value / most if most else 0
    return f'<div class="cellbar"><span style="width:{width:.0f}%"></span><b>{value}</b></div>'


def run_strip(runs: Sequence[TestRun], limit: int = 120) -> str:
    """The last test runs as a row of squares: green passed, red failed; hover for the details."""
    shown = list(runs)[-limit:]
    cells = "".join(
        f'<span class="run {"pass" if run.passed else "fail"}" '
        f'title="{escape(f"{run.at:%d %b %H:%M} {run.command}: {run.counts}")}"></span>'
        for run in shown
    )
    return f'<div class="strip" role="img" aria-label="test runs, oldest first">{cells}</div>'
