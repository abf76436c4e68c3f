"""Figures of the Aral & Caspian page: the Aral Sea area by basin, the two Caspian level series, the seas map
and the drivers beside them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, cast

import plotly.graph_objects as go
import polars as pl

from assets.common.flags import flag_words
from dashboard.figures.base import DAY_MS, PALETTE, base_layout, empty_figure, over_years
from dashboard.i18n import format_number, t
from dashboard.summaries import has_flag

# `large` is the whole Large Aral in the years the source does not report its eastern basin apart (until 2006).
BASINS = ("total", "large", "large_west", "large_east", "small")


def basin_label(basin: str, lang: str) -> str:
    labels = {
        "total": t("Aral Sea, total", lang),
        "large": t("Large Aral, whole (both basins)", lang),
        "large_west": t("Large Aral, western basin", lang),
        "large_east": t("Large Aral, eastern basin", lang),
        "small": t("Small (North) Aral", lang),
    }
    return labels.get(basin, basin)


def aral_area_figure(aral: pl.DataFrame, lang: str, low_quality_from: int = 2019) -> go.Figure:
    """Area by basin over time, with the years compiled from news shaded as lower quality."""
    if aral.height == 0:
        return empty_figure(t("No data.", lang), lang)
    fig = go.Figure()
    unit = t("km²", lang)
    for colour, basin in zip(PALETTE, BASINS, strict=False):
        series = aral.filter(pl.col("basin") == basin).sort("year")
        if series.height == 0:
            continue
        label = basin_label(basin, lang)
        fig.add_trace(
            go.Scatter(
                **over_years(series, "area_km2"),
                mode="lines+markers",
                name=label,
                line=dict(color=colour, width=3 if basin == "total" else 2),
                marker=dict(size=5),
                customdata=[
                    [format_number(v, lang, decimals=0, compact=False), flag_words(f, lang)]
                    for v, f in zip(series["area_km2"], series["flags"], strict=False)
                ],
                hovertemplate=f"{label}<br>%{{x}}: %{{customdata[0]}} {unit}<br>%{{customdata[1]}}<extra></extra>",
            )
        )
    last_year = int(cast(int, aral["year"].max()))
    if last_year >= low_quality_from:
        fig.add_vrect(
            x0=low_quality_from - 0.5,
            x1=last_year + 0.5,
            fillcolor="#f4b400",
            opacity=0.15,
            line_width=0,
            annotation_text=t("compiled from news: lower quality", lang),
            annotation_position="top left",
            annotation_font_size=11,
        )
    fig.update_layout(**base_layout(lang, height=420, hovermode="closest"))
    fig.update_xaxes(title_text=t("Year", lang), tickformat="d", dtick=4)
    fig.update_yaxes(title_text=unit, rangemode="tozero", exponentformat="none", separatethousands=True)
    return fig


def metres(frame: pl.DataFrame, lang: str) -> list[list[str]]:
    """The hover values of Caspian levels: metres with two decimals."""
    return [[format_number(v, lang, decimals=2)] for v in frame["level_m"]]


def level_trace(frame: pl.DataFrame, x: str, name: str, hover: str, customdata: list, **style: Any) -> go.Scatter:
    """One series of Caspian levels over the column `x`, with its hover template and values."""
    return go.Scatter(
        x=frame[x].to_list(),
        y=frame["level_m"].to_list(),
        name=name,
        customdata=customdata,
        hovertemplate=hover,
        **style,
    )


def caspian_annual_figure(annual: pl.DataFrame, lang: str) -> go.Figure:
    """DAHITI annual means as a line and official Baltic-system values as separate markers.

    The two use different height references, so they are separate traces and never one line. Partial
    years of DAHITI are drawn as hollow markers outside the line: a mean of part of a year is biased by
    the season.
    """
    if annual.height == 0:
        return empty_figure(t("No data.", lang), lang)
    fig = go.Figure()
    dahiti = annual.filter(pl.col("datum") == "dahiti").sort("year")
    partial_mask = [has_flag(f, "partial_year") for f in dahiti["flags"]]
    full = dahiti.filter(~pl.Series(partial_mask, dtype=pl.Boolean)) if dahiti.height else dahiti
    partial = dahiti.filter(pl.Series(partial_mask, dtype=pl.Boolean)) if dahiti.height else dahiti
    dahiti_name = t("Satellite altimetry (DAHITI), annual mean, m in DAHITI heights", lang)
    baltic_name = t("Official statements, m in the Baltic height system", lang)

    def hover_rows(frame: pl.DataFrame) -> list[list[str]]:
        return [
            [format_number(v, lang, decimals=2), "" if n is None else t("{n} observations", lang, n=n)]
            for v, n in zip(frame["level_m"], frame["n_obs"], strict=False)
        ]

    if full.height:
        fig.add_trace(
            level_trace(
                full,
                "year",
                dahiti_name,
                "%{x}: %{customdata[0]} " + t("m (DAHITI)", lang) + "<br>%{customdata[1]}<extra></extra>",
                hover_rows(full),
                mode="lines+markers",
                line=dict(color=PALETTE[0], width=2),
                marker=dict(size=5),
            )
        )
    if partial.height:
        fig.add_trace(
            level_trace(
                partial,
                "year",
                t("DAHITI, partial year (not a full annual mean)", lang),
                "%{x}: %{customdata[0]} "
                + t("m (DAHITI)", lang)
                + "<br>"
                + t("partial year", lang)
                + ", %{customdata[1]}<extra></extra>",
                hover_rows(partial),
                mode="markers",
                marker=dict(size=9, symbol="circle-open", color=PALETTE[0], line=dict(width=2)),
            )
        )
    baltic = annual.filter(pl.col("datum") == "baltic").sort("year")
    if baltic.height:
        fig.add_trace(
            level_trace(
                baltic,
                "year",
                baltic_name,
                "%{x}: %{customdata[0]} " + t("m (Baltic system)", lang) + "<br>%{customdata[1]}<extra></extra>",
                [[m[0], flag_words(f, lang)] for m, f in zip(metres(baltic, lang), baltic["flags"], strict=False)],
                mode="markers",
                marker=dict(size=11, symbol="diamond", color=PALETTE[5]),
            )
        )
    fig.update_layout(**base_layout(lang, height=440, hovermode="closest"))
    fig.update_xaxes(title_text=t("Year", lang), tickformat="d")
    fig.update_yaxes(title_text=t("Level, m", lang), tickformat=".1f")
    return fig


def caspian_obs_figure(obs: pl.DataFrame, lang: str) -> go.Figure:
    """The 10-day altimetry series, with flagged outliers drawn apart (not part of the line)."""
    if obs.height == 0:
        return empty_figure(t("No data.", lang), lang)
    outlier_mask = pl.Series([has_flag(f, "outlier") for f in obs["flags"]], dtype=pl.Boolean)
    regular, outliers = obs.filter(~outlier_mask), obs.filter(outlier_mask)
    fig = go.Figure()
    hover = "%{x|%Y-%m-%d}: %{customdata[0]} " + t("m (DAHITI)", lang) + "<extra></extra>"
    fig.add_trace(
        level_trace(
            regular,
            "date",
            t("DAHITI, 10-day observations, m in DAHITI heights", lang),
            hover,
            metres(regular, lang),
            mode="lines",
            line=dict(color=PALETTE[0], width=1.2),
        )
    )
    if outliers.height:
        fig.add_trace(
            level_trace(
                outliers,
                "date",
                t("Outlier (flagged in the snapshot)", lang),
                hover,
                metres(outliers, lang),
                mode="markers",
                marker=dict(size=10, symbol="x", color=PALETTE[5]),
            )
        )
    fig.update_layout(**base_layout(lang, height=360, hovermode="closest"))
    # Numeric date ticks: plotly's month names are English unless a locale bundle is loaded.
    fig.update_xaxes(
        title_text=t("Date", lang),
        tickformatstops=[
            dict(dtickrange=[None, 32 * DAY_MS], value="%d.%m.%Y"),
            dict(dtickrange=[32 * DAY_MS, 366 * DAY_MS], value="%m.%Y"),
            dict(dtickrange=[366 * DAY_MS, None], value="%Y"),
        ],
    )
    fig.update_yaxes(title_text=t("m (DAHITI)", lang), tickformat=".1f")
    return fig


def geometry_bounds(geometries: Sequence[dict]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of GeoJSON Polygon/MultiPolygon geometries, or None when there are none."""
    lons: list[float] = []
    lats: list[float] = []

    def walk(coords) -> None:
        if coords and isinstance(coords[0], (int, float)):
            lons.append(float(coords[0]))
            lats.append(float(coords[1]))
            return
        for part in coords:
            walk(part)

    for geometry in geometries:
        walk(geometry.get("coordinates") or [])
    if not lons:
        return None
    return min(lons), min(lats), max(lons), max(lats)


def map_view(
    bounds: tuple[float, float, float, float], width_px: int = 900, height_px: int = 480, padding: float = 0.08
) -> tuple[dict, float]:
    """Centre and zoom that fit `bounds` into a web-Mercator map of the given size (one tile = 512 px at zoom 0)."""

    west, south, east, north = bounds

    def mercator_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_fraction = max(east - west, 1e-6) / 360 * (1 + 2 * padding)
    y_fraction = max(mercator_y(north) - mercator_y(south), 1e-6) / (2 * math.pi) * (1 + 2 * padding)
    zoom = min(math.log2(width_px / 512 / lon_fraction), math.log2(height_px / 512 / y_fraction))
    centre_y = (mercator_y(north) + mercator_y(south)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return {"lat": round(centre_lat, 3), "lon": round((west + east) / 2, 3)}, round(zoom, 2)


def polygon_trace(key: str, z: int, shape: dict, fill: str, line: str, **style: Any) -> go.Choroplethmap:
    """One labelled polygon (`shape`: label and GeoJSON geometry) in one fill colour, hovered by its label."""
    return go.Choroplethmap(
        geojson={
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "id": key, "properties": {}, "geometry": shape["geometry"]}],
        },
        locations=[key],
        z=[z],
        colorscale=[[0, fill], [1, fill]],
        showscale=False,
        marker_line_color=line,
        name=shape["label"],
        hovertemplate=f"{shape['label']}<extra></extra>",
        **style,
    )


def seas_map_figure(seas: Sequence[dict], countries: Sequence[dict], lang: str, height: int = 520) -> go.Figure:
    """The seas drawn from our own Natural Earth polygons on a blank MapLibre style (no tiles, no requests).

    `seas`: dicts with label, geometry (GeoJSON dict), fill and line colours, drawn in the given order (the
    former Aral extent first, so the later shoreline lies on top of it). `countries`: dicts with label and
    geometry, drawn beneath as context without a legend entry.
    """
    if not seas:
        return empty_figure(t("No shorelines in the snapshot.", lang), lang)
    fig = go.Figure()
    for country in countries:
        fig.add_trace(polygon_trace("c", 0, country, "#f1f3f5", "#9aa5b1", marker_line_width=0.8, showlegend=False))
    for sea in seas:
        fig.add_trace(
            polygon_trace(
                "s", 1, sea, sea["fill"], sea["line"], marker_line_width=1.2, marker_opacity=0.9, showlegend=True
            )
        )
    bounds = geometry_bounds([s["geometry"] for s in seas])
    if bounds is None:  # polygons without coordinates
        return empty_figure(t("No shorelines in the snapshot.", lang), lang)
    centre, zoom = map_view(bounds)
    fig.update_layout(
        **base_layout(
            lang,
            height=height,
            margin=dict(l=0, r=0, t=10, b=10),
            legend=dict(orientation="h", yanchor="top", y=-0.02, x=0),
        ),
        map=dict(style="white-bg", center=centre, zoom=zoom),
    )
    return fig
