"""Air-quality exports: daily observations and the period summary, with sources and rules (from the published
snapshot)."""

from __future__ import annotations

import duckdb
import polars as pl

from assets.common.flags import is_doubtful
from assets.exports.headers import catalogue_words, localise_headers
from assets.exports.sources import sources_metadata
from assets.indicators.air.notes import source_note
from assets.indicators.air.rules import COMPLETE_SHARE, MIN_VALID_HOURS, QUARTER_SHARE


def _headers(df: pl.DataFrame, lang: str) -> pl.DataFrame:
    return localise_headers(df, "air", lang)


def _metadata(con: duckdb.DuckDBPyConnection, lang: str, data: pl.DataFrame) -> pl.DataFrame:
    """The sources of `data` with their notes, then the rules."""
    sources = sources_metadata(con, data["source_id"].unique().sort().to_list(), lang).with_columns(
        note=pl.col("source_id").map_elements(lambda s: source_note(s, lang), return_dtype=pl.String),
        retrieved_at=pl.col("retrieved_at").cast(pl.String),
    )
    return _headers(pl.concat([sources, _rules(lang)], how="diagonal"), lang)


def with_doubtful(data: pl.DataFrame) -> pl.DataFrame:
    """Adds doubtful (a screening rule fired: left out of means). The flags are put in words by the shared
    export step (assets/exports/cells.py)."""
    return data.with_columns(doubtful=is_doubtful(pl.col("flags")))


# The rules the export states, words in the exports catalogues (msgctxt air_words, key rule_<name>).
RULES = ("completeness", "screening", "ranking", "heating_season", "day")


def _rules(lang: str) -> pl.DataFrame:
    values = {"complete": f"{COMPLETE_SHARE:.0%}", "quarter": f"{QUARTER_SHARE:.0%}", "hours": MIN_VALID_HOURS}
    notes = [catalogue_words("air_words", f"rule_{rule}", lang).format(**values) for rule in RULES]
    return pl.DataFrame({"source_id": [f"rule:{rule}" for rule in RULES], "note": notes})


def _city_names(lang: str) -> str:
    """City, country and region in `lang` (lang is validated against the export languages before the SQL text);
    a city or region without a Kazakh name (seeds/air_cities.csv, air_regions.csv) keeps its Russian one."""
    region = "coalesce(rp.name_kk, c.region_ru)" if lang == "kk" else "c.region_ru"
    city = "coalesce(c.name_kk, c.name_ru)" if lang == "kk" else f"c.name_{lang}"
    return f"{city} AS city, g.name_{lang} AS country, {region} AS region"


# Joins _city_names reads: the city registry, its country and (for Kazakh) the region's names.
CITY_JOINS = """JOIN air_cities c USING (city_id)
        LEFT JOIN geographies g ON g.geo_id = c.country_id
        LEFT JOIN air_region_points rp ON rp.region_ru = c.region_ru"""


def export_air_quality(
    con: duckdb.DuckDBPyConnection, lang: str, year: int | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Daily observations with unit, source, licence and flags (pre_day_boundary_correction on AirData.kz rows)."""
    data = con.execute(
        f"""
        SELECT o.city_id, {_city_names(lang)}, o.pollutant, o.date, o.value, u.label_{lang} AS unit,
               o.statistic, o.n_stations, o.valid_hours, o.day_counts, o.source_id, o.source_row, s.title AS source,
               s.licence, o.flags
        FROM air_observations o
        {CITY_JOINS}
        LEFT JOIN units u ON u.unit = o.unit
        LEFT JOIN sources s ON s.source_id = o.source_id
        WHERE (? IS NULL OR o.year = ?)
        ORDER BY o.city_id, o.source_id, o.pollutant, o.date
    """,
        [year, year],
    ).pl()
    if data.is_empty():
        raise ValueError(f"no air-quality observations for year {year}")
    data = with_doubtful(data.with_columns(pl.col("date").cast(pl.String)))
    return _headers(data, lang), _metadata(con, lang, data)


def export_air_summary(
    con: duckdb.DuckDBPyConnection, lang: str, year: int | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Means with completeness (per year, heating season, summer) and days above each threshold, long format."""
    names = _city_names(lang)
    unit_label = f"u.label_{lang}"
    means = con.execute(
        f"""
        SELECT p.city_id, {names}, p.pollutant, p.source_id, p.statistic, p.period_kind, p.period,
               'mean' AS measure, p.mean AS value, {unit_label} AS unit, p.days_with_data, p.days_in_period,
               p.days_doubtful, round(100 * p.completeness, 1) AS completeness_pct,
               round(100 * p.min_quarter_share, 1) AS min_quarter_pct,
               p.complete, p.status, p.flags, NULL AS threshold_id, NULL AS threshold_citation
        FROM air_period_stats p {CITY_JOINS}
        LEFT JOIN units u ON u.unit = p.unit
        WHERE (? IS NULL OR p.year = ?)
    """,
        [year, year],
    ).pl()
    above = con.execute(
        f"""
        SELECT e.city_id, {names}, e.pollutant, e.source_id, p.statistic, 'year' AS period_kind,
               CAST(e.year AS VARCHAR) AS period, 'days_above_threshold' AS measure,
               CAST(e.days_above AS DOUBLE) AS value, ? AS unit, e.days_with_data, e.days_in_period,
               p.days_doubtful, round(100.0 * e.days_with_data / e.days_in_period, 1) AS completeness_pct,
               round(100 * p.min_quarter_share, 1) AS min_quarter_pct, e.complete, e.status, p.flags, e.threshold_id,
               t.document || ', ' || t.table_ref || ' (' || t.level || ', ' || CAST(t.value AS VARCHAR) || ' µg/m³)'
                   AS threshold_citation
        FROM air_exceedances e {CITY_JOINS}
        LEFT JOIN air_period_stats p ON p.city_id = e.city_id AND p.source_id = e.source_id
            AND p.pollutant = e.pollutant AND p.period_kind = 'year' AND p.year = e.year
        LEFT JOIN air_thresholds t USING (threshold_id)
        WHERE (? IS NULL OR e.year = ?)
    """,
        [catalogue_words("air_words", "days", lang), year, year],
    ).pl()
    data = pl.concat([means, above], how="vertical_relaxed").sort(
        "city_id", "pollutant", "source_id", "period_kind", "period", "measure", "threshold_id", nulls_last=False
    )
    if data.is_empty():
        raise ValueError(f"no air-quality summary for year {year}")
    licences = con.execute("SELECT source_id, licence FROM sources").pl()
    notes = {s: source_note(s, lang) for s in data["source_id"].unique().to_list()}
    # The source's own caveats (day boundaries, sensor type, median vs mean) stay beside every value.
    data = with_doubtful(data.join(licences, on="source_id", how="left")).with_columns(
        source_note=pl.col("source_id").replace_strict(notes, return_dtype=pl.String)
    )
    return _headers(data, lang), _metadata(con, lang, data)
