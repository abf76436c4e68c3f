"""A theme chart drawn as inline SVG from the rows its figure draws (dashboard/figure_rows.py): lines over the years
or days, bars by category (grouped or stacked), a heatmap grid, or points and shapes on a plain map. Pure: traces in,
SVG text out (every text escaped); numbers formatted by the caller's `fmt(value, decimals)`."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from html import escape

from dashboard.api.svg_chart import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, Series, line_chart, nice_ticks
from dashboard.api.svg_chart import tick_decimals as decimals_of
from dashboard.figure_rows import MAPS, TraceRows
from dashboard.figures.base import PALETTE

Fmt = Callable[[float, int | None], str]


def _open(title: str, height: int = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart">'
    )


def trace_colour(trace: TraceRows, index: int) -> str:
    return trace.colour or PALETTE[index % len(PALETTE)]


def as_year(text: str | None) -> float | None:
    """A position on a time axis as a (fractional) year: "2015" -> 2015, "2015-07-02" -> 2015.5."""
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
    start = dt.date(day.year, 1, 1)
    return day.year + (day - start).days / ((dt.date(day.year + 1, 1, 1) - start).days)


def _year(text: str) -> float:
    year = as_year(text)
    return year if year is not None else math.nan


def figure_svg(traces: Sequence[TraceRows], barmode: str | None, fmt: Fmt, title: str) -> str:
    """The drawing of the traces ("" when nothing is drawn)."""
    drawn = [tr for tr in traces if tr.rows]
    if not drawn:
        return ""
    kinds = {tr.kind for tr in drawn}
    if kinds & set(MAPS):
        return map_svg(drawn, fmt, title)
    if "heatmap" in kinds:
        return heat_svg([tr for tr in drawn if tr.kind == "heatmap"][0], fmt, title)
    on_time_axis = all(as_year(r["x"]) is not None for tr in drawn for r in tr.rows)
    if kinds == {"scatter"} and on_time_axis:
        series = [
            Series(tr.name, trace_colour(tr, i), [(_year(r["x"]), r["value"], False, "") for r in tr.rows], tr.markers)
            for i, tr in enumerate(drawn)
        ]
        return line_chart(series, fmt, title)
    return bar_svg(drawn, barmode in ("stack", "relative"), fmt, title)


def bar_svg(traces: Sequence[TraceRows], stacked: bool, fmt: Fmt, title: str) -> str:
    """Bars by category (the x of each row, in order of appearance), one colour a trace."""
    categories = list(dict.fromkeys(r["x"] for tr in traces for r in tr.rows))
    values = {(i, r["x"]): r["value"] for i, tr in enumerate(traces) for r in tr.rows}
    if stacked:  # positives stack upwards from zero, negatives (reflows) downwards
        tops = [sum(max(values.get((i, c), 0), 0) for i in range(len(traces))) for c in categories]
        bottoms = [sum(min(values.get((i, c), 0), 0) for i in range(len(traces))) for c in categories]
    else:
        tops = [max(0.0, *(v for (_, c2), v in values.items() if c2 == c)) for c in categories]
        bottoms = [min(0.0, *(v for (_, c2), v in values.items() if c2 == c)) for c in categories]
    ticks = nice_ticks(min(bottoms), max(tops))
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    out = [_open(title)]
    decimals = decimals_of(ticks)
    for tick in ticks:
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{escape(fmt(tick, decimals))}</text>'
        )
    slot = plot_w / len(categories)
    width = slot * 0.8 / (1 if stacked else len(traces))
    label_every = max(1, math.ceil(len(categories) / 10))
    for k, category in enumerate(categories):
        left = LEFT + slot * k + slot * 0.1
        up, down = 0.0, 0.0
        for i, tr in enumerate(traces):
            value = values.get((i, category))
            if value is None:
                continue
            if stacked:
                base = up if value >= 0 else down
                start, end = base, base + value
                up, down = (end, down) if value >= 0 else (up, end)
                x = left
            else:
                start, end, x = 0.0, value, left + width * i
            top, bottom = y(max(start, end)), y(min(start, end))
            tip = f"{tr.name}, {category}: {fmt(value, None)}"
            out.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" height="{max(bottom - top, 0.5):.1f}" '
                f'fill="{trace_colour(tr, i)}"><title>{escape(tip)}</title></rect>'
            )
        if k % label_every == 0:
            out.append(
                f'<text x="{LEFT + slot * (k + 0.5):.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
                f"{escape(str(category)[:24])}</text>"
            )
    out.append("</svg>")
    return "".join(out)


def heat_svg(trace: TraceRows, fmt: Fmt, title: str) -> str:
    """A grid of cells (rows: y, columns: x) shaded from light to dark by value."""
    xs = list(dict.fromkeys(r["x"] for r in trace.rows))
    ys = list(dict.fromkeys(r["y"] for r in trace.rows))
    numbers = [r["value"] for r in trace.rows]
    low, high = min(numbers), max(numbers)
    cell_w, cell_h = (WIDTH - LEFT - RIGHT) / len(xs), (HEIGHT - TOP - BOTTOM) / len(ys)
    out = [_open(title)]
    for j, label in enumerate(ys):
        out.append(f'<text x="{LEFT - 6}" y="{TOP + cell_h * (j + 0.6):.1f}" text-anchor="end">{escape(label)}</text>')
    for i, label in enumerate(xs):
        out.append(
            f'<text x="{LEFT + cell_w * (i + 0.5):.1f}" y="{HEIGHT - 8}" text-anchor="middle">{escape(label)}</text>'
        )
    for r in trace.rows:
        share = (r["value"] - low) / (high - low) if high > low else 0.5
        shade = f"rgb({255 - int(share * 80)},{235 - int(share * 200)},{160 - int(share * 140)})"
        out.append(
            f'<rect x="{LEFT + cell_w * xs.index(r["x"]):.1f}" y="{TOP + cell_h * ys.index(r["y"]):.1f}" '
            f'width="{cell_w:.1f}" height="{cell_h:.1f}" fill="{shade}">'
            f"<title>{escape(str(r['y']))} {escape(str(r['x']))}: {escape(fmt(r['value'], None))}</title></rect>"
        )
    out.append("</svg>")
    return "".join(out)


def _rings(geometry: dict) -> list[list[list[float]]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return list(coords)
    if kind == "MultiPolygon":
        return [ring for polygon in coords for ring in polygon]
    if kind == "LineString":
        return [coords]
    if kind == "MultiLineString":
        return list(coords)
    return []


def _features(geojson: dict | None) -> list[dict]:
    if not geojson:
        return []
    if geojson.get("type") == "FeatureCollection":
        return [f.get("geometry") or {} for f in geojson.get("features", [])]
    return [geojson.get("geometry") or geojson]


def map_svg(traces: Sequence[TraceRows], fmt: Fmt, title: str, background: Sequence[dict] = ()) -> str:
    """Points (sized by value where they have one) and shapes on a plain longitude/latitude plane, with the
    `background` outlines (GeoJSON geometries) beneath."""
    shapes = [(i, tr, _features(tr.geojson)) for i, tr in enumerate(traces) if tr.kind == "choroplethmap"]
    points = [(r["lon"], r["lat"]) for tr in traces for r in tr.rows if r.get("lat") is not None]
    points += [(c[0], c[1]) for _, _, geoms in shapes for g in geoms for ring in _rings(g) for c in ring]
    if not points:
        return ""
    west, east = min(p[0] for p in points) - 1, max(p[0] for p in points) + 1
    south, north = min(p[1] for p in points) - 1, max(p[1] for p in points) + 1
    # one degree of longitude is shorter than one of latitude by cos(latitude)
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = min((WIDTH - 20) / ((east - west) * squeeze), (HEIGHT * 1.4 - 20) / (north - south))
    height = int((north - south) * scale + 20)

    def xy(lon: float, lat: float) -> str:
        return f"{10 + (lon - west) * squeeze * scale:.1f},{10 + (north - lat) * scale:.1f}"

    def path(geometry: dict) -> str:
        return " ".join("M" + " L".join(xy(c[0], c[1]) for c in ring) for ring in _rings(geometry) if ring)

    out = [_open(title, height)]
    out += [f'<path d="{path(g)}" fill="none" stroke="#c7ccd1" stroke-width="0.8"/>' for g in background]
    for i, tr, geoms in shapes:
        out += [
            f'<path d="{path(g)}" fill="{trace_colour(tr, i)}" fill-opacity="0.6" stroke="#52606d" stroke-width="0.6">'
            f"<title>{escape(tr.name)}</title></path>"
            for g in geoms
        ]
    for i, tr in enumerate(traces):
        if tr.kind != "scattermap":
            continue
        sized = [r["value"] for r in tr.rows if r.get("value") is not None]
        top = max(sized, default=0) or 1
        for r in tr.rows:
            radius = 3 + 9 * r["value"] / top if r.get("value") is not None and r["value"] > 0 else 3.5
            x, y = xy(r["lon"], r["lat"]).split(",")
            out.append(
                f'<circle cx="{x}" cy="{y}" r="{radius:.1f}" fill="{trace_colour(tr, i)}" fill-opacity="0.8" '
                f'stroke="#fff"><title>{escape(r.get("label") or tr.name)}</title></circle>'
            )
    out.append("</svg>")
    return "".join(out)
