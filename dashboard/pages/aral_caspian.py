"""Aral & Caspian `/aral-caspian`: the seas on our own shorelines, the Aral Sea area by basin, the two Caspian
level series with their datum notes, and the related drivers (freshwater withdrawals, agricultural land)."""

from __future__ import annotations

from typing import cast

import dash
import polars as pl
from dash import dcc, html

from assets.common.flags import flag_words, flags_doubtful
from dashboard import data
from dashboard.i18n import format_number, format_signed_percent_change, localized, t
from dashboard.pages.seas_charts import (
    ARAL_CHART,
    ARAL_SOURCE_ID,
    CASPIAN_ANNUAL_CHART,
    CASPIAN_OBS_CHART,
    COUNTRIES_SOURCE_ID,
    DAHITI_SOURCE_ID,
    DRIVER_CHARTS,
    DRIVER_INDICATORS,
    SEA_FEATURES,
    SEAS_MAP_CHART,
    SHORELINE_SOURCE_ID,
    sea_layers,
)
from dashboard.queries import indicators, reference, seas
from dashboard.shell import indicator_href, register_page, section, simple_table, source_caption
from dashboard.summaries import aral_small_basin_drop, datum_difference_range, has_flag, percent_change, rows_by_key
from dashboard.theme_charts import chart_block

PATH = "/aral-caspian"
NAV = (10, PATH, "Aral & Caspian")


def register(app: dash.Dash) -> None:
    register_page(__name__, NAV, title="Арал и Каспий / Aral & Caspian · CAEI", content=seas_content)


def seas_content(snap: data.Snapshot, info: dict, lang: str) -> list:
    sources_by_id = rows_by_key(reference.sources(snap), "source_id")
    return [
        html.H1(t("Aral Sea and Caspian Sea", lang)),
        shorelines_section(snap, sources_by_id, info, lang),
        aral_section(snap, seas.aral_area(snap), sources_by_id, info, lang),
        caspian_section(snap, sources_by_id, info, lang),
        drivers_section(snap, sources_by_id, info, lang),
    ]


# ---- shorelines ----------------------------------------------------------------------------------------


PROPER_NAMES_IN_LATIN = ("Natural Earth",)


def with_proper_names(text: str, lang: str) -> list:
    """`text` with Latin-script proper names (Natural Earth) marked `lang="en"` on pages in other languages."""
    if lang == "en":
        return [text]
    parts: list = [text]
    for name in PROPER_NAMES_IN_LATIN:
        split: list = []
        for part in parts:
            if not isinstance(part, str) or name not in part:
                split.append(part)
                continue
            pieces = part.split(name)
            for index, piece in enumerate(pieces):
                if index:
                    split.append(html.Span(name, lang="en"))
                if piece:
                    split.append(piece)
        parts = split
    return parts


def shorelines_section(snap: data.Snapshot, sources_by_id: dict, info: dict, lang: str) -> html.Section:
    layers, missing = sea_layers(reference.lake_and_sea_polygons(snap, [f[0] for f in SEA_FEATURES]), lang)
    notes = [
        html.Li(
            with_proper_names(
                t("The former extent is the historic Aral Sea layer of Natural Earth: the sea before it shrank.", lang),
                lang,
            )
        ),
        html.Li(
            t(
                "The darker Aral shoreline is from the 2000s: it is not the current extent. The area series below "
                "shows how the sea changed since.",
                lang,
            )
        ),
        html.Li(t("Countries of Central Asia are drawn for orientation only.", lang)),
    ]
    if missing:
        notes.append(
            html.Li(
                t("Not in the snapshot, so not drawn: {names}.", lang, names=", ".join(missing)), id="seas-map-missing"
            )
        )
    return section(
        "seas",
        with_proper_names(t("The seas on Natural Earth shorelines", lang), lang),
        None,
        html.Aside(
            [html.Strong(t("About this map", lang)), html.Ul(notes)],
            className="caveat",
            id="seas-map-note",
            role="note",
        ),
        *chart_block(SEAS_MAP_CHART, "seas-map", snap, {}, lang, zoom_on_scroll=False),
        source_caption(
            sources_by_id,
            [SHORELINE_SOURCE_ID, COUNTRIES_SOURCE_ID],
            info.get("created_at"),
            lang,
            element_id="seas-source",
        ),
    )


# ---- drivers -------------------------------------------------------------------------------------------


def drivers_section(snap: data.Snapshot, sources_by_id: dict, info: dict, lang: str) -> html.Section:
    iso3 = reference.central_asia_iso3(snap)
    names = {r["geo_id"]: localized(r, "name", lang) for r in reference.geographies(snap).iter_rows(named=True)}
    entries = rows_by_key(reference.indicator_entries(snap, list(DRIVER_INDICATORS)), "indicator_id")
    children: list = [
        html.H2(t("Related drivers: water withdrawn and land farmed", lang)),
        html.P(
            t("Country totals for the five Central Asian countries: they are not limited to the Aral Sea basin.", lang),
            className="muted",
        ),
    ]
    latest_rows: dict[str, dict[str, dict]] = {}
    for indicator_id in DRIVER_INDICATORS:
        entry = entries.get(indicator_id)
        if entry is None:
            children.append(html.P(t("The catalogue has no indicator {code}.", lang, code=indicator_id)))
            continue
        unit_label = localized(entry, "unit_label", lang) or entry["unit"]
        series = indicators.indicator_series(snap, indicator_id, iso3)
        latest_rows[indicator_id] = {
            r["geo_id"]: r for r in indicators.latest_country_values(snap, indicator_id, iso3).iter_rows(named=True)
        }
        source_ids = series["source_id"].unique(maintain_order=True).to_list() if series.height else []
        children += [
            html.H3(
                [dcc.Link(localized(entry, "name", lang), href=indicator_href(indicator_id, lang)), f", {unit_label}"]
            ),
            *chart_block(DRIVER_CHARTS[indicator_id], f"driver-{indicator_id}-graph", snap, {}, lang),
            source_caption(
                sources_by_id,
                source_ids or [entry["source_id"]],
                info.get("created_at"),
                lang,
                element_id=f"driver-{indicator_id}-source",
            ),
        ]
    children.append(drivers_table(iso3, names, entries, latest_rows, lang))
    return html.Section(id="drivers", children=children)


def drivers_table(iso3: list[str], names: dict[str, str], entries: dict, latest_rows: dict, lang: str) -> html.Table:
    """The latest value of each driver per country, with its year (a gap is a dash, never a guess)."""
    shown = [i for i in DRIVER_INDICATORS if i in latest_rows]
    columns: list = [t("Country", lang)]
    for indicator_id in shown:
        entry = entries[indicator_id]
        unit = localized(entry, "unit_label", lang) or entry["unit"]
        columns.append([dcc.Link(localized(entry, "name", lang), href=indicator_href(indicator_id, lang)), f", {unit}"])
    rows = []
    for geo_id in iso3:
        cells = [names.get(geo_id, geo_id)]
        for indicator_id in shown:
            row = latest_rows[indicator_id].get(geo_id)
            cells.append("–" if row is None else f"{format_number(row['value'], lang)} ({row['year']})")
        rows.append(cells)
    return simple_table(
        columns,
        rows,
        numeric=[False] + [True] * len(shown),
        element_id="drivers-table",
        caption=t("Latest value per country (year in brackets)", lang),
    )


# ---- Aral ----------------------------------------------------------------------------------------------


def aral_section(snap: data.Snapshot, aral: pl.DataFrame, sources_by_id: dict, info: dict, lang: str) -> html.Section:
    if aral.height == 0:
        return html.Section([html.H2(t("Aral Sea", lang)), html.P(t("No data.", lang))], id="aral")
    first_year, last_year = int(cast(int, aral["year"].min())), int(cast(int, aral["year"].max()))
    return section(
        "aral",
        t("Aral Sea: water-surface area by basin, {first}–{last}", lang, first=first_year, last=last_year),
        None,
        aral_key_figures(aral, lang),
        aral_caveats(aral, lang),
        *chart_block(ARAL_CHART, "aral-area-graph", snap, {}, lang),
        source_caption(sources_by_id, [ARAL_SOURCE_ID], info.get("created_at"), lang, element_id="aral-source"),
    )


def headline_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """The rows that may lead a headline: neither doubtful nor of lower quality by the source's own account."""
    keep = [not (flags_doubtful(f) or has_flag(f, "lower_quality")) for f in rows["flags"]]
    return rows.filter(pl.Series(keep, dtype=pl.Boolean))


def aral_key_figures(aral: pl.DataFrame, lang: str) -> html.P:
    """The total area from the first year to the latest year that may lead (not of lower quality); later,
    caveated years are said after it with their caveat in words, never as the lead figure."""
    total = aral.filter(pl.col("basin") == "total").sort("year")
    leading = headline_rows(total)
    if leading.height < 2:
        return html.P("")
    first, last = leading.row(0, named=True), leading.row(-1, named=True)
    change = percent_change([(first["year"], first["area_km2"]), (last["year"], last["area_km2"])])
    parts: list = [
        html.Span(
            t(
                "Total area: {first_value} km² in {first_year}, {last_value} km² in {last_year} ({change}).",
                lang,
                first_value=format_number(first["area_km2"], lang, decimals=0, compact=False),
                first_year=first["year"],
                last_value=format_number(last["area_km2"], lang, decimals=0, compact=False),
                last_year=last["year"],
                change=format_signed_percent_change(change, lang),
            ),
            id="aral-lead",
        )
    ]
    later = total.filter(pl.col("year") > last["year"])
    if later.height:
        latest = later.row(-1, named=True)
        parts += [
            " ",
            html.Span(
                t(
                    "Later years ({first}–{last}): {caveat}; the latest, {value} km² in {year}, is shown with this "
                    "caveat and does not lead.",
                    lang,
                    first=later["year"][0],
                    last=latest["year"],
                    caveat=flag_words(latest["flags"], lang),
                    value=format_number(latest["area_km2"], lang, decimals=0, compact=False),
                    year=latest["year"],
                ),
                id="aral-later-years",
            ),
        ]
    return html.P(parts, className="lead", id="aral-key-figures")


def aral_caveats(aral: pl.DataFrame, lang: str) -> html.Aside:
    """The source's own warnings, shown next to the chart rather than hidden in a footnote."""
    items = [
        html.Li(
            t(
                "Values after 2018 were compiled manually from news articles and studies: they are of lower quality "
                "(shaded on the chart).",
                lang,
            )
        ),
    ]
    drop = aral_small_basin_drop(aral)
    if drop is not None:
        items.append(
            html.Li(
                t(
                    "The Small Aral area drops from {before} km² (2018) to {after} km² (2019). For the dammed North "
                    "Aral this is not physically plausible: treat these values with caution.",
                    lang,
                    before=format_number(drop[0], lang, decimals=0, compact=False),
                    after=format_number(drop[1], lang, decimals=0, compact=False),
                )
            )
        )
    items.append(
        html.Li(
            t(
                "Until 2006 the source's Large Aral value is the whole Large Aral (both basins); from 2007 it is "
                "the western basin, and the eastern basin is reported separately.",
                lang,
            )
        )
    )
    return html.Aside(
        [html.Strong(t("Caution about these data", lang)), html.Ul(items)],
        className="caveat",
        id="aral-caveat",
        role="note",
    )


# ---- Caspian -------------------------------------------------------------------------------------------


def caspian_section(snap: data.Snapshot, sources_by_id: dict, info: dict, lang: str) -> html.Section:
    annual = seas.caspian_level_annual(snap)
    differences = seas.caspian_datum_difference(snap)
    observations = seas.caspian_level_obs(snap)
    created_at = info.get("created_at")
    annual_sources = annual["source_id"].unique(maintain_order=True).to_list() if annual.height else []
    dahiti_sources = (
        annual.filter(pl.col("datum") == "dahiti")["source_id"].unique().to_list() if annual.height else []
    ) or [DAHITI_SOURCE_ID]
    return section(
        "caspian",
        t("Caspian Sea level", lang),
        None,
        datum_note(differences, lang),
        partial_years_note(annual, lang),
        statement_notes(annual, lang),
        *chart_block(CASPIAN_ANNUAL_CHART, "caspian-annual-graph", snap, {}, lang),
        source_caption(sources_by_id, annual_sources, created_at, lang, element_id="caspian-source"),
        html.H3(t("Years with both series: DAHITI minus Baltic system", lang)),
        difference_table(differences, lang),
        html.H3(t("10-day satellite observations", lang)),
        outliers_note(observations, lang),
        *chart_block(CASPIAN_OBS_CHART, "caspian-obs-graph", snap, {}, lang),
        source_caption(sources_by_id, dahiti_sources, created_at, lang, element_id="caspian-obs-source"),
    )


def datum_note(differences: pl.DataFrame, lang: str) -> html.Aside:
    text = [
        t(
            "Two height references. The satellite series (DAHITI) gives heights in its own reference; the official "
            "statements use the Baltic height system of the Caspian hydrometeorological services. The two series are "
            "therefore shown apart and never joined into one line.",
            lang,
        )
    ]
    spread = datum_difference_range(differences)
    if spread is not None:
        text.append(
            t(
                "There is no single offset between them: in the years with both values DAHITI is {low}–{high} m "
                "higher.",
                lang,
                low=format_number(spread[0], lang, decimals=2),
                high=format_number(spread[1], lang, decimals=2),
            )
        )
    return html.Aside(
        [html.Strong(t("Datum note", lang)), html.P(" ".join(text))], className="caveat", id="datum-note", role="note"
    )


def partial_years_note(annual: pl.DataFrame, lang: str) -> html.P:
    partial = [str(y) for y, f in zip(annual["year"], annual["flags"], strict=False) if has_flag(f, "partial_year")]
    if not partial:
        return html.P("")
    return html.P(
        t(
            "Hollow markers: partial years ({years}); their mean covers only part of the year.",
            lang,
            years=", ".join(partial),
        ),
        className="muted",
        id="partial-years-note",
    )


def statement_notes(annual: pl.DataFrame, lang: str) -> html.Div:
    """What the official statements say about their own values (the Kazakh part of the sea, a level stated
    during the year), in words beside the values."""
    baltic = annual.filter((pl.col("datum") == "baltic") & (pl.col("flags") != "")).sort("year")
    if baltic.height == 0:
        return html.Div()
    return html.Div(
        [
            html.Div(t("Notes of the official statements", lang), className="list-title"),
            html.Ul(
                [
                    html.Li(
                        f"{r['year']}: {format_number(r['level_m'], lang, decimals=2)} {t('m (Baltic system)', lang)}"
                        f" — {flag_words(r['flags'], lang)}"
                    )
                    for r in baltic.iter_rows(named=True)
                ]
            ),
        ],
        className="muted",
        id="caspian-statement-notes",
    )


def outliers_note(observations: pl.DataFrame, lang: str) -> html.P:
    outliers = observations.filter(pl.Series([has_flag(f, "outlier") for f in observations["flags"]], dtype=pl.Boolean))
    if outliers.height == 0:
        return html.P("")
    date_format = "%Y-%m-%d" if lang == "en" else "%d.%m.%Y"
    dates = ", ".join(
        f"{d.strftime(date_format)} ({format_number(v, lang, decimals=2)} {t('m', lang)})"
        for d, v in zip(outliers["date"], outliers["level_m"], strict=False)
    )
    return html.P(
        t("Marked ×: observations flagged as outliers: {dates}.", lang, dates=dates),
        className="muted",
        id="outliers-note",
    )


def difference_table(differences: pl.DataFrame, lang: str) -> html.Table | html.P:
    if differences.height == 0:
        return html.P(t("No year has both series.", lang))
    return simple_table(
        [
            t("Year", lang),
            t("DAHITI, m", lang),
            t("Baltic system, m", lang),
            t("Difference, m", lang),
            t("Notes", lang),
        ],
        [
            [
                str(r["year"]),
                format_number(r["dahiti_m"], lang, decimals=2),
                format_number(r["baltic_m"], lang, decimals=2),
                format_number(r["difference_m"], lang, decimals=2),
                flag_words(r.get("flags"), lang),
            ]
            for r in differences.iter_rows(named=True)
        ],
        numeric=[True, True, True, True, False],
        element_id="datum-difference-table",
    )
