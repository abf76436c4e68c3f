"""Screening of daily air values where they enter: impossible values stop the run, doubtful ones get a flag.

Every threshold, with its reason and source, is in seeds/air_screening.csv. Row rules (physical range,
plausible maximum) are declarative dataframely schemas; series rules (runs of one value, runs of zeros,
PM2.5 above PM10) are small polars functions. A doubtful value stays in the observations with its flag and
is left out of means, rankings, trends and threshold counts (assets.common.flags.is_doubtful).
"""

from __future__ import annotations

from dataclasses import dataclass

import dataframely as dy
import polars as pl

from assets.common.flags import add_flag
from assets.sources.catalogue import read_seed

ALL = "*"  # a seed row for every pollutant; a row naming the pollutant wins
POLLUTANTS = ("pm25", "pm10", "no2", "so2")
SERIES = ["city_id", "source_id", "pollutant"]
# The doubtful flags a screening rule sets (negative_as_published is set where the day is attributed).
SCREENING_FLAGS = (
    "implausible_air_value",
    "zero_run",
    "constant_run",
    "pm25_above_pm10",
    "pm25_pm10_indistinct",
    "negative_as_published",
)


class ImpossibleValuesError(ValueError):
    """Values no instrument can report in a source file: the run stops, the published snapshot stays."""


@dataclass(frozen=True)
class Screening:
    bounds: pl.DataFrame  # pollutant, physical_min, physical_max, plausible_max
    constant_run_days: int
    zero_run_days: int
    pm_relative_margin: float
    pm_absolute_margin: float
    pm_year_ratio_max: float
    pm_year_min_pairs: int
    min_valid_hours: int


def _value(seed: pl.DataFrame, rule: str, pollutant: str = ALL) -> float | None:
    rows = seed.filter(pl.col("rule") == rule)
    for wanted in (pollutant, ALL):
        match = rows.filter(pl.col("pollutant") == wanted)
        if match.height:
            return float(match["value"][0])
    return None


def _required(seed: pl.DataFrame, rule: str, pollutant: str = ALL) -> float:
    value = _value(seed, rule, pollutant)
    if value is None:
        raise ValueError(f"seeds/air_screening.csv: no row for rule {rule!r} (pollutant {pollutant})")
    return value


def load_screening(seed: pl.DataFrame | None = None) -> Screening:
    """The screening thresholds of seeds/air_screening.csv (or of `seed`), checked for completeness."""
    seed = read_seed("air_screening.csv") if seed is None else seed
    bounds = pl.DataFrame(
        {
            "pollutant": list(POLLUTANTS),
            "physical_min": [_required(seed, "physical_min", p) for p in POLLUTANTS],
            "physical_max": [_required(seed, "physical_max", p) for p in POLLUTANTS],
            "plausible_max": [_value(seed, "plausible_max", p) for p in POLLUTANTS],
        },
        schema={
            "pollutant": pl.String,
            "physical_min": pl.Float64,
            "physical_max": pl.Float64,
            "plausible_max": pl.Float64,
        },
    )
    return Screening(
        bounds=bounds,
        constant_run_days=int(_required(seed, "constant_run_min_days")),
        zero_run_days=int(_required(seed, "zero_run_min_days")),
        pm_relative_margin=_required(seed, "pm25_pm10_relative_margin"),
        pm_absolute_margin=_required(seed, "pm25_pm10_absolute_margin"),
        pm_year_ratio_max=_required(seed, "pm25_pm10_year_median_ratio_max"),
        pm_year_min_pairs=int(_required(seed, "pm25_pm10_year_min_pairs")),
        min_valid_hours=int(_required(seed, "min_valid_hours")),
    )


# ---------------------------------------------------------------- row rules (dataframely)


class PhysicalDay(dy.Schema):
    """A daily value an instrument could have reported: finite (NaN and ±inf fail on their own) and inside its
    pollutant's physical range; a pollutant without a declared range fails too."""

    row_id = dy.UInt32(nullable=False)
    value = dy.Float64(nullable=False)
    physical_min = dy.Float64(nullable=False)
    physical_max = dy.Float64(nullable=False)

    @dy.rule()
    def within_physical_range(cls) -> pl.Expr:
        return (pl.col("value") >= pl.col("physical_min")) & (pl.col("value") < pl.col("physical_max"))


class PlausibleDay(dy.Schema):
    """A daily value below its pollutant's plausible maximum (no maximum declared: every value passes)."""

    row_id = dy.UInt32(nullable=False)
    value = dy.Float64(nullable=False)
    plausible_max = dy.Float64(nullable=True)

    @dy.rule()
    def below_plausible_max(cls) -> pl.Expr:
        return pl.col("plausible_max").is_null() | (pl.col("value") < pl.col("plausible_max"))


def _failed_rows(schema: type[dy.Schema], rows: pl.DataFrame) -> pl.Series:
    _, failures = schema.filter(rows.select(schema.column_names()), cast=True)
    return failures.invalid()["row_id"]


def impossible_values(observations: pl.DataFrame, screening: Screening) -> pl.DataFrame:
    """Rows no instrument can have reported, each with its reason: source_id, source_row, city_id, pollutant,
    date, value, reason."""
    rows = observations.with_row_index("row_id").join(screening.bounds, on="pollutant", how="left")
    bad = rows.filter(pl.col("row_id").is_in(_failed_rows(PhysicalDay, rows).implode()))
    reason = (
        pl.when(pl.col("value").is_null() | ~pl.col("value").is_finite())
        .then(pl.lit("value is not a finite number"))
        .when(pl.col("physical_min").is_null())
        .then(pl.lit("no physical range is declared for pollutant ") + pl.col("pollutant"))
        .otherwise(
            pl.format(
                "value {} µg/m³ is outside the physical range [{}, {}) of {} (seeds/air_screening.csv)",
                pl.col("value"),
                pl.col("physical_min"),
                pl.col("physical_max"),
                pl.col("pollutant"),
            )
        )
    )
    return bad.select("source_id", "source_row", "city_id", "pollutant", "date", "value", reason=reason)


def impossible_message(impossible: pl.DataFrame, files: dict[str, str], limit: int = 20) -> str:
    """The reason a run stops: every impossible value (up to `limit`) by file and line."""
    lines = [
        f"{files.get(r['source_id'], r['source_id'])} line {r['source_row']}: {r['reason']}"
        for r in impossible.sort("source_id", "source_row").head(limit).iter_rows(named=True)
    ]
    more = f"\n... and {impossible.height - limit} more" if impossible.height > limit else ""
    return (
        f"{impossible.height} air value(s) no instrument can report; the run stops and the published snapshot "
        "stays as it was:\n" + "\n".join(lines) + more
    )


# ---------------------------------------------------------------- series rules (polars)


def with_runs(observations: pl.DataFrame) -> pl.DataFrame:
    """Adds run_length: how many consecutive calendar days of the same series carry exactly this day's value."""
    prev_value = pl.col("value").shift(1).over(SERIES)
    prev_date = pl.col("date").shift(1).over(SERIES)
    new_run = ((pl.col("value") != prev_value) | ((pl.col("date") - prev_date).dt.total_days() != 1)).fill_null(True)
    return (
        observations.sort(*SERIES, "date")
        .with_columns(_run=new_run.cum_sum().over(SERIES))
        .with_columns(run_length=pl.len().over(*SERIES, "_run").cast(pl.Int32))
        .drop("_run")
    )


def network(source_id: pl.Expr) -> pl.Expr:
    """One network's files of several pollutants (airdata_kz_other_pm25 / _pm10) share a place and a day."""
    return source_id.str.replace(r"_(pm25|pm10|no2|so2)$", "")


def _pm_pairs(observations: pl.DataFrame) -> pl.DataFrame:
    """PM2.5 and PM10 of one place, network and day side by side: city_id, network, date, pm25, pm10."""
    keys = ["city_id", "network", "date"]
    days = observations.with_columns(network=network(pl.col("source_id")))
    pm25 = days.filter(pl.col("pollutant") == "pm25").select(*keys, pm25="value")
    pm10 = days.filter(pl.col("pollutant") == "pm10").select(*keys, pm10="value")
    return pm25.join(pm10, on=keys, how="inner")


def pm25_above_pm10(observations: pl.DataFrame, relative: float, absolute: float) -> pl.DataFrame:
    """Place-days (city_id, network, date) where PM2.5 > PM10 x (1 + relative) + absolute in one network."""
    both = _pm_pairs(observations)
    return both.filter(pl.col("pm25") > pl.col("pm10") * (1 + relative) + absolute).select("city_id", "network", "date")


def pm_indistinct_years(observations: pl.DataFrame, max_ratio: float, min_pairs: int) -> pl.DataFrame:
    """Place-years (city_id, network, year, median_ratio) where the median PM2.5 / PM10 is >= max_ratio over at
    least min_pairs days with both (days with PM10 = 0 give no ratio)."""
    return (
        _pm_pairs(observations)
        .filter(pl.col("pm10") > 0)
        .group_by("city_id", "network", year=pl.col("date").dt.year().cast(pl.Int32))
        .agg(pairs=pl.len(), median_ratio=(pl.col("pm25") / pl.col("pm10")).median())
        .filter((pl.col("pairs") >= min_pairs) & (pl.col("median_ratio") >= max_ratio))
        .select("city_id", "network", "year", "median_ratio")
    )


def screen(observations: pl.DataFrame, screening: Screening) -> pl.DataFrame:
    """Observations with a doubtful flag on every value a screening rule fires on (order and rows unchanged)."""
    rows = observations.with_row_index("row_id").join(screening.bounds, on="pollutant", how="left")
    implausible = _failed_rows(PlausibleDay, rows).implode()
    pairs = pm25_above_pm10(observations, screening.pm_relative_margin, screening.pm_absolute_margin)
    pair_hit = (
        rows.with_columns(network=network(pl.col("source_id")))
        .join(pairs.with_columns(pair_hit=pl.lit(True)), on=["city_id", "network", "date"], how="left")
        .select("row_id", pair_hit=pl.col("pair_hit").fill_null(False) & pl.col("pollutant").is_in(["pm25", "pm10"]))
    )
    years = pm_indistinct_years(observations, screening.pm_year_ratio_max, screening.pm_year_min_pairs)
    year_hit = (
        rows.with_columns(network=network(pl.col("source_id")), year=pl.col("date").dt.year().cast(pl.Int32))
        .join(
            years.select("city_id", "network", "year", year_hit=pl.lit(True)),
            on=["city_id", "network", "year"],
            how="left",
        )
        .select("row_id", year_hit=pl.col("year_hit").fill_null(False) & pl.col("pollutant").is_in(["pm25", "pm10"]))
    )
    runs = with_runs(rows).select("row_id", "run_length")
    flags = pl.col("flags")
    return (
        rows.join(runs, on="row_id", how="left")
        .join(pair_hit, on="row_id", how="left")
        .join(year_hit, on="row_id", how="left")
        .sort("row_id")
        .with_columns(flags=add_flag(flags, "implausible_air_value", pl.col("row_id").is_in(implausible)))
        .with_columns(
            flags=add_flag(
                flags, "zero_run", (pl.col("value") == 0) & (pl.col("run_length") >= screening.zero_run_days)
            )
        )
        .with_columns(
            flags=add_flag(
                flags,
                "constant_run",
                (pl.col("value") != 0) & (pl.col("run_length") >= screening.constant_run_days),
            )
        )
        .with_columns(flags=add_flag(flags, "pm25_above_pm10", pl.col("pair_hit")))
        .with_columns(flags=add_flag(flags, "pm25_pm10_indistinct", pl.col("year_hit")))
        .select(observations.columns)
    )


EVENT_SCHEMA = pl.Schema(
    {
        "flag": pl.String,
        "city_id": pl.String,
        "source_id": pl.String,
        "pollutant": pl.String,
        "first_date": pl.Date,
        "last_date": pl.Date,
        "n_days": pl.Int32,
        "min_value": pl.Float64,
        "max_value": pl.Float64,
    }
)


def screening_events(observations: pl.DataFrame) -> pl.DataFrame:
    """Each stretch of consecutive days of one series that one screening flag covers, with its dates and values."""
    parts = []
    for flag in SCREENING_FLAGS:
        hit = observations.filter(pl.col("flags").fill_null("").str.split(";").list.contains(flag)).sort(
            *SERIES, "date"
        )
        if hit.is_empty():
            continue
        gap = (pl.col("date") - pl.col("date").shift(1).over(SERIES)).dt.total_days() != 1
        parts.append(
            hit.with_columns(_stretch=gap.fill_null(True).cum_sum().over(SERIES))
            .group_by(*SERIES, "_stretch")
            .agg(
                first_date=pl.col("date").min(),
                last_date=pl.col("date").max(),
                n_days=pl.len().cast(pl.Int32),
                min_value=pl.col("value").min(),
                max_value=pl.col("value").max(),
            )
            .with_columns(flag=pl.lit(flag))
            .select(list(EVENT_SCHEMA))
        )
    if not parts:
        return pl.DataFrame(schema=EVENT_SCHEMA)
    return pl.concat(parts).cast(EVENT_SCHEMA).sort("flag", *SERIES, "first_date")
