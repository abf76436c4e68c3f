"""Air quality `/air`: cities on a map, one city's daily series, seasons, threshold days, and Kazakhstan's regions.

Every figure names its sources and licences; AirData.kz values always carry the CC BY-NC 4.0 licence, the
attribution and the note that they predate the source's October 2026 day-boundary correction.
"""

from __future__ import annotations

from typing import Any

import dash
import polars as pl
from dash import Input, Output, State, dcc, html

from assets.indicators.air import air
from dashboard import air_data, data
from dashboard.figures.air import (
    calendar_figure,
    city_map_figure,
    city_name,
    daily_figure,
    region_label,
    region_map_figure,
    season_figure,
    unit_text,
)
from dashboard.figures.base import GRAPH_CONFIG
from dashboard.i18n import format_number, format_share, format_signed_percent_change, normalize_lang, t
from dashboard.shell import (
    page_lang,
    register_page,
    simple_table,
    snapshot_callback,
    snapshot_page,
    source_title_element,
)
from dashboard.text_marks import as_published, code, seed_text, translated_or_published, with_latin_names

PATH = "/air"
NAV = (30, PATH, "Air quality")
SERIES_DROPDOWN_ID = "air-series"
LANG_STORE_ID = "air-lang"
CITY_VIEW_ID = "air-city-view"
DEFAULT_SERIES = ("almaty", "airdata_kz_main_cities", "pm25")
# Latin-script proper names inside Russian and Kazakh sentences, marked lang="en" there.
LATIN_NAMES = ("AirData.kz", "America/Los_Angeles", "Natural Earth", "AirNow", "KazHydroMet")
# How a series' source is named in the city dropdown (its code is in the ranking table and the captions).
SERIES_SOURCE_MSGIDS = {
    "airdata_kz_main_cities": "city-wide series",
    "airdata_kz_other_pm25": "KazHydroMet stations",
    "airdata_kz_other_pm10": "KazHydroMet stations",
    "airdata_kz_other_no2": "KazHydroMet stations",
    "bishkek_us_embassy_pm25": "US Embassy monitor",
    "tashkent_municipal_pm25": "municipal low-cost sensors",
}
AVERAGING_MSGIDS = {"24h": "24 hours", "annual": "year"}


def register(app: dash.Dash) -> None:
    register_page(__name__, NAV, title="Качество воздуха / Air quality · CAEI", layout=layout)
    snapshot_callback(
        app,
        Output(CITY_VIEW_ID, "children"),
        Input(SERIES_DROPDOWN_ID, "value"),
        State(LANG_STORE_ID, "data"),
        prevent_initial_call=True,  # the layout already holds the first city
    )(update_city_view)


def layout(lang: str | None = None, **_query: Any) -> html.Div:
    lang = page_lang(lang)
    return snapshot_page(lang, PATH, lambda snap, info: air_content(snap, lang))


def update_city_view(series: str | None, lang: str | None):
    lang = normalize_lang(lang)
    try:
        snap = data.snapshot_for_request()
        return city_view(snap, parse_series(series), lang)
    except (data.NoSnapshotError, data.SnapshotContentError) as problem:
        return html.P(str(problem), className="notice-detail")


# ---- helpers --------------------------------------------------------------------------------------------


def parse_series(value: str | None) -> tuple[str, str, str]:
    parts = (value or "").split("|")
    return tuple(parts) if len(parts) == 3 else DEFAULT_SERIES  # type: ignore[return-value]


def sources_caption(snap: data.Snapshot, source_ids: list[str], lang: str, element_id: str) -> html.Div:
    """Source, licence and the source's own caveat for every source behind a figure."""
    sources = {r["source_id"]: r for r in air_data.air_sources(snap).iter_rows(named=True)}
    notes = {r["source_id"]: r for r in air_data.source_notes(snap).iter_rows(named=True)}
    items = []
    for source_id in dict.fromkeys(source_ids):
        source = sources.get(source_id, {})
        note = seed_text(notes.get(source_id, {}), "note", lang)
        licence_prefix = t("Licence: {licence}.", lang, licence="\0").split("\0")
        items.append(
            html.Li(
                [
                    html.Strong(source_title_element(source, lang) if source else source_id),
                    " — ",
                    as_published(source.get("citation"), lang),
                    ". ",
                    licence_prefix[0],
                    as_published(source.get("licence") or "–", lang),
                    licence_prefix[-1],
                    " ",
                    *with_latin_names(note, LATIN_NAMES, lang),
                ]
            )
        )
    return html.Div(
        [html.Span(t("Sources and licences", lang) + ":"), html.Ul(items)], className="source-caption", id=element_id
    )


# The attribution AirData.kz asks for, verbatim in every language.
AIRDATA_ATTRIBUTION = (
    "AirData.kz. Open Air Quality Dataset for Kazakhstan. Global Shapers Almaty Hub, 2019-present. https://airdata.kz"
)


def airdata_notice(lang: str) -> html.Aside:
    return html.Aside(
        id="air-caveat",
        className="caveat",
        role="note",
        children=[
            html.Strong(t("About these data", lang)),
            html.Ul(
                [
                    html.Li(
                        [
                            *with_latin_names(
                                t(
                                    "AirData.kz values (Kazakhstan) are from the May 2026 release, before the source "
                                    "corrected its day boundaries in October 2026: days were counted in "
                                    "America/Los_Angeles time, 12–13 hours off local days. Licence CC BY-NC 4.0 "
                                    "(non-commercial use only). Attribution:",
                                    lang,
                                ),
                                LATIN_NAMES,
                                lang,
                            ),
                            " ",
                            as_published(AIRDATA_ATTRIBUTION, lang),
                        ]
                    ),
                    html.Li(
                        t(
                            "Tashkent: a municipal network of low-cost sensors, not an official reference network; the daily "
                            "value is a city median, not a mean.",
                            lang,
                        )
                    ),
                    html.Li(
                        t(
                            "A yearly or seasonal mean is shown only if at least {share} of the days of the period have "
                            "data; otherwise the period is marked incomplete and no number is given.",
                            lang,
                            share=format_share(air.COMPLETE_SHARE, lang),
                        )
                    ),
                    html.Li(t("No measured series were found for Dushanbe or Ashgabat.", lang)),
                ]
            ),
        ],
    )


# ---- page -----------------------------------------------------------------------------------------------


def air_content(snap: data.Snapshot, lang: str) -> list:
    cities = {r["city_id"]: r for r in air_data.cities(snap).iter_rows(named=True)}
    return [
        html.H1(t("Air quality in the region's cities", lang)),
        airdata_notice(lang),
        city_map_section(snap, cities, lang),
        city_section(snap, cities, lang),
        thresholds_section(snap, lang),
        regions_section(snap, lang),
    ]


def city_map_section(snap: data.Snapshot, cities: dict, lang: str) -> html.Section:
    latest = air_data.latest_complete_annual(snap, air_data.MAP_POLLUTANT)
    present = set(air_data.series_presence(snap, air_data.MAP_POLLUTANT)["city_id"])
    without = sorted(present - set(latest["city_id"]) if latest.height else present)
    figure = city_map_figure(snap, air_data.one_series_per_city(latest), cities, without, lang)
    ranking_rows = [
        [
            str(i + 1),
            city_name(cities.get(r["city_id"]), lang),
            format_number(r["mean"], lang, decimals=1),
            unit_text(lang),
            str(r["year"]),
            f"{r['days_with_data']}/{r['days_in_period']}",
            code(r["source_id"]),
        ]
        for i, r in enumerate(latest.iter_rows(named=True))
    ]
    no_point = [city_name(cities.get(c), lang) for c in latest["city_id"] if cities.get(c, {}).get("lat") is None]
    return html.Section(
        id="air-cities",
        children=[
            html.H2(t("PM2.5: latest complete annual mean by city", lang)),
            html.P(
                with_latin_names(
                    t(
                        "Circle size and colour: the latest calendar year with complete data. Grey: a PM2.5 "
                        "series exists but no year is complete. Where a city has two series, the map shows the "
                        "AirData.kz city-wide one and the table lists both: they can disagree strongly "
                        "(Karaganda).",
                        lang,
                    ),
                    LATIN_NAMES,
                    lang,
                ),
                className="muted",
            ),
            dcc.Graph(id="air-city-map", figure=figure, config=GRAPH_CONFIG, className="graph"),
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
            html.P(
                t(
                    "No complete year: {cities}.",
                    lang,
                    cities=", ".join(city_name(cities.get(c), lang) for c in without),
                ),
                className="muted",
                id="air-incomplete-cities",
            )
            if without
            else html.P(""),
            simple_table(
                [
                    t("Rank", lang),
                    t("City", lang),
                    t("Mean", lang),
                    t("Unit", lang),
                    t("Year", lang),
                    t("Days with data", lang),
                    t("Source code", lang),
                ],
                ranking_rows,
                numeric=[True, False, True, False, True, True, False],
                element_id="air-ranking-table",
                caption=t(
                    "Series ranked by their latest complete annual PM2.5 mean (years differ between series).", lang
                ),
            ),
            sources_caption(
                snap, latest["source_id"].unique().sort().to_list() if latest.height else [], lang, "air-map-source"
            ),
        ],
    )


# ---- one city -------------------------------------------------------------------------------------------


def series_options(snap: data.Snapshot, cities: dict, lang: str) -> list[dict]:
    index = air_data.series_index(snap)
    options = []
    for r in index.iter_rows(named=True):
        label = (
            f"{city_name(cities.get(r['city_id']), lang)} · {air.POLLUTANT_LABELS.get(r['pollutant'], r['pollutant'])} · "
            f"{series_source_label(r['source_id'], lang)} ({r['first_day'].year}–{r['last_day'].year})"
        )
        options.append({"label": label, "value": f"{r['city_id']}|{r['source_id']}|{r['pollutant']}"})
    return options


def series_source_label(source_id: str, lang: str) -> str:
    msgid = SERIES_SOURCE_MSGIDS.get(source_id)
    return t(msgid, lang) if msgid else source_id


def city_section(snap: data.Snapshot, cities: dict, lang: str) -> html.Section:
    options = series_options(snap, cities, lang)
    default = "|".join(DEFAULT_SERIES)
    if options and default not in {o["value"] for o in options}:
        default = options[0]["value"]
    return html.Section(
        id="air-city",
        children=[
            html.H2(t("One city: daily values, seasons and days above thresholds", lang)),
            html.Label(t("City, pollutant and source", lang), htmlFor=SERIES_DROPDOWN_ID, className="control-label"),
            dcc.Dropdown(
                id=SERIES_DROPDOWN_ID,
                options=options,
                value=default,
                clearable=False,
                searchable=True,
                className="indicator-dropdown",
            ),
            dcc.Store(id=LANG_STORE_ID, data=lang),
            html.Div(city_view(snap, parse_series(default), lang), id=CITY_VIEW_ID),
        ],
    )


def city_view(snap: data.Snapshot, series: tuple[str, str, str], lang: str) -> list:
    city_id, source_id, pollutant = series
    cities = {r["city_id"]: r for r in air_data.cities(snap).iter_rows(named=True)}
    daily = air_data.daily(snap, city_id, source_id, pollutant)
    if daily.is_empty():
        return [html.P(t("No data.", lang))]
    registry = air_data.thresholds(snap)
    stats = air_data.period_stats(snap, city_id, source_id, pollutant)
    name = city_name(cities.get(city_id), lang)
    label = air.POLLUTANT_LABELS.get(pollutant, pollutant)
    complete_years = stats.filter((pl.col("period_kind") == "year") & pl.col("complete"))["year"]
    last_year = int(complete_years.max()) if complete_years.len() else int(daily["date"].max().year)
    statistic = daily["statistic"][0]
    return [
        html.H3(t("{city}: daily {pollutant} and 30-day rolling mean", lang, city=name, pollutant=label)),
        html.P(
            t(
                "Daily statistic: {statistic}. Dashed lines: WHO 2021 24-hour guideline levels registered for this "
                "pollutant.",
                lang,
                statistic=t("city median", lang) if statistic == "daily_median" else t("daily mean", lang),
            ),
            className="muted",
        ),
        dcc.Graph(
            id="air-daily-graph",
            figure=daily_figure(daily, registry, pollutant, lang),
            config=GRAPH_CONFIG,
            className="graph",
        ),
        html.H3(t("Calendar of {year}: month by day of month", lang, year=last_year)),
        dcc.Graph(
            id="air-calendar-graph",
            figure=calendar_figure(daily, last_year, lang),
            config=GRAPH_CONFIG,
            className="graph",
        ),
        html.H3(t("Heating season (October–April) and summer (May–September)", lang)),
        dcc.Graph(id="air-season-graph", figure=season_figure(stats, lang), config=GRAPH_CONFIG, className="graph"),
        season_table(snap, stats, series, lang),
        trend_line(snap, series, lang),
        html.H3(t("Days above each registered 24-hour threshold", lang)),
        exceedance_table(air_data.exceedances(snap, city_id, source_id, pollutant), lang),
        sources_caption(snap, [source_id], lang, "air-city-source"),
    ]


def status_text(complete: bool, lang: str) -> str:
    return t("complete", lang) if complete else t("incomplete", lang)


def season_table(snap: data.Snapshot, stats: pl.DataFrame, series: tuple[str, str, str], lang: str) -> html.Table:
    ratios = {r["year"]: r for r in air_data.season_ratios(snap, *series).iter_rows(named=True)}
    rows = []
    for r in stats.sort("year", "period_kind").iter_rows(named=True):
        ratio = ratios.get(r["year"], {}).get("ratio") if r["period_kind"] == "heating_season" else None
        rows.append(
            [
                {"year": t("Year", lang), "heating_season": t("Heating season", lang), "summer": t("Summer", lang)}[
                    r["period_kind"]
                ],
                r["period"],
                f"{r['days_with_data']}/{r['days_in_period']}",
                format_share(r["completeness"], lang),
                format_number(r["mean"], lang, decimals=1) if r["complete"] else t("incomplete", lang),
                format_number(ratio, lang, decimals=1) if ratio is not None else "",
            ]
        )
    return simple_table(
        [
            t("Period type", lang),
            t("Period", lang),
            t("Days with data", lang),
            t("Completeness", lang),
            t("Mean, µg/m³", lang),
            t("Winter/summer ratio", lang),
        ],
        rows,
        numeric=[False, False, True, True, True, True],
        element_id="air-period-table",
    )


def trend_line(snap: data.Snapshot, series: tuple[str, str, str], lang: str) -> html.P:
    trend = air_data.trend(snap, *series)
    if not trend or trend["slope_per_year"] is None:
        return html.P(
            t("Trend: fewer than {n} complete years.", lang, n=air.MIN_TREND_YEARS), className="muted", id="air-trend"
        )
    return html.P(
        t(
            "Trend of complete annual means {first}–{last} ({n} years): {slope} µg/m³ per year.",
            lang,
            first=trend["first_year"],
            last=trend["last_year"],
            n=trend["n_complete_years"],
            slope=format_number(trend["slope_per_year"], lang, decimals=1),
        ),
        className="lead",
        id="air-trend",
    )


def exceedance_table(rows: pl.DataFrame, lang: str) -> html.Table | html.P:
    """One row per year, one column per registered 24-hour threshold (strictest first)."""
    if rows.is_empty():
        return html.P(t("No threshold is registered for this pollutant.", lang), id="air-exceedance-table")
    levels = rows.select("threshold_id", "level", "threshold").unique().sort("threshold").rows()
    header = (
        [t("Year", lang), t("Days with data", lang)]
        + [f"> {format_number(value, lang)} ({level})" for _id, level, value in levels]
        + [t("Status", lang)]
    )
    table_rows = []
    for (year,), group in rows.group_by(["year"], maintain_order=True):
        first = group.row(0, named=True)
        days = dict(zip(group["threshold_id"], group["days_above"], strict=False))
        table_rows.append(
            [str(year), f"{first['days_with_data']}/{first['days_in_period']}"]
            + [str(days.get(threshold_id, "–")) for threshold_id, _l, _v in levels]
            + [t("complete", lang) if first["complete"] else t("incomplete year: count is a lower bound", lang)]
        )
    return simple_table(
        header,
        table_rows,
        numeric=[True, True] + [True] * len(levels) + [False],
        element_id="air-exceedance-table",
        caption=t(
            "Days above WHO 2021 24-hour levels ({unit}). These levels are 99th percentiles: 3–4 days "
            "above per year are consistent with the guideline.",
            lang,
            unit=unit_text(lang),
        ),
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
            r["level"],
            format_number(r["value"], lang) if r["value"] is not None else t("gap: not entered", lang),
            as_published(r["table_ref"], lang),
            translated_or_published(r["note"], lang),
        ]
        for r in registry.iter_rows(named=True)
    ]
    documents = registry["document"].unique().sort().to_list()
    return html.Section(
        id="air-thresholds",
        children=[
            html.H2(t("Threshold registry", lang)),
            html.P(
                t("Every value cites its document and table; a value that could not be checked is left empty.", lang),
                className="muted",
            ),
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
                    as_published("; ".join(documents), lang),
                ],
            ),
        ],
    )


def regions_section(snap: data.Snapshot, lang: str) -> html.Section:
    regions = air_data.region_emissions_latest(snap)
    # Only regions of the latest year go on the map: a former region (South Kazakhstan to 2017) would sit on its
    # successor's point.
    latest_year = regions["year"].max() if regions.height else None
    placed = regions.filter(pl.col("lat").is_not_null() & (pl.col("year") == latest_year))
    fig = region_map_figure(snap, placed, lang)
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
    return html.Section(
        id="air-regions",
        children=[
            html.H2(t("Kazakhstan: emissions from stationary sources by region", lang)),
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
            dcc.Graph(id="air-region-map", figure=fig, config=GRAPH_CONFIG, className="graph"),
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
        ],
    )
