"""Indicator explorer `/explorer`: any indicator x places x years as a line, a bar chart and a map for one year,
the table beneath and a download of exactly those rows. The state is in the URL (see explorer_state)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

import dash
import flask
from dash import Input, Output, dcc, html
from dash.exceptions import PreventUpdate

from assets.exports.csv_files import dialect_for
from dashboard import chart_links as links
from dashboard import data
from dashboard.explorer_state import (
    DOWNLOAD_FORMATS,
    MEDIA_TYPES,
    TABLE_VIEWS,
    ExplorerState,
    download_frames,
    parse_state,
    shown_rows,
    single_point,
    to_csv_bytes,
    to_xlsx_bytes,
    year_rows,
)
from dashboard.explorer_views import long_table, picker_options, source_line, wide_table
from dashboard.figures.base import empty_figure, graph
from dashboard.figures.explorer import (
    country_geojson,
    explorer_bar_figure,
    explorer_line_figure,
    explorer_map_figure,
    labelled,
    number_figure,
)
from dashboard.i18n import localized, normalize_lang, t
from dashboard.queries import indicators, reference
from dashboard.shell import (
    flag_text,
    href,
    page_heading,
    page_lang,
    redraw_callback,
    register_page,
    search_labels,
    snapshot_page,
    source_caption,
)
from dashboard.summaries import rows_by_key

PATH = "/explorer"
DOWNLOAD_PATH = "/download/explorer.<fmt>"
NAV = (5, PATH, "Explorer")

INDICATOR_ID = "explorer-indicator"
GEO_ID = "explorer-geo"
FROM_ID = "explorer-from"
TO_ID = "explorer-to"
YEAR_ID = "explorer-year"
TABLE_VIEW_ID = "explorer-table-view"
LANG_STORE_ID = "explorer-lang"
OUTPUT_IDS = ("explorer-line", "explorer-bar", "explorer-map")
TABLE_ID = "explorer-table"
CAPTION_ID = "explorer-caption"
CSV_LINK_ID = "explorer-download-csv"
XLSX_LINK_ID = "explorer-download-xlsx"
URL_SYNC_ID = "explorer-url-sync"


def register(app: dash.Dash) -> None:
    register_page(__name__, NAV, title="Показатели / Explorer · CAEI", layout=layout)
    redraw_callback(
        app,
        [
            Output(OUTPUT_IDS[0], "figure"),
            Output(OUTPUT_IDS[1], "figure"),
            Output(OUTPUT_IDS[2], "figure"),
            Output(TABLE_ID, "children"),
            Output(CAPTION_ID, "children"),
            Output(CSV_LINK_ID, "href"),
            Output(XLSX_LINK_ID, "href"),
            Output(URL_SYNC_ID, "data"),
            Output(FROM_ID, "options"),
            Output(TO_ID, "options"),
            Output(YEAR_ID, "options"),
            Output(FROM_ID, "value"),
            Output(TO_ID, "value"),
            Output(YEAR_ID, "value"),
            Output(links.ZIP_ID, "href"),
            Output(links.EMBED_LINK_ID, "href"),
            Output(links.EMBED_CODE_ID, "value"),
            Output(links.SHARE_ID, "value"),
        ],
        [
            Input(INDICATOR_ID, "value"),
            Input(GEO_ID, "value"),
            Input(FROM_ID, "value"),
            Input(TO_ID, "value"),
            Input(YEAR_ID, "value"),
            Input(TABLE_VIEW_ID, "value"),
        ],
        LANG_STORE_ID,
    )(update_view)
    # Write the state into the address bar without a page reload (and without Dash re-rendering the page).
    app.clientside_callback(
        "function(search) { if (search) { window.history.replaceState(null, '', window.location.pathname + search); }"
        " return ''; }",
        Output(URL_SYNC_ID + "-done", "data"),
        Input(URL_SYNC_ID, "data"),
        prevent_initial_call=True,
    )
    app.server.add_url_rule(DOWNLOAD_PATH, "explorer_download", download)


def layout(lang: str | None = None, **query: Any) -> html.Div:
    lang = page_lang(lang)
    return snapshot_page(lang, PATH, lambda snap, info: explorer_content(snap, info, query, lang))


# ---- state and content ----------------------------------------------------------------------------------


def place_ids(snap: data.Snapshot) -> list[str]:
    """The places the explorer offers: the five countries, then the regional figure."""
    return [*reference.central_asia_iso3(snap), data.REGION_ID]


def state_from_query(snap: data.Snapshot, query: dict) -> ExplorerState | None:
    catalogue = reference.indicator_catalogue(snap)
    with_values = set(indicators.indicators_with_country_values(snap, place_ids(snap)))
    indicator_ids = [i for i in catalogue["indicator_id"].to_list() if i in with_values]
    return parse_state(
        query, indicator_ids, place_ids(snap), place_ids(snap), lambda i: indicators.indicator_years(snap, i)
    )


def explorer_content(snap: data.Snapshot, info: dict, query: dict, lang: str) -> list:
    state = state_from_query(snap, query)
    if state is None:
        return [html.H1(t("Indicator explorer", lang)), html.P(t("The snapshot holds no indicator values.", lang))]
    catalogue = reference.indicator_catalogue(snap)
    with_values = indicators.indicators_with_country_values(snap, place_ids(snap))
    geo_names = geo_name_map(snap, lang)
    view = build_view(snap, info, state, lang)
    asked = query.get("indicator")
    asked = asked[0] if isinstance(asked, list) and asked else asked
    # An indicator the explorer cannot show (no country values, or unknown) is said, not silently replaced.
    replaced = (
        [
            html.P(
                t("The indicator asked for has no values for the countries; the explorer shows another.", lang),
                className="notice",
                id="explorer-replaced",
            )
        ]
        if isinstance(asked, str) and asked and asked != state.indicator_id
        else []
    )
    year_options = view["year_options"]
    return [
        *page_heading(
            t("Indicator explorer", lang),
            t(
                "Choose an indicator, places and years. The address of the page keeps the choice, so a link "
                "reproduces this view; the download holds exactly the rows of the table.",
                lang,
            ),
        ),
        *replaced,
        html.Div(
            className="controls",
            children=[
                html.Div(
                    [
                        html.Label(
                            t("Indicator", lang),
                            htmlFor=INDICATOR_ID,
                            className="control-label",
                            # Dash 4 names a dropdown by the element "<id>-value-count" (then its value).
                            id=f"{INDICATOR_ID}-value-count",
                        ),
                        dcc.Dropdown(
                            id=INDICATOR_ID,
                            clearable=False,
                            searchable=True,
                            value=state.indicator_id,
                            options=picker_options(catalogue, with_values, lang),
                            labels=search_labels(lang),
                            className="indicator-dropdown",
                            maxHeight=420,
                        ),
                    ],
                    className="control control-wide",
                ),
                html.Fieldset(
                    [
                        html.Legend(t("Places", lang), className="control-label"),
                        dcc.Checklist(
                            id=GEO_ID,
                            value=list(state.geo_ids),
                            inline=True,
                            className="checklist",
                            options=[{"label": geo_names.get(g, g), "value": g} for g in place_ids(snap)],
                        ),
                    ],
                    className="control",
                ),
                year_control(t("From", lang), FROM_ID, year_options, state.year_from),
                year_control(t("To", lang), TO_ID, year_options, state.year_to),
                year_control(t("Year of the bar chart and map", lang), YEAR_ID, year_options, state.year),
            ],
        ),
        dcc.Store(id=LANG_STORE_ID, data=lang),
        dcc.Store(id=URL_SYNC_ID, data=None),
        dcc.Store(id=URL_SYNC_ID + "-done", data=None),
        graph(OUTPUT_IDS[0], view["line"]),
        links.links_block(view["links"], lang),
        html.Div(
            className="two-columns",
            children=[
                graph(OUTPUT_IDS[1], view["bar"]),
                graph(OUTPUT_IDS[2], view["map"], zoom_on_scroll=False),
            ],
        ),
        html.Div(
            className="downloads no-print",
            children=[
                html.Span(t("Download the table:", lang)),
                html.A("CSV", id=CSV_LINK_ID, href=view["csv_href"], className="button-link", download=""),
                html.A("XLSX", id=XLSX_LINK_ID, href=view["xlsx_href"], className="button-link", download=""),
            ],
        ),
        html.Fieldset(
            [
                html.Legend(t("Table:", lang), className="control-label"),
                dcc.RadioItems(
                    id=TABLE_VIEW_ID,
                    value=state.table,
                    inline=True,
                    className="checklist",
                    options=[
                        {"label": t("years × places", lang), "value": TABLE_VIEWS[0]},
                        {"label": t("one row per value", lang), "value": TABLE_VIEWS[1]},
                    ],
                ),
            ],
            className="table-view control no-print",
        ),
        html.Div(view["table"], id=TABLE_ID, className="table-scroll"),
        html.Div(view["caption"], id=CAPTION_ID),
    ]


def year_control(label: str, element_id: str, options: list, value: int | None) -> html.Div:
    # Dash 4 names a dropdown by the element "<id>-value-count" (then its value).
    return html.Div(
        [
            html.Label(label, htmlFor=element_id, className="control-label", id=f"{element_id}-value-count"),
            dcc.Dropdown(id=element_id, options=options, value=value, clearable=False, searchable=False),
        ],
        className="control control-year",
    )


def geo_name_map(snap: data.Snapshot, lang: str) -> dict[str, str]:
    return {row["geo_id"]: localized(row, "name", lang) for row in reference.geographies(snap).iter_rows(named=True)}


def unit_label_of(indicator: dict, lang: str) -> str:
    label = localized(
        {k.removeprefix("unit_"): v for k, v in indicator.items() if k.startswith("unit_label_")}, "label", lang
    )
    return label or str(indicator.get("unit") or "")


def build_view(snap: data.Snapshot, info: dict, state: ExplorerState, lang: str) -> dict:
    """Figures, table, caption, download links and year options of one state: the callback and the first
    render share it, so the page built from a URL and the page after a change are the same."""
    indicator = rows_by_key(reference.indicator_catalogue(snap), "indicator_id")[state.indicator_id]
    unit = unit_label_of(indicator, lang)
    geo_names = geo_name_map(snap, lang)
    series = indicators.indicator_series(snap, state.indicator_id, place_ids(snap))
    shown = shown_rows(series, state)
    one_year = year_rows(series, state)
    geojson = country_geojson(reference.country_polygons(snap, reference.central_asia_iso3(snap)))
    name = localized(indicator, "name", lang) or state.indicator_id
    years = indicators.indicator_years(snap, state.indicator_id)
    query = state.query_string(lang)
    sources_by_id = rows_by_key(reference.all_sources(snap), "source_id")
    source_ids = shown["source_id"].unique(maintain_order=True).to_list() or [indicator.get("source_id")]
    source = source_line(sources_by_id, source_ids, info.get("created_at"), lang)
    span = f"{state.year_from}–{state.year_to}" if state.year_from != state.year_to else str(state.year_from)
    if single_point(shown):
        line = number_figure(shown, geo_names, unit, lang)
        span = str(shown["year"][0])
    else:
        line = explorer_line_figure(shown, geo_names, unit, lambda f: flag_text(f, lang), lang)
    bar = (
        number_figure(one_year, geo_names, unit, lang)
        if one_year.height == 1
        else explorer_bar_figure(one_year, geo_names, unit, state.year, lang)
    )
    table = (
        wide_table(shown, place_ids(snap), geo_names, unit, name, lang)
        if state.table == TABLE_VIEWS[0]
        else long_table(shown, geo_names, unit, name, lang)
    )
    caption = source_caption(sources_by_id, source_ids, info.get("created_at"), lang)
    # The indicator's own page (definition, ranks, sources) from the name: the caption is redrawn with the choice.
    caption.children = [
        dcc.Link(name, href=href(f"/indicator/{state.indicator_id}", lang), id="explorer-indicator-page-link"),
        " · ",
        *caption.children,
    ]
    return {
        "line": labelled(line, f"{name}, {unit} · {span}", source),
        "bar": labelled(bar, f"{name}, {unit} · {state.year}", source),
        "map": labelled(
            explorer_map_figure(one_year, geojson, geo_names, unit, state.year, lang), f"{name} · {state.year}", source
        ),
        "table": table,
        "caption": caption,
        # The download is pinned to this snapshot: it holds exactly the rows shown, even after a new publish.
        "csv_href": "/download/explorer.csv" + query + "&" + urlencode({"snapshot": info.get("snapshot_id") or ""}),
        "xlsx_href": "/download/explorer.xlsx" + query + "&" + urlencode({"snapshot": info.get("snapshot_id") or ""}),
        "query": query,
        "year_options": [{"label": str(y), "value": y} for y in years],
        "links": links.chart_links(
            flask.request.host_url if flask.has_request_context() else "/",
            PATH + query,
            state.indicator_id,
            state.geo_ids,
            state.year_from,
            state.year_to,
            lang,
            name,
        ),
    }


# ---- callback and download (plain functions: tested without a browser) ----------------------------------


def update_view(
    indicator_id: str | None,
    geo_ids: list[str] | None,
    year_from: int | None,
    year_to: int | None,
    year: int | None,
    table: str | None,
    lang: str | None,
):
    """The whole view for the controls' values. A new indicator resets the years to its own range."""
    lang = normalize_lang(lang)
    try:
        snap = data.snapshot_for_request()
        info = data.snapshot_info(snap)
    except data.NoSnapshotError as missing:
        empty = empty_figure(t("No published data yet", lang), lang)
        return (empty, empty, empty, None, str(missing), None, None, None, [], [], [], None, None, None, *[None] * 4)
    triggered = dash.callback_context.triggered_id if dash.callback_context else None
    query: dict = {"indicator": indicator_id, "geo": ",".join(geo_ids or []), "table": table}
    if triggered != INDICATOR_ID:
        query.update({"from": year_from, "to": year_to, "year": year})
    state = state_from_query(snap, query)
    if state is None:  # no indicator in the snapshot: the layout has no controls that could ask
        raise PreventUpdate
    if not geo_ids:
        state = ExplorerState(state.indicator_id, (), state.year_from, state.year_to, state.year, state.table)
    view = build_view(snap, info, state, lang)
    return (
        view["line"],
        view["bar"],
        view["map"],
        view["table"],
        view["caption"].children,
        view["csv_href"],
        view["xlsx_href"],
        view["query"],
        view["year_options"],
        view["year_options"],
        view["year_options"],
        state.year_from,
        state.year_to,
        state.year,
        view["links"].zip_href,
        view["links"].embed_href,
        view["links"].embed_code,
        view["links"].share_link,
    )


def download_payload(snap: data.Snapshot, query: dict, fmt: str) -> tuple[bytes, str]:
    """The file and its name for a query string's state (the same rows the page's table shows)."""
    lang = normalize_lang(query.get("lang"))
    state = state_from_query(snap, query)
    if state is None:
        raise LookupError("the snapshot holds no indicator values")
    info = data.snapshot_info(snap)
    indicator = rows_by_key(reference.indicator_details(snap), "indicator_id")[state.indicator_id]
    series = indicators.indicator_series(snap, state.indicator_id, place_ids(snap))
    shown = shown_rows(series, state)
    frames = download_frames(
        shown,
        indicator,
        unit_label_of(indicator, lang),
        geo_name_map(snap, lang),
        rows_by_key(reference.all_sources(snap), "source_id"),
        rows_by_key(reference.latest_provenance(snap), "source_id"),
        info,
        state,
        lang,
        localized(indicator, "name", lang) or state.indicator_id,
    )
    body = to_csv_bytes(*frames, dialect_for(lang)) if fmt == "csv" else to_xlsx_bytes(*frames)
    filename = f"caei_{state.indicator_id}_{state.year_from}-{state.year_to}_{info.get('snapshot_id')}.{fmt}"
    return body, filename


def download(fmt: str):
    if fmt not in DOWNLOAD_FORMATS:
        flask.abort(404)
    query = {k: v for k, v in parse_qs(flask.request.query_string.decode("utf-8")).items()}
    pinned = query.get("snapshot")
    data.pin_snapshot(pinned[0] if pinned else None)
    try:
        snap = data.snapshot_for_request()
        body, filename = download_payload(snap, query, fmt)
    except (data.NoSnapshotError, LookupError) as problem:
        return flask.Response(str(problem), status=404, mimetype="text/plain")
    response = flask.Response(body, mimetype=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
