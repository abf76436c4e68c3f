"""A light line chart as inline SVG, drawn on the server: the embeds need no JavaScript and no plotly bundle.

Pure: series in, SVG text out (every text escaped). Numbers are formatted by the caller's function
`fmt(value, decimals)` (decimals None: as the value needs), so the chart speaks the page's language."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 12, 28


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    points: Sequence[tuple[float, float, bool, str]]  # (year, value, doubtful, flags in words)
    dots: bool = True  # a point per value (a daily series of thousands of values is a line only)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2, 2.5, 5 x 10^n steps)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return []
    if high == low:
        high, low = high + (abs(high) or 1) / 2, low - (abs(low) or 1) / 2
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 12))
    return ticks


def tick_decimals(ticks: Sequence[float]) -> int:
    """Decimals that show every tick's step (one format for the whole axis: 0,0 5,0 10,0, not 0,00 5,0 10)."""
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    return next((d for d in range(13) if abs(round(step, d) - step) <= 1e-9 * max(step, 1e-12)), 12)


def line_chart(series: Sequence[Series], fmt: Callable[[float, int | None], str], title: str) -> str:
    """The series as lines over the years (a day is a fraction of its year); a doubtful value is a hollow point,
    and every point has a tooltip."""
    points = [(y, v) for s in series for y, v, _, _ in s.points if math.isfinite(v)]
    if not points:
        return ""
    years = [y for y, _ in points]
    values = [v for _, v in points]
    ticks = nice_ticks(min(min(values), 0.0) if min(values) >= 0 else min(values), max(values))
    y_low, y_high = ticks[0], ticks[-1]
    x_low, x_high = min(years), max(years)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: float) -> float:
        return LEFT + (plot_w * (year - x_low) / (x_high - x_low) if x_high > x_low else plot_w / 2)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - y_low) / (y_high - y_low))

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" class="chart">'
    ]
    decimals = tick_decimals(ticks)
    for tick in ticks:
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{escape(fmt(tick, decimals))}</text>'
        )
    year_step = max(1, math.ceil((x_high - x_low) / 8))
    for year in range(math.ceil(x_low), math.floor(x_high) + 1, year_step):
        out.append(f'<text x="{x(year):.1f}" y="{HEIGHT - 8}" text-anchor="middle">{year}</text>')
    for s in series:
        kept = sorted((p for p in s.points if math.isfinite(p[1])), key=lambda p: p[0])
        path = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v, _, _ in kept)
        out.append(f'<polyline points="{path}" fill="none" stroke="{s.colour}" stroke-width="2"/>')
        for yr, v, doubtful, words in kept if s.dots else ():
            fill = "#fff" if doubtful else s.colour
            tip = f"{s.label}, {yr}: {fmt(v, None)}" + (f" ({words})" if words else "")
            out.append(
                f'<circle cx="{x(yr):.1f}" cy="{y(v):.1f}" r="{3.5 if doubtful else 2.5}" fill="{fill}" '
                f'stroke="{s.colour}"><title>{escape(tip)}</title></circle>'
            )
    out.append("</svg>")
    return "".join(out)
