"""The country profile's data, share link and embed (/embed/chart/country-profile?country=KAZ): the profile is a
table, so its download and embed hold the table's rows (indicator, latest value and year, the regional figure of
the same year where published, notes), read with the page's own query. Kept apart from dashboard/pages/country.py,
whose content another change rewrites: the page only adds `profile_links(...)` at its end."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
from dash import html

from dashboard import data
from dashboard.compare import is_macro
from dashboard.i18n import localized, t
from dashboard.queries import indicators, reference
from dashboard.shell import flag_text
from dashboard.summaries import rows_by_key
from dashboard.theme_charts import ChartSpec, DrawnChart, links_for, register_chart

DEFAULT_COUNTRY = "KAZ"


def profile_table(snap: data.Snapshot, code: str, lang: str) -> pl.DataFrame:
    """One row per indicator with a value for the country, in the catalogue's order, headers in the language."""
    catalogue = reference.indicator_catalogue(snap)
    by_id = rows_by_key(catalogue, "indicator_id")
    sources = rows_by_key(reference.all_sources(snap), "source_id")
    values = rows_by_key(indicators.country_profile_values(snap, code), "indicator_id")
    rows = []
    for indicator_id in catalogue["indicator_id"].to_list():
        row = values.get(indicator_id)
        if row is None or is_macro(by_id[indicator_id].get("theme")):
            continue  # macro context (population, prices) is not among the profile's indicator cards
        indicator = by_id[indicator_id]
        unit = localized(
            {k.removeprefix("unit_"): v for k, v in indicator.items() if k.startswith("unit_label_")}, "label", lang
        ) or str(row.get("unit") or "")
        published = row.get("region_status") == "published"
        rows.append(
            (
                localized(indicator, "name", lang) or indicator_id,
                row["year"],
                row["value"],
                unit,
                row["region_value"] if published else None,
                flag_text(row.get("flags"), lang),
                localized(sources.get(row["source_id"], {}), "title", lang) or "",
            )
        )
    headers = [t("Indicator", lang), t("Year", lang), t("Value", lang), t("Unit", lang)]
    headers += [t("Central Asia", lang), t("Notes", lang), t("Source", lang)]
    types = [pl.String, pl.Int64, pl.Float64, pl.String, pl.Float64, pl.String, pl.String]
    return pl.DataFrame(rows, schema=dict(zip(headers, types, strict=True)), orient="row")


def profile_chart(snap: data.Snapshot, state: Mapping[str, str], lang: str) -> DrawnChart:
    code = state.get("country", DEFAULT_COUNTRY).strip().upper()
    if code not in reference.central_asia_iso3(snap):
        code = DEFAULT_COUNTRY
    names = rows_by_key(reference.geographies(snap), "geo_id")
    table = profile_table(snap, code, lang)
    source_ids = sorted({r["source_id"] for r in indicators.country_profile_values(snap, code).to_dicts()})
    return DrawnChart(localized(names.get(code, {}), "name", lang) or code, "", source_ids, table=table)


PROFILE_CHART = register_chart(
    ChartSpec("country-profile", "/country/{country}", profile_chart, ("country",), {"country": DEFAULT_COUNTRY})
)


def profile_links(snap: data.Snapshot, code: str, lang: str) -> html.Div:
    """The block of links under the profile: its data, a link to it and its embed code."""
    state = {"country": code}
    return links_for(PROFILE_CHART, profile_chart(snap, state, lang), state, lang)
