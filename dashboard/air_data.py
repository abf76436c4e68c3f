"""Read-only, parameterised queries for the air page (through dashboard.data's Snapshot, the only DuckDB reader)."""

from __future__ import annotations

import polars as pl

from dashboard.data import Snapshot
from dashboard.queries.reference import with_display_names

MAP_POLLUTANT = "pm25"
ONE_SERIES = "WHERE city_id = ? AND source_id = ? AND pollutant = ?"  # the rows of one series, parameters in this order


def cities(snap: Snapshot) -> pl.DataFrame:
    return snap.query("SELECT * FROM air_cities ORDER BY city_id")


def series_index(snap: Snapshot) -> pl.DataFrame:
    """Every (city, source, pollutant) series with its first and last day and number of days."""
    return snap.query("""
        SELECT city_id, source_id, pollutant, min(date) AS first_day, max(date) AS last_day, count(*) AS n_days
        FROM air_observations GROUP BY ALL ORDER BY city_id, pollutant, source_id
    """)


def latest_ranked_annual(snap: Snapshot, pollutant: str) -> pl.DataFrame:
    """Per ranked city (air_rankings: means of daily means, cities only, doubtful days left out): its latest
    complete annual mean of the pollutant, highest first."""
    rows = snap.query(
        """
        SELECT city_id, source_id, year, mean, unit, days_with_data, days_in_period, days_doubtful, flags
        FROM air_rankings
        WHERE pollutant = ?
        QUALIFY year = max(year) OVER (PARTITION BY city_id)
    """,
        (pollutant,),
    )
    return rows.sort("mean", "city_id", descending=[True, False])


def ranking_exclusions(snap: Snapshot, pollutant: str) -> pl.DataFrame:
    """The series of the pollutant that no ranking holds, with the reason and their doubtful days."""
    return snap.query(
        "SELECT city_id, source_id, reason, n_complete_years, days_doubtful, flags FROM air_ranking_exclusions "
        "WHERE pollutant = ? ORDER BY reason, city_id",
        (pollutant,),
    )


# The views of one series that the page draws; each query takes (city_id, source_id, pollutant).
DAILY_SQL = f"SELECT date, value, unit, statistic, day_counts, flags FROM air_observations {ONE_SERIES} ORDER BY date"
PERIOD_STATS_SQL = (
    "SELECT period_kind, period, year, days_in_period, days_with_data, days_doubtful, completeness, "
    "min_quarter_share, complete, mean, unit, status, flags "
    f"FROM air_period_stats {ONE_SERIES} ORDER BY year, period_kind"
)
SEASON_RATIOS_SQL = (
    f"SELECT season, year, winter_mean, summer_mean, ratio, status FROM air_season_ratio {ONE_SERIES} ORDER BY year"
)
EXCEEDANCES_SQL = (
    "SELECT year, threshold_id, level, threshold, days_above, days_with_data, days_in_period, complete "
    f"FROM air_exceedances {ONE_SERIES} ORDER BY year, threshold DESC"
)
TREND_SQL = f"SELECT n_complete_years, first_year, last_year, slope_per_year, status FROM air_trends {ONE_SERIES}"
SCREENING_SQL = (
    "SELECT flag, first_date, last_date, n_days, min_value, max_value "
    f"FROM air_screening_events {ONE_SERIES} ORDER BY first_date, flag"
)


def daily(snap: Snapshot, city_id: str, source_id: str, pollutant: str) -> pl.DataFrame:
    return snap.query(DAILY_SQL, (city_id, source_id, pollutant))


def period_stats(snap: Snapshot, city_id: str, source_id: str, pollutant: str) -> pl.DataFrame:
    return snap.query(PERIOD_STATS_SQL, (city_id, source_id, pollutant))


def season_ratios(snap: Snapshot, city_id: str, source_id: str, pollutant: str) -> pl.DataFrame:
    return snap.query(SEASON_RATIOS_SQL, (city_id, source_id, pollutant))


def exceedances(snap: Snapshot, city_id: str, source_id: str, pollutant: str) -> pl.DataFrame:
    return snap.query(EXCEEDANCES_SQL, (city_id, source_id, pollutant))


def trend(snap: Snapshot, city_id: str, source_id: str, pollutant: str) -> dict | None:
    rows = snap.query(TREND_SQL, (city_id, source_id, pollutant)).to_dicts()
    return rows[0] if rows else None


def screening_events(snap: Snapshot, city_id: str, source_id: str, pollutant: str) -> pl.DataFrame:
    return snap.query(SCREENING_SQL, (city_id, source_id, pollutant))


def thresholds(snap: Snapshot) -> pl.DataFrame:
    return snap.query("SELECT * FROM air_thresholds ORDER BY pollutant, averaging, value NULLS FIRST")


def source_notes(snap: Snapshot) -> pl.DataFrame:
    return snap.query("SELECT * FROM air_source_notes")


def air_sources(snap: Snapshot) -> pl.DataFrame:
    return with_display_names(
        snap,
        snap.query("""
        SELECT source_id, title, title_ru, title_kk, publisher, licence, citation FROM sources
        WHERE source_id IN (SELECT source_id FROM air_source_notes)
    """),
    )


def region_emissions_latest(snap: Snapshot) -> pl.DataFrame:
    """Each region's latest emissions value with its map point and trend (national total excluded)."""
    return snap.query("""
        SELECT e.region_ru, e.name_ru, e.name_en, e.name_kk, e.year, e.value, e.unit, e.flags, p.lat, p.lon,
               p.note AS point_note,
               t.first_year, t.last_year, t.change_pct, t.slope_per_year, t.note AS trend_note
        FROM air_region_emissions e
        JOIN air_region_points p USING (region_ru)
        LEFT JOIN air_region_trends t USING (region_ru)
        WHERE e.kind <> 'country_total'
        QUALIFY e.year = max(e.year) OVER (PARTITION BY e.region_ru)
        ORDER BY e.value DESC
    """)


def national_emissions(snap: Snapshot) -> pl.DataFrame:
    return snap.query("SELECT year, value, unit FROM air_region_emissions WHERE kind = 'country_total' ORDER BY year")
