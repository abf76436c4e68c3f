"""Aral & Caspian `/aral-caspian`: the Aral Sea area by basin and the two Caspian level series."""
from __future__ import annotations

from typing import Any

import dash
import polars as pl
from dash import dcc, html

from dashboard import data
from dashboard.figures import GRAPH_CONFIG, aral_area_figure, caspian_annual_figure, caspian_obs_figure
from dashboard.i18n import format_number, format_signed_percent_change, normalize_lang, t
from dashboard.shell import no_snapshot_notice, page_frame, snapshot_problem_notice, simple_table, source_caption
from dashboard.summaries import aral_small_basin_drop, datum_difference_range, has_flag, percent_change, rows_by_key

PATH = "/aral-caspian"
# aral_area and caspian_level_obs carry no source_id column: these are their entries in `sources`.
ARAL_SOURCE_ID = "aral_area"
DAHITI_SOURCE_ID = "caspian_dahiti"
# The source: values after 2018 were compiled manually from news. The pipeline flags them `lower_quality`;
# the year is the fallback for a snapshot without the flag.
LOW_QUALITY_FROM_YEAR = 2019

NAV = (10, PATH, "Aral & Caspian")


def register(app: dash.Dash) -> None:
    dash.register_page(__name__, path=PATH, name="Aral & Caspian", title="Арал и Каспий / Aral & Caspian · CAEI", order=1, layout=layout)


def layout(lang: str | None = None, **_query: Any) -> html.Div:
    lang = normalize_lang(lang)
    try:
        snap = data.snapshot_for_request()
    except data.NoSnapshotError as missing:
        return page_frame(lang, PATH, None, no_snapshot_notice(lang, str(missing)))
    info = data.snapshot_info(snap)
    try:
        content = seas_content(snap, info, lang)
    except data.SnapshotContentError as problem:
        content = snapshot_problem_notice(lang, str(problem))
    return page_frame(lang, PATH, info, content)


def seas_content(snap: data.Snapshot, info: dict, lang: str) -> list:
    sources_by_id = rows_by_key(data.sources(snap), "source_id")
    return [
        html.H1(t("Aral Sea and Caspian Sea", lang)),
        aral_section(data.aral_area(snap), sources_by_id, info, lang),
        caspian_section(snap, sources_by_id, info, lang),
    ]


# ---- Aral ----------------------------------------------------------------------------------------------


def aral_section(aral: pl.DataFrame, sources_by_id: dict, info: dict, lang: str) -> html.Section:
    if aral.height == 0:
        return html.Section([html.H2(t("Aral Sea", lang)), html.P(t("No data.", lang))], id="aral")
    first_year, last_year = int(aral["year"].min()), int(aral["year"].max())
    return html.Section(
        id="aral",
        children=[
            html.H2(t("Aral Sea: water-surface area by basin, {first}–{last}", lang, first=first_year, last=last_year)),
            aral_key_figures(aral, lang),
            aral_caveats(aral, lang),
            dcc.Graph(id="aral-area-graph", figure=aral_area_figure(aral, lang, first_lower_quality_year(aral)),
                      config=GRAPH_CONFIG, className="graph"),
            source_caption(sources_by_id, [ARAL_SOURCE_ID], info.get("created_at"), lang, element_id="aral-source"),
        ],
    )


def first_lower_quality_year(aral: pl.DataFrame) -> int:
    flagged = [int(y) for y, f in zip(aral["year"], aral["flags"]) if has_flag(f, "lower_quality")]
    return min(flagged) if flagged else LOW_QUALITY_FROM_YEAR


def aral_key_figures(aral: pl.DataFrame, lang: str) -> html.P:
    total = aral.filter(pl.col("basin") == "total").sort("year")
    if total.height < 2:
        return html.P("")
    first, last = total.row(0, named=True), total.row(-1, named=True)
    change = percent_change([(first["year"], first["area_km2"]), (last["year"], last["area_km2"])])
    return html.P(
        t(
            "Total area: {first_value} km² in {first_year}, {last_value} km² in {last_year} ({change}).",
            lang,
            first_value=format_number(first["area_km2"], lang, decimals=0, compact=False),
            first_year=first["year"],
            last_value=format_number(last["area_km2"], lang, decimals=0, compact=False),
            last_year=last["year"],
            change=format_signed_percent_change(change, lang),
        ),
        className="lead",
        id="aral-key-figures",
    )


def aral_caveats(aral: pl.DataFrame, lang: str) -> html.Aside:
    """The source's own warnings, shown next to the chart rather than hidden in a footnote."""
    items = [
        html.Li(t("Values after 2018 were compiled manually from news articles and studies: they are of lower "
                  "quality (shaded on the chart).", lang)),
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
    items.append(html.Li(t("Until 2006 the Large Aral is reported as one basin; from 2007 its western and eastern "
                           "basins are reported separately.", lang)))
    return html.Aside([html.Strong(t("Caution about these data", lang)), html.Ul(items)], className="caveat",
                      id="aral-caveat", role="note")


# ---- Caspian -------------------------------------------------------------------------------------------


def caspian_section(snap: data.Snapshot, sources_by_id: dict, info: dict, lang: str) -> html.Section:
    annual = data.caspian_level_annual(snap)
    differences = data.caspian_datum_difference(snap)
    observations = data.caspian_level_obs(snap)
    created_at = info.get("created_at")
    annual_sources = annual["source_id"].unique(maintain_order=True).to_list() if annual.height else []
    dahiti_sources = (annual.filter(pl.col("datum") == "dahiti")["source_id"].unique().to_list()
                      if annual.height else []) or [DAHITI_SOURCE_ID]
    return html.Section(
        id="caspian",
        children=[
            html.H2(t("Caspian Sea level", lang)),
            datum_note(differences, lang),
            partial_years_note(annual, lang),
            dcc.Graph(id="caspian-annual-graph", figure=caspian_annual_figure(annual, lang), config=GRAPH_CONFIG,
                      className="graph"),
            source_caption(sources_by_id, annual_sources, created_at, lang, element_id="caspian-source"),
            html.H3(t("Years with both series: DAHITI minus Baltic system", lang)),
            difference_table(differences, lang),
            html.H3(t("10-day satellite observations", lang)),
            outliers_note(observations, lang),
            dcc.Graph(id="caspian-obs-graph", figure=caspian_obs_figure(observations, lang), config=GRAPH_CONFIG,
                      className="graph"),
            source_caption(sources_by_id, dahiti_sources, created_at, lang, element_id="caspian-obs-source"),
        ],
    )


def datum_note(differences: pl.DataFrame, lang: str) -> html.Aside:
    text = [
        t("Two height references. The satellite series (DAHITI) gives heights in its own reference; the official "
          "statements use the Baltic height system of the Caspian hydrometeorological services. The two series "
          "are therefore shown apart and never joined into one line.", lang)
    ]
    spread = datum_difference_range(differences)
    if spread is not None:
        text.append(
            t("There is no single offset between them: in the years with both values DAHITI is {low}–{high} m higher.",
              lang, low=format_number(spread[0], lang, decimals=2), high=format_number(spread[1], lang, decimals=2))
        )
    return html.Aside([html.Strong(t("Datum note", lang)), html.P(" ".join(text))], className="caveat",
                      id="datum-note", role="note")


def partial_years_note(annual: pl.DataFrame, lang: str) -> html.P:
    partial = [str(y) for y, f in zip(annual["year"], annual["flags"]) if has_flag(f, "partial_year")]
    if not partial:
        return html.P("")
    return html.P(t("Hollow markers: partial years ({years}); their mean covers only part of the year.", lang,
                    years=", ".join(partial)), className="muted", id="partial-years-note")


def outliers_note(observations: pl.DataFrame, lang: str) -> html.P:
    outliers = observations.filter(pl.Series([has_flag(f, "outlier") for f in observations["flags"]], dtype=pl.Boolean))
    if outliers.height == 0:
        return html.P("")
    date_format = "%Y-%m-%d" if lang == "en" else "%d.%m.%Y"
    dates = ", ".join(f"{d.strftime(date_format)} ({format_number(v, lang, decimals=2)} {t('m', lang)})"
                      for d, v in zip(outliers["date"], outliers["level_m"]))
    return html.P(t("Marked ×: observations flagged as outliers: {dates}.", lang, dates=dates), className="muted",
                  id="outliers-note")


def difference_table(differences: pl.DataFrame, lang: str) -> html.Table | html.P:
    if differences.height == 0:
        return html.P(t("No year has both series.", lang))
    return simple_table(
        [t("Year", lang), t("DAHITI, m", lang), t("Baltic system, m", lang), t("Difference, m", lang)],
        [
            [str(r["year"]), format_number(r["dahiti_m"], lang, decimals=2), format_number(r["baltic_m"], lang, decimals=2),
             format_number(r["difference_m"], lang, decimals=2)]
            for r in differences.iter_rows(named=True)
        ],
        numeric=[True, True, True, True],
        element_id="datum-difference-table",
    )
