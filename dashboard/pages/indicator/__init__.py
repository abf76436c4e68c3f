"""Indicator page `/indicator/<indicator_id>`: one page per indicator of the catalogue (after Open SDG's indicator
pages and the UNECE guidelines for indicator-based reports): what it is, the places on one chart and a map, the
latest values with ranks, the countries x years table, sources, caveats and related indicators.

An id outside the catalogue answers 404 with the friendly page (the `known_path` check of dashboard/security.py)."""

from __future__ import annotations

from typing import Any

import dash
import flask
from dash import Input, Output, State, dcc, html

from assets.common.geography import CENTRAL_ASIA
from dashboard import data, indicator_facts
from dashboard.figures.base import graph
from dashboard.figures.explorer import country_geojson, explorer_line_figure, explorer_map_figure
from dashboard.i18n import localized, t
from dashboard.pages import not_found_404
from dashboard.pages.indicator import sections
from dashboard.queries import indicator_page, indicators, reference
from dashboard.shell import flag_text, href, page_heading, page_lang, register_page, snapshot_callback, snapshot_page
from dashboard.summaries import indicator_directions, rows_by_key

PATH_TEMPLATE = "/indicator/<indicator_id>"
MAP_ID = "indicator-map"
SLIDER_ID = "indicator-map-year"
INDICATOR_STORE_ID = "indicator-id"
LANG_STORE_ID = "indicator-lang"


def register(app: dash.Dash) -> None:
    register_page(
        __name__,
        (95, "/indicator/co2_per_capita", "Indicator"),
        title="Показатель / Indicator · CAEI",
        layout=layout,
        path_template=PATH_TEMPLATE,
        known_path=is_known_indicator,  # dashboard/security.py KNOWN_PATH_KEY: unknown ids answer 404
    )
    snapshot_callback(
        app,
        Output(MAP_ID, "figure"),
        Input(SLIDER_ID, "value"),
        State(INDICATOR_STORE_ID, "data"),
        State(LANG_STORE_ID, "data"),
        prevent_initial_call=True,
    )(redraw_map)


def is_known_indicator(indicator_id: str = "", **_other: str) -> bool:
    """True for an id of the current snapshot's catalogue (and while nothing is published: the page says so)."""
    try:
        return indicator_id in indicator_page.indicator_ids(data.snapshot_for_request())
    except data.NoSnapshotError:
        return True


def layout(indicator_id: str | None = None, lang: str | None = None, **_query: Any) -> html.Div:
    chosen = page_lang(lang)
    if not indicator_id or not is_known_indicator(indicator_id):
        return not_found_404.layout(lang=chosen)
    return snapshot_page(
        chosen, f"/indicator/{indicator_id}", lambda snap, info: indicator_content(snap, info, indicator_id, chosen)
    )


def place_names(snap: data.Snapshot, lang: str) -> dict[str, str]:
    return {
        r["geo_id"]: localized(r, "name", lang) or r["geo_id"]
        for r in reference.geographies(snap).iter_rows(named=True)
    }


def shown_places(snap: data.Snapshot, indicator_id: str) -> list[str]:
    """The five countries and Central Asia; an indicator of a sea (Aral, Caspian) has its own place instead."""
    own = indicator_page.indicator_places(snap, indicator_id)
    areas = [*CENTRAL_ASIA, data.REGION_ID]
    return [g for g in areas if g in own] or own


def map_figure(snap: data.Snapshot, indicator_id: str, year: int, unit: str, lang: str):
    values = indicators.indicator_series(snap, indicator_id, list(CENTRAL_ASIA), year)
    geojson = country_geojson(reference.country_polygons(snap, list(CENTRAL_ASIA)))
    return explorer_map_figure(indicator_facts.trusted(values), geojson, place_names(snap, lang), unit, year, lang)


def unit_label(indicator: dict, lang: str) -> str:
    labels = {k.removeprefix("unit_"): v for k, v in indicator.items() if k.startswith("unit_label_")}
    return localized(labels, "label", lang) or str(indicator.get("unit") or "")


def indicator_content(snap: data.Snapshot, info: dict, indicator_id: str, lang: str) -> list:
    indicator = indicator_page.indicator_row(snap, indicator_id) or {"indicator_id": indicator_id}
    name = localized(indicator, "name", lang) or t("Indicator", lang)
    unit = unit_label(indicator, lang)
    names = place_names(snap, lang)
    places = shown_places(snap, indicator_id)
    values = indicators.indicator_series(snap, indicator_id, places)
    countries = [g for g in places if g in CENTRAL_ASIA]
    latest = indicator_facts.latest_with_ranks(values, places, compared=countries)
    since = indicator_facts.base_year(values)
    changes = indicator_facts.change_since(values, since) if since is not None else values.clear()
    years, cells = indicator_facts.year_grid(values)
    source_ids = list(
        dict.fromkeys([*values["source_id"].unique(maintain_order=True).to_list(), indicator.get("source_id")])
    )
    provenance = rows_by_key(reference.latest_provenance(snap), "source_id")
    retrieved = max((str(provenance[s]["retrieved_at"]) for s in source_ids if s in provenance), default=None)
    direction_rows = rows_by_key(snap.query("SELECT * FROM summit_directions"), "direction")
    directions = [
        {**direction_rows[str(n)], "direction": n}
        for n in indicator_directions(indicator.get("directions"))
        if str(n) in direction_rows
    ]
    year = indicator_facts.fullest_latest_year(values, countries)
    path_and_query = f"/indicator/{indicator_id}?lang={lang}"
    base_url = flask.request.host_url if flask.has_request_context() else "/"
    return [
        *page_heading(name, localized(indicator, "definition", lang)),
        html.P(
            dcc.Link(
                t("Open in the explorer", lang),
                href=f"/explorer?lang={lang}&indicator={indicator_id}",
                id="indicator-explorer-link",
            ),
            className="muted",
        ),
        dcc.Store(id=INDICATOR_STORE_ID, data=indicator_id),
        dcc.Store(id=LANG_STORE_ID, data=lang),
        sections.latest_section(latest, changes, since, names, unit, lang),
        sections.section(
            "indicator-chart",
            t("The countries and Central Asia over the years", lang) if countries else t("Values over the years", lang),
            t("Central Asia dashed; hollow points: values flagged as not updated recently or implausible.", lang)
            if countries
            else t("Hollow points: values flagged as not updated recently or implausible.", lang),
            graph("indicator-line", explorer_line_figure(values, names, unit, lambda f: flag_text(f, lang), lang)),
            sections.share_block(base_url, path_and_query, indicator_id, places, years, name, lang),
        ),
        *(
            [
                sections.section(
                    "indicator-map-section",
                    t("Map by year", lang),
                    t("Countries coloured by their value in the chosen year; doubtful values are left out.", lang),
                    html.Label(t("Year of the map", lang), htmlFor=SLIDER_ID, className="control-label"),
                    dcc.Slider(
                        id=SLIDER_ID,
                        min=min(years),
                        max=max(years),
                        step=1,
                        value=year,
                        marks=sections.year_marks(years),
                        tooltip={"placement": "bottom", "always_visible": True},
                        allow_direct_input=False,  # the year is chosen on the scale (a bare number box has no label)
                    ),
                    graph(MAP_ID, map_figure(snap, indicator_id, year, unit, lang), zoom_on_scroll=False),
                )
            ]
            if year is not None
            else []
        ),
        sections.grid_section(years, cells, places, names, unit, lang),
        sections.about_section(
            indicator,
            unit,
            directions,
            indicator_page.stated_metadata(snap, indicator_id),
            retrieved,
            info.get("created_at"),
            lang,
        ),
        sections.caveats_section(indicator_facts.flag_counts(values), lang),
        sections.sources_section(
            rows_by_key(reference.all_sources(snap), "source_id"), source_ids, info.get("created_at"), lang
        ),
        sections.related_section(indicator_page.same_direction_indicators(snap, indicator_id), lang),
        html.P(dcc.Link(t("Data catalogue", lang), href=href("/catalogue", lang) + "#catalogue-indicators")),
    ]


def redraw_map(year: int, indicator_id: str, lang: str):
    """The map for the year chosen on the slider."""
    snap = data.snapshot_for_request()
    indicator = indicator_page.indicator_row(snap, indicator_id)
    if indicator is None or year is None:
        raise dash.exceptions.PreventUpdate
    return map_figure(snap, indicator_id, int(year), unit_label(indicator, lang), lang)
