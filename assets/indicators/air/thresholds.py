"""Air thresholds: the cited registry (seeds/air_thresholds.csv) and the days above each 24-hour threshold."""

from __future__ import annotations

import polars as pl

from assets.common.flags import is_doubtful
from assets.indicators.air.rules import UNIT


def thresholds_registry(seed: pl.DataFrame) -> pl.DataFrame:
    """seeds/air_thresholds.csv typed; a row without a value is a documented gap, kept so the page can show it."""
    cited = pl.col("document").fill_null("").str.len_chars().gt(0) & pl.col("table_ref").fill_null(
        ""
    ).str.len_chars().gt(0)
    return seed.with_columns(value=pl.col("value").cast(pl.Float64, strict=False), cited=cited)


def uncited_thresholds(registry: pl.DataFrame) -> pl.DataFrame:
    return registry.filter(pl.col("value").is_not_null() & ~pl.col("cited"))


def exceedances(observations: pl.DataFrame, stats: pl.DataFrame, registry: pl.DataFrame) -> pl.DataFrame:
    """Days above each registered 24-hour threshold, per city, source, pollutant and year.

    Only days that count and that no screening rule flagged as doubtful are compared (value > threshold). The
    year's completeness travels with the count:
    in an incomplete year the count is a lower bound, and status says so.
    """
    daily_thresholds = registry.filter((pl.col("averaging") == "24h") & pl.col("value").is_not_null()).select(
        "threshold_id", "pollutant", "level", threshold="value"
    )
    counted = observations.filter(pl.col("day_counts") & ~is_doubtful(pl.col("flags"))).join(
        daily_thresholds, on="pollutant", how="inner"
    )
    agg = counted.group_by("city_id", "source_id", "pollutant", "year", "threshold_id", "level", "threshold").agg(
        days_above=(pl.col("value") > pl.col("threshold")).sum().cast(pl.Int32),
    )
    annual = stats.filter(pl.col("period_kind") == "year").select(
        "city_id", "source_id", "pollutant", "year", "days_in_period", "days_with_data", "complete"
    )
    return (
        agg.join(annual, on=["city_id", "source_id", "pollutant", "year"], how="left")
        .with_columns(
            share_above=pl.col("days_above") / pl.col("days_with_data"),
            unit=pl.lit(UNIT),
            status=pl.when(pl.col("complete"))
            .then(pl.lit("complete"))
            .otherwise(pl.lit("incomplete year: count is a lower bound")),
        )
        .select(
            "city_id",
            "source_id",
            "pollutant",
            "year",
            "threshold_id",
            "level",
            "threshold",
            "unit",
            "days_above",
            "days_with_data",
            "days_in_period",
            "share_above",
            "complete",
            "status",
        )
        .sort("city_id", "source_id", "pollutant", "year", "threshold_id")
    )
