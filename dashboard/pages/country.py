"""Country profile `/country/<iso3>`: every indicator for one country beside the regional figure of the same year."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from assets.common.geography import CENTRAL_ASIA
from dashboard import brief_download, data
from dashboard.brief_download import brief_href
from dashboard.figures.base import sparkline_data_uri
from dashboard.i18n import format_number, format_share, localized, t
from dashboard.pages.country_links import profile_links
from dashboard.queries import indicators, reference
from dashboard.shell import aria, flag_badges, href, page_lang, register_page, snapshot_page, source_caption
from dashboard.summaries import has_flag, rows_by_key, split_codes

PATH_TEMPLATE = "/country/<iso3>"
DEFAULT_COUNTRY = "KAZ"
NAV = (3, f"/country/{DEFAULT_COUNTRY}", "Countries")


def register(app: dash.Dash) -> None:
    register_page(__name__, NAV, title="Страна / Country · CAEI", layout=layout, path_template=PATH_TEMPLATE)
    brief_download.register(app)


def brief_links(code: str, lang: str) -> html.P:
    """Downloads of the country brief (4-8 pages for a minister's folder) in the page's language."""
    return html.P(
        [
            html.Span(t("Country brief for the summit:", lang) + " "),
            html.A(t("PDF", lang), href=brief_href(code, "pdf", lang), id="country-brief-pdf", download=""),
            " · ",
            html.A(t("Word", lang), href=brief_href(code, "docx", lang), id="country-brief-docx", download=""),
        ],
        className="country-brief",
    )


def layout(iso3: str | None = None, lang: str | None = None, **_query: Any) -> html.Div:
    lang = page_lang(lang)
    code = (iso3 or DEFAULT_COUNTRY).strip().upper()
    path = f"/country/{code}"
    return snapshot_page(lang, path, lambda snap, info: country_content(snap, info, code, lang))


def country_content(snap: data.Snapshot, info: dict, code: str, lang: str) -> list:
    countries = reference.central_asia_iso3(snap)
    geographies = rows_by_key(reference.geographies(snap), "geo_id")
    switcher = html.Nav(
        [html.Span(t("Country profiles:", lang), className="list-title")]
        + [
            dcc.Link(
                localized(geographies[c], "name", lang),
                href=href(f"/country/{c}", lang),
                className="chip current" if c == code else "chip",
                id=f"country-link-{c}",
            )
            for c in countries
        ],
        className="country-links",
        **aria(label=t("Country profiles:", lang)),
    )
    # Only codes of the geographies table are accepted, and only Central Asian countries have a profile.
    if code not in countries:
        return [
            switcher,
            html.H1(t("No profile for this code", lang)),
            html.P(
                t("“{code}” is not one of the Central Asian countries of the catalogue.", lang, code=code[:12]),
                className="notice",
                id="country-unknown",
            ),
        ]
    name = localized(geographies[code], "name", lang)
    region_name = localized(geographies.get(data.REGION_ID, {}), "name", lang) or t("Central Asia", lang)
    catalogue = reference.indicator_catalogue(snap)
    indicators_by_id = rows_by_key(catalogue, "indicator_id")
    values = rows_by_key(indicators.country_profile_values(snap, code), "indicator_id")
    sections: list = [
        switcher,
        html.H1(name, id="country-name"),
        brief_links(code, lang),
        html.P(
            t(
                "Every indicator of the catalogue with a value for {country}: the latest year, its trend, "
                "and the Central Asian figure of the same year.",
                lang,
                country=name,
            ),
            className="lead",
        ),
    ]
    directions = {
        int(r["direction"]): localized(r, "title", lang)
        for r in reference.summit_directions(snap).iter_rows(named=True)
    }
    current: object = object()
    rows: list = []
    for indicator_id in catalogue["indicator_id"].to_list():
        row = values.get(indicator_id)
        if row is None:
            continue
        indicator = indicators_by_id[indicator_id]
        if indicator.get("direction") != current:
            current = indicator.get("direction")
            heading = (
                t("Direction {number}", lang, number=current) + f". {directions.get(current, '')}"
                if current is not None
                else t("Other indicators", lang)
            )
            rows.append(html.Tr(html.Th(heading, colSpan=6, className="group-row", scope="colgroup")))
        rows.append(profile_row(indicator, row, code, lang))
    missing = [i for i in catalogue["indicator_id"].to_list() if i not in values]
    table = html.Table(
        [
            html.Caption(t("{country} and {region}", lang, country=name, region=region_name)),
            html.Thead(
                html.Tr(
                    [
                        html.Th(t("Indicator", lang)),
                        html.Th(name, className="num"),
                        html.Th(t("Year", lang), className="num"),
                        html.Th(t("Trend", lang)),
                        html.Th(region_name, className="num"),
                        html.Th(t("Notes", lang)),
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        className="data-table profile-table",
        id="country-profile-table",
    )
    sections += [html.Div(table, className="table-scroll")]
    if missing:
        sections.append(
            html.P(
                t(
                    "No value for {country}: {names}.",
                    lang,
                    country=name,
                    names=", ".join(localized(indicators_by_id[i], "name", lang) or i for i in missing),
                ),
                className="muted",
                id="country-missing",
            )
        )
    source_ids = list(dict.fromkeys(r["source_id"] for r in values.values()))
    sections.append(
        source_caption(
            rows_by_key(reference.all_sources(snap), "source_id"),
            source_ids,
            info.get("created_at"),
            lang,
            element_id="country-sources",
        )
    )
    sections.append(profile_links(snap, code, lang))  # the profile's data, share link and embed
    return sections


def profile_row(indicator: dict, row: dict, code: str, lang: str) -> html.Tr:
    unit = localized(
        {k.removeprefix("unit_"): v for k, v in indicator.items() if k.startswith("unit_label_")}, "label", lang
    ) or str(row.get("unit") or "")
    series = [float(v) for v in (row.get("series") or [])][-20:]
    link = f"/explorer?lang={lang}&indicator={indicator['indicator_id']}&geo={code},{data.REGION_ID}"
    return html.Tr(
        [
            html.Td(dcc.Link(localized(indicator, "name", lang) or indicator["indicator_id"], href=link)),
            html.Td([format_number(row["value"], lang), " ", html.Span(unit, className="unit")], className="num"),
            html.Td(str(row["year"]), className="num"),
            html.Td(
                html.Img(src=sparkline_data_uri(series, width=90, height=24), alt="", width=90, height=24)
                if len(series) >= 2
                else ""
            ),
            html.Td(region_cell(row, unit, lang), className="num"),
            html.Td(flag_badges(row.get("flags"), lang)),
        ],
        id=f"profile-{indicator['indicator_id']}",
    )


def region_cell(row: dict, unit: str, lang: str) -> Any:
    if row.get("region_value") is None or row.get("region_status") != "published":
        if row.get("region_status") == "insufficient_coverage":
            return html.Span(
                t("not published: coverage {share}", lang, share=format_share(row.get("region_coverage_share"), lang)),
                className="muted",
            )
        if row.get("region_status") == "covered_set_only":
            return html.Span(
                t(
                    "no total: only {codes} have data",
                    lang,
                    codes=", ".join(split_codes(row.get("region_covered_iso3"))),
                ),
                className="muted",
            )
        return html.Span("–", className="muted")
    text = [format_number(row["region_value"], lang), " ", html.Span(unit, className="unit")]
    covered = split_codes(row.get("region_covered_iso3"))
    if 0 < len(covered) < len(CENTRAL_ASIA):
        text += [" ", html.Span(t("({codes} only)", lang, codes=", ".join(covered)), className="muted")]
    if has_flag(row.get("region_flags"), "projection"):
        text += [" ", *flag_badges("projection", lang)]
    return text
