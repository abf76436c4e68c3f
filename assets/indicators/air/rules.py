"""The air rules that the pipeline, the /air page and the exports all state.

The numbers live in seeds (with their reasons): seeds/air_screening_coverage.csv (how much of a period, and of
each of its quarters, needs valid undoubted days for a mean) and seeds/air_screening.csv (screening thresholds,
the valid hours of a day).
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from assets.sources.catalogue import read_seed

UNIT = "ug_m3"  # every concentration in these sources is published in µg/m³; no conversion is needed
MIN_TREND_YEARS = 3  # a trend needs at least three complete annual means

AIRDATA_SOURCES = ("airdata_kz_main_cities", "airdata_kz_other_pm25", "airdata_kz_other_pm10", "airdata_kz_other_no2")
POLLUTANT_LABELS = {"pm25": "PM2.5", "pm10": "PM10", "no2": "NO₂", "so2": "SO₂"}
# Rankings compare like with like: only series whose daily value is a mean, of places that are one city.
RANKED_STATISTIC = "daily_mean"
RANKED_PLACE_KIND = "city"


@lru_cache(maxsize=1)
def coverage_rules() -> pl.DataFrame:
    """seeds/air_screening_coverage.csv typed: period_kind, min_share_days, min_share_each_quarter."""
    table = read_seed("air_screening_coverage.csv").with_columns(
        pl.col("min_share_days").cast(pl.Float64), pl.col("min_share_each_quarter").cast(pl.Float64)
    )
    missing = {"year", "heating_season", "summer"} - set(table["period_kind"])
    if missing:
        raise ValueError(f"seeds/air_screening_coverage.csv: no row for {sorted(missing)}")
    return table


def _screening_value(rule: str) -> float:
    seed = read_seed("air_screening.csv").filter((pl.col("rule") == rule) & (pl.col("pollutant") == "*"))
    if seed.is_empty():
        raise ValueError(f"seeds/air_screening.csv: no row for rule {rule!r}")
    return float(seed["value"][0])


_year = coverage_rules().filter(pl.col("period_kind") == "year").row(0, named=True)
COMPLETE_SHARE: float = _year["min_share_days"]  # a year needs valid undoubted data on >= this share of its days
QUARTER_SHARE: float = _year["min_share_each_quarter"]  # ... and on >= this share of each quarter's days
MIN_VALID_HOURS = int(_screening_value("min_valid_hours"))  # an hourly-based day counts with >= this many hours
