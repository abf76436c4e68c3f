"""Air quality `/air`: cities on a map, one city's daily series, seasons, threshold days, and Kazakhstan's regions.

Every figure names its sources and licences; AirData.kz values always carry the CC BY-NC 4.0 licence, the
attribution and the note that they predate the source's October 2026 day-boundary correction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash
import polars as pl
from dash import Input, Output, html

from assets.indicators.air import rules as air
from dashboard import air_data, data
from dashboard.figures.air import city_map_figure, city_name, region_label, region_map_figure, unit_text
from dashboard.i18n import format_number, format_signed_percent_change, normalize_lang, t
from dashboard.pages.air.captions import LATIN_NAMES, airdata_notice, sources_caption
from dashboard.pages.air.city import (
    CITY_VIEW_ID,
    LANG_STORE_ID,
    SERIES_DROPDOWN_ID,
    city_section,
    city_view,
    parse_series,
)
from dashboard.shell import (
    flag_text,
    page_lang,
    redraw_callback,
    register_page,
    section,
    simple_table,
    snapshot_page,
    source_title_element,
)
from dashboard.text_marks import guideline_level, translated_or_published, with_latin_names
from dashboard.theme_charts import ChartSpec, DrawnChart, chart_block, register_chart, with_page_state

PATH = "/air"
NAV = (30, PATH, "Air quality")
AVERAGING_MSGIDS = {"24h": "24 hours", "annual": "year"}


def register(app: dash.Dash) -> None:
    register_page(__name__, NAV, title="Качество воздуха / Air quality · CAEI", layout=layout)
    redraw_callback(app, [Output(CITY_VIEW_ID, "children")], [Input(SERIES_DROPDOWN_ID, "value")], LANG_STORE_ID)(
        update_city_view
    )


def update_city_view(series: str | None, lang: str | None):
    lang = normalize_lang(lang)
    try:
        snap = data.snapshot_for_request()
        return city_view(snap, parse_series(series), lang)
    except (data.NoSnapshotError, data.SnapshotContentError) as problem:
        return html.P(str(problem), className="notice-detail")


def layout(lang: str | None = None, **query: Any) -> html.Div:
    """The air page; `?series=city|source|pollutant` chooses the city's series (a chart's share link gives it)."""
    chosen = page_lang(lang)
    return snapshot_page(
        chosen, PATH, lambda snap, _info: with_page_state(query, ("series",), lambda: air_content(snap, chosen, query))
    )


def air_content(snap: data.Snapshot, lang: str, query: Mapping[str, Any] | None = None) -> list:
    cities = {r["city_id"]: r for r in air_data.cities(snap).iter_rows(named=True)}
    asked = (query or {}).get("series")
    return [
        html.H1(t("Air quality in the region's cities", lang)),
        airdata_notice(lang),
        city_map_section(snap, cities, lang),
        city_section(snap, cities, lang, asked if isinstance(asked, str) else None),
        thresholds_section(snap, lang),
        regions_section(snap, lang),
    ]


# Why a series is not in the ranking, in the viewer's words (reasons of air_ranking_exclusions).
EXCLUSION_MSGIDS = {
    "daily_median": "Daily medians, not means, so not comparable with the ranked means: {places}.",
    "not_a_city": "A cluster of several towns, not one city: {places}.",
    "no_complete_year": "No complete year (too few days, a quarter with too few days, or doubtful values left "
    "out): {places}.",
    "second_series": "Ranked by another series of the same city: {places}.",
}


def city_map_chart(snap: data.Snapshot, _state: Mapping[str, str], lang: str) -> DrawnChart:
    """The cities' latest complete annual PM2.5 means on the map (grey: no complete year)."""
    cities = {r["city_id"]: r for r in air_data.cities(snap).iter_rows(named=True)}
    latest = air_data.latest_ranked_annual(snap, air_data.MAP_POLLUTANT)
    left_out = air_data.ranking_exclusions(snap, air_data.MAP_POLLUTANT)
    grey = left_out.filter(pl.col("reason") == "no_complete_year")
    without = sorted(set(grey["city_id"]))
    return DrawnChart(
        t("PM2.5: latest complete annual mean by city", lang),
        unit_text(lang),
        sorted(set(latest["source_id"]) | set(grey["source_id"])),
        city_map_figure(snap, latest, cities, without, lang),
    )


CITY_MAP = register_chart(ChartSpec("air-city-map", PATH, city_map_chart))


def region_map_chart(snap: data.Snapshot, _state: Mapping[str, str], lang: str) -> DrawnChart:
    """Kazakhstan's regions on the map, circle area following their latest emissions."""
    regions = air_data.region_emissions_latest(snap)
    # Only regions of the latest year go on the map: a former region (South Kazakhstan to 2017) would sit on its
    # successor's point.
    latest_year = regions["year"].max() if regions.height else None
    placed = regions.filter(pl.col("lat").is_not_null() & (pl.col("year") == latest_year))
    return DrawnChart(
        t("Kazakhstan: emissions from stationary sources by region", lang),
        t("thousand t", lang),
        ["kz_emissions_stationary_by_region"],
        region_map_figure(snap, placed, lang),
    )


REGION_MAP = register_chart(ChartSpec("air-region-map", PATH, region_map_chart))


def city_map_section(snap: data.Snapshot, cities: dict, lang: str) -> html.Section:
    latest = air_data.latest_ranked_annual(snap, air_data.MAP_POLLUTANT)
    left_out = air_data.ranking_exclusions(snap, air_data.MAP_POLLUTANT)
    sources = {r["source_id"]: r for r in air_data.air_sources(snap).iter_rows(named=True)}
    ranking_rows = [
        [
            str(i + 1),
            city_name(cities.get(r["city_id"]), lang),
            format_number(r["mean"], lang, decimals=1),
            unit_text(lang),
            str(r["year"]),
            f"{r['days_with_data']}/{r['days_in_period']}",
            str(r["days_doubtful"]),
            flag_text(r["flags"], lang),
            source_title_element(sources.get(r["source_id"], {"title": r["source_id"]}), lang),
        ]
        for i, r in enumerate(latest.iter_rows(named=True))
    ]
    no_point = [city_name(cities.get(c), lang) for c in latest["city_id"] if cities.get(c, {}).get("lat") is None]
    return section(
        "air-cities",
        t("PM2.5: latest complete annual mean by city", lang),
        with_latin_names(
            t(
                "Circle size and colour: the latest calendar year with complete data. Grey: a PM2.5 series exists "
                "but no year is complete. Only cities whose daily values are means are ranked, each once; values "
                "a screening rule flagged as doubtful are left out of the means.",
                lang,
            ),
            LATIN_NAMES,
            lang,
        ),
        *chart_block(CITY_MAP, "air-city-map", snap, {}, lang),
        html.P(
            with_latin_names(
                t("Not on the map (no location in Natural Earth): {cities}.", lang, cities=", ".join(no_point)),
                LATIN_NAMES,
                lang,
            ),
            className="muted",
            id="air-no-point",
        )
        if no_point
        else html.P(""),
        simple_table(
            [
                t("Rank", lang),
                t("City", lang),
                t("Mean", lang),
                t("Unit", lang),
                t("Year", lang),
                t("Days with data", lang),
                t("Doubtful days left out", lang),
                t("Notes", lang),
                t("Source", lang),
            ],
            ranking_rows,
            numeric=[True, False, True, False, True, True, True, False, False],
            element_id="air-ranking-table",
            caption=t("Cities ranked by their latest complete annual PM2.5 mean (years differ between cities).", lang),
        ),
        left_out_list(left_out, cities, lang),
        sources_caption(
            snap, latest["source_id"].unique().sort().to_list() if latest.height else [], lang, "air-map-source"
        ),
    )


def left_out_list(left_out: pl.DataFrame, cities: dict, lang: str) -> html.Div:
    """What the ranking leaves out and why, one line per reason; doubtful days are counted per place."""
    items = []
    for reason, msgid in EXCLUSION_MSGIDS.items():
        rows = left_out.filter(pl.col("reason") == reason)
        if rows.is_empty():
            continue
        places = [
            city_name(cities.get(r["city_id"]), lang)
            + (" " + t("({n} doubtful days)", lang, n=r["days_doubtful"]) if r["days_doubtful"] else "")
            for r in rows.iter_rows(named=True)
        ]
        items.append(html.Li(t(msgid, lang, places=", ".join(places))))
    return html.Div(
        [html.Strong(t("Left out of the ranking", lang)), html.Ul(items)], id="air-left-out", className="muted"
    )


# ---- thresholds and regions -----------------------------------------------------------------------------


def averaging_text(averaging: str, lang: str) -> str:
    msgid = AVERAGING_MSGIDS.get(averaging)
    return t(msgid, lang) if msgid else averaging


def thresholds_section(snap: data.Snapshot, lang: str) -> html.Section:
    registry = air_data.thresholds(snap)
    rows = [
        [
            air.POLLUTANT_LABELS.get(r["pollutant"], r["pollutant"]),
            averaging_text(r["averaging"], lang),
            guideline_level(r["level"], lang),
            format_number(r["value"], lang) if r["value"] is not None else t("gap: not entered", lang),
            translated_or_published(r["table_ref"], lang),
            translated_or_published(r["note"], lang),
        ]
        for r in registry.iter_rows(named=True)
    ]
    documents = registry["document"].unique().sort().to_list()
    return section(
        "air-thresholds",
        t("Threshold registry", lang),
        t("Every value cites its document and table; a value that could not be checked is left empty.", lang),
        simple_table(
            [
                t("Pollutant", lang),
                t("Averaging", lang),
                t("Level", lang),
                t("Value, µg/m³", lang),
                t("Table", lang),
                t("Note", lang),
            ],
            rows,
            numeric=[False, False, False, True, False, False],
            element_id="air-threshold-table",
            caption=[
                t("Document: {documents}", lang, documents="\0").split("\0")[0],
                *[
                    part
                    for n, d in enumerate(documents)
                    for part in (["; "] if n else []) + [translated_or_published(d, lang)]
                ],
            ],
        ),
    )


def regions_section(snap: data.Snapshot, lang: str) -> html.Section:
    regions = air_data.region_emissions_latest(snap)
    unplaced = [region_label(r, lang) for r in regions.filter(pl.col("lat").is_null()).iter_rows(named=True)]
    rows = [
        [
            region_label(r, lang),
            str(r["year"]),
            format_number(r["value"], lang, decimals=1),
            f"{r['first_year']}–{r['last_year']}" if r["first_year"] else "",
            format_signed_percent_change(r["change_pct"], lang),
            format_number(r["slope_per_year"], lang, decimals=1) if r["slope_per_year"] is not None else "–",
            r["trend_note"] and t("compared up to 2021 (boundary change in 2022)", lang) or "",
        ]
        for r in regions.iter_rows(named=True)
    ]
    national = air_data.national_emissions(snap)
    lead = ""
    if national.height:
        first, last = national.row(0, named=True), national.row(-1, named=True)
        lead = t(
            "Kazakhstan, total: {first} thousand t in {first_year}, {last} thousand t in {last_year}.",
            lang,
            first=format_number(first["value"], lang, decimals=1),
            first_year=first["year"],
            last=format_number(last["value"], lang, decimals=1),
            last_year=last["year"],
        )
    return section(
        "air-regions",
        t("Kazakhstan: emissions from stationary sources by region", lang),
        None,
        html.P(lead, className="lead", id="air-national-emissions"),
        html.P(
            with_latin_names(
                t(
                    "Points are Natural Earth label points, not boundaries; circle area follows the latest "
                    "value. Regions created in 2022 have no point: {regions}. No population by region exists "
                    "in the sources, so no per-capita values are shown.",
                    lang,
                    regions=", ".join(unplaced),
                ),
                LATIN_NAMES,
                lang,
            ),
            className="muted",
        ),
        *chart_block(REGION_MAP, "air-region-map", snap, {}, lang),
        simple_table(
            [
                t("Region", lang),
                t("Year", lang),
                t("Thousand t", lang),
                t("Compared years", lang),
                t("Change", lang),
                t("Trend, thousand t per year", lang),
                t("Note", lang),
            ],
            rows,
            numeric=[False, True, True, False, True, True, False],
            element_id="air-region-table",
        ),
        sources_caption(snap, ["kz_emissions_stationary_by_region"], lang, "air-region-source"),
    )
