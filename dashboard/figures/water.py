"""Figures of the water page: sites by class on the rivers and reservoirs, access to drinking water."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboard import data, outlines
from dashboard.figures.base import PALETTE, base_layout, empty_figure
from dashboard.i18n import format_number, localized, t
from dashboard.queries import water
from dashboard.shell import source_title_element
from dashboard.text_marks import as_published

MAP_CENTER = {"lat": 47.5, "lon": 68.0}


# Sequential hues from very clean (I) to extremely dirty (VII); III stays visible on a white map.
CLASS_COLOURS = {
    "I": "#2c7bb6",
    "II": "#74add1",
    "III": "#e6b800",
    "IV": "#fc8d59",
    "V": "#d73027",
    "VI": "#a50026",
    "VII": "#5e0016",
}


def class_label(roman: str | None, lang: str) -> str:
    return t("class {roman}", lang, roman=roman) if roman else "–"


def norm_document(r: dict, sources_by_id: Mapping[str, dict], lang: str) -> Any:
    """The document a norm comes from, by its source's title in the page language (never a file name); a norm
    implied from a bulletin's multiplicities says so."""
    source = sources_by_id.get(r.get("norm_source_id") or "")
    if source is None:
        return as_published(r["document"] or "", lang)
    title = source_title_element(source, lang)
    if r.get("norm_provenance") == "implied":
        return [t("implied from the multiplicities of the MPC in:", lang) + " ", title]
    return title


def _line_coords(geometry: dict) -> list[list[list[float]]]:
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "LineString":
        return [coords]
    if kind in ("MultiLineString", "Polygon"):
        return list(coords)
    if kind == "MultiPolygon":
        return [ring for poly in coords for ring in poly]
    return []


def site_map_figure(snap: data.Snapshot, sites: pl.DataFrame, lang: str) -> go.Figure:
    fig = go.Figure()
    lons: list = []
    lats: list = []
    for geometry in water.river_lines(snap)["geometry"]:
        for part in _line_coords(json.loads(geometry)):
            lons += [c[0] for c in part] + [None]
            lats += [c[1] for c in part] + [None]
    if lons:
        fig.add_trace(
            go.Scattermap(
                lon=lons,
                lat=lats,
                mode="lines",
                line=dict(color="#6baed6", width=2),
                name=t("Monitored rivers and reservoirs", lang),
                hoverinfo="skip",
            )
        )
    placed = sites.filter(pl.col("lat").is_not_null())
    for roman in CLASS_COLOURS:
        rows = placed.filter(pl.col("class_published") == roman)
        if rows.is_empty():
            continue
        fig.add_trace(
            go.Scattermap(
                lon=rows["lon"].to_list(),
                lat=rows["lat"].to_list(),
                mode="markers",
                marker=dict(size=13, color=CLASS_COLOURS[roman]),
                customdata=rows["wpi_2006_04"].to_list(),  # the site's WPI (its download reads it)
                name=class_label(roman, lang),
                text=[
                    f"{localized(r, 'site_name', lang)}<br>{t('WPI', lang)} "
                    f"{format_number(r['wpi_2006_04'], lang, decimals=2)}, "
                    f"{class_label(r['class_published'], lang)}"
                    for r in rows.iter_rows(named=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(
        **base_layout(
            lang,
            height=520,
            margin=dict(l=0, r=0, t=10, b=0),
            legend=dict(orientation="h", y=0, yanchor="bottom", x=0, bgcolor="rgba(255,255,255,0.8)"),
            map=dict(style="white-bg", center=MAP_CENTER, zoom=3.6, layers=outlines.outline_layers(snap)),
        )
    )
    return fig


def jmp_figure(values: pl.DataFrame, names: dict[str, dict], lang: str) -> go.Figure:
    """Each country's latest share with basic and with safely managed drinking water, side by side."""
    labels = {
        "basic_drinking_water": t("At least basic drinking water", lang),
        "safely_managed_water": t("Safely managed drinking water", lang),
    }
    fig = go.Figure()
    for i, indicator in enumerate(water.JMP_INDICATORS):
        part = values.filter(pl.col("indicator_id") == indicator)
        if part.is_empty():
            continue
        fig.add_trace(
            go.Bar(
                x=[localized(names.get(g, {}), "name", lang) or g for g in part["geo_id"]],
                y=part["value"].to_list(),
                name=labels[indicator],
                marker_color=PALETTE[i],
                text=[
                    f"{format_number(v, lang, decimals=0)} % ({y})"
                    for v, y in zip(part["value"], part["year"], strict=False)
                ],
                textposition="outside",
                hoverinfo="text",
            )
        )
    if fig.data:
        fig.update_layout(
            **base_layout(
                lang, height=380, barmode="group", yaxis=dict(title=t("% of population", lang), range=[0, 110])
            )
        )
    else:
        fig = empty_figure(t("No data.", lang), lang)
    return fig
