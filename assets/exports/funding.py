"""Funding exports: the fact table with comparable amounts and its sources (read the published snapshot)."""

from __future__ import annotations

import polars as pl

FACT_HEADERS = {
    "ru": {
        "fact_id": "Код записи",
        "source_id": "Код источника",
        "donor": "Донор",
        "recipient_geo": "Код получателя",
        "recipient_name": "Получатель",
        "recipient_level": "Уровень получателя",
        "year": "Год",
        "period": "Период",
        "amount": "Сумма (как опубликовано)",
        "amount_unit": "Единица суммы",
        "unit_label": "Единица (подпись)",
        "currency": "Валюта",
        "price_basis": "Ценовая база",
        "flow_type": "Тип потока",
        "instrument": "Инструмент",
        "theme": "Тема",
        "directions": "Направления Саммита",
        "project_id": "Код проекта",
        "title": "Название",
        "flags": "Отметки",
        "citation": "Цитирование",
        "amount_million_usd_current": "Сумма, млн долл. США (текущие)",
        "amount_million_usd_2015": "Сумма, млн долл. США (цены 2015 г.)",
        "conversion": "Пересчёт",
    },
    "en": {
        "fact_id": "Record code",
        "source_id": "Source code",
        "donor": "Donor",
        "recipient_geo": "Recipient code",
        "recipient_name": "Recipient",
        "recipient_level": "Recipient level",
        "year": "Year",
        "period": "Period",
        "amount": "Amount (as published)",
        "amount_unit": "Amount unit",
        "unit_label": "Unit (label)",
        "currency": "Currency",
        "price_basis": "Price basis",
        "flow_type": "Flow type",
        "instrument": "Instrument",
        "theme": "Theme",
        "directions": "Summit directions",
        "project_id": "Project code",
        "title": "Title",
        "flags": "Flags",
        "citation": "Citation",
        "amount_million_usd_current": "Amount, US$ million (current)",
        "amount_million_usd_2015": "Amount, US$ million (2015 prices)",
        "conversion": "Conversion",
    },
}
FUNDING_NOTES = {
    "ru": [
        "Суммы разных источников не складываются: обязательства (commitment) и выплаты (disbursement) — разные потоки.",
        "Выплаты OECD CRS с маркерами Рио — верхняя оценка: учитывается вся сумма проекта, если климат — «значимая» цель.",
        "Отрицательные выплаты — реальные возвраты средств, они сохранены.",
        "AidData (Китай): в итоги входят только строки с recommended_for_research = True; остальные помечены.",
        "PLAID: постоянные долл. 2000 г.; строки без года сохранены с отметкой year_unknown.",
        "Пересчёт в долл. США и в цены 2015 г. — только по опубликованным рядам WDI (курс PA.NUS.FCRF, дефлятор ВВП США).",
    ],
    "en": [
        "Amounts of different sources are never added: commitments and disbursements are different flows.",
        "OECD CRS Rio-marked disbursements are an upper bound: the whole activity counts when climate is a significant objective.",
        "Negative disbursements are real reflows and are kept.",
        "AidData (China): totals use only rows with recommended_for_research = True; the others are flagged.",
        "PLAID: constant 2000 US$; rows without a year are kept and flagged year_unknown.",
        "Conversions to US$ and to 2015 prices use only published WDI series (PA.NUS.FCRF exchange rates, US GDP deflator).",
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


def _read(con, sql: str, params: list | None = None) -> pl.DataFrame:
    return con.execute(sql, params or []).pl()


def snapshot_stamp(con) -> tuple[str, str]:
    row = con.execute("SELECT snapshot_id, strftime(created_at, '%Y-%m-%d %H:%M UTC') FROM snapshot_info").fetchone()
    return row[0], row[1]


def sources_sheet(con, source_ids: list[str]) -> pl.DataFrame:
    """Title, licence, citation, URL and the retrieved version of each source."""
    return _read(
        con,
        """
        WITH latest AS (
            SELECT * FROM provenance QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY version DESC) = 1
        )
        SELECT s.source_id, s.title, s.publisher, s.licence, s.citation, s.public_url,
               p.retrieved_at::VARCHAR AS retrieved_at, p.sha256
        FROM sources s LEFT JOIN latest p USING (source_id)
        WHERE s.source_id IN (SELECT unnest(?))
        ORDER BY s.source_id
    """,
        [source_ids],
    )


def export_funding(con, lang: str, year: int | None) -> tuple[pl.DataFrame, pl.DataFrame]:
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
    return data.rename(FACT_HEADERS[lang]), meta
