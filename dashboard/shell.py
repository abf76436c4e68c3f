"""The frame around every page (header, navigation, language switch, footer) and shared pieces."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from dash import dcc, html

from dashboard.pages import nav_items
from dashboard.i18n import SWITCHER_LANGS, format_day, format_timestamp_utc, t



def href(path: str, lang: str) -> str:
    """A link to `path` that keeps the language."""
    return f"{path}?lang={lang}"


def header(lang: str, path: str) -> html.Header:
    nav_links = [
        dcc.Link(
            t(label, lang),
            href=href(item_path, lang),
            className="nav-link active" if item_path == path else "nav-link",
            id=f"nav-{item_path.strip('/') or 'overview'}",
        )
        for item_path, label in nav_items()
    ]
    lang_links = [
        html.Span(code.upper(), className="lang-link current", title=t("Current language", lang))
        if code == lang
        else dcc.Link(code.upper(), href=href(path, code), className="lang-link", id=f"lang-{code}")
        for code in SWITCHER_LANGS
    ]
    return html.Header(
        className="site-header",
        children=[
            html.Div(
                className="header-inner",
                children=[
                    html.Div(
                        [
                            html.Div(t("Central Asia Environmental Indicators", lang), className="site-title"),
                            html.Div(t("Regional Ecological Summit 2026: data for the eight directions", lang),
                                     className="site-subtitle"),
                        ]
                    ),
                    html.Nav(nav_links, className="site-nav", **{"aria-label": t("Sections", lang)}),
                    html.Div(lang_links, className="lang-switch", **{"aria-label": t("Language", lang)}),
                ],
            )
        ],
    )


def footer(lang: str, info: dict[str, Any] | None) -> html.Footer:
    if info is None:
        text = t("No published snapshot.", lang)
    else:
        text = t(
            "Data as of {created_at} · snapshot {snapshot_id}",
            lang,
            created_at=format_timestamp_utc(info.get("created_at"), lang),
            snapshot_id=info.get("snapshot_id", ""),
        )
    return html.Footer(className="site-footer", children=[html.Div(text, id="snapshot-stamp")])


def page_frame(lang: str, path: str, info: dict[str, Any] | None, children: Any) -> html.Div:
    return html.Div(
        className="page",
        lang=lang,
        children=[header(lang, path), html.Main(children, className="content"), footer(lang, info)],
    )


def no_snapshot_notice(lang: str, detail: str) -> html.Div:
    """What a page shows before anything is published."""
    return html.Div(
        className="notice notice-warning",
        id="no-snapshot",
        children=[
            html.H2(t("No published data yet", lang)),
            html.P([t("Build and publish a snapshot with", lang), " ", html.Code("caei materialize"), "."]),
            html.P(detail, className="notice-detail"),
        ],
    )


def snapshot_problem_notice(lang: str, detail: str) -> html.Div:
    """What a page shows when the published snapshot lacks something it reads."""
    return html.Div(
        className="notice notice-warning",
        id="snapshot-problem",
        children=[
            html.H2(t("The published snapshot cannot be shown", lang)),
            html.P([t("It lacks data this page reads. Publish a new snapshot with", lang), " ",
                    html.Code("caei materialize"), "."]),
            html.P(detail, className="notice-detail"),
        ],
    )


def source_caption(sources_by_id: dict[str, dict], source_ids: Sequence[str | None], created_at: dt.datetime | None,
                   lang: str, element_id: str | None = None) -> html.P:
    """`Source: <title> — <citation>. Snapshot date: <date>` for one or more sources."""
    parts = []
    for source_id in dict.fromkeys(s for s in source_ids if s):
        source = sources_by_id.get(source_id)
        if source is None:
            parts.append(source_id)
            continue
        citation = source.get("citation") or ""
        parts.append(f"{source.get('title') or source_id} — {citation}" if citation else str(source.get("title")))
    label = t("Sources", lang) if len(parts) > 1 else t("Source", lang)
    text = f"{label}: {'; '.join(parts) if parts else '–'}. " + t("Snapshot date: {date}", lang, date=format_day(created_at, lang))
    props = {"id": element_id} if element_id else {}
    return html.P(text, className="source-caption", **props)


def simple_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[bool] | None = None,
                 element_id: str | None = None, caption: str | None = None) -> html.Table:
    """A plain HTML table; numeric columns are right-aligned (values arrive already formatted)."""
    numeric = list(numeric or [False] * len(columns))
    head = html.Thead(html.Tr([html.Th(c, className="num" if n else None) for c, n in zip(columns, numeric)]))
    body = html.Tbody(
        [html.Tr([html.Td(v, className="num" if n else None) for v, n in zip(row, numeric)]) for row in rows]
    )
    children = ([html.Caption(caption)] if caption else []) + [head, body]
    props = {"id": element_id} if element_id else {}
    return html.Table(children, className="data-table", **props)
