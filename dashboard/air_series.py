"""Views of one daily air series that the /air page draws: a trailing mean and a calendar grid."""

from __future__ import annotations

import polars as pl

from assets.common.flags import is_doubtful
from assets.indicators.air.rules import COMPLETE_SHARE

ROLLING_DAYS = 30


def usable(daily: pl.DataFrame) -> pl.Expr:
    """Days that count and that no screening rule flagged as doubtful (those are drawn apart, with their flag)."""
    return pl.col("day_counts") & ~is_doubtful(pl.col("flags"))


def rolling_mean(
    daily: pl.DataFrame, window: int = ROLLING_DAYS, complete_share: float = COMPLETE_SHARE
) -> pl.DataFrame:
    """Trailing mean over `window` calendar days (not rows), given only where >= complete_share of them have data.

    `daily` has date, value, day_counts and flags; days that do not count or are doubtful are left out, gaps stay
    gaps.
    """
    counted = daily.filter(usable(daily)).select("date", "value").sort("date")
    if counted.is_empty():
        return pl.DataFrame(schema={"date": pl.Date, "rolling_mean": pl.Float64})
    calendar = counted.select(date=pl.date_range(pl.col("date").min(), pl.col("date").max(), "1d"))
    min_days = int(-(-window * complete_share // 1))  # ceil
    return calendar.join(counted, on="date", how="left").select(
        "date", rolling_mean=pl.col("value").rolling_mean(window_size=window, min_samples=min_days)
    )


def calendar_grid(daily: pl.DataFrame, year: int) -> list[list[float | None]]:
    """12 x 31 values (month x day of month) of one year; None where there is no usable day or no such date."""
    grid: list[list[float | None]] = [[None] * 31 for _ in range(12)]
    rows = daily.filter(usable(daily) & (pl.col("date").dt.year() == year)).select("date", "value")
    for day, value in rows.iter_rows():
        grid[day.month - 1][day.day - 1] = value
    return grid
