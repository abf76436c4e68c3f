"""Overview `/`: the Central Asia figure of every aggregated indicator, and the countries compared."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash
from dash import Input, Output, dcc, html

from assets.common.coverage import MIN_POPULATION_COVERAGE
from dashboard import data
from dashboard.figures.base import country_bar_figure, empty_figure, graph
from dashboard.i18n import format_number, format_share, localized, normalize_lang, t
from dashboard.pages.overview.cards import CardContext, countries_only_card, region_card, unit_label
from dashboard.queries import indicators, reference
from dashboard.shell import (
    aria,
    chooser,
    flag_badges,
    flag_text,
    href,
    indicator_href,
    page_heading,
    page_lang,
    redraw_callback,
    register_page,
    search_labels,
    simple_table,
    snapshot_page,
    source_caption,
)
from dashboard.summaries import (
    DirectionSummary,
    RegionSummary,
    country_comparison_rows,
    indicator_check_status,
    order_by_direction,
    rows_by_key,
    summarize_directions,
    summarize_region_aggregates,
)
from dashboard.theme_charts import ChartSpec, DrawnChart, links_for, register_chart, with_page_state

PATH = "/"
COUNTRY_DROPDOWN_ID = "overview-country-indicator"
COUNTRY_GRAPH_ID = "overview-country-graph"
COUNTRY_TABLE_ID = "overview-country-table"
COUNTRY_CAPTION_ID = "overview-country-caption"
COUNTRY_LINKS_ID = "overview-country-links"
LANG_STORE_ID = "overview-lang"

NAV = (0, PATH, "Overview")


def register(app: dash.Dash) -> None:
    register_page(__name__, NAV, title="Обзор / Overview · CAEI", layout=layout)
    redraw_callback(
        app,
        [
            Output(COUNTRY_GRAPH_ID, "figure"),
            Output(COUNTRY_TABLE_ID, "children"),
            Output(COUNTRY_CAPTION_ID, "children"),
            Output(COUNTRY_LINKS_ID, "children"),
        ],
        [Input(COUNTRY_DROPDOWN_ID, "value")],
        LANG_STORE_ID,
    )(update_country_comparison)


def update_country_comparison(indicator_id: str | None, lang: str | None):
    lang = normalize_lang(lang)
    try:
        snap = data.snapshot_for_request()
    except data.NoSnapshotError as missing:
        return empty_figure(t("No published data yet", lang), lang), None, str(missing), None
    try:
        figure, table, caption, links = country_comparison(snap, data.snapshot_info(snap), indicator_id, lang)
    except data.SnapshotContentError as problem:
        return empty_figure(t("The published snapshot cannot be shown", lang), lang), None, str(problem), None
    return figure, table, caption.children, links


def layout(lang: str | None = None, **query: Any) -> html.Div:
    """The overview; `?indicator=` chooses the countries compared (the address a chart's share link gives)."""
    chosen = page_lang(lang)
    return snapshot_page(
        chosen,
        PATH,
        lambda snap, info: with_page_state(query, ("indicator",), lambda: overview_content(snap, info, chosen, query)),
    )


# ---- content -----------------------------------------------------------------------------------------


def overview_content(snap: data.Snapshot, info: dict, lang: str, query: Mapping[str, Any] | None = None) -> list:
    catalogue = reference.indicator_catalogue(snap)
    indicators_by_id = rows_by_key(catalogue, "indicator_id")
    sources_by_id = rows_by_key(reference.all_sources(snap), "source_id")
    countries = reference.central_asia_iso3(snap)
    country_names = {
        row["geo_id"]: localized(row, "name", lang) for row in reference.geographies(snap).iter_rows(named=True)
    }
    summaries = summarize_region_aggregates(indicators.region_aggregates(snap))
    status_by_id = rows_by_key(indicators.indicator_value_status(snap), "indicator_id")
    directions = reference.summit_directions(snap)
    direction_summaries = summarize_directions(
        [int(d) for d in directions["direction"]],
        catalogue,
        set(summaries),
        set(indicators.indicators_with_country_values(snap, countries)),
    )

    sections: list = [
        *page_heading(
            t("Central Asia at a glance", lang),
            t(
                "Regional figures combine {countries}. A regional total (a sum) is published only when all five "
                "countries have data; a regional average only when the countries with data hold at least "
                "{threshold} of the region's population. Values marked doubtful are left out.",
                lang,
                countries=", ".join(country_names.get(c, c) for c in countries),
                threshold=format_share(MIN_POPULATION_COVERAGE, lang),
            ),
        ),
        html.Nav(
            [html.Span(t("Country profiles:", lang), className="list-title")]
            + [
                dcc.Link(
                    country_names.get(c, c),
                    href=href(f"/country/{c}", lang),
                    className="chip",
                    id=f"overview-country-link-{c}",
                )
                for c in countries
            ],
            className="country-links",
            **aria(label=t("Country profiles:", lang)),
        ),
    ]
    context = CardContext(sources_by_id, info, snap, countries, country_names, lang)
    for direction_row, summary in zip(directions.iter_rows(named=True), direction_summaries, strict=False):
        sections.append(
            direction_section(
                direction_row,
                summary,
                summaries,
                indicators_by_id,
                status_by_id,
                context,
            )
        )
    asked = (query or {}).get("indicator")
    sections.append(country_section(snap, info, catalogue, countries, asked if isinstance(asked, str) else None, lang))
    return sections


def direction_section(
    direction_row: dict,
    summary: DirectionSummary,
    summaries: dict[str, RegionSummary],
    indicators_by_id: dict,
    status_by_id: dict,
    context: CardContext,
) -> html.Section:
    lang = context.lang
    number = summary.direction
    title = localized(direction_row, "title", lang)
    children: list = [html.H2(t("Direction {number}", lang, number=number) + (f". {title}" if title else ""))]
    if not summary.has_data:
        children.append(
            html.P(
                t(
                    "No indicator with regional data measures this direction yet. The dashboard shows nothing here "
                    "rather than a stand-in.",
                    lang,
                ),
                className="no-data",
                id=f"direction-{number}-no-data",
            )
        )
        return html.Section(children, className="direction direction-empty", id=f"direction-{number}")
    grid: list = []
    headline_id = summary.headline_id
    if headline_id is not None:
        indicator, status = indicators_by_id.get(headline_id, {}), status_by_id.get(headline_id, {})
        grid.append(
            region_card(summaries[headline_id], indicator, status, context)
            if headline_id in summaries
            else countries_only_card(headline_id, indicator, status, context)
        )
    else:
        grid.append(
            html.P(
                t("The catalogue names no headline indicator with regional data for this direction.", lang),
                className="no-data",
            )
        )
    if summary.other_ids:
        grid.append(other_indicators_table(summary.other_ids, summaries, indicators_by_id, status_by_id, lang))
    children.append(html.Div(grid, className="direction-grid"))
    return html.Section(children, className="direction", id=f"direction-{number}")


def other_indicators_table(
    indicator_ids: list[str], summaries: dict[str, RegionSummary], indicators_by_id: dict, status_by_id: dict, lang: str
) -> html.Div:
    rows = []
    for indicator_id in indicator_ids:
        summary = summaries[indicator_id]
        indicator = indicators_by_id.get(indicator_id, {})
        unit = unit_label(indicator, summary.unit, lang)
        status = status_by_id.get(indicator_id, {})
        flags = ";".join(indicator_check_status(status.get("n_stale"), status.get("n_range_warning")))
        value = (
            f"{format_number(summary.published_value, lang)} {unit}"
            if summary.published_value is not None
            else t("no regional figure", lang)
        )
        rows.append(
            html.Tr(
                [
                    html.Td(
                        dcc.Link(
                            localized(indicator, "name", lang) or indicator_id, href=indicator_href(indicator_id, lang)
                        )
                    ),
                    html.Td(value, className="num"),
                    html.Td(str(summary.published_year or ""), className="num"),
                    html.Td(flag_badges(flags, lang)),
                ]
            )
        )
    return html.Div(
        [
            html.Div(t("More indicators of this direction (Central Asia, latest year)", lang), className="list-title"),
            html.Div(html.Table([html.Tbody(rows)], className="data-table compact"), className="table-scroll"),
        ],
        className="other-indicators",
    )


# ---- countries compared --------------------------------------------------------------------------------


def country_options(snap: data.Snapshot, lang: str) -> tuple[list[dict], str | None]:
    """The indicators with country values (options of the chooser) and the one shown first: the first regional
    indicator in the order of the directions."""
    catalogue = reference.indicator_catalogue(snap)
    available = set(indicators.indicators_with_country_values(snap, reference.central_asia_iso3(snap)))
    options = [
        {"label": localized(row, "name", lang) or row["indicator_id"], "value": row["indicator_id"]}
        for row in catalogue.iter_rows(named=True)
        if row["indicator_id"] in available
    ]
    region_ids = order_by_direction(list(summarize_region_aggregates(indicators.region_aggregates(snap))), catalogue)
    default = next((i for i in region_ids if i in available), options[0]["value"] if options else None)
    return options, default


def country_section(
    snap: data.Snapshot, info: dict, catalogue, countries: list[str], asked: str | None, lang: str
) -> html.Section:
    options, default = country_options(snap, lang)
    if asked in {o["value"] for o in options}:
        default = asked
    figure, table, caption, links = country_comparison(snap, info, default, lang)
    return html.Section(
        className="countries",
        children=[
            html.H2(t("Countries compared: latest year", lang)),
            *chooser(t("Indicator", lang), COUNTRY_DROPDOWN_ID, options, default, labels=search_labels(lang)),
            dcc.Store(id=LANG_STORE_ID, data=lang),
            graph(COUNTRY_GRAPH_ID, figure),
            html.Div(links, id=COUNTRY_LINKS_ID),
            html.Div(table, id=COUNTRY_TABLE_ID, className="table-scroll"),
            html.Div(caption.children, id=COUNTRY_CAPTION_ID, className="source-caption"),
        ],
    )


def comparison_rows(snap: data.Snapshot, indicator_id: str) -> tuple[Any, list[dict]]:
    """The latest trusted value of each Central Asian country (doubtful values left out), and one row a country."""
    countries = reference.central_asia_iso3(snap)
    latest = indicators.latest_country_values(snap, indicator_id, countries, trusted_only=True)
    return latest, country_comparison_rows(latest, countries)


def countries_chart(snap: data.Snapshot, state: Mapping[str, str], lang: str) -> DrawnChart:
    """The countries compared (the bar chart), for the page, its download and its embed."""
    indicator_id = state.get("indicator") or country_options(snap, lang)[1]
    indicator = rows_by_key(reference.indicator_catalogue(snap), "indicator_id").get(indicator_id or "")
    title = t("Countries compared: latest year", lang)
    if indicator is None or indicator_id is None:
        message = t("This indicator is not in the current snapshot.", lang) if indicator_id else title
        return DrawnChart(title, "", [], empty_figure(message, lang))
    country_names = {
        row["geo_id"]: localized(row, "name", lang) for row in reference.geographies(snap).iter_rows(named=True)
    }
    latest, rows = comparison_rows(snap, indicator_id)
    unit = unit_label(indicator, indicator.get("unit"), lang)
    source_ids = latest["source_id"].unique().sort().to_list() if latest.height else [str(indicator["source_id"])]
    name = localized(indicator, "name", lang) or indicator_id
    return DrawnChart(f"{name}: {title}", unit, source_ids, country_bar_figure(rows, country_names, unit, lang))


COUNTRIES_CHART = register_chart(ChartSpec("overview-countries", PATH, countries_chart, ("indicator",)))


def country_comparison(snap: data.Snapshot, info: dict, indicator_id: str | None, lang: str):
    """Bar chart, table, source caption and chart links of the latest value per Central Asian country."""
    no_caption = html.P("")
    if not indicator_id:
        return empty_figure(t("No country values for this indicator.", lang), lang), None, no_caption, None
    indicators_by_id = rows_by_key(reference.indicator_catalogue(snap), "indicator_id")
    indicator = indicators_by_id.get(indicator_id)
    if indicator is None:  # e.g. the selection came from a page built on an older snapshot
        return empty_figure(t("This indicator is not in the current snapshot.", lang), lang), None, no_caption, None
    country_names = {
        row["geo_id"]: localized(row, "name", lang) for row in reference.geographies(snap).iter_rows(named=True)
    }
    state = {"indicator": indicator_id}
    drawn = countries_chart(snap, state, lang)
    _latest, rows = comparison_rows(snap, indicator_id)
    unit = drawn.unit
    table = simple_table(
        [t("Country", lang), t("Value", lang), t("Unit", lang), t("Year", lang), t("Notes", lang)],
        [
            [
                country_names.get(r["geo_id"], r["geo_id"]),
                format_number(r["value"], lang) if r["value"] is not None else t("no data", lang),
                unit if r["value"] is not None else "",
                str(r["year"]) if r["year"] is not None else "",
                flag_text(r.get("flags") or "", lang),
            ]
            for r in rows
        ],
        numeric=[False, True, False, True, False],
        caption=localized(indicator, "name", lang),
    )
    caption = source_caption(
        rows_by_key(reference.all_sources(snap), "source_id"), drawn.source_ids, info.get("created_at"), lang
    )
    return drawn.figure, table, caption, links_for(COUNTRIES_CHART, drawn, state, lang)
