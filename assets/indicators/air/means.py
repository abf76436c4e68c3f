"""Air completeness and means per year, heating season and summer; winter/summer ratios, trends and rankings."""

from __future__ import annotations

import datetime as dt

import polars as pl

from assets.indicators.air.rules import COMPLETE_SHARE, MIN_TREND_YEARS, UNIT

HEATING_MONTHS = (10, 11, 12, 1, 2, 3, 4)  # October to April; the other months are summer

PERIOD_SCHEMA = pl.Schema(
    {
        "city_id": pl.String,
        "source_id": pl.String,
        "pollutant": pl.String,
        "period_kind": pl.String,
        "period": pl.String,
        "year": pl.Int32,
        "period_start": pl.Date,
        "period_end": pl.Date,
        "days_in_period": pl.Int32,
        "days_with_data": pl.Int32,
        "completeness": pl.Float64,
        "complete": pl.Boolean,
        "mean": pl.Float64,
        "unit": pl.String,
        "status": pl.String,
    }
)


def assign_periods(observations: pl.DataFrame) -> pl.DataFrame:
    """Each observation under each period it belongs to: its calendar year, and its heating season or summer.

    Heating season 'Y/Y+1' runs 1 October Y to 30 April Y+1 (keyed by Y); summer 'Y' is May to September.
    """
    month = pl.col("date").dt.month()
    year = pl.col("date").dt.year()
    annual = observations.with_columns(period_kind=pl.lit("year"), pyear=year)
    season = observations.with_columns(
        period_kind=pl.when(month.is_in(HEATING_MONTHS)).then(pl.lit("heating_season")).otherwise(pl.lit("summer")),
        pyear=pl.when(month <= 4).then(year - 1).otherwise(year),
    )
    return pl.concat([annual, season]).with_columns(pl.col("pyear").cast(pl.Int32))


def _period_bounds(kind: str, year: int) -> tuple[dt.date, dt.date]:
    if kind == "year":
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if kind == "heating_season":
        return dt.date(year, 10, 1), dt.date(year + 1, 4, 30)
    return dt.date(year, 5, 1), dt.date(year, 9, 30)


def period_label(kind: str, year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}" if kind == "heating_season" else str(year)


def period_stats(observations: pl.DataFrame, complete_share: float = COMPLETE_SHARE) -> pl.DataFrame:
    """Completeness and mean per city, source, pollutant and period (year, heating season, summer).

    days_with_data counts distinct days that count (see day_counts_rule). The mean (of those days) is
    given only when days_with_data / days_in_period >= complete_share; otherwise it is null and the
    status says 'incomplete'.
    """
    keys = ["city_id", "source_id", "pollutant", "period_kind", "pyear"]
    agg = (
        assign_periods(observations.filter(pl.col("day_counts")))
        .group_by(keys)
        .agg(days_with_data=pl.col("date").n_unique(), day_mean=pl.col("value").mean(), unit=pl.col("unit").first())
    )
    # Periods where the series published something but no day counts still appear, as incomplete.
    seen = assign_periods(observations).select(keys).unique()
    agg = seen.join(agg, on=keys, how="left").with_columns(
        pl.col("days_with_data").fill_null(0), pl.col("unit").fill_null(UNIT)
    )
    bounds = pl.DataFrame(
        [
            {
                "period_kind": k,
                "pyear": y,
                "period_start": s,
                "period_end": e,
                "days_in_period": (e - s).days + 1,
                "period": period_label(k, y),
            }
            for k, y in agg.select("period_kind", "pyear").unique().iter_rows()
            for s, e in [_period_bounds(k, y)]
        ],
        schema={
            "period_kind": pl.String,
            "pyear": pl.Int32,
            "period_start": pl.Date,
            "period_end": pl.Date,
            "days_in_period": pl.Int32,
            "period": pl.String,
        },
    )
    out = (
        agg.join(bounds, on=["period_kind", "pyear"], how="left")
        .with_columns(
            completeness=pl.col("days_with_data") / pl.col("days_in_period"),
        )
        .with_columns(complete=pl.col("completeness") >= complete_share)
        .with_columns(
            mean=pl.when(pl.col("complete")).then(pl.col("day_mean")).otherwise(None),
            status=pl.when(pl.col("complete")).then(pl.lit("complete")).otherwise(pl.lit("incomplete")),
        )
        .rename({"pyear": "year"})
    )
    return (
        out.select(list(PERIOD_SCHEMA))
        .cast(PERIOD_SCHEMA)
        .sort("city_id", "source_id", "pollutant", "period_kind", "year")
    )


def season_ratios(stats: pl.DataFrame) -> pl.DataFrame:
    """Heating season Y/Y+1 mean over the summer (May-September) mean of year Y; only where both are complete."""
    winter = stats.filter(pl.col("period_kind") == "heating_season").select(
        "city_id",
        "source_id",
        "pollutant",
        "year",
        "unit",
        season="period",
        winter_mean="mean",
        winter_complete="complete",
    )
    summer = stats.filter(pl.col("period_kind") == "summer").select(
        "city_id", "source_id", "pollutant", "year", summer_mean="mean", summer_complete="complete"
    )
    both = winter.join(summer, on=["city_id", "source_id", "pollutant", "year"], how="inner")
    ok = pl.col("winter_complete") & pl.col("summer_complete")
    return (
        both.with_columns(
            ratio=pl.when(ok).then(pl.col("winter_mean") / pl.col("summer_mean")).otherwise(None),
            status=pl.when(ok).then(pl.lit("complete")).otherwise(pl.lit("incomplete")),
        )
        .select(
            "city_id",
            "source_id",
            "pollutant",
            "year",
            "season",
            "winter_mean",
            "summer_mean",
            "unit",
            "ratio",
            "status",
        )
        .sort("city_id", "source_id", "pollutant", "year")
    )


def ols_slope(years: list[int], values: list[float]) -> float | None:
    n = len(years)
    if n < 2:
        return None
    my, mv = sum(years) / n, sum(values) / n
    sxx = sum((y - my) ** 2 for y in years)
    return sum((y - my) * (v - mv) for y, v in zip(years, values, strict=False)) / sxx if sxx else None


def trends(stats: pl.DataFrame, min_years: int = MIN_TREND_YEARS) -> pl.DataFrame:
    """Least-squares slope of the complete annual means (µg/m³ per year); stated only with >= min_years of them."""
    annual = stats.filter((pl.col("period_kind") == "year") & pl.col("complete")).sort("year")
    rows = []
    for (city, source, pollutant), group in annual.group_by(["city_id", "source_id", "pollutant"], maintain_order=True):
        years, values = group["year"].to_list(), group["mean"].to_list()
        enough = len(years) >= min_years
        rows.append(
            {
                "city_id": city,
                "source_id": source,
                "pollutant": pollutant,
                "n_complete_years": len(years),
                "first_year": years[0],
                "last_year": years[-1],
                "slope_per_year": ols_slope(years, values) if enough else None,
                "unit": f"{UNIT}_per_year",
                "status": "ok" if enough else f"fewer than {min_years} complete years",
            }
        )
    schema = {
        "city_id": pl.String,
        "source_id": pl.String,
        "pollutant": pl.String,
        "n_complete_years": pl.Int32,
        "first_year": pl.Int32,
        "last_year": pl.Int32,
        "slope_per_year": pl.Float64,
        "unit": pl.String,
        "status": pl.String,
    }
    return pl.DataFrame(rows, schema=schema).sort("city_id", "source_id", "pollutant")


def rankings(stats: pl.DataFrame) -> pl.DataFrame:
    """Cities ranked by complete annual mean per pollutant and year (1 = most polluted); incomplete years unranked."""
    annual = stats.filter((pl.col("period_kind") == "year") & pl.col("complete"))
    return (
        annual.with_columns(
            rank=pl.col("mean").rank("min", descending=True).over("pollutant", "year").cast(pl.Int32),
            n_ranked=pl.len().over("pollutant", "year").cast(pl.Int32),
        )
        .select("pollutant", "year", "rank", "n_ranked", "city_id", "source_id", "mean", "unit")
        .sort("pollutant", "year", "rank")
    )
