"""Country profile `/country/<iso3>`: per summit direction, the country's latest value of each indicator beside
each neighbour's and the region's, its rank among the five, and its trend on a stated axis; macro context
(population, the economy) apart; the Caspian for a Caspian state; the country brief to download.

The comparisons are computed in dashboard/compare.py; this module lays them out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash
import polars as pl
from dash import dcc, html

from assets.common.flags import flag_words, flags_doubtful
from assets.common.geography import CENTRAL_ASIA
from dashboard import brief_download, compare, data
from dashboard.brief_download import brief_href
from dashboard.i18n import format_number, localized, t
from dashboard.pages.country_links import profile_links
from dashboard.pages.country_parts import (
    caspian_section,
    comparison_table,
    macro_section,
    rank_words,
    region_summaries,
    trend_block,
    unit_label,
)
from dashboard.queries import indicators, reference
from dashboard.shell import aria, flag_badges, href, page_lang, register_page, snapshot_page, source_caption
from dashboard.summaries import rows_by_key

PATH_TEMPLATE = "/country/<iso3>"
DEFAULT_COUNTRY = "KAZ"
NAV = (3, f"/country/{DEFAULT_COUNTRY}", "Countries")


def known_path(iso3: str = "") -> bool:
    """Only the five Central Asian countries have a profile: `/country/XYZ` answers 404 (dashboard/security.py)."""
    return str(iso3 or "").strip().upper() in CENTRAL_ASIA


def register(app: dash.Dash) -> None:
    register_page(
        __name__,
        NAV,
        title="Страна / Country · CAEI",
        layout=layout,
        path_template=PATH_TEMPLATE,
        known_path=known_path,
    )
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


def switcher(countries: list[str], names: dict[str, str], code: str, lang: str) -> html.Nav:
    return html.Nav(
        [html.Span(t("Country profiles:", lang), className="list-title")]
        + [
            dcc.Link(
                names[c],
                href=href(f"/country/{c}", lang),
                className="chip current" if c == code else "chip",
                id=f"country-link-{c}",
            )
            for c in countries
        ],
        className="country-links",
        **aria(label=t("Country profiles:", lang)),
    )


def country_content(snap: data.Snapshot, info: dict, code: str, lang: str) -> list:
    countries = reference.central_asia_iso3(snap)
    geographies = rows_by_key(reference.geographies(snap), "geo_id")
    names = {g: localized(row, "name", lang) for g, row in geographies.items()}
    nav = switcher(countries, names, code, lang)
    if code not in countries:
        return [
            nav,
            html.H1(t("No profile for this code", lang)),
            html.P(
                t("“{code}” is not one of the Central Asian countries of the catalogue.", lang, code=code[:12]),
                className="notice",
                id="country-unknown",
            ),
        ]
    name = names[code]
    catalogue = reference.indicator_catalogue(snap)
    freshness = reference.indicator_details(snap).select("indicator_id", "freshness_years")
    values = indicators.central_asia_values(snap, countries)
    today = (info.get("created_at") or dt.datetime.now(dt.UTC)).date()
    macro_ids = [r["indicator_id"] for r in catalogue.iter_rows(named=True) if compare.is_macro(r["theme"])]
    latest = compare.mark_stale(compare.latest_values(values), freshness, today)
    ranked = rows_by_key(
        compare.ranks(latest, values, unranked=macro_ids).filter(pl.col("geo_id") == code), "indicator_id"
    )
    own = rows_by_key(latest.filter(pl.col("geo_id") == code), "indicator_id")
    regions = region_summaries(snap)
    context = {
        "code": code,
        "names": names,
        "places": [code, *[c for c in countries if c != code]],
        "latest": latest,
        "values": values,
        "ranked": ranked,
        "regions": regions,
        "lang": lang,
    }
    sections: list = [
        nav,
        html.H1(name, id="country-name"),
        brief_links(code, lang),
        html.P(
            t(
                "For each summit direction: the latest value of {country} beside each neighbour's and the Central "
                "Asian figure, its rank among the five countries in the same year, and its trend.",
                lang,
                country=name,
            ),
            className="lead",
        ),
        html.P(
            t(
                "Rank: 1 is the highest value among the countries with a value for the same year. Doubtful values "
                "are not ranked and not drawn in trends. A value older than the indicator's freshness limit is "
                "marked “{stale}”.",
                lang,
                stale=flag_words("stale", lang),
            ),
            className="muted",
            id="country-reading-note",
        ),
    ]
    if str(geographies[code].get("caspian_littoral")).lower() == "true":
        sections.append(caspian_section(snap, lang))
    directions = {
        int(r["direction"]): localized(r, "title", lang)
        for r in reference.summit_directions(snap).iter_rows(named=True)
    }
    groups: dict[Any, list] = {}
    for indicator in catalogue.iter_rows(named=True):
        if indicator["indicator_id"] in own and not compare.is_macro(indicator["theme"]):
            groups.setdefault(indicator["direction"], []).append(indicator)
    for direction, members in groups.items():
        heading = (
            t("Direction {number}", lang, number=direction) + f". {directions.get(direction, '')}"
            if direction is not None
            else t("Other indicators", lang)
        )
        sections.append(
            html.Section(
                [
                    html.H2(heading),
                    html.Div(
                        [indicator_card(ind, own[ind["indicator_id"]], context) for ind in members],
                        className="card-grid profile-grid",
                    ),
                ],
                id=f"country-direction-{direction if direction is not None else 'other'}",
                className="profile-direction",
            )
        )
    macro_rows = [own[i] for i in macro_ids if i in own]
    if macro_rows:
        sections.append(macro_section(macro_rows, rows_by_key(catalogue, "indicator_id"), lang))
    missing = [i for i in catalogue["indicator_id"].to_list() if i not in own]
    if missing:
        by_id = rows_by_key(catalogue, "indicator_id")
        sections.append(
            html.P(
                t(
                    "No value for {country}: {names}.",
                    lang,
                    country=name,
                    names=", ".join(localized(by_id[i], "name", lang) for i in missing),
                ),
                className="muted",
                id="country-missing",
            )
        )
    sections.append(
        source_caption(
            rows_by_key(reference.all_sources(snap), "source_id"),
            list(dict.fromkeys(r["source_id"] for r in own.values())),
            info.get("created_at"),
            lang,
            element_id="country-sources",
        )
    )
    sections.append(profile_links(snap, code, lang))  # the profile's data, share link and embed
    return sections


def indicator_card(indicator: dict, row: dict, context: dict) -> html.Article:
    """One indicator: the country's value, year, rank and notes first (visible at any width), then the five
    countries and the region, then the trend."""
    lang, code = context["lang"], context["code"]
    indicator_id = indicator["indicator_id"]
    unit = unit_label(indicator, lang)
    rank = context["ranked"].get(indicator_id, {})
    headline: list = [
        html.Span(format_number(row["value"], lang), className="value"),
        " ",
        html.Span(unit, className="unit"),
        " ",
        html.Span(f"({row['year']})", className="value-year"),
    ]
    neighbours = any(
        r is not None and r["geo_id"] != code
        for r in compare.comparison_rows(context["latest"], indicator_id, context["places"])
    )
    rank_text = rank_words(
        rank.get("rank"), rank.get("n_ranked"), flags_doubtful(row["flags"]), neighbours, row["year"], lang
    )
    notes = flag_badges(row["flags"], lang)
    return html.Article(
        className="card profile-card",
        id=f"profile-{indicator_id}",
        children=[
            html.H3(
                dcc.Link(localized(indicator, "name", lang), href=href(f"/indicator/{indicator_id}", lang)),
                className="card-title",
            ),
            html.P(headline, className="profile-headline"),
            html.P(rank_text, className="profile-rank", id=f"rank-{indicator_id}") if rank_text else None,
            html.P(notes, className="profile-notes", id=f"notes-{indicator_id}") if notes else None,
            comparison_table(indicator, context),
            trend_block(indicator, code, context),
        ],
    )
