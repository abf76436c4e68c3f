"""A small trend line for tables (an inline SVG data URI) drawn on a stated axis, never auto-scaled to its own
range: the caller gives the axis (dashboard.compare.trend_axis) and says it beside the line."""

from __future__ import annotations

import base64
from collections.abc import Sequence

TREND_COLOR = "#44546a"
AXIS_COLOR = "#b8c2cc"


def trend_data_uri(
    values: Sequence[float], low: float, high: float, width: int = 110, height: int = 34, color: str = TREND_COLOR
) -> str:
    """The values as a line between the axis bounds `low` (bottom edge, drawn as a base line) and `high`."""
    if len(values) < 2 or high <= low:
        return ""
    pad = 3
    step = (width - 2 * pad) / (len(values) - 1)

    def y(value: float) -> float:
        return pad + (height - 2 * pad) * (1 - (value - low) / (high - low))

    points = [(pad + i * step, y(v)) for i, v in enumerate(values)]
    path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in points)
    last_x, last_y = points[-1]
    base = y(low)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<line x1="{pad}" y1="{base:.1f}" x2="{width - pad}" y2="{base:.1f}" stroke="{AXIS_COLOR}" stroke-width="1"/>'
        f'<line x1="{pad}" y1="{y(high):.1f}" x2="{width - pad}" y2="{y(high):.1f}" stroke="{AXIS_COLOR}" '
        f'stroke-width="0.6" stroke-dasharray="2,2"/>'
        f'<polyline fill="none" stroke="{color}" stroke-width="1.8" stroke-linejoin="round" points="{path}"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.6" fill="{color}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
