"""What the air page says about its sources: each figure's sources, licences and caveats, and the AirData.kz
notice with the attribution it asks for."""

from __future__ import annotations

from dash import html

from assets.indicators.air import rules as air
from dashboard import air_data, data
from dashboard.i18n import format_share, t
from dashboard.shell import source_name_element, source_title_element
from dashboard.text_marks import seed_text, with_latin_names

# Latin-script proper names inside Russian and Kazakh sentences, marked lang="en" there.
LATIN_NAMES = ("AirData.kz", "Global Shapers", "Natural Earth", "AirNow", "KazHydroMet")


def sources_caption(snap: data.Snapshot, source_ids: list[str], lang: str, element_id: str) -> html.Div:
    """Source, licence and the source's own caveat for every source behind a figure. The citation (in English)
    only on English pages: Russian and Kazakh readers read the translated title, the citation is in the downloads."""
    sources = {r["source_id"]: r for r in air_data.air_sources(snap).iter_rows(named=True)}
    notes = {r["source_id"]: r for r in air_data.source_notes(snap).iter_rows(named=True)}
    items = []
    for source_id in dict.fromkeys(source_ids):
        source = sources.get(source_id, {})
        note = seed_text(notes.get(source_id, {}), "note", lang)
        licence_prefix = t("Licence: {licence}.", lang, licence="\0").split("\0")
        items.append(
            html.Li(
                [
                    html.Strong(source_title_element(source, lang) if source else source_id),
                    *([" — ", source["citation"]] if lang == "en" and source.get("citation") else []),
                    ". ",
                    licence_prefix[0],
                    source_name_element(source, "licence", lang) if source.get("licence") else "–",
                    licence_prefix[-1],
                    " ",
                    *with_latin_names(note, LATIN_NAMES, lang),
                ]
            )
        )
    return html.Div(
        [html.Span(t("Sources and licences", lang) + ":"), html.Ul(items)], className="source-caption", id=element_id
    )


def airdata_attribution(lang: str) -> str:
    """The attribution AirData.kz asks for (its licence, CC BY-NC 4.0, asks for credit): verbatim on English
    pages, translated on the others, with the project's name and address as written."""
    return t(
        "AirData.kz. Open Air Quality Dataset for Kazakhstan. Global Shapers Almaty Hub, 2019-present. "
        "https://airdata.kz",
        lang,
    )


def airdata_notice(lang: str) -> html.Aside:
    return html.Aside(
        id="air-caveat",
        className="caveat",
        role="note",
        children=[
            html.Strong(t("About these data", lang)),
            html.Ul(
                [
                    html.Li(
                        [
                            *with_latin_names(
                                t(
                                    "AirData.kz values (Kazakhstan) are from the May 2026 release, before the source "
                                    "corrected its day boundaries in October 2026: days were counted in US Pacific "
                                    "time (UTC−8/UTC−7), 12–13 hours off local days. Licence CC BY-NC 4.0 "
                                    "(non-commercial use only). Attribution:",
                                    lang,
                                ),
                                LATIN_NAMES,
                                lang,
                            ),
                            " ",
                            *with_latin_names(airdata_attribution(lang), LATIN_NAMES, lang),
                        ]
                    ),
                    html.Li(
                        t(
                            "Tashkent: a municipal network of low-cost sensors, not an official reference network; "
                            "the daily value is a city median, not a mean.",
                            lang,
                        )
                    ),
                    html.Li(
                        t(
                            "A yearly or seasonal mean is shown only if at least {share} of the days of the period, "
                            "and at least {quarter} of the days of each of its quarters, have valid data; a year "
                            "without its winter is therefore not complete. Otherwise the period is marked "
                            "incomplete and no number is given.",
                            lang,
                            share=format_share(air.COMPLETE_SHARE, lang),
                            quarter=format_share(air.QUARTER_SHARE, lang),
                        )
                    ),
                    html.Li(
                        t(
                            "Each daily value is screened where it enters: the same value day after day (a stuck "
                            "sensor or a fill value), zeros, values no instrument reports for the pollutant, and "
                            "PM2.5 above PM10 at the same place and day. Flagged values are shown with their flag "
                            "and left out of means, rankings, trends and threshold days.",
                            lang,
                        )
                    ),
                    html.Li(t("No measured series were found for Dushanbe or Ashgabat.", lang)),
                ]
            ),
        ],
    )
