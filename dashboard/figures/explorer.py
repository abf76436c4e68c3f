"""Figures of the indicator explorer: a line over years, a bar chart for one year and a country map."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl

from assets.common.geography import REGION_ID
from dashboard.figures.base import base_layout, empty_figure, over_years, per_place, place_colour
from dashboard.i18n import format_number, t
from dashboard.summaries import has_flag

# Central Asia's countries fit this view; the map shows only the polygons it is given (no basemap tiles).
MAP_CENTER = {"lat": 42.5, "lon": 64.5}


MAP_ZOOM = 2.9
# Characters per line of the title (14 px bold) and of the source under it (11 px) inside a chart: a saved picture
# shows them whole on a phone (390 px: a 350 px chart, about 8.5 and 6 px a Cyrillic character; 360 px phones too).
TITLE_WRAP = 36
SOURCE_WRAP = 50
TITLE_LINE_PX = 17
TITLE_TOP_PAD = 24
AXIS_TITLE_WRAP = 22


def labelled(fig: go.Figure, title: str, source: str) -> go.Figure:
    """The chart's title (indicator, unit, years) and its source inside the image, so a saved picture stands
    alone: the title at the top, the source as its subtitle, wrapped; the top margin grows to hold them."""
    lines = textwrap.wrap(source, SOURCE_WRAP) or [""]
    # the years stay on the line of the unit: " · 2006" is never alone on a line
    title_lines = textwrap.wrap(title.replace(" · ", "\u00a0·\u00a0"), TITLE_WRAP) or [""]
    fig.update_layout(
        title=dict(
            text="<br>".join(f"<b>{line}</b>" for line in title_lines),
            x=0.01,
            xanchor="left",
            y=1,
            yref="container",
            yanchor="top",
            # plotly sets a title with a subtitle too high by about a line's ascent: the padding keeps its first
            # line inside the picture
            pad=dict(t=TITLE_TOP_PAD),
            font=dict(size=14),
            subtitle=dict(text="<br>".join(lines), font=dict(size=11, color="#5f6b7a")),
        ),
    )
    wrap_axis_title(fig)
    extra = TITLE_LINE_PX * (len(lines) + len(title_lines))
    fig.update_layout(margin={**fig.layout.margin.to_plotly_json(), "t": 34 + extra})
    fig.update_layout(height=(fig.layout.height or 400) + extra)
    return fig


def wrap_axis_title(fig: go.Figure) -> go.Figure:
    """A long unit along the y axis on two lines: on one it reaches beyond a phone's short plot (over the source
    above it, or cut off at the picture's edge)."""
    axis_title = fig.layout.yaxis.title.text
    if axis_title and "<br>" not in axis_title and len(axis_title) > AXIS_TITLE_WRAP:
        fig.update_yaxes(title_text="<br>".join(textwrap.wrap(axis_title, AXIS_TITLE_WRAP)), automargin=True)
    return fig


def number_figure(rows: pl.DataFrame, geo_names: dict[str, str], unit_label: str, lang: str) -> go.Figure:
    """One year only: the values as numbers, a line per place, no axes (a single point draws broken axes)."""
    lines = [
        f"{geo_names.get(r['geo_id'], r['geo_id'])}, {r['year']}: <b>{format_number(r['value'], lang)}</b> {unit_label}"
        for r in rows.sort("geo_id").iter_rows(named=True)
    ]
    fig = go.Figure()
    fig.update_layout(**base_layout(lang, height=max(160, 60 + 30 * len(lines)), showlegend=False))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(
        text="<br>".join(lines),
        showarrow=False,
        x=0.0,
        y=0.5,
        xref="paper",
        yref="paper",
        xanchor="left",
        align="left",
        font=dict(size=16),
    )
    return fig


def year_ticks(years: Sequence[int]) -> dict:
    """Whole years on the axis: one tick a year over a short span (plotly would otherwise write
    "2005 2006 2006 2007" for fractional ticks), automatic over a long one."""
    span = (max(years) - min(years)) if years else 0
    return {"tickformat": "d", "dtick": 1} if span <= 12 else {"tickformat": "d"}


def flagged_marker_symbols(flags: Sequence[str]) -> list[str]:
    """A hollow marker for a value flagged stale or outside the plausible range, so it stands out on a line."""
    return ["circle-open" if has_flag(f, "stale") or has_flag(f, "range_warning") else "circle" for f in flags]


def explorer_line_figure(
    shown: pl.DataFrame, geo_names: dict[str, str], unit_label: str, flag_words, lang: str, region_id: str = REGION_ID
) -> go.Figure:
    """One line per place over the chosen years; the regional figure dashed; flagged values hollow."""
    if shown.height == 0:
        return empty_figure(t("No values for this choice.", lang), lang)
    fig = go.Figure()
    places = shown["geo_id"].unique(maintain_order=True).to_list()
    for _index, geo_id, name, series in per_place(shown, geo_names):
        fig.add_trace(
            go.Scatter(
                **over_years(series, "value"),
                mode="lines+markers",
                name=name,
                line=dict(
                    color=place_colour(geo_id, places),
                    width=2,
                    dash="dash" if geo_id == region_id else "solid",
                ),
                marker=dict(size=6, symbol=flagged_marker_symbols(series["flags"].to_list())),
                customdata=[
                    [format_number(v, lang), flag_words(f)]
                    for v, f in zip(series["value"], series["flags"], strict=False)
                ],
                hovertemplate=f"{name}<br>%{{x}}: %{{customdata[0]}} {unit_label}<br>%{{customdata[1]}}<extra></extra>",
            )
        )
    fig.update_layout(**base_layout(lang, height=400, hovermode="closest"))
    fig.update_xaxes(title_text=t("Year", lang), **year_ticks(shown["year"].to_list()))
    # a series that never goes below zero is drawn from zero: a small change does not look like a collapse
    never_negative = shown.filter(pl.col("value") < 0).is_empty()
    fig.update_yaxes(
        title_text=unit_label,
        exponentformat="none",
        separatethousands=True,
        rangemode="tozero" if never_negative else "normal",
    )
    return wrap_axis_title(fig)


def explorer_bar_figure(
    year_rows: pl.DataFrame, geo_names: dict[str, str], unit_label: str, year: int, lang: str
) -> go.Figure:
    if year_rows.height == 0:
        return empty_figure(t("No values for {year}.", lang, year=year), lang)
    ordered = year_rows.sort("value", descending=True)
    names = [geo_names.get(g, g) for g in ordered["geo_id"]]
    texts = [format_number(v, lang) for v in ordered["value"]]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=ordered["value"].to_list(),
            marker_color=[place_colour(g) for g in ordered["geo_id"]],
            text=texts,
            textposition="outside",
            cliponaxis=False,
            customdata=[[txt] for txt in texts],
            hovertemplate=f"%{{x}}, {year}: %{{customdata[0]}} {unit_label}<extra></extra>",
        )
    )
    fig.update_layout(
        **base_layout(
            lang,
            height=340,
            showlegend=False,
            margin=dict(l=60, r=20, t=40, b=60),
            title=dict(text=f"{year}", x=0.01, font=dict(size=14)),
        )
    )
    fig.update_yaxes(title_text=unit_label, exponentformat="none", separatethousands=True, rangemode="tozero")
    return fig


def country_geojson(polygons: pl.DataFrame) -> dict:
    """A FeatureCollection of the given country polygons with the ISO3 code as feature id."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": fid, "properties": {}, "geometry": json.loads(geometry)}
            for fid, geometry in polygons.iter_rows()
        ],
    }


def explorer_map_figure(
    year_rows: pl.DataFrame, geojson: dict, geo_names: dict[str, str], unit_label: str, year: int, lang: str
) -> go.Figure:
    """Countries coloured by value in one year. MapLibre with a blank style and our own polygons: no tiles,
    no fonts, no requests outside the app."""
    mapped_ids = {f["id"] for f in geojson.get("features", [])}
    rows = year_rows.filter(pl.col("geo_id").is_in(list(mapped_ids)))
    if rows.height == 0:
        return empty_figure(t("No country values for {year} to map.", lang, year=year), lang)
    texts = [format_number(v, lang) for v in rows["value"]]
    fig = go.Figure(
        go.Choroplethmap(
            geojson=geojson,
            locations=rows["geo_id"].to_list(),
            z=rows["value"].to_list(),
            colorscale="Blues",
            marker_line_color="#ffffff",
            marker_line_width=1,
            colorbar=dict(
                title=dict(text=unit_label, side="right"), thickness=12, separatethousands=True, exponentformat="none"
            ),
            customdata=[[geo_names.get(g, g), txt] for g, txt in zip(rows["geo_id"], texts, strict=False)],
            hovertemplate=f"%{{customdata[0]}}, {year}: %{{customdata[1]}} {unit_label}<extra></extra>",
        )
    )
    fig.update_layout(
        **base_layout(lang, height=380, margin=dict(l=0, r=0, t=10, b=0)),
        map=dict(style="white-bg", center=MAP_CENTER, zoom=MAP_ZOOM),
    )
    return fig
