"""One city on the air page: a series chosen by city, pollutant and source, by day, as a calendar and by season,
with its trend and its days above the thresholds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import cast

import polars as pl
from dash import dcc, html

from assets.common.flags import flags_doubtful
from assets.indicators.air import rules as air
from dashboard import air_data, air_series, data
from dashboard.figures.air import calendar_figure, city_name, daily_figure, season_figure, unit_text
from dashboard.figures.base import empty_figure, graph
from dashboard.i18n import format_number, format_share, t, tn
from dashboard.pages.air.captions import sources_caption
from dashboard.shell import chooser, flag_text, section, simple_table
from dashboard.text_marks import guideline_level
from dashboard.theme_charts import ChartSpec, DrawnChart, links_for, register_chart

SERIES_DROPDOWN_ID = "air-series"
LANG_STORE_ID = "air-lang"
CITY_VIEW_ID = "air-city-view"
DEFAULT_SERIES = ("almaty", "airdata_kz_main_cities", "pm25")
# How a series' source is named in the city dropdown (its code is in the ranking table and the captions).
SERIES_SOURCE_MSGIDS = {
    "airdata_kz_main_cities": "city-wide series",
    "airdata_kz_other_pm25": "KazHydroMet stations",
    "airdata_kz_other_pm10": "KazHydroMet stations",
    "airdata_kz_other_no2": "KazHydroMet stations",
    "bishkek_us_embassy_pm25": "US Embassy monitor",
    "tashkent_municipal_pm25": "municipal low-cost sensors",
}


def parse_series(value: str | None) -> tuple[str, str, str]:
    parts = (value or "").split("|")
    return tuple(parts) if len(parts) == 3 else DEFAULT_SERIES  # type: ignore[return-value]


def series_options(snap: data.Snapshot, cities: dict, lang: str) -> list[dict]:
    index = air_data.series_index(snap)
    options = []
    for r in index.iter_rows(named=True):
        label = (
            f"{city_name(cities.get(r['city_id']), lang)} · "
            f"{air.POLLUTANT_LABELS.get(r['pollutant'], r['pollutant'])} · "
            f"{series_source_label(r['source_id'], cities.get(r['city_id']), lang)} "
            f"({r['first_day'].year}–{r['last_day'].year})"
        )
        options.append({"label": label, "value": f"{r['city_id']}|{r['source_id']}|{r['pollutant']}"})
    return options


def series_source_label(source_id: str, city: dict | None, lang: str) -> str:
    if (city or {}).get("place_kind") == "cluster":  # not a city-wide series: several towns averaged
        return t("series of several towns", lang)
    msgid = SERIES_SOURCE_MSGIDS.get(source_id)
    return t(msgid, lang) if msgid else source_id


def city_section(snap: data.Snapshot, cities: dict, lang: str, asked: str | None = None) -> html.Section:
    """The chooser and the chosen series (`asked`: from the page's address, `?series=city|source|pollutant`)."""
    options = series_options(snap, cities, lang)
    known = {o["value"] for o in options}
    default = asked if asked in known else "|".join(DEFAULT_SERIES)
    if options and default not in known:
        default = options[0]["value"]
    return section(
        "air-city",
        t("One city: daily values, seasons and days above thresholds", lang),
        None,
        *chooser(t("City, pollutant and source", lang), SERIES_DROPDOWN_ID, options, default),
        dcc.Store(id=LANG_STORE_ID, data=lang),
        html.Div(city_view(snap, parse_series(default), lang), id=CITY_VIEW_ID),
    )


def city_charts(snap: data.Snapshot, series: tuple[str, str, str], lang: str) -> dict[str, DrawnChart]:
    """The series' three charts (daily, calendar, seasons): for the page, their downloads and embeds."""
    city_id, source_id, pollutant = series
    cities = {r["city_id"]: r for r in air_data.cities(snap).iter_rows(named=True)}
    daily = air_data.daily(snap, city_id, source_id, pollutant)
    name = city_name(cities.get(city_id), lang)
    label = air.POLLUTANT_LABELS.get(pollutant, pollutant)
    daily_title = t("{city}: daily {pollutant} and 30-day rolling mean", lang, city=name, pollutant=label)
    season_title = t("Heating season (October–April) and summer (May–September)", lang)
    if daily.is_empty():
        empty = empty_figure(t("No data.", lang), lang)
        return {
            "daily": DrawnChart(daily_title, unit_text(lang), [source_id], empty),
            "calendar": DrawnChart(daily_title, unit_text(lang), [source_id], empty),
            "season": DrawnChart(season_title, unit_text(lang), [source_id], empty),
        }
    registry = air_data.thresholds(snap)
    stats = air_data.period_stats(snap, city_id, source_id, pollutant)
    complete_years = stats.filter((pl.col("period_kind") == "year") & pl.col("complete"))["year"]
    usable = daily.filter(air_series.usable(daily))  # the calendar draws usable days only
    last_day = cast(dt.date, (usable if usable.height else daily)["date"].max())
    last_year = int(cast(int, complete_years.max())) if complete_years.len() else last_day.year
    calendar_title = t("Calendar of {year}: month by day of month", lang, year=last_year)
    return {
        "daily": DrawnChart(daily_title, unit_text(lang), [source_id], daily_figure(daily, registry, pollutant, lang)),
        "calendar": DrawnChart(
            f"{name}, {label}: {calendar_title}", unit_text(lang), [source_id], calendar_figure(daily, last_year, lang)
        ),
        "season": DrawnChart(
            f"{name}, {label}: {season_title}", unit_text(lang), [source_id], season_figure(stats, lang)
        ),
    }


def _city_chart(part: str) -> ChartSpec:
    def build(snap: data.Snapshot, state: Mapping[str, str], lang: str) -> DrawnChart:
        return city_charts(snap, parse_series(state.get("series")), lang)[part]

    return register_chart(ChartSpec(f"air-{part}", "/air", build, ("series",)))


CITY_CHARTS = {part: _city_chart(part) for part in ("daily", "calendar", "season")}


def city_view(snap: data.Snapshot, series: tuple[str, str, str], lang: str) -> list:
    city_id, source_id, pollutant = series
    daily = air_data.daily(snap, city_id, source_id, pollutant)
    if daily.is_empty():
        return [html.P(t("No data.", lang))]
    stats = air_data.period_stats(snap, city_id, source_id, pollutant)
    statistic = daily["statistic"][0]
    charts = city_charts(snap, series, lang)
    state = {"series": "|".join(series)}

    def chart(part: str) -> list:
        drawn = charts[part]
        return [graph(f"air-{part}-graph", drawn.figure), links_for(CITY_CHARTS[part], drawn, state, lang)]

    return [
        html.H3(charts["daily"].title),
        html.P(
            t(
                "Daily statistic: {statistic}. Dashed lines: WHO 2021 24-hour guideline levels registered for this "
                "pollutant.",
                lang,
                statistic=t("city median", lang) if statistic == "daily_median" else t("daily mean", lang),
            ),
            className="muted",
        ),
        html.P(
            t("About these values: {notes}.", lang, notes=flag_text(info_flags(daily), lang) or "–"),
            className="muted",
            id="air-series-notes",
        ),
        *chart("daily"),
        html.H3(charts["calendar"].title.split(": ", 1)[-1]),
        *chart("calendar"),
        html.H3(t("Heating season (October–April) and summer (May–September)", lang)),
        *chart("season"),
        season_table(snap, stats, series, lang),
        trend_line(snap, series, lang),
        html.H3(t("Doubtful values in this series", lang)),
        screening_table(air_data.screening_events(snap, city_id, source_id, pollutant), lang),
        html.H3(t("Days above each registered 24-hour threshold", lang)),
        exceedance_table(air_data.exceedances(snap, city_id, source_id, pollutant), lang),
        sources_caption(snap, [source_id], lang, "air-city-source"),
    ]


def info_flags(daily: pl.DataFrame) -> str:
    """The information flags (source caveats) that any day of the series carries, ';'-joined."""
    words = {f for flags in daily["flags"].unique().to_list() for f in (flags or "").split(";") if f}
    return ";".join(sorted(f for f in words if not flags_doubtful(f)))


STATUS_MSGIDS = {
    "complete": "complete",
    "incomplete": "incomplete",
    "incomplete_quarter": "incomplete: a quarter has too few days",
}


def status_text(status: str, lang: str) -> str:
    return t(STATUS_MSGIDS.get(status, "incomplete"), lang)


def screening_table(events: pl.DataFrame, lang: str) -> html.Table | html.P:
    """Each stretch of days a screening rule flagged, with the rule in words: shown, and left out of every mean."""
    if events.is_empty():
        return html.P(t("No value of this series was flagged as doubtful.", lang), id="air-screening-table")
    rows = [
        [
            flag_text(r["flag"], lang),
            r["first_date"].isoformat(),
            r["last_date"].isoformat(),
            str(r["n_days"]),
            format_number(r["min_value"], lang, decimals=2)
            if r["min_value"] == r["max_value"]
            else f"{format_number(r['min_value'], lang, decimals=2)}–{format_number(r['max_value'], lang, decimals=2)}",
        ]
        for r in events.iter_rows(named=True)
    ]
    return simple_table(
        [t("Screening rule", lang), t("From", lang), t("To", lang), t("Days", lang), t("Value, µg/m³", lang)],
        rows,
        numeric=[False, False, False, True, True],
        element_id="air-screening-table",
        caption=t(
            "These values are shown on the chart as crosses and left out of means, rankings, trends and threshold "
            "days.",
            lang,
        ),
    )


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
                str(r["days_doubtful"]),
                format_share(r["completeness"], lang),
                format_share(r["min_quarter_share"], lang),
                format_number(r["mean"], lang, decimals=1) if r["complete"] else status_text(r["status"], lang),
                format_number(ratio, lang, decimals=1) if ratio is not None else "",
            ]
        )
    return simple_table(
        [
            t("Period type", lang),
            t("Period", lang),
            t("Days with data", lang),
            t("Doubtful days left out", lang),
            t("Completeness", lang),
            t("Thinnest quarter", lang),
            t("Mean, µg/m³", lang),
            t("Winter/summer ratio", lang),
        ],
        rows,
        numeric=[False, False, True, True, True, True, True, True],
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
            "Trend of complete annual means {first}–{last} ({years}): {slope} µg/m³ per year.",
            lang,
            first=trend["first_year"],
            last=trend["last_year"],
            years=tn("{n} year", "{n} years", trend["n_complete_years"], lang),
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
        + [f"> {format_number(value, lang)} ({guideline_level(level, lang)})" for _id, level, value in levels]
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
