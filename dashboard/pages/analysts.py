"""Analysts' page `/analysts`: the summit initiatives registry as the secretariat's file gives it (status, lead,
dates, budget, the citation of every row), with filters, and the water-quality lab inbox (pages/water_inbox.py).
For analysts: not in the viewers' navigation (the deployment puts it behind the analysts' login); the summit page
shows viewers the initiatives by name."""

from __future__ import annotations

import dash
import polars as pl
from dash import Input, Output, dcc, html

from dashboard import data
from dashboard.i18n import format_number, localized, normalize_lang, t
from dashboard.pages.water_inbox import inbox_section
from dashboard.queries import funding, reference
from dashboard.shell import content_layout, indicator_href, redraw_callback, section, simple_table
from dashboard.summaries import rows_by_key
from dashboard.text_marks import code, document_title, seed_text

PATH = "/analysts"
DIRECTION_FILTER_ID = "initiatives-direction"
STATUS_FILTER_ID = "initiatives-status"
TRACKER_ID = "initiatives-table"
LANG_STORE_ID = "analysts-lang"
UNKNOWN = "unknown"
STATUS_MSGIDS = {
    "proposed": "proposed",
    "approved": "approved",
    "ongoing": "ongoing",
    "completed": "completed",
    "cancelled": "cancelled",
    "": "unknown",
}


def register(app: dash.Dash) -> None:
    # No NAV: the page is reached by its address only.
    dash.register_page(
        __name__,
        path=PATH,
        name="Analysts",
        title="Аналитикам / Analysts · CAEI",
        layout=content_layout(PATH, lambda snap, _info, lang: analysts_content(snap, lang)),
    )
    redraw_callback(
        app,
        [Output(TRACKER_ID, "children")],
        [Input(DIRECTION_FILTER_ID, "value"), Input(STATUS_FILTER_ID, "value")],
        LANG_STORE_ID,
    )(update_tracker)


def analysts_content(snap: data.Snapshot, lang: str) -> list:
    return [
        html.H1(t("For analysts", lang)),
        html.P(
            t(
                "The summit initiatives registry as the secretariat's file gives it, with the citation of every row. "
                "An updated file dropped into the summit inbox replaces it after validation.",
                lang,
            ),
            className="lead",
        ),
        dcc.Store(id=LANG_STORE_ID, data=lang),
        tracker_section(snap, funding.initiatives(snap), lang),
        inbox_section(snap, lang),
    ]


def tracker_section(snap: data.Snapshot, initiatives: pl.DataFrame, lang: str) -> html.Section:
    directions = reference.summit_directions(snap)
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
                *tracker_filter(t("Direction", lang), DIRECTION_FILTER_ID, direction_options),
                *tracker_filter(t("Status", lang), STATUS_FILTER_ID, status_options),
            ],
        ),
        html.Div(tracker_table(snap, initiatives, "all", "all", lang), id=TRACKER_ID),
    )


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


def tracker_filter(label: str, element_id: str, options: list) -> list:
    """A labelled dropdown of the tracker, first showing all initiatives."""
    return [
        html.Label(label, htmlFor=element_id, className="control-label"),
        dcc.Dropdown(id=element_id, options=options, value="all", clearable=False, className="indicator-dropdown"),
    ]


def tracker_table(snap: data.Snapshot, initiatives: pl.DataFrame, direction: str, status: str, lang: str):
    rows = filter_initiatives(initiatives, direction, status)
    if rows.is_empty():
        return html.P(t("No initiative matches these filters.", lang), className="muted")
    unknown = t("unknown", lang)
    documents = rows_by_key(reference.seed_documents(snap), "document")
    listed = sorted({i for ids in rows["indicator_ids"].drop_nulls() for i in ids.split(";") if i})
    indicator_names = {
        r["indicator_id"]: localized(r, "name", lang)
        for r in reference.indicator_entries(snap, listed).iter_rows(named=True)
    }

    def indicators_cell(ids: str | None) -> object:
        """Each indicator by its name, linked to its page; an id the catalogue lacks stays as the registry wrote it."""
        links: list = []
        for i in (ids or "").split(";"):
            if i:
                links += [", "] if links else []
                links.append(
                    dcc.Link(indicator_names[i], href=indicator_href(i, lang)) if i in indicator_names else code(i)
                )
        return html.Span(links) if links else unknown

    def source_cell(citation: str | None) -> object:
        """The document by its title; the file and lines, for tracing, on hover."""
        return html.Span(document_title(citation, documents, lang), title=citation or "") if citation else unknown

    return simple_table(
        [
            t("Initiative", lang),
            t("Directions", lang),
            t("Lead", lang),
            t("Status", lang),
            t("Period", lang),
            t("Budget", lang),
            t("Indicators", lang),
            t("Last update", lang),
            t("Source", lang),
        ],
        [
            [
                seed_text(r, "title", lang),
                r["directions"] or unknown,
                r["lead"] or unknown,
                t(STATUS_MSGIDS.get(r["status"] or "", r["status"]), lang),
                f"{r['start_date'] or unknown} – {r['end_date'] or unknown}",
                f"{format_number(r['budget_amount'], lang)} {r['budget_currency'] or ''}".strip()
                if r["budget_amount"] is not None
                else unknown,
                indicators_cell(r["indicator_ids"]),
                r["last_update"] or unknown,
                source_cell(r["citation"]),
            ]
            for r in rows.iter_rows(named=True)
        ],
        element_id="initiatives-tracker",
    )


def update_tracker(direction: str | None, status: str | None, lang: str | None):
    lang = normalize_lang(lang)
    try:
        snap = data.snapshot_for_request()
        return tracker_table(snap, funding.initiatives(snap), direction or "all", status or "all", lang)
    except (data.NoSnapshotError, data.SnapshotContentError) as problem:
        return html.P(str(problem), className="notice")
