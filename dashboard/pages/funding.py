"""Funding `/funding`: climate-related finance by country, donor, theme and year; per person; the sources side by
side; Kazakhstan's domestic spending beside the international flows it received."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, dcc, html

from dashboard import data
from dashboard.figures.base import PALETTE, base_layout, empty_figure, graph, over_years, place_colour
from dashboard.i18n import format_number, localized, normalize_lang, t
from dashboard.queries import funding, reference
from dashboard.shell import (
    page_lang,
    redraw_callback,
    register_page,
    section,
    simple_table,
    snapshot_page,
    source_caption,
    source_title_element,
)
from dashboard.summaries import rows_by_key
from dashboard.text_marks import document_title, seed_text, translated_or_published
from dashboard.theme_charts import ChartSpec, DrawnChart, chart_block, links_for, register_chart, with_page_state

PATH = "/funding"
NAV = (40, PATH, "Funding")
AREA_DROPDOWN_ID = "funding-area"
DIMENSION_DROPDOWN_ID = "funding-dimension"
BREAKDOWN_GRAPH_ID = "funding-breakdown-graph"
BREAKDOWN_LINKS_ID = "funding-breakdown-links-box"
DIMENSIONS = ("donor", "theme", "flow")
LANG_STORE_ID = "funding-lang"
TOP_CATEGORIES = 6  # with "other", as many bands as the palette has colours


def register(app: dash.Dash) -> None:
    register_page(__name__, NAV, title="Финансирование / Funding · CAEI", layout=layout)
    redraw_callback(
        app,
        [Output(BREAKDOWN_GRAPH_ID, "figure"), Output(BREAKDOWN_LINKS_ID, "children")],
        [Input(AREA_DROPDOWN_ID, "value"), Input(DIMENSION_DROPDOWN_ID, "value")],
        LANG_STORE_ID,
    )(update_breakdown)


def update_breakdown(area: str | None, dimension: str | None, lang: str | None):
    lang = normalize_lang(lang)
    try:
        snap = data.snapshot_for_request()
        state = breakdown_state({"area": area, "dimension": dimension})
        drawn = breakdown_chart(snap, state, lang)
        return drawn.figure, links_for(BREAKDOWN_CHART, drawn, state, lang)
    except (data.NoSnapshotError, data.SnapshotContentError) as problem:
        return empty_figure(str(problem), lang), None


def layout(lang: str | None = None, **query: Any) -> html.Div:
    """The funding page; `?area=&dimension=` choose the breakdown (the address a chart's share link gives)."""
    chosen = page_lang(lang)
    return snapshot_page(
        chosen,
        PATH,
        lambda snap, info: with_page_state(
            query, ("area", "dimension"), lambda: funding_content(snap, info, chosen, query)
        ),
    )


def breakdown_state(query: Mapping[str, Any]) -> dict[str, str]:
    """The breakdown asked for: an area of the region (or the region) and a dimension; anything else, the default."""
    area, dimension = query.get("area"), query.get("dimension")
    return {
        "area": area if area in (data.REGION_ID, *funding.CENTRAL_ASIA) else data.REGION_ID,
        "dimension": dimension if dimension in DIMENSIONS else DIMENSIONS[0],
    }


def breakdown_chart(snap: data.Snapshot, state: Mapping[str, str], lang: str) -> DrawnChart:
    state = breakdown_state(state)
    names = area_names(snap, lang)
    title = t("Climate-related disbursements by donor, theme and year", lang)
    return DrawnChart(
        f"{title}: {names.get(state['area'], state['area'])}",
        t("US$ million, current prices", lang),
        ["oecd_crs_climate"],
        breakdown_figure(funding.crs_breakdown(snap, state["dimension"], state["area"]), lang),
    )


def _country_chart(indicator_id: str, stacked: bool) -> Any:
    """The CRS values of `indicator_id` by country: stacked bars of amounts, or lines per person."""

    def build(snap: data.Snapshot, _state: Mapping[str, str], lang: str) -> DrawnChart:
        if stacked:
            title = t("Climate-related development finance received (OECD CRS), by country", lang)
            unit = t("US$ million, current prices", lang)
        else:
            title, unit = t("Per person", lang), t("US$ per person, current prices", lang)
        figure = country_figure(snap, indicator_id, area_names(snap, lang), lang, unit, stacked)
        return DrawnChart(title, unit, ["oecd_crs_climate"], figure)

    return build


COUNTRY_CHART = register_chart(ChartSpec("funding-by-country", PATH, _country_chart("climate_finance_crs", True)))
PER_CAPITA_CHART = register_chart(
    ChartSpec("funding-per-capita", PATH, _country_chart("climate_finance_crs_per_capita", False))
)
BREAKDOWN_CHART = register_chart(ChartSpec("funding-breakdown", PATH, breakdown_chart, ("area", "dimension")))


def area_names(snap: data.Snapshot, lang: str) -> dict[str, str]:
    return {row["geo_id"]: localized(row, "name", lang) for row in reference.geographies(snap).iter_rows(named=True)}


def funding_content(snap: data.Snapshot, info: dict, lang: str, query: Mapping[str, Any] | None = None) -> list:
    sources_by_id = rows_by_key(reference.sources(snap), "source_id")
    names = area_names(snap, lang)
    crs_caption = source_caption(sources_by_id, ["oecd_crs_climate"], info.get("created_at"), lang)
    return [
        html.H1(t("Funding flows", lang)),
        html.Aside(
            className="caveat",
            id="funding-caveats",
            children=[
                html.P(
                    t(
                        "Sources are shown side by side and never added together: commitments are not disbursements, "
                        "and Rio-marked climate finance is an upper bound (the whole activity counts when climate is "
                        "a significant objective).",
                        lang,
                    )
                ),
                html.P(
                    t(
                        "Negative disbursements are real reflows. A country without a report in a year is a gap, not "
                        "a zero.",
                        lang,
                    )
                ),
            ],
        ),
        section(
            "funding-by-country",
            t("Climate-related development finance received (OECD CRS), by country", lang),
            None,
            *chart_block(COUNTRY_CHART, "funding-country-graph", snap, {}, lang),
            coverage_note(funding.crs_coverage(snap), lang),
            crs_caption,
        ),
        section(
            "funding-per-capita",
            t("Per person", lang),
            None,
            *chart_block(PER_CAPITA_CHART, "funding-per-capita-graph", snap, {}, lang),
            crs_caption,
        ),
        breakdown_section(snap, names, lang, breakdown_state(query or {})),
        sources_section(snap, sources_by_id, info, lang),
        domestic_section(snap, sources_by_id, info, lang),
        document_section(snap, lang),
    ]


def country_figure(
    snap: data.Snapshot, indicator_id: str, names: dict[str, str], lang: str, unit: str, stacked: bool
) -> go.Figure:
    """The CRS values of `indicator_id` by country and year: stacked bars, or one line a country and the region."""
    values = funding.crs_values(snap, indicator_id)
    if values.is_empty():
        return empty_figure(t("No data.", lang), lang)
    fig = go.Figure()
    countries = [g for g in funding.CENTRAL_ASIA if g in set(values["geo_id"])]
    areas = countries if stacked else [*countries, data.REGION_ID]
    for geo in areas:
        series = values.filter(pl.col("geo_id") == geo)
        if series.is_empty():
            continue
        texts = [format_number(v, lang) for v in series["value"]]
        common = dict(
            **over_years(series, "value"),
            name=names.get(geo, geo),
            customdata=texts,
            hovertemplate="%{x}: %{customdata} " + unit + "<extra>%{fullData.name}</extra>",
        )
        if stacked:
            fig.add_trace(go.Bar(marker_color=place_colour(geo), **common))
        else:
            fig.add_trace(
                go.Scatter(
                    mode="lines+markers",
                    line=dict(
                        color=place_colour(geo),
                        width=3 if geo == data.REGION_ID else 2,
                        dash="dash" if geo == data.REGION_ID else None,
                    ),
                    **common,
                )
            )
    fig.update_layout(**base_layout(lang, height=380, barmode="relative" if stacked else None))
    fig.update_yaxes(title_text=unit)
    return fig


def coverage_note(coverage: pl.DataFrame, lang: str) -> html.P:
    partial = coverage.filter(~pl.col("published"))["year"].to_list()
    text = t(
        "Central Asia totals are published only for years in which all five countries have reports: population "
        "says nothing about money.",
        lang,
    )
    if partial:
        text += " " + t("Not published for: {years}.", lang, years=", ".join(str(y) for y in partial))
    return html.P(text, className="muted", id="funding-coverage-note")


def breakdown_section(snap: data.Snapshot, names: dict[str, str], lang: str, state: dict[str, str]) -> html.Section:
    areas = [data.REGION_ID, *funding.CENTRAL_ASIA]
    drawn = breakdown_chart(snap, state, lang)
    dimensions = [
        ("donor", t("By donor", lang)),
        ("theme", t("By theme (sector)", lang)),
        ("flow", t("By instrument", lang)),
    ]
    return section(
        "funding-breakdown",
        t("Climate-related disbursements by donor, theme and year", lang),
        None,
        dcc.Store(id=LANG_STORE_ID, data=lang),
        html.Div(
            className="controls",
            children=[
                html.Label(t("Area", lang), htmlFor=AREA_DROPDOWN_ID, className="control-label"),
                dcc.Dropdown(
                    id=AREA_DROPDOWN_ID,
                    options=[{"label": names.get(a, a), "value": a} for a in areas],
                    value=state["area"],
                    clearable=False,
                    className="indicator-dropdown",
                ),
                html.Label(t("Breakdown", lang), htmlFor=DIMENSION_DROPDOWN_ID, className="control-label"),
                dcc.Dropdown(
                    id=DIMENSION_DROPDOWN_ID,
                    options=[{"label": label, "value": v} for v, label in dimensions],
                    value=state["dimension"],
                    clearable=False,
                    className="indicator-dropdown",
                ),
            ],
        ),
        graph(BREAKDOWN_GRAPH_ID, drawn.figure),
        html.Div(links_for(BREAKDOWN_CHART, drawn, state, lang), id=BREAKDOWN_LINKS_ID),
        html.P(t("Central Asia here is the sum of the countries that reported in each year.", lang), className="muted"),
    )


def breakdown_figure(rows: pl.DataFrame, lang: str) -> go.Figure:
    if rows.is_empty():
        return empty_figure(t("No data.", lang), lang)
    top = (
        rows.group_by("category")
        .agg(pl.col("amount").sum())
        .sort("amount", descending=True)["category"]
        .head(TOP_CATEGORIES)
        .to_list()
    )
    other = t("Other", lang)
    grouped = (
        rows.with_columns(
            category=pl.when(pl.col("category").is_in(top)).then(pl.col("category")).otherwise(pl.lit(other))
        )
        .group_by("year", "category")
        .agg(pl.col("amount").sum())
        .sort("year")
    )
    unit = t("US$ million, current prices", lang)
    fig = go.Figure()
    for i, category in enumerate([*top, other]):
        series = grouped.filter(pl.col("category") == category)
        if series.is_empty():
            continue
        # OECD CRS names donors, sectors and instruments in English; the catalogue has the ones that reach a legend.
        name = category if lang == "en" or category == other else t(category, lang)
        fig.add_trace(
            go.Bar(
                **over_years(series, "amount"),
                name=name,
                marker_color=PALETTE[i % len(PALETTE)],
                customdata=[format_number(v, lang) for v in series["amount"]],
                hovertemplate="%{x}: %{customdata} " + unit + "<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(**base_layout(lang, height=420, barmode="relative"))
    fig.update_yaxes(title_text=unit)
    return fig


FLOW_MSGIDS = {
    "commitment": "commitments",
    "disbursement": "disbursements",
    "unspecified": "flow type not stated",
    "domestic_expenditure": "domestic expenditure",
    "allocation": "allocation (document)",
}


def sources_section(snap: data.Snapshot, sources_by_id: dict, info: dict, lang: str) -> html.Section:
    rows = funding.sources_side_by_side(snap, funding.CENTRAL_ASIA)
    table = simple_table(
        [
            t("Source", lang),
            t("Flow", lang),
            t("Years", lang),
            t("Total as published", lang),
            t("Unit", lang),
            t("Records", lang),
        ],
        [
            [
                source_title_element(r, lang) if r["title"] else t("Seed documents (figures stated in them)", lang),
                t(FLOW_MSGIDS.get(r["flow_type"], r["flow_type"]), lang),
                f"{r['first_year']}–{r['last_year']}" if r["first_year"] is not None else t("unknown", lang),
                format_number(r["amount"], lang),
                localized(r, "unit", lang) or r["amount_unit"],
                format_number(r["n_facts"], lang, 0),
            ]
            for r in rows.iter_rows(named=True)
        ],
        numeric=[False, False, False, True, False, True],
        element_id="funding-sources-table",
    )
    return section(
        "funding-sources",
        t("The sources side by side (five Central Asian countries)", lang),
        t(
            "Each row is one source's own total in its own unit and price basis. The rows are not comparable "
            "with each other and must not be added up.",
            lang,
        ),
        table,
        # the seed documents have no catalogue entry: their row says so in words, and the caption lists the rest
        source_caption(
            sources_by_id,
            [s for s in rows["source_id"].unique().sort().to_list() if s in sources_by_id],
            info.get("created_at"),
            lang,
        ),
    )


def domestic_chart(snap: data.Snapshot, _state: Mapping[str, str], lang: str) -> DrawnChart:
    """Kazakhstan's domestic environmental spending beside the international climate finance it received."""
    rows = funding.kazakhstan_domestic_and_international(snap)
    labels = {
        "domestic": t("Domestic current expenditure on environmental protection (all payers)", lang),
        "international": t("Climate-related development finance received (OECD CRS disbursements)", lang),
    }
    unit = t("US$ million, current prices", lang)
    fig = go.Figure()
    for i, series in enumerate(("domestic", "international")):
        part = rows.filter(pl.col("series") == series)
        fig.add_trace(
            go.Scatter(
                **over_years(part, "amount"),
                name=labels[series],
                mode="lines+markers",
                line=dict(color=PALETTE[i]),
                customdata=[format_number(v, lang) for v in part["amount"]],
                hovertemplate="%{x}: %{customdata} " + unit + "<extra></extra>",
            )
        )
    fig.update_layout(**base_layout(lang, height=380))
    fig.update_yaxes(title_text=unit)
    return DrawnChart(
        t("Kazakhstan: domestic spending on environmental protection beside international climate finance", lang),
        unit,
        ["kz_env_protection_expenditure", "wdi_kaz_deflator_fx", "oecd_crs_climate"],
        fig,
    )


DOMESTIC_CHART = register_chart(ChartSpec("funding-domestic", PATH, domestic_chart))


def domestic_section(snap: data.Snapshot, sources_by_id: dict, info: dict, lang: str) -> html.Section:
    rows = funding.kazakhstan_domestic_and_international(snap)
    title = html.H2(
        t("Kazakhstan: domestic spending on environmental protection beside international climate finance", lang)
    )
    if rows.filter(pl.col("series") == "domestic").is_empty():
        return html.Section(
            id="funding-domestic",
            children=[
                title,
                html.P(t("Kazakhstan's domestic expenditure is not in this snapshot.", lang), className="notice"),
            ],
        )
    return html.Section(
        id="funding-domestic",
        children=[
            title,
            html.P(
                t(
                    "Two different things, shown side by side: the domestic series is spending in tenge converted at "
                    "the official exchange rate (World Bank WDI); the international series counts whole "
                    "climate-relevant activities.",
                    lang,
                ),
                className="muted",
            ),
            *chart_block(DOMESTIC_CHART, "funding-domestic-graph", snap, {}, lang),
            source_caption(
                sources_by_id,
                ["kz_env_protection_expenditure", "wdi_kaz_deflator_fx", "oecd_crs_climate"],
                info.get("created_at"),
                lang,
            ),
        ],
    )


DOCUMENT_UNIT_MSGIDS = {"count": "number", "eur": "EUR", "eur_million": "EUR million", "percent": "%"}


def document_value(value: object, lang: str) -> str:
    """A figure stated in a seed document (stored as text), written for the page's locale."""
    if value is None or value == "":
        return "–"
    try:
        number = float(str(value))
    except ValueError:
        return str(value)
    decimals = len(str(value).split(".")[1]) if "." in str(value) else 0
    return format_number(number, lang, decimals=decimals, compact=False)


def document_unit(unit: str | None, lang: str) -> str:
    if not unit:
        return ""
    msgid = DOCUMENT_UNIT_MSGIDS.get(unit)
    if msgid == "%":
        return "%"
    return t(msgid, lang) if msgid else unit


def document_section(snap: data.Snapshot, lang: str) -> html.Section:
    facts = funding.document_facts(snap)
    documents = rows_by_key(reference.seed_documents(snap), "document")
    return section(
        "funding-documents",
        t("Funding figures stated in the seed documents", lang),
        None,
        simple_table(
            [
                t("Subject", lang),
                t("Value", lang),
                t("Unit", lang),
                t("Period", lang),
                t("Funder", lang),
                t("Document", lang),
            ],
            [
                [
                    seed_text(r, "subject", lang),
                    document_value(r["value"], lang),
                    document_unit(r["unit"], lang),
                    r["year_or_period"] or t("unknown", lang),
                    translated_or_published(r["funder"], lang),
                    document_title(r["citation"], documents, lang),
                ]
                for r in facts.iter_rows(named=True)
            ],
            element_id="funding-documents-table",
        ),
    )
