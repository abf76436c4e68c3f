"""Summit 2026 `/summit`: when and where, told in the tense of today's date (before, during or after the summit:
dashboard/summit_tense.py), what the bulletin expected and what the sources say happened, the 8 directions as
cards with their headline indicators, the initiatives by name, the consultations timeline, partners, and the
summit indicator pack to download. The initiatives registry itself (statuses, citations) is on `/analysts`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash
import polars as pl
from dash import Input, Output, dcc, html

from dashboard import data, summit_tense
from dashboard.i18n import catalogue, format_day, format_number, localized, normalize_lang, t
from dashboard.queries import funding, reference
from dashboard.shell import flag_badges, redraw_callback, register_page, section
from dashboard.text_marks import seed_text, with_latin_names

PATH = "/summit"
NAV = (45, PATH, "Summit 2026")
LANG_STORE_ID = "summit-lang"
DOWNLOAD_ID = "summit-pack-download"
CARD_INDICATORS = 3  # a card lists the headline and at most two more indicators; the pack has them all
# Partners and names printed in Latin script in the bulletin itself.
LATIN_NAMES = ("SWITCH-Asia", "IMWI")


def register(app: dash.Dash) -> None:
    register_page(
        __name__,
        NAV,
        title="Саммит 2026 / Summit 2026 · CAEI",
        content=lambda snap, _info, lang: summit_content(snap, lang),
    )
    redraw_callback(
        app,
        [Output(DOWNLOAD_ID, "data")],
        [Input("summit-pack-xlsx", "n_clicks"), Input("summit-pack-csv", "n_clicks")],
        LANG_STORE_ID,
    )(download_pack)


def summit_content(snap: data.Snapshot, lang: str) -> list:
    directions = reference.summit_directions(snap)
    return [
        html.H1(t("Regional Ecological Summit 2026", lang)),
        facts_section(funding.summit_facts(snap), lang, dt.datetime.now(dt.UTC).date()),
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
        initiatives_section(funding.initiatives(snap), lang),
        timeline_section(funding.consultations(snap), lang),
    ]


def facts_section(facts: pl.DataFrame, lang: str, today: dt.date) -> html.Section:
    """When and where, and the outcomes, in the tense of `today`: before the summit what is expected; after it,
    what the sources say happened, and for each expected outcome they say nothing of, that it is not in the
    sources yet (never inferred from the date)."""
    by_kind = {
        k: [seed_text(r, "value", lang) for r in facts.filter(pl.col("kind") == k).iter_rows(named=True)]
        for k in facts["kind"].unique()
    }
    partners = ", ".join(by_kind.get("partner", []))
    phase = summit_tense.summit_phase(summit_tense.summit_dates(facts), today)
    when = "; ".join(by_kind.get("event_date", [])[:1] + by_kind.get("place", []))
    # list items begin with a capital, whatever case the bulletin's sentence had them in
    expected = [html.Li(v[:1].upper() + v[1:]) for v in by_kind.get("expected_outcome", [])]
    if phase == summit_tense.AFTER:
        reported = [seed_text(r, "value", lang) for r in summit_tense.reported_outcomes(facts).iter_rows(named=True)]
        intro = html.P([html.Strong(t("The summit was scheduled for", lang) + ": "), when], id="summit-when")
        outcomes = [
            html.H2(t("Outcomes", lang)),
            html.Ul([html.Li(v) for v in reported], id="summit-reported-outcomes")
            if reported
            else html.P(
                t("The sources of this snapshot do not yet report the summit's outcomes.", lang),
                className="notice",
                id="summit-no-outcomes",
            ),
            html.H3(t("What the bulletin expected before the summit", lang)),
            html.Ul(expected, id="summit-outcomes"),
            html.P(
                t(
                    "Whether these came about is not in the sources yet: nothing here is inferred from the date.",
                    lang,
                ),
                className="muted",
            )
            if not reported
            else None,
        ]
    else:
        label = t("Under way", lang) if phase == summit_tense.DURING else t("When and where", lang)
        intro = html.P([html.Strong(label + ": "), when], id="summit-when")
        outcomes = [html.H2(t("Expected outcomes", lang)), html.Ul(expected, id="summit-outcomes")]
    return html.Section(
        id="summit-facts",
        className=f"summit-{phase or 'undated'}",
        children=[
            intro,
            *outcomes,
            html.P(
                [html.Strong(t("International partners", lang) + ": "), *with_latin_names(partners, LATIN_NAMES, lang)],
                id="summit-partners",
            ),
            html.P(
                t("Source: information bulletin of the Regional Ecological Summit 2026.", lang),
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


def initiatives_section(initiatives: pl.DataFrame, lang: str) -> html.Section:
    """The initiatives named in the draft Programme of Action, by name and direction (the registry with statuses
    and citations is the analysts' page)."""
    items = [
        html.Li(
            [
                seed_text(r, "title", lang),
                html.Span(
                    " · " + t("direction {numbers}", lang, numbers=(r["directions"] or "").replace(";", ", ")),
                    className="muted",
                )
                if r["directions"]
                else None,
            ]
        )
        for r in initiatives.iter_rows(named=True)
    ]
    return section(
        "summit-initiatives",
        t("Initiatives", lang),
        t("Key regional initiatives of the draft Programme of Action 2026-2030, as the bulletin names them.", lang),
        html.Ul(items, id="summit-initiatives-list"),
    )


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
                    html.Div(outcome, className="muted") if (outcome := consultation_outcome(r, lang)) else None,
                ]
            )
        )
    return section(
        "summit-timeline",
        t("Consultations timeline, 2025", lang),
        None,
        html.Ol(items, className="timeline"),
    )


def consultation_outcome(row: dict, lang: str) -> str | None:
    """What a consultation did, in the page language: the seed's English text, translated in the catalogues (the
    text reaches t() from the seed, so its entries are written by hand); never English on a ru or kk page."""
    english = row.get("outcome_en")
    if not english or lang == "en":
        return english or None
    return catalogue(lang).get(english) or None


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
