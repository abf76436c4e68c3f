"""Indicator values of a snapshot: country series, latest values, region aggregates, a country's profile.

Rows flagged `projection` are model projections (e.g. UN population to 2100), never "latest" facts: every read
here leaves them out except `region_aggregates`, which says which are."""

from __future__ import annotations

from typing import Any

import polars as pl

from assets.common.flags import doubtful_flags
from dashboard.data import REGION_ID, Snapshot

NOT_PROJECTION = "NOT list_contains(string_split(coalesce(flags, ''), ';'), 'projection')"


def region_aggregates(snap: Snapshot, region_id: str = REGION_ID) -> pl.DataFrame:
    """Every region aggregate row, published or not, projections included (flag `projection`). A sum without all
    five countries has status `covered_set_only`: its `covered_set_value` is the sum of the countries in
    `covered_iso3` only, never a Central Asia figure."""
    return snap.query(
        """
        SELECT indicator_id, year, value, covered_set_value, aggregation, unit, covered_iso3, coverage_pop_share,
               status, coalesce(flags, '') AS flags
        FROM region_aggregates
        WHERE geo_id = ?
        ORDER BY indicator_id, year
        """,
        (region_id,),
    )


def indicator_series(snap: Snapshot, indicator_id: str, geo_ids: list[str], year: int | None = None) -> pl.DataFrame:
    """Every non-projected value of one indicator for the given places (countries or the region), all years or one."""
    sql = f"""
        SELECT geo_id, year, value, unit, source_id, coalesce(flags, '') AS flags
        FROM indicator_values
        WHERE indicator_id = ? AND list_contains(?, geo_id) AND value IS NOT NULL AND {NOT_PROJECTION}
    """
    params: tuple[Any, ...] = (indicator_id, list(geo_ids))
    if year is not None:
        sql += " AND year = ?"
        params += (int(year),)
    return snap.query(sql + " ORDER BY geo_id, year", params)


# SQL: the row carries none of the flags given as the parameter (the doubtful ones of seeds/flags.csv).
NOT_DOUBTFUL = "NOT list_has_any(string_split(coalesce(flags, ''), ';'), ?::VARCHAR[])"


def latest_country_values(
    snap: Snapshot, indicator_id: str, geo_ids: list[str], *, trusted_only: bool = False
) -> pl.DataFrame:
    """The latest non-projected value of one indicator per country (years may differ between countries).
    trusted_only: skip doubtful values (headline cards and rankings never show one; the year says which)."""
    left_out = sorted(doubtful_flags()) if trusted_only else []  # no flag left out: every row passes
    params: tuple[Any, ...] = (indicator_id, list(geo_ids), left_out)
    return snap.query(
        f"""
        SELECT geo_id, year, value, unit, source_id, coalesce(flags, '') AS flags
        FROM indicator_values
        WHERE indicator_id = ? AND list_contains(?, geo_id) AND value IS NOT NULL
          AND {NOT_PROJECTION} AND {NOT_DOUBTFUL}
        QUALIFY row_number() OVER (PARTITION BY geo_id ORDER BY year DESC) = 1
        ORDER BY geo_id
        """,
        params,
    )


def indicators_with_country_values(snap: Snapshot, geo_ids: list[str]) -> list[str]:
    """Indicator ids that have at least one non-projected value for one of the given countries."""
    frame = snap.query(
        f"""
        SELECT DISTINCT indicator_id FROM indicator_values
        WHERE list_contains(?, geo_id) AND value IS NOT NULL AND {NOT_PROJECTION}
        ORDER BY indicator_id
        """,
        (list(geo_ids),),
    )
    return frame["indicator_id"].to_list()


def indicator_value_status(snap: Snapshot) -> pl.DataFrame:
    """Per indicator: first and latest observed year, number of values, and how many carry `stale` or
    `range_warning` (the flags the pipeline's freshness and plausible-range checks set)."""
    return snap.query(
        f"""
        SELECT indicator_id, min(year) AS first_year, max(year) AS latest_year, count(*) AS n_values,
               count(*) FILTER (WHERE list_contains(string_split(coalesce(flags, ''), ';'), 'stale')) AS n_stale,
               count(*) FILTER (WHERE list_contains(string_split(coalesce(flags, ''), ';'), 'range_warning'))
                   AS n_range_warning
        FROM indicator_values
        WHERE value IS NOT NULL AND {NOT_PROJECTION}
        GROUP BY indicator_id ORDER BY indicator_id
        """
    )


def indicator_years(snap: Snapshot, indicator_id: str) -> list[int]:
    frame = snap.query(
        f"""
        SELECT DISTINCT year FROM indicator_values
        WHERE indicator_id = ? AND value IS NOT NULL AND {NOT_PROJECTION} ORDER BY year
        """,
        (indicator_id,),
    )
    return [int(y) for y in frame["year"]]


def country_profile_values(snap: Snapshot, geo_id: str, region_id: str = REGION_ID) -> pl.DataFrame:
    """Latest non-projected value of every indicator for one country, with the regional figure of the same year
    (from region_aggregates: published or not, so the page can say why a regional figure is missing)."""
    return snap.query(
        f"""
        WITH latest AS (
            SELECT indicator_id, year, value, unit, source_id, coalesce(flags, '') AS flags
            FROM indicator_values
            WHERE geo_id = ? AND value IS NOT NULL AND {NOT_PROJECTION}
            QUALIFY row_number() OVER (PARTITION BY indicator_id ORDER BY year DESC) = 1
        ),
        series AS (
            SELECT indicator_id, list(value ORDER BY year) AS values, min(year) AS first_year
            FROM indicator_values
            WHERE geo_id = ? AND value IS NOT NULL AND {NOT_PROJECTION}
            GROUP BY indicator_id
        )
        SELECT l.indicator_id, l.year, l.value, l.unit, l.source_id, l.flags, s.values AS series, s.first_year,
               r.value AS region_value, r.status AS region_status, coalesce(r.flags, '') AS region_flags,
               r.coverage_pop_share AS region_coverage_share, r.covered_iso3 AS region_covered_iso3
        FROM latest l
        JOIN series s USING (indicator_id)
        LEFT JOIN region_aggregates r ON r.indicator_id = l.indicator_id AND r.year = l.year AND r.geo_id = ?
        ORDER BY l.indicator_id
        """,
        (geo_id, geo_id, region_id),
    )


def central_asia_values(snap: Snapshot, geo_ids: list[str]) -> pl.DataFrame:
    """Every non-projected value of every indicator for the given countries: what a country profile compares."""
    return snap.query(
        f"""
        SELECT indicator_id, geo_id, year, value, unit, source_id, coalesce(flags, '') AS flags
        FROM indicator_values
        WHERE list_contains(?, geo_id) AND value IS NOT NULL AND {NOT_PROJECTION}
        ORDER BY indicator_id, geo_id, year
        """,
        (list(geo_ids),),
    )
