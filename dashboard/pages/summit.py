"""Summit 2026 `/summit`: the 8 directions as cards with their headline indicators, the initiatives tracker,
the consultations timeline, expected outcomes and partners, and the summit indicator pack to download."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash
import polars as pl
from dash import Input, Output, dcc, html

from dashboard import data
from dashboard.i18n import catalogue, format_day, format_number, localized, normalize_lang, t
from dashboard.queries import funding, reference
from dashboard.shell import (
    flag_badges,
    page_lang,
    redraw_callback,
    register_page,
    section,
    simple_table,
    snapshot_page,
)
from dashboard.text_marks import code, seed_text, with_latin_names
from dashboard.theme_charts import ChartSpec, DrawnChart, links_for, register_chart, with_page_state

PATH = "/summit"
NAV = (45, PATH, "Summit 2026")
DIRECTION_FILTER_ID = "initiatives-direction"
STATUS_FILTER_ID = "initiatives-status"
TRACKER_ID = "initiatives-table"
TRACKER_LINKS_ID = "initiatives-links-box"
LANG_STORE_ID = "summit-lang"
DOWNLOAD_ID = "summit-pack-download"
CARD_INDICATORS = 3  # a card lists the headline and at most two more indicators; the pack has them all
UNKNOWN = "unknown"
# Partners and names printed in Latin script in the bulletin itself.
LATIN_NAMES = ("SWITCH-Asia", "IMWI")
STATUS_MSGIDS = {
    "proposed": "proposed",
    "approved": "approved",
    "ongoing": "ongoing",
    "completed": "completed",
    "cancelled": "cancelled",
    "": "unknown",
}


def register(app: dash.Dash) -> None:
    register_page(__name__, NAV, title="Саммит 2026 / Summit 2026 · CAEI", layout=layout)
    redraw_callback(
        app,
        [Output(TRACKER_ID, "children"), Output(TRACKER_LINKS_ID, "children")],
        [Input(DIRECTION_FILTER_ID, "value"), Input(STATUS_FILTER_ID, "value")],
        LANG_STORE_ID,
    )(update_tracker)
    redraw_callback(
        app,
        [Output(DOWNLOAD_ID, "data")],
        [Input("summit-pack-xlsx", "n_clicks"), Input("summit-pack-csv", "n_clicks")],
        LANG_STORE_ID,
    )(download_pack)


def layout(lang: str | None = None, **query: Any) -> html.Div:
    """The summit page; `?direction=&status=` filter the tracker (the address its share link gives)."""
    chosen = page_lang(lang)
    return snapshot_page(
        chosen,
        PATH,
        lambda snap, _info: with_page_state(
            query, ("direction", "status"), lambda: summit_content(snap, chosen, query)
        ),
    )


def summit_content(snap: data.Snapshot, lang: str, query: Mapping[str, Any] | None = None) -> list:
    directions = reference.summit_directions(snap)
    return [
        html.H1(t("Regional Ecological Summit 2026", lang)),
        facts_section(funding.summit_facts(snap), lang),
        dcc.Store(id=LANG_STORE_ID, data=lang),
        section(
            "summit-pack",
            t("Summit indicator pack", lang),
            t(
                "One sheet per direction (latest value and year, trend, Central Asia value with coverage), "
                "sources with licences and notes, from the published snapshot.",
                lang,
            ),
            html.Button(t("Download (Excel)", lang), id="summit-pack-xlsx", type="button", className="print-button"),
            " ",
            html.Button(t("Download (CSV, zip)", lang), id="summit-pack-csv", type="button", className="print-button"),
            dcc.Download(id=DOWNLOAD_ID),
        ),
        directions_section(directions, funding.direction_indicators(snap), lang),
        tracker_section(snap, directions, funding.initiatives(snap), lang, tracker_state(query or {})),
        timeline_section(funding.consultations(snap), lang),
    ]


def facts_section(facts: pl.DataFrame, lang: str) -> html.Section:
    by_kind = {
        k: [seed_text(r, "value", lang) for r in facts.filter(pl.col("kind") == k).iter_rows(named=True)]
        for k in facts["kind"].unique()
    }
    partners = ", ".join(by_kind.get("partner", []))
    return html.Section(
        id="summit-facts",
        children=[
            html.P(
                [
                    html.Strong(t("When and where", lang) + ": "),
                    "; ".join(by_kind.get("event_date", [])[:1] + by_kind.get("place", [])),
                ]
            ),
            html.H2(t("Expected outcomes", lang)),
            html.Ul([html.Li(v) for v in by_kind.get("expected_outcome", [])], id="summit-outcomes"),
            html.P(
                [html.Strong(t("International partners", lang) + ": "), *with_latin_names(partners, LATIN_NAMES, lang)],
                id="summit-partners",
            ),
            html.P(
                t("Source: information bulletin of the Regional Ecological Summit 2026 (seed document 003).", lang),
                className="source-caption",
            ),
        ],
    )


def directions_section(directions: pl.DataFrame, indicators: pl.DataFrame, lang: str) -> html.Section:
    return section(
        "summit-directions",
        t("The eight directions and their indicators", lang),
        None,
        html.Div(
            [
                direction_card(row, indicators.filter(pl.col("direction") == row["direction"]), lang)
                for row in directions.iter_rows(named=True)
            ],
            className="card-grid",
        ),
    )


def direction_card(direction: dict, indicators: pl.DataFrame, lang: str) -> html.Article:
    number = direction["direction"]
    with_data = indicators.filter(pl.col("value").is_not_null() | (pl.col("n_countries") > 0))
    if with_data.is_empty():
        body: list[Any] = [
            html.P(t("No indicator in the catalogue has data for this direction yet.", lang), className="no-regional")
        ]
    else:
        body = [
            html.Ul(
                [indicator_line(r, lang) for r in with_data.head(CARD_INDICATORS).iter_rows(named=True)],
                className="card-indicators",
            )
        ]
        if with_data.height > CARD_INDICATORS:
            body.append(
                html.P(
                    t("{n} more indicators in the summit pack.", lang, n=with_data.height - CARD_INDICATORS),
                    className="muted",
                )
            )
    return html.Article(
        className="card",
        id=f"direction-{number}",
        children=[
            html.Div(f"{number}", className="badge"),
            html.H3(localized(direction, "title", lang), className="card-title"),
            html.P(seed_text(direction, "focus", lang), className="muted"),
            *body,
        ],
    )


def indicator_line(row: dict, lang: str) -> html.Li:
    name = localized(row, "name", lang)
    if row["value"] is None:
        value = t("no Central Asia value; {n} countries have data", lang, n=row["n_countries"])
        return html.Li([html.Span(name), ": ", html.Span(value, className="muted")])
    return html.Li(
        [
            html.Span(name),
            ": ",
            html.Span(format_number(row["value"], lang), className="value"),
            " ",
            html.Span(localized(row, "unit", lang), className="unit"),
            " ",
            html.Span(f"({t('Central Asia', lang)}, {row['year']})", className="value-year"),
            *flag_badges(row["flags"], lang),
        ]
    )


def tracker_section(
    snap: data.Snapshot, directions: pl.DataFrame, initiatives: pl.DataFrame, lang: str, state: dict[str, str]
) -> html.Section:
    direction_options = (
        [{"label": t("All directions", lang), "value": "all"}]
        + [
            {"label": f"{r['direction']}. {localized(r, 'title', lang)}", "value": str(r["direction"])}
            for r in directions.iter_rows(named=True)
        ]
        + [{"label": t("No direction stated", lang), "value": "none"}]
    )
    statuses = sorted({(s or "") for s in initiatives["status"].to_list()})
    status_options = [{"label": t("All statuses", lang), "value": "all"}] + [
        {"label": t(STATUS_MSGIDS.get(s, s), lang), "value": s or UNKNOWN} for s in statuses
    ]
    return section(
        "summit-initiatives",
        t("Initiatives tracker", lang),
        t(
            "The registry starts with what the bulletin states: the initiative areas of the draft Programme "
            "of Action 2026-2030. An empty field is unknown.",
            lang,
        ),
        html.Div(
            className="controls",
            children=[
                *tracker_filter(t("Direction", lang), DIRECTION_FILTER_ID, direction_options, state["direction"]),
                *tracker_filter(t("Status", lang), STATUS_FILTER_ID, status_options, state["status"]),
            ],
        ),
        html.Div(tracker_table(initiatives, state["direction"], state["status"], lang), id=TRACKER_ID),
        html.Div(tracker_links(snap, state, lang), id=TRACKER_LINKS_ID),
    )


def tracker_state(query: Mapping[str, Any]) -> dict[str, str]:
    """The filters asked for (text only; an unknown value shows no initiative, as the filter would)."""
    direction, status = query.get("direction"), query.get("status")
    return {
        "direction": direction if isinstance(direction, str) and direction else "all",
        "status": status if isinstance(status, str) and status else "all",
    }


def tracker_chart(snap: data.Snapshot, state: Mapping[str, str], lang: str) -> DrawnChart:
    """The tracker's rows under its filters, as the table shows them."""
    state = tracker_state(state)
    rows = tracker_rows(funding.initiatives(snap), state["direction"], state["status"], lang)
    # the registry cites the bulletin per row (its Source column): no catalogue source to add
    return DrawnChart(t("Initiatives tracker", lang), "", [], table=rows)


TRACKER_CHART = register_chart(ChartSpec("summit-tracker", PATH, tracker_chart, ("direction", "status")))


def tracker_links(snap: data.Snapshot, state: dict[str, str], lang: str) -> html.Div:
    return links_for(TRACKER_CHART, tracker_chart(snap, state, lang), state, lang)


def filter_initiatives(initiatives: pl.DataFrame, direction: str, status: str) -> pl.DataFrame:
    directions = pl.col("directions").fill_null("")
    if direction == "none":
        initiatives = initiatives.filter(directions == "")
    elif direction != "all":
        initiatives = initiatives.filter(directions.str.split(";").list.contains(direction))
    if status == UNKNOWN:
        initiatives = initiatives.filter(pl.col("status").fill_null("") == "")
    elif status != "all":
        initiatives = initiatives.filter(pl.col("status") == status)
    return initiatives


def tracker_filter(label: str, element_id: str, options: list, value: str = "all") -> list:
    """A labelled dropdown of the tracker (by default showing all initiatives)."""
    return [
        html.Label(label, htmlFor=element_id, className="control-label"),
        dcc.Dropdown(id=element_id, options=options, value=value, clearable=False, className="indicator-dropdown"),
    ]


def tracker_rows(initiatives: pl.DataFrame, direction: str, status: str, lang: str) -> pl.DataFrame:
    """The filtered initiatives as the table shows them (headers and cells in the language)."""
    unknown = t("unknown", lang)
    headers = [
        t("Initiative", lang),
        t("Directions", lang),
        t("Lead", lang),
        t("Status", lang),
        t("Period", lang),
        t("Budget", lang),
        t("Indicators", lang),
        t("Last update", lang),
        t("Source", lang),
    ]
    cells = [
        [
            seed_text(r, "title", lang),
            r["directions"] or unknown,
            r["lead"] or unknown,
            t(STATUS_MSGIDS.get(r["status"] or "", r["status"]), lang),
            f"{r['start_date'] or unknown} – {r['end_date'] or unknown}",
            f"{format_number(r['budget_amount'], lang)} {r['budget_currency'] or ''}".strip()
            if r["budget_amount"] is not None
            else unknown,
            (r["indicator_ids"] or unknown).replace(";", ", "),
            r["last_update"] or unknown,
            r["citation"] or "",
        ]
        for r in filter_initiatives(initiatives, direction, status).iter_rows(named=True)
    ]
    return pl.DataFrame(cells, schema={h: pl.String for h in headers}, orient="row")


def tracker_table(initiatives: pl.DataFrame, direction: str, status: str, lang: str):
    rows = tracker_rows(initiatives, direction, status, lang)
    if rows.is_empty():
        return html.P(t("No initiative matches these filters.", lang), className="muted")
    return simple_table(
        rows.columns,
        [[*cells[:-1], code(cells[-1])] for cells in rows.iter_rows()],
        element_id="initiatives-tracker",
    )


def update_tracker(direction: str | None, status: str | None, lang: str | None):
    lang = normalize_lang(lang)
    try:
        snap = data.snapshot_for_request()
        state = tracker_state({"direction": direction, "status": status})
        table = tracker_table(funding.initiatives(snap), state["direction"], state["status"], lang)
        return table, tracker_links(snap, state, lang)
    except (data.NoSnapshotError, data.SnapshotContentError) as problem:
        return html.P(str(problem), className="notice"), None


def timeline_section(consultations: pl.DataFrame, lang: str) -> html.Section:
    import datetime as dt

    items = []
    for r in consultations.iter_rows(named=True):
        start = format_day(dt.date.fromisoformat(r["date"]), lang)
        when = f"{start} – {format_day(dt.date.fromisoformat(r['date_end']), lang)}" if r["date_end"] else start
        side = seed_text(r, "side_event", lang)
        items.append(
            html.Li(
                [
                    html.Strong(when),
                    f" · {city_name(r, lang)} · ",
                    html.Span(seed_text(r, "event", lang)),
                    html.Span(f" — «{side}»" if side else ""),
                    html.Div(r["outcome_en"], className="muted", lang="en") if r.get("outcome_en") else None,
                ]
            )
        )
    return section(
        "summit-timeline",
        t("Consultations timeline, 2025", lang),
        None,
        html.Ol(items, className="timeline"),
    )


def city_name(row: dict, lang: str) -> str:
    """The consultation's city: English as published, Russian as published, Kazakh from the catalogue."""
    if lang == "en":
        return row["city"]
    if lang == "kk" and catalogue("kk").get(row["city"]):
        return catalogue("kk")[row["city"]]
    return row["city_ru"] or row["city"]


def download_pack(_xlsx_clicks: int | None, _csv_clicks: int | None, lang: str | None):
    lang = normalize_lang(lang)
    pack_lang = lang  # the pack exists in every language of the dashboard
    fmt = "csv" if dash.ctx.triggered_id == "summit-pack-csv" else "xlsx"
    snap = data.snapshot_for_request()
    content = funding.summit_pack_bytes(snap, fmt, pack_lang)
    name = f"summit_pack_{snap.snapshot_id}_{pack_lang}.{'zip' if fmt == 'csv' else 'xlsx'}"
    return dcc.send_bytes(content, name)
