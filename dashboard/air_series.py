"""Views of one daily air series that the /air page draws: a trailing mean and a calendar grid."""

from __future__ import annotations

import polars as pl

from assets.indicators.air.rules import COMPLETE_SHARE

ROLLING_DAYS = 30


def rolling_mean(
    daily: pl.DataFrame, window: int = ROLLING_DAYS, complete_share: float = COMPLETE_SHARE
) -> pl.DataFrame:
    """Trailing mean over `window` calendar days (not rows), given only where >= complete_share of them have data.

    `daily` has date, value and day_counts; days that do not count are left out, gaps stay gaps.
    """
    counted = daily.filter(pl.col("day_counts")).select("date", "value").sort("date")
    if counted.is_empty():
        return pl.DataFrame(schema={"date": pl.Date, "rolling_mean": pl.Float64})
    calendar = counted.select(date=pl.date_range(pl.col("date").min(), pl.col("date").max(), "1d"))
    min_days = int(-(-window * complete_share // 1))  # ceil
    return calendar.join(counted, on="date", how="left").select(
        "date", rolling_mean=pl.col("value").rolling_mean(window_size=window, min_samples=min_days)
    )


def calendar_grid(daily: pl.DataFrame, year: int) -> list[list[float | None]]:
    """12 x 31 values (month x day of month) of one year; None where there is no counted day or no such date."""
    grid: list[list[float | None]] = [[None] * 31 for _ in range(12)]
    rows = daily.filter(pl.col("day_counts") & (pl.col("date").dt.year() == year)).select("date", "value")
    for day, value in rows.iter_rows():
        grid[day.month - 1][day.day - 1] = value
    return grid
