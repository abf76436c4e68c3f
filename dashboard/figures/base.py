"""Figure builders: plain functions from frames to plotly figures (and the sparkline SVG).

Only cartesian traces: plotly's geo traces fetch map data from a CDN at render time (see STACK-NOTES).
Numbers in labels and hovers are formatted with Babel beforehand, so every language reads its own
decimal and thousands marks; `layout.separators` covers the axis ticks.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Sequence

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
from dash import dcc

from assets.common.geography import CENTRAL_ASIA, REGION_ID
from dashboard.i18n import format_number, plotly_separators, t

# Trace types the dashboard draws; the template keeps plotly_white's defaults for these only.
TRACE_TYPES = ("bar", "scatter", "heatmap", "scattermap", "choroplethmap")
UNUSED_LAYOUT_PARTS = ("polar", "ternary", "scene", "geo")


def slim_white_template() -> go.layout.Template:
    """plotly_white without the defaults of trace types and subplots the dashboard never draws: the template travels
    inside every figure's JSON, and the full one is ~7 KB of it (bench/page_weight.py)."""
    white = pio.templates["plotly_white"].to_plotly_json()
    return go.layout.Template(
        data={kind: traces for kind, traces in white["data"].items() if kind in TRACE_TYPES},
        layout={key: value for key, value in white["layout"].items() if key not in UNUSED_LAYOUT_PARTS},
    )


# Every figure uses this template. As the default it is applied once, unvalidated, when a figure is serialised
# (the same JSON); named in each layout, plotly validated the whole template again, ~50 ms a figure.
pio.templates["caei_white"] = slim_white_template()
pio.templates.default = "caei_white"
# Calm, colour-blind-safe hues (Okabe-Ito); a trend colour must not suggest good or bad.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")
NEUTRAL = "#44546a"
# One colour per place on every page, so a viewer who learnt "Kazakhstan is blue" on one chart reads the next
# one the same way; Central Asia is the neutral grey-blue (drawn dashed where it is a line).
PLACE_COLOURS = {
    **dict(zip(CENTRAL_ASIA, ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00"), strict=True)),
    REGION_ID: NEUTRAL,
}
# Places beyond the five (Caspian neighbours, Afghanistan...): the hues the five do not use, then grey.
OTHER_PLACE_COLOURS = ("#56B4E9", "#999999", "#F0E442", "#000000")
# No mode bar: its tooltips exist only in English (plotly's locale bundles are not shipped with Dash, and
# nothing may come from a CDN); the data behind every chart is downloadable as CSV/XLSX instead.
GRAPH_CONFIG: dcc.Graph.Config = {
    "displaylogo": False,
    "displayModeBar": False,
    "responsive": True,
}
DAY_MS = 24 * 3600 * 1000


def graph(element_id: str, figure: go.Figure | dict, zoom_on_scroll: bool = True) -> dcc.Graph:
    """A figure as a page shows it. Maps pass `zoom_on_scroll=False`: scrolling the page must not zoom them."""
    config: dcc.Graph.Config = GRAPH_CONFIG if zoom_on_scroll else {**GRAPH_CONFIG, "scrollZoom": False}
    return dcc.Graph(id=element_id, figure=figure, config=config, className="graph")


def place_colour(geo_id: str, others: Sequence[str] = ()) -> str:
    """The colour of a place on every chart; a place outside the five and the region gets the next free hue by its
    position in `others` (the places of the chart, in order), so two such places never share one."""
    if geo_id in PLACE_COLOURS:
        return PLACE_COLOURS[geo_id]
    extra = [g for g in others if g not in PLACE_COLOURS]
    index = extra.index(geo_id) if geo_id in extra else 0
    return OTHER_PLACE_COLOURS[index % len(OTHER_PLACE_COLOURS)]


def over_years(frame: pl.DataFrame, column: str) -> dict[str, list]:
    """The x (the years) and y (`column`) of a trace drawn over the years of `frame`."""
    return {"x": frame["year"].to_list(), "y": frame[column].to_list()}


def per_place(frame: pl.DataFrame, geo_names: dict[str, str]) -> Iterator[tuple[int, str, str, pl.DataFrame]]:
    """Each place of `frame` in order of appearance: its index (for the palette), id, name and rows by year."""
    for index, (geo_id,) in enumerate(frame.select("geo_id").unique(maintain_order=True).iter_rows()):
        yield index, geo_id, geo_names.get(geo_id, geo_id), frame.filter(pl.col("geo_id") == geo_id).sort("year")


def base_layout(lang: str, **overrides) -> dict:
    layout = dict(
        separators=plotly_separators(lang),
        font=dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", size=13, color="#1f2933"),
        margin=dict(l=60, r=20, t=30, b=70),
        hoverlabel=dict(font_size=13),
        legend=dict(orientation="h", yanchor="top", y=-0.22, x=0),
    )
    layout.update(overrides)
    return layout


def empty_figure(message: str, lang: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(**base_layout(lang, height=200))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return fig


def sparkline_data_uri(values: Sequence[float], width: int = 120, height: int = 32, color: str = NEUTRAL) -> str:
    """A tiny line as an inline SVG image (a data: URI): no plotly instance per card, no request."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    pad = 3
    step = (width - 2 * pad) / (len(values) - 1)
    points = [
        (pad + i * step, pad + (height - 2 * pad) * (1 - (v - low) / span) if high != low else height / 2)
        for i, v in enumerate(values)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    last_x, last_y = points[-1]
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<polyline fill="none" stroke="{color}" stroke-width="1.8" stroke-linejoin="round" points="{path}"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.6" fill="{color}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def country_bar_figure(rows: list[dict], country_names: dict[str, str], unit_label: str, lang: str) -> go.Figure:
    """Horizontal bars of the latest value per country, each labelled with its value and year."""
    with_values = [r for r in rows if r["value"] is not None]
    if not with_values:
        return empty_figure(t("No country values for this indicator.", lang), lang)
    # plotly draws the first category at the bottom; reverse so the largest value is on top.
    ordered = list(reversed(with_values))
    labels = [f"{country_names.get(r['geo_id'], r['geo_id'])} ({r['year']})" for r in ordered]
    texts = [format_number(r["value"], lang) for r in ordered]
    fig = go.Figure(
        go.Bar(
            x=[r["value"] for r in ordered],
            y=labels,
            orientation="h",
            marker_color=[place_colour(r["geo_id"]) for r in ordered],
            text=texts,
            textposition="outside",
            cliponaxis=False,
            customdata=[[txt, unit_label] for txt in texts],
            hovertemplate="%{y}: %{customdata[0]} %{customdata[1]}<extra></extra>",
            name=unit_label,
        )
    )
    fig.update_layout(
        **base_layout(lang, height=96 + 42 * len(ordered), margin=dict(l=10, r=80, t=36, b=30), showlegend=False)
    )
    fig.update_xaxes(title_text=unit_label, showticklabels=False, showgrid=False, zeroline=True)
    fig.update_yaxes(automargin=True)
    return fig
