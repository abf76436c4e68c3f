"""Pieces of the country profile (dashboard/pages/country.py): the comparison table of one indicator, its trend on
a stated axis, the words of a rank, the macro context and the Caspian for a Caspian state."""

from __future__ import annotations

from typing import Any

import polars as pl
from dash import dcc, html

from assets.common.flags import is_doubtful
from dashboard import compare, data
from dashboard.figures.trend import trend_data_uri
from dashboard.i18n import format_number, format_share, localized, t
from dashboard.queries import indicators, seas
from dashboard.shell import flag_badges, href
from dashboard.summaries import RegionSummary, summarize_region_aggregates

TREND_YEARS = 20  # the trend shows the last twenty years with a trusted value


def unit_label(indicator: dict, lang: str) -> str:
    labels = {k.removeprefix("unit_"): v for k, v in indicator.items() if k.startswith("unit_label_")}
    return localized(labels, "label", lang) or str(indicator.get("unit") or "")


def rank_words(
    rank: int | None, n_ranked: int | None, doubtful: bool, neighbours: bool, year: int, lang: str
) -> str | None:
    """`2 из 5` / `2 of 5` / `5 елдің ішінде 2-орын`, or why there is no rank (None: no neighbour has a value)."""
    if doubtful:
        return t("Not ranked: the value is doubtful.", lang)
    if rank is None or n_ranked is None:
        return t("Not ranked: no neighbour has a trusted value for {year}.", lang, year=year) if neighbours else None
    return t("Rank: {place}", lang, place=t("{rank} of {n}", lang, rank=rank, n=n_ranked))


def region_summaries(snap: data.Snapshot) -> dict[str, RegionSummary]:
    return summarize_region_aggregates(indicators.region_aggregates(snap))


def region_cells(summary: RegionSummary | None, names: dict[str, str], lang: str) -> tuple[Any, Any]:
    """(value, year) cells of the Central Asia row: the latest published figure, or why there is none."""
    if summary is None:
        return html.Span("–", className="muted"), ""
    if summary.published_value is not None and summary.published_year is not None:
        value: list = [format_number(summary.published_value, lang)]
        covered = summary.published_covered_iso3
        if 0 < len(covered) < 5:
            value += [
                " ",
                html.Span(
                    t("({codes} only)", lang, codes=", ".join(names.get(c, c) for c in covered)), className="muted"
                ),
            ]
        return value, str(summary.published_year)
    if summary.latest_status == "insufficient_coverage":
        words = t("not published: coverage {share}", lang, share=format_share(summary.latest_coverage_share, lang))
    elif summary.latest_status == "covered_set_only":
        words = t(
            "no total: only {codes} have data",
            lang,
            codes=", ".join(names.get(c, c) for c in summary.latest_covered_iso3),
        )
    else:
        words = "–"
    return html.Span(words, className="muted"), str(summary.latest_year)


def comparison_table(indicator: dict, context: dict) -> html.Table:
    """The five countries (this one first) and Central Asia: latest value, its year, and its flags."""
    lang, names, code = context["lang"], context["names"], context["code"]
    indicator_id = indicator["indicator_id"]
    rows = []
    for place, row in zip(
        context["places"], compare.comparison_rows(context["latest"], indicator_id, context["places"]), strict=True
    ):
        cells = (
            [html.Span(format_number(row["value"], lang), className="nowrap"), " ", *flag_badges(row["flags"], lang)]
            if row is not None
            else [html.Span("–", className="muted")]
        )
        rows.append(
            html.Tr(
                [
                    html.Th(names.get(place, place), scope="row"),
                    html.Td(cells, className="num"),
                    html.Td(str(row["year"]) if row is not None else "", className="num"),
                ],
                className="current" if place == code else None,
            )
        )
    region_value, region_year = region_cells(context["regions"].get(indicator_id), names, lang)
    rows.append(
        html.Tr(
            [
                html.Th(names.get(data.REGION_ID, t("Central Asia", lang)), scope="row"),
                html.Td(region_value, className="num"),
                html.Td(region_year, className="num"),
            ],
            className="region",
        )
    )
    head = html.Thead(
        html.Tr(
            [
                html.Th(t("Place", lang)),
                html.Th(unit_label(indicator, lang), className="num"),
                html.Th(t("Year", lang), className="num"),
            ]
        )
    )
    return html.Table([head, html.Tbody(rows)], className="data-table compact profile-compare")


def trend_block(indicator: dict, code: str, context: dict) -> html.Div | None:
    """The country's trusted values of the last TREND_YEARS years on an axis from zero (or from the lowest
    value when it goes below zero), the years and the axis said beside the line."""
    lang = context["lang"]
    series = (
        context["values"]
        .filter(
            (pl.col("indicator_id") == indicator["indicator_id"])
            & (pl.col("geo_id") == code)
            & ~is_doubtful(pl.col("flags"))
        )
        .sort("year")
    )
    if series.height:
        series = series.filter(pl.col("year") > series["year"].max() - TREND_YEARS)
    if series.height < 2:
        return None
    points = [float(v) for v in series["value"]]
    low, high = compare.trend_axis(points, indicator.get("unit"))
    first, last = int(series["year"].min()), int(series["year"].max())
    said = t(
        "Trend {first}–{last}; axis from {low} to {high}",
        lang,
        first=first,
        last=last,
        low=axis_number(low, lang),
        high=axis_number(high, lang),
    )
    return html.Div(
        [html.Img(src=trend_data_uri(points, low, high), alt=said, width=110, height=34), html.Span(said)],
        className="profile-trend",
    )


def axis_number(value: float, lang: str) -> str:
    return "0" if value == 0 else format_number(value, lang)


def macro_section(rows: list[dict], catalogue: dict[str, dict], lang: str) -> html.Section:
    """Population and the economy, for context: the country's latest value, never ranked or compared."""
    # Notes sit under the name, not in a last column: they stay in view on a phone.
    body = [
        html.Tr(
            [
                html.Td(
                    [
                        dcc.Link(
                            localized(catalogue[r["indicator_id"]], "name", lang),
                            href=href(f"/indicator/{r['indicator_id']}", lang),
                        ),
                        html.Div(flag_badges(r["flags"], lang), className="profile-notes") if r["flags"] else None,
                    ]
                ),
                html.Td(
                    [
                        html.Span(format_number(r["value"], lang), className="nowrap"),
                        " ",
                        html.Span(unit_label(catalogue[r["indicator_id"]], lang), className="unit"),
                    ],
                    className="num",
                ),
                html.Td(str(r["year"]), className="num"),
            ],
            id=f"context-{r['indicator_id']}",
        )
        for r in rows
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th(t("Indicator", lang)),
                html.Th(t("Value", lang), className="num"),
                html.Th(t("Year", lang), className="num"),
            ]
        )
    )
    return html.Section(
        [
            html.H2(t("Context: population and the economy", lang)),
            html.P(
                t(
                    "Background for reading the indicators (population, GDP, deflators, exchange rates): not "
                    "compared or ranked. Exchange rates are in each country's own currency.",
                    lang,
                ),
                className="muted",
            ),
            html.Table([head, html.Tbody(body)], className="data-table compact context-table"),
        ],
        id="country-context",
    )


def caspian_section(snap: data.Snapshot, lang: str) -> html.Section:
    """For a country on the Caspian shore: the latest annual sea level in each height system, with the page."""
    annual = seas.caspian_level_annual(snap)
    items = []
    for datum, label in (
        ("baltic", t("Caspian Sea level, Baltic height system", lang)),
        ("dahiti", t("Caspian Sea level from satellite altimetry", lang)),
    ):
        rows = annual.filter((pl.col("datum") == datum) & pl.col("level_m").is_not_null()).sort("year")
        if rows.is_empty():
            continue
        last = rows.row(-1, named=True)
        notes = flag_badges(last["flags"], lang)
        items.append(
            html.Li(
                [
                    f"{label}: ",
                    html.Strong(format_number(last["level_m"], lang)),
                    " ",
                    html.Span(t("m", lang), className="unit"),
                    f" ({last['year']}) ",
                    *notes,
                ]
            )
        )
    return html.Section(
        [
            html.H2(t("The Caspian Sea", lang)),
            html.Ul(items or [html.Li(t("No Caspian level in this snapshot.", lang))], id="country-caspian-levels"),
            html.P(
                t(
                    "The two height systems are never joined into one line; the Aral & Caspian page shows both series.",
                    lang,
                )
            ),
            dcc.Link(t("Aral & Caspian", lang), href=href("/aral-caspian", lang), id="country-caspian-link"),
        ],
        id="country-caspian",
        className="profile-caspian",
    )
