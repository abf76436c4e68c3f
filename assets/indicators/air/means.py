"""Air completeness and means per year, heating season and summer; winter/summer ratios, trends and rankings."""

from __future__ import annotations

import datetime as dt

import polars as pl

from assets.common.flags import doubtful_flags, is_doubtful
from assets.indicators.air.rules import MIN_TREND_YEARS, RANKED_PLACE_KIND, RANKED_STATISTIC, UNIT, coverage_rules

HEATING_MONTHS = (10, 11, 12, 1, 2, 3, 4)  # October to April; the other months are summer

PERIOD_SCHEMA = pl.Schema(
    {
        "city_id": pl.String,
        "source_id": pl.String,
        "pollutant": pl.String,
        "statistic": pl.String,  # the daily value the mean is of: daily_mean or daily_median
        "period_kind": pl.String,
        "period": pl.String,
        "year": pl.Int32,
        "period_start": pl.Date,
        "period_end": pl.Date,
        "days_in_period": pl.Int32,
        "days_with_data": pl.Int32,  # valid days that count, doubtful ones not included
        "days_doubtful": pl.Int32,  # days a screening rule flagged: left out of the mean and the completeness
        "completeness": pl.Float64,
        "min_quarter_share": pl.Float64,  # the lowest share of days with data in any quarter of the period
        "complete": pl.Boolean,
        "mean": pl.Float64,
        "unit": pl.String,
        "status": pl.String,  # complete | incomplete (too few days) | incomplete_quarter (a quarter too thin)
        "flags": pl.String,  # the information flags of its days (source caveats), ';'-joined
    }
)
KEYS = ["city_id", "source_id", "pollutant", "period_kind", "pyear"]


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


def _quarter(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def period_parts(kind: str, year: int) -> dict[tuple[int, int], int]:
    """The calendar quarters a period overlaps, each with its number of days inside the period.

    A year has four; a heating season three (October-December, January-March, April); a summer two
    (May-June, July-September)."""
    start, end = _period_bounds(kind, year)
    parts: dict[tuple[int, int], int] = {}
    day = start
    while day <= end:
        parts[_quarter(day)] = parts.get(_quarter(day), 0) + 1
        day += dt.timedelta(days=1)
    return parts


def _calendar(periods: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(bounds per period, days per quarter-part of each period) for the periods present."""
    bounds, parts = [], []
    for kind, year in periods.select("period_kind", "pyear").unique().iter_rows():
        start, end = _period_bounds(kind, year)
        label = period_label(kind, year)
        bounds.append((kind, year, start, end, (end - start).days + 1, label))
        parts += [(kind, year, qy, q, n) for (qy, q), n in period_parts(kind, year).items()]
    bounds_schema = {
        "period_kind": pl.String,
        "pyear": pl.Int32,
        "period_start": pl.Date,
        "period_end": pl.Date,
        "days_in_period": pl.Int32,
        "period": pl.String,
    }
    parts_schema = {
        "period_kind": pl.String,
        "pyear": pl.Int32,
        "qyear": pl.Int32,
        "quarter": pl.Int8,
        "days": pl.Int32,
    }
    return (
        pl.DataFrame(bounds, schema=bounds_schema, orient="row"),
        pl.DataFrame(parts, schema=parts_schema, orient="row"),
    )


def _info_flags(flags: pl.Expr) -> pl.Expr:
    """The distinct information flags of a period's days (doubtful ones are counted, not listed)."""
    words = flags.fill_null("").str.split(";").list.explode(keep_nulls=False, empty_as_null=False)
    return words.filter((words != "") & ~words.is_in(sorted(doubtful_flags()))).unique().sort().str.join(";")


def period_stats(observations: pl.DataFrame, coverage: pl.DataFrame | None = None) -> pl.DataFrame:
    """Completeness and mean per city, source, pollutant and period (year, heating season, summer).

    A day counts when it is valid (see day_counts_rule) and no screening rule flagged it as doubtful.
    The mean (of those days) is given only when the period is complete by seeds/air_screening_coverage.csv:
    enough of its days (min_share_days) AND enough of the days of each quarter it overlaps
    (min_share_each_quarter), so a year with its winter missing is not complete. Otherwise mean is null and
    status says why.
    """
    rules = coverage_rules() if coverage is None else coverage
    counted = observations.filter(pl.col("day_counts") & ~is_doubtful(pl.col("flags")))
    periods = assign_periods(observations)
    agg = (
        assign_periods(counted)
        .group_by(KEYS)
        .agg(days_with_data=pl.col("date").n_unique(), day_mean=pl.col("value").mean())
    )
    seen = periods.group_by(KEYS).agg(
        days_doubtful=is_doubtful(pl.col("flags")).sum(),
        statistic=pl.col("statistic").first(),
        unit=pl.col("unit").first(),
        flags=_info_flags(pl.col("flags")),
    )
    bounds, parts = _calendar(seen)
    by_part = (
        assign_periods(counted)
        .with_columns(qyear=pl.col("date").dt.year().cast(pl.Int32), quarter=pl.col("date").dt.quarter().cast(pl.Int8))
        .group_by(*KEYS, "qyear", "quarter")
        .agg(part_days=pl.col("date").n_unique())
    )
    quarter_share = (
        seen.select(KEYS)
        .join(parts, on=["period_kind", "pyear"], how="inner")
        .join(by_part, on=[*KEYS, "qyear", "quarter"], how="left")
        .group_by(KEYS)
        .agg(min_quarter_share=(pl.col("part_days").fill_null(0) / pl.col("days")).min())
    )
    out = (
        seen.join(agg, on=KEYS, how="left")
        .join(quarter_share, on=KEYS, how="left")
        .join(bounds, on=["period_kind", "pyear"], how="left")
        .join(rules.select("period_kind", "min_share_days", "min_share_each_quarter"), on="period_kind", how="left")
        .with_columns(
            pl.col("days_with_data").fill_null(0),
            pl.col("unit").fill_null(UNIT),
            completeness=pl.col("days_with_data").fill_null(0) / pl.col("days_in_period"),
        )
        .with_columns(
            enough_days=pl.col("completeness") >= pl.col("min_share_days"),
            enough_quarters=pl.col("min_quarter_share") >= pl.col("min_share_each_quarter"),
        )
        .with_columns(complete=pl.col("enough_days") & pl.col("enough_quarters"))
        .with_columns(
            mean=pl.when(pl.col("complete")).then(pl.col("day_mean")).otherwise(None),
            status=pl.when(pl.col("complete"))
            .then(pl.lit("complete"))
            .when(pl.col("enough_days"))
            .then(pl.lit("incomplete_quarter"))
            .otherwise(pl.lit("incomplete")),
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


RANKING_SCHEMA = pl.Schema(
    {
        "pollutant": pl.String,
        "year": pl.Int32,
        "rank": pl.Int32,
        "n_ranked": pl.Int32,
        "city_id": pl.String,
        "source_id": pl.String,
        "mean": pl.Float64,
        "unit": pl.String,
        "days_with_data": pl.Int32,
        "days_in_period": pl.Int32,
        "days_doubtful": pl.Int32,
        "flags": pl.String,
    }
)


def _rankable(stats: pl.DataFrame, cities: pl.DataFrame) -> pl.Expr:
    kinds = cities.select("city_id", "place_kind")
    return pl.col("city_id").is_in(kinds.filter(pl.col("place_kind") == RANKED_PLACE_KIND)["city_id"].implode())


def rankings(stats: pl.DataFrame, cities: pl.DataFrame) -> pl.DataFrame:
    """Cities ranked by complete annual mean per pollutant and year (1 = most polluted), like with like.

    Only means of daily means (a mean of daily medians is not comparable), only places that are one city (a
    cluster of towns is not ranked as a city), only complete years (doubtful days already left out of the mean
    and the completeness). A city with several series of one pollutant in a year would be ranked once, by the
    series with the most days; ranking_exclusions says what was left out and why.
    """
    annual = stats.filter(
        (pl.col("period_kind") == "year")
        & pl.col("complete")
        & (pl.col("statistic") == RANKED_STATISTIC)
        & _rankable(stats, cities)
    )
    one_per_city = annual.sort("days_with_data", "source_id", descending=[True, False]).unique(
        ["city_id", "pollutant", "year"], keep="first"
    )
    return (
        one_per_city.with_columns(
            rank=pl.col("mean").rank("min", descending=True).over("pollutant", "year").cast(pl.Int32),
            n_ranked=pl.len().over("pollutant", "year").cast(pl.Int32),
        )
        .select(list(RANKING_SCHEMA))
        .cast(RANKING_SCHEMA)
        .sort("pollutant", "year", "rank", "city_id")
    )


EXCLUSION_SCHEMA = pl.Schema(
    {
        "pollutant": pl.String,
        "city_id": pl.String,
        "source_id": pl.String,
        "reason": pl.String,  # daily_median | not_a_city | no_complete_year | second_series
        "n_years": pl.Int32,
        "n_complete_years": pl.Int32,
        "days_doubtful": pl.Int32,
        "flags": pl.String,
    }
)


def ranking_exclusions(stats: pl.DataFrame, ranks: pl.DataFrame, cities: pl.DataFrame) -> pl.DataFrame:
    """Every (city, source, pollutant) series that no ranking holds, with the first reason that applies.

    Reasons: daily_median (its daily value is a median, not a mean), not_a_city (a cluster of towns),
    no_complete_year (no year meets the coverage rule once doubtful days are left out; days_doubtful says how
    many), second_series (the city is ranked by another series of the pollutant).
    """
    annual = stats.filter(pl.col("period_kind") == "year")
    series = annual.group_by("pollutant", "city_id", "source_id").agg(
        n_years=pl.len().cast(pl.Int32),
        n_complete_years=pl.col("complete").sum().cast(pl.Int32),
        days_doubtful=pl.col("days_doubtful").sum().cast(pl.Int32),
        statistic=pl.col("statistic").first(),
        flags=pl.col("flags").first(),
    )
    ranked = ranks.select("pollutant", "city_id", "source_id").unique().with_columns(ranked=pl.lit(True))
    reason = (
        pl.when(pl.col("statistic") != RANKED_STATISTIC)
        .then(pl.lit("daily_median"))
        .when(~_rankable(stats, cities))
        .then(pl.lit("not_a_city"))
        .when(pl.col("n_complete_years") == 0)
        .then(pl.lit("no_complete_year"))
        .otherwise(pl.lit("second_series"))
    )
    return (
        series.join(ranked, on=["pollutant", "city_id", "source_id"], how="left")
        .filter(pl.col("ranked").is_null())
        .with_columns(reason=reason)
        .select(list(EXCLUSION_SCHEMA))
        .cast(EXCLUSION_SCHEMA)
        .sort("pollutant", "reason", "city_id", "source_id")
    )
