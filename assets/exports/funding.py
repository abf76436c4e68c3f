"""Funding exports: the fact table with comparable amounts and its sources (read the published snapshot)."""

from __future__ import annotations

import duckdb
import polars as pl

from assets.exports.headers import catalogue_words, localise_headers
from assets.exports.sources import title_columns
from assets.published.queries import LATEST_PROVENANCE

# The notes of the funding export, words in the exports catalogues (msgctxt funding_words).
FUNDING_NOTES = ("note_flows", "note_rio", "note_reflows", "note_aiddata_china", "note_plaid", "note_conversions")
FUNDING_SOURCE_IDS = [
    "oecd_crs_climate",
    "aiddata_gef",
    "aiddata_worldbank",
    "aiddata_adb",
    "aiddata_china",
    "aiddata_plaid_env",
    "kz_env_protection_expenditure",
    "sust_energy",
    "wdi_usa_deflator",
    "wdi_exchange_rate",
    "wdi_kaz_deflator_fx",
]


def _read(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    return con.execute(sql, params or []).pl()


def snapshot_stamp(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """The snapshot's id and creation time (UTC) as the exports print them."""
    row = con.execute("SELECT snapshot_id, strftime(created_at, '%Y-%m-%d %H:%M UTC') FROM snapshot_info").fetchone()
    if row is None:
        raise ValueError("the published snapshot has no snapshot_info row")
    return row[0], row[1]


def sources_sheet(con: duckdb.DuckDBPyConnection, source_ids: list[str], lang: str) -> pl.DataFrame:
    """Title (in `lang`, and as published), licence, citation, URL and the retrieved version of each source."""
    return _read(
        con,
        f"""
        WITH latest AS ({LATEST_PROVENANCE})
        SELECT s.source_id, {title_columns(con, lang)}, s.publisher, s.licence, s.citation, s.public_url,
               p.retrieved_at::VARCHAR AS retrieved_at, p.sha256
        FROM sources s LEFT JOIN latest p USING (source_id)
        WHERE s.source_id IN (SELECT unnest(?))
        ORDER BY s.source_id
    """,
        [source_ids],
    )


def export_funding(con: duckdb.DuckDBPyConnection, lang: str, year: int | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The funding fact table (all years, or one), with the comparable amounts beside each fact."""
    data = _read(
        con,
        f"""
        SELECT f.fact_id, f.source_id, f.donor, f.recipient_geo, f.recipient_name, f.recipient_level, f.year, f.period,
               f.amount, f.amount_unit, u.label_{lang} AS unit_label, f.currency, f.price_basis, f.flow_type,
               f.instrument, f.theme, f.directions, f.project_id, f.title, f.flags, f.citation,
               c.amount_million_usd_current, c.amount_million_usd_2015, c.conversion
        FROM funding_facts f
        LEFT JOIN funding_comparable c USING (fact_id)
        LEFT JOIN units u ON u.unit = f.amount_unit
        WHERE (? IS NULL OR f.year = ?)
        ORDER BY f.source_id, f.recipient_geo NULLS LAST, f.year NULLS LAST, f.fact_id
    """,
        [year, year],
    )  # lang is checked against the export languages before it reaches here
    snapshot_id, snapshot_date = snapshot_stamp(con)
    meta = sources_sheet(con, FUNDING_SOURCE_IDS, lang).with_columns(
        snapshot_id=pl.lit(snapshot_id), snapshot_date=pl.lit(snapshot_date)
    )
    label = catalogue_words("funding_words", "note_label", lang)
    notes = pl.DataFrame(
        {
            "source_id": [label] * len(FUNDING_NOTES),
            "title": [catalogue_words("funding_words", k, lang) for k in FUNDING_NOTES],
        }
    )
    # The sources sheet's own columns (title, publisher) headed as in the other tables' sources sheets.
    meta = localise_headers(pl.concat([meta, notes], how="diagonal"), "tables", lang)
    return localise_headers(data, "funding", lang), meta
