"""The parts of an indicator page, each a plain function from what the page read to Dash components."""

from __future__ import annotations

from typing import Any

import polars as pl
from dash import dcc, html

from assets.common.flags import flags_doubtful
from assets.common.geography import CENTRAL_ASIA
from dashboard import chart_links
from dashboard.i18n import format_day, format_number, format_signed_percent_change, localized, t
from dashboard.shell import aria, flag_badges, flag_text, href, section, source_caption


def rank_words(rank: int | None, n_ranked: int | None, lang: str) -> str:
    """`2 из 5`, `2 of 5`, `5 елдің ішінде 2-орын`; an en dash where the value is not ranked."""
    if rank is None or n_ranked is None:
        return "–"
    return t("{rank} of {n}", lang, rank=rank, n=n_ranked)


def latest_rank_words(row: dict, lang: str) -> str:
    """The rank of a place's latest value; where that year has no other value, its rank in the latest year it
    shares with another country, with that year (`– · 2 из 5 в 2020 г.`)."""
    words = rank_words(row.get("rank"), row.get("n_ranked"), lang)
    if row.get("shared_year") is None:
        return words
    shared = t("{rank} of {n} in {year}", lang, rank=row["shared_rank"], n=row["shared_n"], year=row["shared_year"])
    return f"{words} · {shared}"


def signed_number(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    text = format_number(value, lang)
    return ("+" + text) if value > 0 and text != format_number(0, lang) else text


def year_marks(years: list[int], most: int = 8) -> dict[int, str]:
    """At most about `most` labelled years on the map's slider (round years), and always the first and last."""
    span = max(years) - min(years)
    step = next((s for s in (1, 2, 5, 10, 25, 50) if span / s <= most), 100)
    marked = [y for y in range(min(years), max(years) + 1) if y % step == 0 and max(years) - y >= step / 2]
    return {y: str(y) for y in sorted({min(years), *marked, max(years)})}


def not_stated(lang: str) -> html.Span:
    return html.Span(t("not stated in the sources", lang), className="muted not-stated")


def aggregation_words(aggregation: str | None, lang: str) -> str:
    words = {
        "sum": t(
            "Central Asia: the sum of the five countries, given only for the years in which all five have a value.",
            lang,
        ),
        "pop_weighted_mean": t(
            "Central Asia: the mean of the countries weighted by their population; a figure from fewer than five "
            "countries is flagged as partial coverage.",
            lang,
        ),
        "ratio_of_sums": t("Central Asia: the ratio of the five countries' sums.", lang),
    }
    return words.get(aggregation or "", t("No Central Asia figure is computed for this indicator.", lang))


def about_section(
    indicator: dict,
    unit: str,
    directions: list[dict],
    stated: dict[str, str],
    last_updated: Any,
    created_at: Any,
    lang: str,
) -> html.Section:
    """Definition, why it matters, unit, method, codes, next update, last update: what the indicator is."""
    why: list = [
        html.Li(
            [
                html.Strong(t("Summit direction {n}:", lang, n=d["direction"]) + " " + localized(d, "title", lang)),
                *([" — ", d[f"focus_{lang}"]] if d.get(f"focus_{lang}") else []),
            ]
        )
        for d in directions
    ]
    freshness = indicator.get("freshness")
    method = [
        html.Li(aggregation_words(indicator.get("aggregation"), lang)),
        html.Li(
            t(
                "Values are screened when the data are built: a flagged value is shown with its flag in words; a "
                "doubtful one is kept out of the ranks and of the change since the base year.",
                lang,
            )
        ),
        *(
            [html.Li(t("Expected interval between updates, years: {n}.", lang, n=freshness))]
            if freshness is not None
            else []
        ),
    ]
    next_update = stated.get("next_update")
    items = [
        (t("Definition", lang), localized(indicator, "definition", lang) or not_stated(lang)),
        (t("Why it matters", lang), html.Ul(why) if why else not_stated(lang)),
        (t("Unit", lang), unit or not_stated(lang)),
        (t("Method and processing", lang), html.Ul(method)),
        (t("SDG indicator", lang), stated.get("sdg_code") or not_stated(lang)),
        (t("UNECE indicator", lang), stated.get("unece_code") or not_stated(lang)),
        (
            t("Expected next update", lang),
            t("{date} (as announced by the source)", lang, date=format_day(next_update, lang))
            if next_update
            else not_stated(lang),
        ),
        (
            t("Last updated", lang),
            t(
                "source retrieved {retrieved}; published here {published}",
                lang,
                retrieved=format_day(last_updated, lang),
                published=format_day(created_at, lang),
            ),
        ),
    ]
    return section(
        "indicator-about",
        t("About the indicator", lang),
        None,
        html.Dl([part for title, value in items for part in (html.Dt(title), html.Dd(value))], className="about-list"),
    )


def latest_section(
    latest: pl.DataFrame,
    changes: pl.DataFrame,
    since: int | None,
    names: dict[str, str],
    unit: str,
    lang: str,
) -> html.Section:
    """Each place's latest value, its year, its rank among the countries and its change since the base year.
    Places that are not countries (the seas) are not ranked: their table has no rank column."""
    change_by_geo = {r["geo_id"]: r for r in changes.iter_rows(named=True)}
    ranked = bool(latest["geo_id"].is_in(list(CENTRAL_ASIA)).any())
    rows = []
    for r in latest.iter_rows(named=True):
        change = change_by_geo.get(r["geo_id"])
        change_text = (
            f"{signed_number(change['change'], lang)} ({format_signed_percent_change(change['change_pct'], lang)}, "
            f"{change['year']})"
            if change
            else "–"
        )
        rows.append(
            html.Tr(
                [
                    html.Td(names.get(r["geo_id"], r["geo_id"])),
                    html.Td(format_number(r["value"], lang), className="num"),
                    html.Td(str(r["year"]), className="num"),
                    *([html.Td(latest_rank_words(r, lang), className="num rank")] if ranked else []),
                    html.Td(change_text, className="num"),
                    html.Td(flag_badges(r["flags"], lang)),
                ],
                id=f"latest-{r['geo_id']}",
            )
        )
    change_head = t("Change since {year}", lang, year=since) if since is not None else t("Change", lang)
    head = [t("Place", lang), unit, t("Year", lang), *([t("Rank", lang)] if ranked else []), change_head]
    note = (
        t(
            "Each place's latest value. Rank 1 is the highest value, among the countries with a value for the same "
            "year; doubtful values are not ranked. Where no other country has a value for a country's latest "
            "year, its rank in the latest year it shares with another country is given with that year. The change "
            "compares the value of the base year with the latest value that is not doubtful (its year in brackets).",
            lang,
        )
        if ranked
        else t(
            "Each place's latest value. The change compares the value of the base year with the latest value that "
            "is not doubtful (its year in brackets).",
            lang,
        )
    )
    table = html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        *(html.Th(h, className="num" if i else None) for i, h in enumerate(head)),
                        html.Th(t("Flags", lang)),
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        className="data-table",
        id="indicator-latest-table",
    )
    title = t("Latest values and ranks", lang) if ranked else t("Latest values", lang)
    return section("indicator-latest", title, note, html.Div(table, className="table-scroll"))


def grid_section(
    years: list[int], cells: dict, places: list[str], names: dict[str, str], unit: str, lang: str
) -> html.Section:
    """Countries x years, every value with a mark where it is flagged; wide, so it scrolls (and takes focus)."""
    years = sorted(years, reverse=True)  # the latest first: what a reader looks for without scrolling
    head = html.Tr([html.Th(t("Place", lang)), *[html.Th(str(y), className="num") for y in years]])
    body = []
    for geo in places:
        tds: list[Any] = [html.Th(names.get(geo, geo), scope="row")]
        for year in years:
            value, flags = cells.get((geo, year), (None, ""))
            text: list = [format_number(value, lang)] if value is not None else ["–"]
            if flags:
                mark = "‼" if flags_doubtful(flags) else "*"
                text.append(html.Sup(mark, className="flag-mark"))  # the words once, in the cell's title
            tds.append(html.Td(text, className="num", title=flag_text(flags, lang) if flags else None))
        body.append(html.Tr(tds, id=f"grid-{geo}"))
    label = t("Values by place and year, {unit}", lang, unit=unit)
    return section(
        "indicator-grid",
        t("Table: places and years", lang),
        t("* a value with a flag (hover for its words); ‼ a doubtful value.", lang),
        html.Div(
            html.Table([html.Caption(label), html.Thead(head), html.Tbody(body)], className="data-table compact"),
            className="table-scroll",
            tabIndex="0",
            role="region",
            **aria(label=label),
            id="indicator-grid-scroll",
        ),
    )


def caveats_section(counts: dict[str, int], lang: str) -> html.Section:
    """The flags the indicator's values carry, in words, with how many values carry each."""
    if not counts:
        body: Any = html.P(t("No value of this indicator carries a flag.", lang), className="ok-note")
    else:
        body = html.Ul(
            [
                html.Li([*flag_badges(flag, lang), " " + t("values: {n}", lang, n=format_number(n, lang, decimals=0))])
                for flag, n in counts.items()
            ]
        )
    return section("indicator-caveats", t("Caveats and flags", lang), None, body)


def sources_section(sources_by_id: dict, source_ids: list[str], created_at: Any, lang: str) -> html.Section:
    return section(
        "indicator-sources",
        t("Sources and licences", lang),
        None,
        source_caption(sources_by_id, source_ids, created_at, lang, element_id="indicator-source-caption"),
        dcc.Link(t("Sources, licences and checks", lang), href=href("/catalogue", lang) + "#catalogue-sources"),
    )


def related_section(related: pl.DataFrame, lang: str) -> html.Section:
    """The other indicators of the same summit directions, each linking to its page."""
    links = [
        html.Li(dcc.Link(localized(r, "name", lang), href=href(f"/indicator/{r['indicator_id']}", lang)))
        for r in related.iter_rows(named=True)
    ]
    return section(
        "indicator-related",
        t("Related indicators", lang),
        t("Other indicators of the same summit directions.", lang),
        html.Ul(links, className="related-list") if links else not_stated(lang),
    )


def share_block(
    base_url: str, path_and_query: str, indicator_id: str, geo_ids: list[str], years: list[int], name: str, lang: str
) -> html.Div:
    """Download, share and embed of the chart (dashboard/chart_links.py), called in this one place."""
    links = chart_links.chart_links(
        base_url,
        path_and_query,
        indicator_id,
        geo_ids,
        min(years) if years else None,
        max(years) if years else None,
        lang,
        name,
    )
    return chart_links.links_block(links, lang)
