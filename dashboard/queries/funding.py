"""Read-only, parameterised queries for the funding and summit pages (tables of the funding theme)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from assets.common.geography import CENTRAL_ASIA, REGION_ID
from dashboard.data import Snapshot

CRS_INDICATORS = ("climate_finance_crs", "climate_finance_crs_per_capita", "climate_finance_crs_share_gdp")


def crs_values(snap: Snapshot, indicator_id: str) -> pl.DataFrame:
    """An OECD CRS finance indicator for the five countries and Central Asia, all years."""
    return snap.query(
        """SELECT v.geo_id, g.name_en, g.name_ru, g.name_kk, v.year, v.value, v.unit, v.flags
           FROM indicator_values v LEFT JOIN geographies g USING (geo_id)
           WHERE v.indicator_id = ? AND v.geo_id IN (SELECT unnest(?))
           ORDER BY v.geo_id, v.year""",
        (indicator_id, [*CENTRAL_ASIA, REGION_ID]),
    )


def crs_breakdown(snap: Snapshot, dimension: str, geo_id: str) -> pl.DataFrame:
    """Disbursements of one area by donor, theme or flow: per category and year."""
    return snap.query(
        """SELECT year, category, amount_million_usd_current AS amount, usd_per_person
           FROM funding_crs_breakdown WHERE dimension = ? AND geo_id = ? ORDER BY year, category""",
        (dimension, geo_id),
    )


def crs_coverage(snap: Snapshot) -> pl.DataFrame:
    return snap.query(
        "SELECT year, covered_iso3, coverage_pop_share, published FROM funding_crs_coverage ORDER BY year"
    )


def sources_side_by_side(snap: Snapshot, geo_ids: Sequence[str]) -> pl.DataFrame:
    """Per source, flow type and unit: total, years and number of facts for the given recipients (never summed
    across sources). Rows not counted in totals (AidData China not recommended, empty amounts) are left out."""
    return snap.query(
        """SELECT t.source_id, s.title, s.title_ru, s.title_kk, s.licence, t.flow_type, t.amount_unit,
                  u.label_en AS unit_en, u.label_ru AS unit_ru,
                  u.label_kk AS unit_kk, min(t.year) AS first_year, max(t.year) AS last_year,
                  sum(t.amount) AS amount, sum(t.n_facts) AS n_facts
           FROM funding_source_totals t
           LEFT JOIN sources s USING (source_id)
           LEFT JOIN units u ON u.unit = t.amount_unit
           WHERE t.recipient_geo IN (SELECT unnest(?)) AND t.recipient_level = 'country'
           GROUP BY ALL ORDER BY t.source_id, t.flow_type, t.amount_unit""",
        (list(geo_ids),),
    )


def kazakhstan_domestic_and_international(snap: Snapshot) -> pl.DataFrame:
    """Per year, in US$ million current: Kazakhstan's domestic current expenditure on environmental protection
    (converted with the WDI tenge rate) and the OECD CRS climate-related disbursements it received."""
    return snap.query(
        """SELECT f.year, 'domestic' AS series, c.amount_million_usd_current AS amount
           FROM funding_facts f JOIN funding_comparable c USING (fact_id)
           WHERE f.source_id = 'kz_env_protection_expenditure' AND f.recipient_level = 'country'
             AND c.amount_million_usd_current IS NOT NULL
           UNION ALL
           SELECT year, 'international', value FROM indicator_values
           WHERE indicator_id = 'climate_finance_crs' AND geo_id = 'KAZ'
           ORDER BY series, year""",
    )


def document_facts(snap: Snapshot) -> pl.DataFrame:
    return snap.query("SELECT * FROM funding_document_facts ORDER BY fact_id")


# ---- summit ---------------------------------------------------------------------------------------------


def direction_indicators(snap: Snapshot) -> pl.DataFrame:
    """Each direction's catalogue indicators with the latest Central Asia value (or none) and its unit."""
    return snap.query(
        """WITH latest AS (
               SELECT indicator_id, year, value, flags FROM indicator_values
               WHERE geo_id = ? AND NOT list_contains(string_split(coalesce(flags, ''), ';'), 'projection')
               QUALIFY row_number() OVER (PARTITION BY indicator_id ORDER BY year DESC) = 1
           ), countries AS (
               SELECT indicator_id, count(DISTINCT geo_id) AS n_countries FROM indicator_values
               WHERE geo_id IN (SELECT unnest(?)) GROUP BY 1
           )
           SELECT l.direction, l.indicator_id, l.is_headline, i.name_en, i.name_ru, i.name_kk,
                  u.label_en AS unit_en, u.label_ru AS unit_ru, u.label_kk AS unit_kk,
                  latest.year, latest.value, latest.flags, coalesce(countries.n_countries, 0) AS n_countries
           FROM summit_direction_indicators l
           JOIN indicators i USING (indicator_id)
           LEFT JOIN units u ON u.unit = i.unit
           LEFT JOIN latest USING (indicator_id)
           LEFT JOIN countries USING (indicator_id)
           ORDER BY l.direction, l.is_headline DESC, l.indicator_id""",
        (REGION_ID, list(CENTRAL_ASIA)),
    )


def initiatives(snap: Snapshot) -> pl.DataFrame:
    return snap.query("SELECT * FROM summit_initiatives ORDER BY initiative_id")


def consultations(snap: Snapshot) -> pl.DataFrame:
    return snap.query("SELECT * FROM summit_consultations ORDER BY date, id")


def summit_facts(snap: Snapshot) -> pl.DataFrame:
    return snap.query("SELECT * FROM summit_facts ORDER BY fact_id")


def summit_pack_bytes(snap: Snapshot, fmt: str, lang: str) -> bytes:
    """The summit indicator pack of this snapshot as file bytes (XLSX, or a zip of CSV files)."""
    import duckdb

    from assets.exports.pack_files import write_summit_pack

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"summit_pack.{'xlsx' if fmt == 'xlsx' else 'zip'}"
        with duckdb.connect(str(snap.path), read_only=True) as con:
            write_summit_pack(con, fmt, lang, out)
        return out.read_bytes()
