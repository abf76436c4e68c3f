"""How a country compares with its neighbours, without Dash: latest values, ranks, freshness, honest trend axes.

Ranks: a country's latest value is ranked among the values of the five countries for the SAME year (like with
like); doubtful values (seeds/flags.csv, kind doubtful) are never ranked and never count as a neighbour's value;
macro context (population, the economy: deflators, exchange rates in local currencies) is never ranked. A rank
needs at least two values to compare; 1 is the highest value.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from assets.common.flags import add_flag, is_doubtful
from assets.common.geography import CENTRAL_ASIA
from assets.indicators.checks import beyond_freshness

# Themes of the catalogue that are context for the indicators, not indicators to compare (seeds/indicators.csv).
MACRO_THEMES = ("economy", "population")
MIN_RANKED = 2  # with one value there is nothing to compare


def is_macro(theme: str | None) -> bool:
    return (theme or "") in MACRO_THEMES


def latest_values(values: pl.DataFrame) -> pl.DataFrame:
    """The latest row of every (indicator, place) of `values` (indicator_id, geo_id, year, value, flags)."""
    return (
        values.filter(pl.col("value").is_not_null())
        .sort("indicator_id", "geo_id", "year")
        .group_by("indicator_id", "geo_id", maintain_order=True)
        .last()
    )


def ranks(latest: pl.DataFrame, values: pl.DataFrame, unranked: list[str] | None = None) -> pl.DataFrame:
    """indicator_id, geo_id, rank, n_ranked for every row of `latest`: the rank of its value among the trusted
    values of the five countries in the same year (null when the value is doubtful, the indicator is in
    `unranked`, or fewer than two countries have a trusted value that year). Ties share a rank."""
    trusted = values.filter(
        pl.col("geo_id").is_in(CENTRAL_ASIA) & pl.col("value").is_not_null() & ~is_doubtful(pl.col("flags"))
    ).select("indicator_id", "year", peer_value=pl.col("value"))
    rankable = latest.filter(
        pl.col("geo_id").is_in(CENTRAL_ASIA)
        & ~is_doubtful(pl.col("flags"))
        & ~pl.col("indicator_id").is_in(unranked or [])
    )
    counted = (
        rankable.select("indicator_id", "geo_id", "year", "value")
        .join(trusted, on=["indicator_id", "year"], how="inner")
        .group_by("indicator_id", "geo_id")
        .agg(
            rank=(pl.col("peer_value") > pl.col("value")).sum().cast(pl.Int64) + 1,
            n_ranked=pl.len().cast(pl.Int64),
        )
    )
    enough = pl.col("n_ranked") >= MIN_RANKED
    return (
        latest.select("indicator_id", "geo_id")
        .join(counted, on=["indicator_id", "geo_id"], how="left")
        .with_columns(rank=pl.when(enough).then(pl.col("rank")), n_ranked=pl.when(enough).then(pl.col("n_ranked")))
    )


def mark_stale(latest: pl.DataFrame, freshness: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    """`latest` with the `stale` flag added where this place's own latest year is beyond the indicator's
    freshness (the pipeline's rule, assets.indicators.checks.beyond_freshness, applied per place: one country can
    be stale while its neighbours are current). `freshness`: indicator_id, freshness_years."""
    joined = latest.join(freshness.select("indicator_id", "freshness_years"), on="indicator_id", how="left")
    already = pl.col("flags").fill_null("").str.split(";").list.contains("stale")
    stale = beyond_freshness(pl.col("year"), pl.col("freshness_years"), today).fill_null(False) & ~already
    return joined.with_columns(flags=add_flag(pl.col("flags").fill_null(""), "stale", stale)).select(latest.columns)


def trend_axis(values: list[float], unit: str | None = None) -> tuple[float, float]:
    """The value axis of a trend line: from zero for a series that never goes below zero (a share of 98 to 100
    is then a flat line near the top, not a crash), else from its lowest value; to its highest value. Shares
    in percent of a whole end at 100 at least when they come near it."""
    low, high = min(values), max(values)
    if low >= 0:
        low = 0.0
    if (unit or "").startswith("percent_of_") and high > 50:
        high = max(high, 100.0)
    if high == low:
        high = low + (abs(low) or 1.0)
    return float(low), float(high)


def comparison_rows(latest: pl.DataFrame, indicator_id: str, places: list[str]) -> list[dict | None]:
    """The latest row of each place for one indicator, in the order of `places` (None where it has none)."""
    rows = {r["geo_id"]: r for r in latest.filter(pl.col("indicator_id") == indicator_id).iter_rows(named=True)}
    return [rows.get(place) for place in places]
