"""The charts of the Aral & Caspian page (dashboard/pages/aral_caspian.py), as the page, their downloads and their
embeds draw them: the seas on their shorelines, the Aral Sea area, the two Caspian level series and the drivers."""

from __future__ import annotations

import json
from collections.abc import Mapping

import polars as pl

from dashboard import data
from dashboard.figures.explorer import explorer_line_figure
from dashboard.figures.seas import aral_area_figure, caspian_annual_figure, caspian_obs_figure, seas_map_figure
from dashboard.i18n import localized, t
from dashboard.queries import indicators, reference, seas
from dashboard.shell import flag_text
from dashboard.summaries import has_flag, rows_by_key
from dashboard.theme_charts import ChartSpec, DrawnChart, register_chart

PATH = "/aral-caspian"
# aral_area and caspian_level_obs carry no source_id column: these are their entries in `sources`.
ARAL_SOURCE_ID = "aral_area"
DAHITI_SOURCE_ID = "caspian_dahiti"
SHORELINE_SOURCE_ID = "ne_lakes_seas"
COUNTRIES_SOURCE_ID = "ne_countries"
# The source: values after 2018 were compiled manually from news. The pipeline flags them `lower_quality`;
# the year is the fallback for a snapshot without the flag.
LOW_QUALITY_FROM_YEAR = 2019
# Natural Earth feature name -> (label msgid, fill, outline). Drawn in this order: the former Aral extent first,
# so the 2000s shoreline lies on top of it. Sand for the former seabed, blues for water.
SEA_FEATURES = (
    ("Historic Aral Sea", "Aral Sea, former extent", "#e9d8a6", "#a07c2c"),
    ("Aral Sea", "Aral Sea, 2000s shoreline (not the current extent)", "#2c7fb8", "#08519c"),
    ("Caspian Sea", "Caspian Sea", "#6baed6", "#2171b5"),
    ("Garabogaz Bay", "Garabogaz Bay", "#9ecae1", "#2171b5"),
)
# The drivers shown beside the seas: catalogue indicators with country values.
DRIVER_INDICATORS = ("freshwater_withdrawals", "agricultural_land")


def sea_layers(polygons: pl.DataFrame, lang: str) -> tuple[list[dict], list[str]]:
    """The sea polygons to draw, in SEA_FEATURES order, and the feature names the snapshot lacks."""
    geometry_by_name = {name: geometry for name, geometry in polygons.select("name", "geometry").iter_rows()}
    layers, missing = [], []
    for name, label_msgid, fill, line in SEA_FEATURES:
        if name not in geometry_by_name:
            missing.append(name)
            continue
        layers.append(
            {
                "name": name,
                "label": t(label_msgid, lang),
                "geometry": json.loads(geometry_by_name[name]),
                "fill": fill,
                "line": line,
            }
        )
    return layers, missing


def first_lower_quality_year(aral: pl.DataFrame) -> int:
    flagged = [int(y) for y, f in zip(aral["year"], aral["flags"], strict=False) if has_flag(f, "lower_quality")]
    return min(flagged) if flagged else LOW_QUALITY_FROM_YEAR


def seas_map_chart(snap: data.Snapshot, _state: Mapping[str, str], lang: str) -> DrawnChart:
    layers, _missing = sea_layers(reference.lake_and_sea_polygons(snap, [f[0] for f in SEA_FEATURES]), lang)
    iso3 = reference.central_asia_iso3(snap)
    names = {r["geo_id"]: localized(r, "name", lang) for r in reference.geographies(snap).iter_rows(named=True)}
    countries = [
        {"label": names.get(fid, fid), "geometry": json.loads(geometry)}
        for fid, geometry in reference.country_polygons(snap, iso3).iter_rows()
    ]
    return DrawnChart(
        t("The seas on Natural Earth shorelines", lang),
        "",
        [SHORELINE_SOURCE_ID, COUNTRIES_SOURCE_ID],
        seas_map_figure(layers, countries, lang),
    )


def aral_chart(snap: data.Snapshot, _state: Mapping[str, str], lang: str) -> DrawnChart:
    aral = seas.aral_area(snap)
    return DrawnChart(
        t("Aral Sea", lang),
        t("km²", lang),
        [ARAL_SOURCE_ID],
        aral_area_figure(aral, lang, first_lower_quality_year(aral)),
    )


def caspian_annual_chart(snap: data.Snapshot, _state: Mapping[str, str], lang: str) -> DrawnChart:
    annual = seas.caspian_level_annual(snap)
    sources = annual["source_id"].unique(maintain_order=True).to_list() if annual.height else []
    return DrawnChart(t("Caspian Sea level", lang), t("m", lang), sources, caspian_annual_figure(annual, lang))


def caspian_obs_chart(snap: data.Snapshot, _state: Mapping[str, str], lang: str) -> DrawnChart:
    annual = seas.caspian_level_annual(snap)
    dahiti = annual.filter(pl.col("datum") == "dahiti")["source_id"].unique().to_list() if annual.height else []
    return DrawnChart(
        t("10-day satellite observations", lang),
        t("m", lang),
        dahiti or [DAHITI_SOURCE_ID],
        caspian_obs_figure(seas.caspian_level_obs(snap), lang),
    )


def driver_chart(indicator_id: str) -> ChartSpec:
    """One driver's line per country (country totals, not limited to the Aral Sea basin)."""

    def build(snap: data.Snapshot, _state: Mapping[str, str], lang: str) -> DrawnChart:
        iso3 = reference.central_asia_iso3(snap)
        names = {r["geo_id"]: localized(r, "name", lang) for r in reference.geographies(snap).iter_rows(named=True)}
        entry = rows_by_key(reference.indicator_entries(snap, [indicator_id]), "indicator_id").get(indicator_id, {})
        unit_label = localized(entry, "unit_label", lang) or entry.get("unit") or ""
        series = indicators.indicator_series(snap, indicator_id, iso3)
        sources = series["source_id"].unique(maintain_order=True).to_list() if series.height else []
        return DrawnChart(
            localized(entry, "name", lang) or indicator_id,
            unit_label,
            sources or [entry.get("source_id") or ""],
            # the explorer's line: flagged values hollow and named on hover, years as whole ticks
            explorer_line_figure(series, names, unit_label, lambda f: flag_text(f, lang), lang),
        )

    return register_chart(ChartSpec(f"drivers-{indicator_id.replace('_', '-')}", PATH, build))


SEAS_MAP_CHART = register_chart(ChartSpec("seas-map", PATH, seas_map_chart))
ARAL_CHART = register_chart(ChartSpec("aral-area", PATH, aral_chart))
CASPIAN_ANNUAL_CHART = register_chart(ChartSpec("caspian-annual", PATH, caspian_annual_chart))
CASPIAN_OBS_CHART = register_chart(ChartSpec("caspian-obs", PATH, caspian_obs_chart))
DRIVER_CHARTS = {indicator_id: driver_chart(indicator_id) for indicator_id in DRIVER_INDICATORS}
