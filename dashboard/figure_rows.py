"""What a plotly figure draws, as rows: the data behind a chart's download and its embed are read from the very
figure the page shows, so the CSV holds exactly what is drawn (nothing recomputed beside it).

Pure: figure in, rows out. One row per drawn point, bar, heatmap cell or map feature. Columns (left out when no
trace of the figure has them): `series` (the trace's name, as in the legend), `x` and `y` (the positions on the
axes, as text: a year, a day, a category), `value` (the number drawn: a bar's or point's height, a cell's colour,
a map marker's colour value or value), `lat`, `lon`, `label` (a map marker's text). Gaps (no value) are not drawn,
so they are not rows; a map marker without a value is drawn (grey) and stays a row. Traces that carry no data (map
outlines, river lines: `hoverinfo="skip"`) are left out."""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import plotly.graph_objects as go
import polars as pl

COLUMNS = {
    "series": pl.String,
    "x": pl.String,
    "y": pl.String,
    "value": pl.Float64,
    "lat": pl.Float64,
    "lon": pl.Float64,
    "label": pl.String,
}
CARTESIAN = ("scatter", "bar")
MAPS = ("scattermap", "choroplethmap")


@dataclass(frozen=True)
class TraceRows:
    """One drawn trace: its kind (plotly's type), name, colour and rows (dicts with keys of COLUMNS)."""

    kind: str
    name: str
    colour: str | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    horizontal: bool = False
    geojson: dict | None = None
    markers: bool = True
    in_legend: bool = True


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, numbers.Real):  # numpy's numbers too
        return float(value) if math.isfinite(value) else None
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _label(text: Any) -> str | None:
    """A hover text as plain text: plotly's line breaks become "; "."""
    return None if text is None else str(text).replace("<br>", "; ")


def _listed(value: Any, n: int) -> list:
    """A trace attribute as n items: a list as it is, one value repeated, or Nones."""
    if value is None or isinstance(value, (str, int, float)):
        return [value] * n
    items = list(value)
    return items + [None] * (n - len(items))


def _x_positions(trace: dict, n: int) -> list:
    if trace.get("x") is not None:
        return list(trace["x"])
    # x0 + dx (the daily air series): a date start and steps in milliseconds, or numbers
    start, step = trace.get("x0", 0), trace.get("dx", 1)
    if isinstance(start, str):
        first = dt.datetime.fromisoformat(start)
        return [(first + dt.timedelta(milliseconds=step * i)).date().isoformat() for i in range(n)]
    return [start + step * i for i in range(n)]


def _colour(trace: dict) -> str | None:
    scale = trace.get("colorscale")
    if isinstance(scale, (list, tuple)) and scale and isinstance(scale[0][1], str):  # one-colour shapes
        return scale[0][1]
    for part in ("marker", "line"):
        colour = (trace.get(part) or {}).get("color")
        if isinstance(colour, str):
            return colour
    return None


def trace_rows(trace: dict) -> TraceRows | None:
    """The rows one trace draws (None for a trace that draws no data)."""
    kind = trace.get("type") or "scatter"
    name = str(trace.get("name") or "")
    if trace.get("hoverinfo") == "skip":
        return None
    if kind in CARTESIAN:
        horizontal = trace.get("orientation") == "h"
        across, along = ("y", "x") if horizontal else ("x", "y")
        heights = list(trace.get(along) or [])
        positions = list(trace.get(across) or []) if horizontal else _x_positions(trace, len(heights))
        rows = [
            {"series": name, "x": _text(p), "value": _number(v)}
            for p, v in zip(positions, heights, strict=False)
            if _number(v) is not None
        ]
        mode = str(trace.get("mode") or "")
        return TraceRows(kind, name, _colour(trace), rows, horizontal, markers="markers" in mode or kind == "bar")
    if kind == "heatmap":
        grid = trace.get("z") or []
        xs, ys = list(trace.get("x") or range(max((len(r) for r in grid), default=0))), list(trace.get("y") or [])
        rows = [
            {"series": name, "x": _text(x), "y": _text(ys[i] if i < len(ys) else i), "value": _number(v)}
            for i, line in enumerate(grid)
            for x, v in zip(xs, line, strict=False)
            if _number(v) is not None
        ]
        return TraceRows(kind, name, None, rows)
    if kind == "scattermap":
        lats = list(trace.get("lat") or [])
        colours = (trace.get("marker") or {}).get("color")
        # a marker's value: its colour value, or (a marker of one colour sized by value) its customdata
        numeric: Any = trace.get("customdata") if isinstance(colours, str) or colours is None else colours
        values = _listed(numeric, len(lats))
        labels = _listed(trace.get("text"), len(lats))
        rows = [
            {"series": name, "lat": _number(lat), "lon": _number(lon), "label": _label(text), "value": _number(v)}
            for lat, lon, text, v in zip(lats, trace.get("lon") or [], labels, values, strict=False)
            if _number(lat) is not None
        ]
        return TraceRows(kind, name, _colour(trace), rows)
    if kind == "choroplethmap":
        locations = list(trace.get("locations") or [])
        rows = [
            # the location is the shape's key inside the figure, not a name: the trace's name names the shape
            {"series": name, "value": _number(v)}
            for _location, v in zip(locations, _listed(trace.get("z"), len(locations)), strict=False)
        ]
        return TraceRows(kind, name, _colour(trace), rows, geojson=trace.get("geojson"))
    return None


def figure_traces(figure: go.Figure | dict) -> list[TraceRows]:
    """Every trace of the figure that draws data, in drawing order."""
    plain = figure.to_plotly_json() if isinstance(figure, go.Figure) else figure
    traces = []
    for trace in plain.get("data", []):
        rows = trace_rows(trace)
        if rows is not None:
            traces.append(rows if trace.get("showlegend", True) else replace(rows, in_legend=False))
    return traces


def figure_rows(figure: go.Figure | dict | Sequence[TraceRows]) -> pl.DataFrame:
    """The rows the figure draws, with the columns some trace has (see the module's docstring)."""
    traces = figure if isinstance(figure, Sequence) else figure_traces(figure)
    rows = [row for trace in traces for row in trace.rows]
    used = [c for c in COLUMNS if any(row.get(c) is not None for row in rows)] or ["series", "value"]
    return pl.DataFrame([{c: row.get(c) for c in used} for row in rows], schema={c: COLUMNS[c] for c in used})
