"""Funding exports: the fact table with comparable amounts and its sources (read the published snapshot)."""

from __future__ import annotations

import duckdb
import polars as pl

from assets.exports.headers import localise_headers
from assets.published.queries import LATEST_PROVENANCE

FUNDING_NOTES = {
    "ru": [
        "Суммы разных источников не складываются: обязательства (commitment) и выплаты (disbursement) — разные потоки.",
        "Выплаты OECD CRS с маркерами Рио — верхняя оценка: учитывается вся сумма проекта, "
        "если климат — «значимая» цель.",
        "Отрицательные выплаты — реальные возвраты средств, они сохранены.",
        "AidData (Китай): в итоги входят только строки с recommended_for_research = True; остальные помечены.",
        "PLAID: постоянные долл. 2000 г.; строки без года сохранены с отметкой year_unknown.",
        "Пересчёт в долл. США и в цены 2015 г. — только по опубликованным рядам WDI "
        "(курс PA.NUS.FCRF, дефлятор ВВП США).",
    ],
    "en": [
        "Amounts of different sources are never added: commitments and disbursements are different flows.",
        "OECD CRS Rio-marked disbursements are an upper bound: the whole activity counts when climate is "
        "a significant objective.",
        "Negative disbursements are real reflows and are kept.",
        "AidData (China): totals use only rows with recommended_for_research = True; the others are flagged.",
        "PLAID: constant 2000 US$; rows without a year are kept and flagged year_unknown.",
        "Conversions to US$ and to 2015 prices use only published WDI series "
        "(PA.NUS.FCRF exchange rates, US GDP deflator).",
    ],
}
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


def sources_sheet(con: duckdb.DuckDBPyConnection, source_ids: list[str]) -> pl.DataFrame:
    """Title, licence, citation, URL and the retrieved version of each source."""
    return _read(
        con,
        f"""
        WITH latest AS ({LATEST_PROVENANCE})
        SELECT s.source_id, s.title, s.publisher, s.licence, s.citation, s.public_url,
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
    meta = sources_sheet(con, FUNDING_SOURCE_IDS).with_columns(
        snapshot_id=pl.lit(snapshot_id), snapshot_date=pl.lit(snapshot_date)
    )
    notes = pl.DataFrame({"source_id": ["note"] * len(FUNDING_NOTES[lang]), "title": FUNDING_NOTES[lang]})
    meta = pl.concat([meta, notes], how="diagonal")
    return localise_headers(data, "funding", lang), meta
