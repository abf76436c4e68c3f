"""The headline cards of the overview: a direction's headline indicator with its Central Asia figure, trend and
coverage, or the countries' values where there is no regional figure."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from dash import dcc, html

from assets.common.coverage import MIN_POPULATION_COVERAGE
from dashboard import data
from dashboard.figures.base import sparkline_data_uri
from dashboard.i18n import format_number, format_share, format_signed_percent_change, localized, t
from dashboard.queries import indicators
from dashboard.shell import aria, flag_badges, flag_text, indicator_href, source_caption
from dashboard.summaries import RegionSummary, indicator_check_status, rows_by_key, trend_arrow


class CardContext(NamedTuple):
    """What every headline card of the page reads besides its own indicator."""

    sources_by_id: dict
    info: dict
    snap: data.Snapshot
    countries: list[str]
    country_names: dict[str, str]
    lang: str


def explorer_href(indicator_id: str, lang: str) -> str:
    return f"/explorer?lang={lang}&indicator={indicator_id}"


def unit_label(indicator: dict, fallback_unit: str | None, lang: str) -> str:
    label = localized(
        {k.removeprefix("unit_"): v for k, v in indicator.items() if k.startswith("unit_label_")}, "label", lang
    )
    return label or (fallback_unit or "")


def region_card(summary: RegionSummary, indicator: dict, status: dict, context: CardContext) -> html.Article:
    sources_by_id, info, snap, countries, country_names, lang = context
    unit = unit_label(indicator, summary.unit, lang)
    body = card_head(summary.indicator_id, indicator, status, lang)
    if summary.has_current_regional_value:
        body += [
            html.Div(
                [
                    html.Span(format_number(summary.published_value, lang), className="value"),
                    " ",
                    html.Span(unit, className="unit"),
                ],
                className="value-line",
            ),
            html.Div(t("Central Asia, {year}", lang, year=summary.published_year), className="value-year"),
            trend_line(summary, lang),
            html.Div(
                coverage_text(
                    [country_names.get(c, c) for c in summary.published_covered_iso3],
                    summary.published_coverage_share,
                    lang,
                ),
                className="coverage",
            ),
        ]
    elif summary.latest_status == "covered_set_only":
        body += covered_set_lines(summary, unit, context)
    else:
        body += [
            html.P(
                t(
                    "No regional figure for {year}: the countries with data ({codes}) hold {share} of the "
                    "population, below the {threshold} needed.",
                    lang,
                    year=summary.latest_year,
                    codes=", ".join(country_names.get(c, c) for c in summary.latest_covered_iso3) or "–",
                    share=format_share(summary.latest_coverage_share, lang),
                    threshold=format_share(MIN_POPULATION_COVERAGE, lang),
                ),
                className="no-regional",
            ),
            country_values_list(snap, summary, countries, country_names, unit, lang),
        ]
        body += last_regional_lines(summary, unit, lang)
    if summary.next_projected is not None:
        year, value = summary.next_projected
        body.append(
            html.Div(
                t(
                    "Projected figure for {year}: {value} {unit} (uses projected values or population weights; "
                    "not counted as the latest figure)",
                    lang,
                    year=year,
                    value=format_number(value, lang),
                    unit=unit,
                ),
                className="projected",
            )
        )
    return headline_card(summary.indicator_id, indicator, body, sources_by_id, info, lang)


def covered_set_lines(summary: RegionSummary, unit: str, context: CardContext) -> list:
    """A sum without all five countries: the named countries' sum, never called Central Asia, and their values."""
    _, _, snap, countries, country_names, lang = context
    names = ", ".join(country_names.get(c, c) for c in summary.latest_covered_iso3) or "–"
    lines: list = [
        html.P(
            t(
                "No Central Asia total for {year}: a total needs all five countries, and only {names} have data.",
                lang,
                year=summary.latest_year,
                names=names,
            ),
            className="no-regional",
        )
    ]
    if summary.latest_set_value is not None:
        lines.append(
            html.Div(
                t(
                    "Total of {names} only, {year}: {value} {unit}",
                    lang,
                    names=names,
                    year=summary.latest_year,
                    value=format_number(summary.latest_set_value, lang),
                    unit=unit,
                ),
                className="covered-set",
            )
        )
    lines.append(country_values_list(snap, summary, countries, country_names, unit, lang))
    return lines + last_regional_lines(summary, unit, lang)


def last_regional_lines(summary: RegionSummary, unit: str, lang: str) -> list:
    """The last year that had a regional figure, and its trend, when the latest year has none."""
    if summary.published_value is None:
        return []
    return [
        html.Div(
            t(
                "Last regional figure: {value} {unit} ({year})",
                lang,
                value=format_number(summary.published_value, lang),
                unit=unit,
                year=summary.published_year,
            ),
            className="last-regional",
        ),
        trend_line(summary, lang),
    ]


def countries_only_card(indicator_id: str, indicator: dict, status: dict, context: CardContext) -> html.Article:
    """A headline indicator the catalogue does not aggregate for the region: the latest value of each country."""
    sources_by_id, info, snap, countries, country_names, lang = context
    unit = unit_label(indicator, indicator.get("unit"), lang)
    latest = rows_by_key(indicators.latest_country_values(snap, indicator_id, countries, trusted_only=True), "geo_id")
    body = card_head(indicator_id, indicator, status, lang) + [
        html.P(
            t("No regional figure: the catalogue does not combine this indicator across countries.", lang),
            className="no-regional",
        ),
        html.Div(t("Latest value of each country", lang), className="list-title"),
        country_value_items(
            countries,
            country_names,
            latest,
            lambda row: f"{format_number(row['value'], lang)} {unit} ({row['year']})",
            lang,
        ),
    ]
    return headline_card(indicator_id, indicator, body, sources_by_id, info, lang)


def card_head(indicator_id: str, indicator: dict, status: dict, lang: str) -> list:
    """The top of a headline card: badge, the indicator's name linking to the explorer, its check flags."""
    name = localized(indicator, "name", lang) or indicator_id
    flags = ";".join(indicator_check_status(status.get("n_stale"), status.get("n_range_warning")))
    head: list = [
        html.Div(t("Headline indicator of the direction", lang), className="badge"),
        html.H3(dcc.Link(name, href=indicator_href(indicator_id, lang)), className="card-title"),
    ]
    if flags:
        head.append(html.Div(flag_badges(flags, lang), className="flags"))
    return head


def headline_card(
    indicator_id: str, indicator: dict, body: list, sources_by_id: dict, info: dict, lang: str
) -> html.Article:
    """A headline card: its body, then the link to the explorer and the source."""
    return html.Article(
        [
            *body,
            dcc.Link(
                t("Explore by country and year", lang), href=explorer_href(indicator_id, lang), className="card-link"
            ),
            source_caption(sources_by_id, [indicator.get("source_id")], info.get("created_at"), lang),
        ],
        className="card headline-card",
        id=f"card-{indicator_id}",
    )


def country_value_items(
    countries: list[str], country_names: dict[str, str], found: dict[str, dict], text: Callable[[dict], str], lang: str
) -> html.Ul:
    """Each country with its value (`text` of its row), or `no data`."""
    return html.Ul(
        [
            html.Li(
                [
                    html.Span(country_names.get(code, code)),
                    html.Span(
                        text(found[code]) if code in found else t("no data", lang),
                        className="num" if code in found else "muted",
                    ),
                ]
            )
            for code in countries
        ],
        className="country-values",
    )


def trend_line(summary: RegionSummary, lang: str) -> html.Div:
    points = summary.trend
    if len(points) < 2:
        return html.Div(t("Too few years for a trend.", lang), className="trend muted")
    change = summary.trend_change_pct
    description = t(
        "{first}–{last}: {change}",
        lang,
        first=points[0][0],
        last=points[-1][0],
        change=format_signed_percent_change(change, lang),
    )
    return html.Div(
        [
            html.Img(
                src=sparkline_data_uri([v for _, v in points]),
                className="sparkline",
                alt=description,
                width=120,
                height=32,
            ),
            html.Span(trend_arrow(change), className="arrow", **aria(hidden="true")),
            html.Span(description, className="trend-text"),
        ],
        className="trend",
    )


def coverage_text(covered: list[str], share: float | None, lang: str) -> str:
    """`Coverage: Kazakhstan, Kyrgyzstan · 91 % of the population`: the covered countries by name."""
    return t(
        "Coverage: {countries} · {share} of the population",
        lang,
        countries=", ".join(covered) or "–",
        share=format_share(share, lang),
    )


def value_with_flags(row: dict, unit: str, lang: str) -> str:
    """A country's value and unit, with its flags in words (a doubtful value is named as such beside it)."""
    text = f"{format_number(row['value'], lang)} {unit}"
    words = flag_text(row.get("flags"), lang)
    return f"{text} ({words})" if words else text


def country_values_list(
    snap: data.Snapshot,
    summary: RegionSummary,
    countries: list[str],
    country_names: dict[str, str],
    unit: str,
    lang: str,
) -> html.Div:
    found = rows_by_key(
        indicators.indicator_series(snap, summary.indicator_id, countries, year=summary.latest_year), "geo_id"
    )
    return html.Div(
        [
            html.Div(t("Country values, {year}", lang, year=summary.latest_year), className="list-title"),
            country_value_items(countries, country_names, found, lambda row: value_with_flags(row, unit, lang), lang),
        ]
    )
