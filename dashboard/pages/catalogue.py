"""Data catalogue `/catalogue`: every indicator and source with definition, unit, licence, provenance,
last update and the status of the asset checks, from the snapshot's own tables."""

from __future__ import annotations

import dash
import polars as pl
from dash import dcc, html

from assets.exports.headers import catalogue_words
from assets.exports.quality import rule_words
from dashboard import data
from dashboard.i18n import format_day, format_number, localized, t, tn
from dashboard.queries import indicators, reference
from dashboard.shell import (
    aria,
    flag_badges,
    page_heading,
    register_page,
    source_name_element,
    source_title,
    source_title_element,
)
from dashboard.summaries import indicator_check_status, rows_by_key
from dashboard.text_marks import translated_or_published

PATH = "/catalogue"
# The page's sections, linked at its top (the quality report is the last, and the longest page needs a way there).
SECTIONS = [
    ("Indicators", "catalogue-indicators"),
    ("Sources", "catalogue-sources"),
    ("Asset checks", "catalogue-checks"),
    ("Data quality", "catalogue-quality"),
]
NAV = (90, PATH, "Data catalogue")


def register(app: dash.Dash) -> None:
    register_page(__name__, NAV, title="Каталог данных / Data catalogue · CAEI", content=catalogue_content)


def english(text: object) -> html.Span:
    """Text kept as published in English (citations, the original publishers and licence names, check messages
    from the pipeline), marked so for screen readers and for the language test: only in the details for analysts."""
    return html.Span(str(text or ""), lang="en")


def for_analysts(lang: str, *codes: object, text: object = None, originals: tuple = ()) -> html.Details:
    """Internal codes (indicator, source, check and asset ids), the pipeline's English messages and a source's
    citation and original names (`originals`), folded away for analysts: viewers read names in their language."""
    children: list = [html.Div(html.Code(str(c))) for c in codes if c]
    children += [html.Div(english(o)) for o in originals if o]
    if text:
        children.append(html.Div(english(text)))
    return html.Details([html.Summary(t("For analysts", lang)), *children], className="analyst-codes muted")


def retrieved_day(retrieved_at: object, lang: str) -> str:
    import datetime as dt

    if not retrieved_at:
        return "–"
    try:
        moment = dt.datetime.fromisoformat(str(retrieved_at))
    except ValueError:
        return str(retrieved_at)
    return format_day(moment, lang)


def catalogue_content(snap: data.Snapshot, info: dict, lang: str) -> list:
    details = reference.indicator_details(snap)
    status_by_id = rows_by_key(indicators.indicator_value_status(snap), "indicator_id")
    sources = reference.all_sources(snap)
    sources_by_id = rows_by_key(sources, "source_id")
    provenance_by_id = rows_by_key(reference.latest_provenance(snap), "source_id")
    checks = reference.check_results(snap)
    failed = checks.filter(~checks["passed"])
    return [
        *page_heading(
            t("Data catalogue", lang),
            t(
                "Every indicator and source of the published snapshot: definition, unit, licence, where and when "
                "the file was retrieved, and what the automatic checks found.",
                lang,
            ),
        ),
        checks_summary(checks, failed, lang),
        html.Nav(
            [
                part
                for n, (title, anchor) in enumerate(SECTIONS)
                for part in ([" · "] if n else []) + [html.A(t(title, lang), href=f"#{anchor}")]
            ],
            className="section-links",
            **aria(label=t("Sections", lang)),
        ),
        html.H2(t("Indicators", lang), id="catalogue-indicators"),
        html.Div(
            indicator_table(details, status_by_id, sources_by_id, provenance_by_id, lang), className="table-scroll"
        ),
        html.H2(t("Sources", lang), id="catalogue-sources"),
        html.Div(source_table(sources, provenance_by_id, lang), className="table-scroll"),
        html.H2(t("Asset checks", lang), id="catalogue-checks"),
        html.Div(checks_table(checks, lang), className="table-scroll"),
        quality_section(*reference.quality_report(snap, lang), lang),
    ]


def checks_summary(checks: pl.DataFrame, failed: pl.DataFrame, lang: str) -> html.Div | html.P:
    if failed.height == 0:
        return html.P(
            t("All {n} checks of this snapshot passed.", lang, n=checks.height),
            className="ok-note",
            id="checks-summary",
        )
    return html.Div(
        [
            html.Strong(
                t(
                    "{failed} of {n} checks raised a warning (blocking checks all passed, or nothing would be "
                    "published):",
                    lang,
                    failed=failed.height,
                    n=checks.height,
                )
            ),
            html.Ul(
                [
                    html.Li(
                        [
                            f"{check_words(r, lang)} — {format_number(r['n_failed'], lang, decimals=0)}",
                            for_analysts(lang, r["check_name"], r["asset"], text=r["description"]),
                        ]
                    )
                    for r in failed.iter_rows(named=True)
                ]
            ),
        ],
        className="caveat",
        id="checks-summary",
        role="note",
    )


def indicator_table(details, status_by_id: dict, sources_by_id: dict, provenance_by_id: dict, lang: str) -> html.Table:
    rows = []
    for row in details.iter_rows(named=True):
        status = status_by_id.get(row["indicator_id"], {})
        flags = indicator_check_status(status.get("n_stale"), status.get("n_range_warning"))
        source = sources_by_id.get(row["source_id"], {"source_id": row["source_id"]})
        provenance = provenance_by_id.get(row["source_id"], {})
        years = f"{status['first_year']}–{status['latest_year']}" if status.get("first_year") is not None else "–"
        definition = localized(row, "definition", lang)
        unit = localized(
            {k.removeprefix("unit_"): v for k, v in row.items() if k.startswith("unit_label_")}, "label", lang
        )
        freshness = (
            tn("{n} year", "{n} years", row["freshness_years"], lang) if row.get("freshness_years") is not None else "–"
        )
        rows.append(
            html.Tr(
                [
                    html.Td(
                        [
                            dcc.Link(
                                localized(row, "name", lang) or row["indicator_id"],
                                href=f"/indicator/{row['indicator_id']}?lang={lang}",
                            ),
                            for_analysts(lang, row["indicator_id"]),
                        ]
                    ),
                    html.Td(definition, className="definition"),
                    html.Td(unit or row.get("unit") or ""),
                    html.Td(years, className="num"),
                    html.Td(freshness, className="num"),
                    html.Td(
                        [
                            source_title_element(source, lang),
                            html.Div(source_name_element(source, "licence", lang), className="muted"),
                        ]
                    ),
                    html.Td(retrieved_day(provenance.get("retrieved_at"), lang), className="num"),
                    html.Td(
                        flag_badges(";".join(flags), lang)
                        if flags
                        else html.Span(t("checks passed", lang), className="ok"),
                        id=f"status-{row['indicator_id']}",
                    ),
                ]
            )
        )
    head = [
        t("Indicator", lang),
        t("Definition", lang),
        t("Unit", lang),
        t("Years", lang),
        t("Freshness declared", lang),
        t("Source and licence", lang),
        t("Last update", lang),
        t("Status", lang),
    ]
    return catalogue_table(head, rows, "catalogue-indicator-table")


def catalogue_table(head: list[str], rows: list[html.Tr], element_id: str) -> html.Table:
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
        className="data-table catalogue-table",
        id=element_id,
    )


def source_table(sources, provenance_by_id: dict, lang: str) -> html.Table:
    rows = []
    # in the order a reader looks them up: by the title shown, in the page's language
    for row in sorted(sources.iter_rows(named=True), key=lambda r: source_title(r, lang).casefold()):
        provenance = provenance_by_id.get(row["source_id"], {})
        rows.append(
            html.Tr(
                [
                    html.Td(
                        [
                            source_title_element(row, lang),
                            for_analysts(
                                lang,
                                row["source_id"],
                                text=row.get("citation"),
                                # the names as published, where the page shows them translated
                                originals=(row.get("title"), row.get("publisher"), row.get("licence"))
                                if lang != "en"
                                else (),
                            ),
                        ]
                    ),
                    html.Td(source_name_element(row, "publisher", lang)),
                    html.Td(source_name_element(row, "licence", lang)),
                    html.Td(retrieved_day(provenance.get("retrieved_at"), lang), className="num"),
                    html.Td(html.Code((provenance.get("sha256") or "")[:12]), title=provenance.get("sha256") or ""),
                ],
                id=f"source-{row['source_id']}",
            )
        )
    head = [
        t("Source", lang),
        t("Publisher", lang),
        t("Licence", lang),
        t("Retrieved", lang),
        t("SHA-256 (start)", lang),
    ]
    return catalogue_table(head, rows, "catalogue-source-table")


def check_words(row: dict, lang: str) -> str:
    """A check named in words (the exports catalogue's `quality_reason`); its id is in the details for analysts."""
    return rule_words("check", row["check_name"], lang)


def checks_table(checks, lang: str) -> html.Table:
    rows = [
        html.Tr(
            [
                html.Td([check_words(r, lang), for_analysts(lang, r["check_name"], r["asset"], text=r["description"])]),
                html.Td(catalogue_words("quality_table", str(r["asset"]).split("/")[-1], lang)),
                html.Td(t("blocking", lang) if r["severity"] == "ERROR" else t("warning", lang)),
                html.Td(
                    html.Span(t("passed", lang), className="ok")
                    if r["passed"]
                    else html.Span(t("failed: {n}", lang, n=r["n_failed"]), className="flag flag-warning")
                ),
            ]
        )
        for r in checks.iter_rows(named=True)
    ]
    head = [t("Check", lang), t("Table", lang), t("Kind", lang), t("Result", lang)]
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
        className="data-table",
        id="catalogue-check-table",
    )


# ---- data quality: what the run flagged and kept out (assets/exports/quality.py) ---------------------------

KIND_CSS = {"doubtful": "flag-warning", "blocked": "flag-warning", "failed": "flag-warning", "warning": "flag-warning"}


def quality_section(report: pl.DataFrame, legend: pl.DataFrame, lang: str) -> html.Section:
    """The quality report: the legend of the kinds of flags, then one row per rule with its count and examples."""
    return html.Section(
        [
            html.H2(t("Data quality", lang)),
            html.P(
                t(
                    "What the run that made this snapshot flagged and kept out, by rule: how many values or rows, "
                    "and a few examples. Every flag, kept-out row and check warning of the snapshot is counted here.",
                    lang,
                )
            ),
            quality_legend(legend, lang),
            html.Div(quality_table(report, lang), className="table-scroll")
            if report.height
            else html.P(t("Nothing was flagged or kept out in this snapshot.", lang), className="ok-note"),
        ],
        id="catalogue-quality",
        **aria(label=t("Data quality", lang)),
    )


def quality_legend(legend: pl.DataFrame, lang: str) -> html.Dl:
    """What each kind means, with the flags of that kind in words."""
    kinds = [
        (
            "info",
            t("For information", lang),
            t("said beside the value: a source's caveat, a partial year, a projection, an estimate.", lang),
        ),
        (
            "doubtful",
            t("Doubtful", lang),
            t(
                "a screening rule fired: said beside the value, and the value is kept out of rankings, headline "
                "cards, regional aggregates and trends.",
                lang,
            ),
        ),
        (
            "blocked",
            t("Kept out", lang),
            t(
                "rows of a source, a lab file or the registry not accepted into the data, with their file and line.",
                lang,
            ),
        ),
    ]
    items: list = []
    for kind, title, meaning in kinds:
        flags = ";".join(legend.filter(pl.col("kind") == kind)["flag"].to_list())
        items += [
            html.Dt(html.Span(title, className=f"flag {KIND_CSS.get(kind, 'flag-note')}")),
            html.Dd([meaning, html.Div(flag_badges(flags, lang)) if flags else None]),
        ]
    return html.Dl(items, className="quality-legend", id="quality-legend")


def example_cell(items: list[dict] | None, lang: str) -> list:
    """The examples of a rule: names in the page language; words as the source writes them (a donor) translated
    where the catalogue has them, else marked English."""
    out: list = []
    for item in items or []:
        name: list = [item["local"]] if item.get("local") else []
        if item.get("published"):
            name += [" · " if name else "", translated_or_published(item["published"], lang)]
        detail = f" ({item['detail']})" if item.get("detail") and name else item.get("detail") or ""
        out.append(html.Li([*name, detail]))
    return [html.Ul(out, className="quality-examples")] if out else []


def quality_table(report: pl.DataFrame, lang: str) -> html.Table:
    rows = [
        html.Tr(
            [
                html.Td(html.Span(r["kind_words"], className=f"flag {KIND_CSS.get(r['kind'], 'flag-note')}")),
                html.Td(r["table_words"]),
                html.Td(
                    r["rule_words"]
                    if r["section"] == "flag" or r["rule_words"] != r["rule"]
                    else for_analysts(lang, r["rule"])
                ),
                html.Td(format_number(r["count"], lang, decimals=0, compact=False), className="num"),
                # a check warning's example is the pipeline's English message, with ids: folded for analysts
                html.Td(
                    for_analysts(lang, text="; ".join(i.get("published") or "" for i in r["example_items"] or []))
                    if r["section"] == "check"
                    else example_cell(r["example_items"], lang),
                    className="definition",
                ),
            ],
            className=f"quality-{r['section']}",
        )
        for r in report.iter_rows(named=True)
    ]
    head = [t("Kind", lang), t("Table", lang), t("Rule", lang), t("Values or rows", lang), t("Examples", lang)]
    return catalogue_table(head, rows, "catalogue-quality-table")
