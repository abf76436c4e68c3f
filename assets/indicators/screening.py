"""Screening of country indicator values where they enter: impossible values block, doubtful ones are flagged.

Every threshold lives in seeds/ with its reason: physical_ranges.csv (impossible: the run fails naming the
file and row), series_breaks.csv (the USSR split before 1992, a currency redenomination), and
per_capita_consistency.csv (per capita x population against the total). Pure polars functions; the Dagster
asset and its checks only call them.
"""

from __future__ import annotations

import polars as pl

from assets.common.checks import CheckOutcome
from assets.common.flags import add_flag
from assets.sources.catalogue import read_seed, sources


class ImpossibleValueError(ValueError):
    """A source value no measurement or estimate can give (NaN, infinite, outside the physical range)."""


def physical_ranges() -> pl.DataFrame:
    return read_seed("physical_ranges.csv").with_columns(
        pl.col("min_physical").cast(pl.Float64), pl.col("max_physical").cast(pl.Float64)
    )


def series_breaks() -> pl.DataFrame:
    return read_seed("series_breaks.csv").with_columns(
        pl.col("first_year").cast(pl.Int32), pl.col("last_year").cast(pl.Int32), pl.col("geo_ids").str.split(";")
    )


def per_capita_rules() -> pl.DataFrame:
    return read_seed("per_capita_consistency.csv").with_columns(
        pl.col("factor").cast(pl.Float64), pl.col("tolerance").cast(pl.Float64)
    )


def impossible_values(values: pl.DataFrame, ranges: pl.DataFrame) -> pl.DataFrame:
    """Rows whose value is NaN, infinite, or outside its unit's physical range (or whose unit has none)."""
    joined = values.join(ranges.select("unit", "min_physical", "max_physical", "reason"), on="unit", how="left")
    return joined.filter(
        pl.col("value").is_nan()
        | pl.col("value").is_infinite()
        | pl.col("min_physical").is_null()
        | (pl.col("value") < pl.col("min_physical"))
        | (pl.col("value") > pl.col("max_physical"))
    )


def describe_impossible(bad: pl.DataFrame, n: int = 5) -> str:
    """Each blocked value with the source file and the row it came from (place, year, variable), and why."""
    paths = {s.source_id: s.mirror_path for s in sources().values()}
    parts = []
    for row in bad.head(n).iter_rows(named=True):
        why = (
            "no physical range is declared for its unit in seeds/physical_ranges.csv"
            if row["min_physical"] is None
            else f"outside the physical range {row['min_physical']:g} to {row['max_physical']:g} ({row['reason']})"
        )
        parts.append(
            f"{paths.get(row['source_id'], row['source_id'])} (source {row['source_id']}), row {row['geo_id']} "
            f"{row['year']} ({row.get('variable') or row['indicator_id']}): {row['value']!r} {row['unit']} is "
            f"impossible: {why}"
        )
    more = f"; and {bad.height - n} more" if bad.height > n else ""
    return "; ".join(parts) + more


def check_physical(values: pl.DataFrame) -> CheckOutcome:
    bad = impossible_values(values, physical_ranges())
    desc = (
        "every value inside its unit's physical range"
        if bad.is_empty()
        else f"{bad.height} impossible value(s), publishing blocked: " + describe_impossible(bad)
    )
    return CheckOutcome("physical_ranges", "ERROR", bad.is_empty(), desc, bad.height)


def block_impossible(values: pl.DataFrame) -> None:
    """Raise, naming file, row and reason, when a source gives an impossible value: the run fails and the
    snapshot in service stays."""
    bad = impossible_values(values, physical_ranges())
    if bad.height:
        raise ImpossibleValueError(f"{bad.height} impossible value(s) in the sources: " + describe_impossible(bad))


def flag_series_breaks(values: pl.DataFrame, breaks: pl.DataFrame) -> pl.DataFrame:
    """Flag the values a declared series break covers (source, indicator, places, years)."""
    covered = (
        breaks.explode("geo_ids")
        .select(
            "source_id",
            "indicator_id",
            "flag",
            geo_id="geo_ids",
            year=pl.int_ranges("first_year", pl.col("last_year") + 1),
        )
        .explode("year")
        .with_columns(pl.col("year").cast(pl.Int32))
    )
    out = values
    for flag in covered["flag"].unique().sort():
        keys = (
            covered.filter(pl.col("flag") == flag)
            .select("source_id", "indicator_id", "geo_id", "year", _hit=pl.lit(True))
            .unique()
        )
        out = (
            out.join(keys, on=["source_id", "indicator_id", "geo_id", "year"], how="left", maintain_order="left")
            .with_columns(flags=add_flag(pl.col("flags"), flag, pl.col("_hit").fill_null(False)))
            .drop("_hit")
        )
    return out


def per_capita_gaps(values: pl.DataFrame, rules: pl.DataFrame) -> pl.DataFrame:
    """Per rule, country and year: per capita x population x factor against the total, with the relative gap."""
    parts = []
    for rule in rules.iter_rows(named=True):

        def series(indicator_id: str, name: str) -> pl.DataFrame:
            return values.filter(pl.col("indicator_id") == indicator_id).select(
                "geo_id", "year", pl.col("value").alias(name)
            )

        joined = (
            series(rule["per_capita_indicator"], "per_capita")
            .join(series(rule["total_indicator"], "total"), on=["geo_id", "year"])
            .join(series(rule["population_indicator"], "population"), on=["geo_id", "year"])
            .with_columns(
                indicator_id=pl.lit(rule["per_capita_indicator"]),
                tolerance=pl.lit(rule["tolerance"]),
                flag=pl.lit(rule["flag"]),
                gap=(pl.col("per_capita") * pl.col("population") * rule["factor"] / pl.col("total") - 1).abs(),
            )
        )
        parts.append(joined.filter(pl.col("total") != 0))
    if not parts:
        return pl.DataFrame()
    return pl.concat(parts).with_columns(inconsistent=pl.col("gap") > pl.col("tolerance"))


def per_capita_breaks(values: pl.DataFrame, rules: pl.DataFrame) -> pl.DataFrame:
    """(indicator_id, geo_id, year, flag) of per-capita values to flag: the years whose gap exceeds the tolerance,
    and, where a country's last year with a total is such a year, every later per-capita year (a break holds
    until the series is shown to match again; the total of a newer year is not out yet)."""
    gaps = per_capita_gaps(values, rules)
    if gaps.is_empty():
        return pl.DataFrame(
            schema={"indicator_id": pl.String, "geo_id": pl.String, "year": pl.Int32, "flag": pl.String}
        )
    inconsistent = gaps.filter(pl.col("inconsistent")).select("indicator_id", "geo_id", "year", "flag")
    last = (
        gaps.sort("year")
        .group_by("indicator_id", "geo_id", "flag")
        .agg(last_year=pl.col("year").last(), last_inconsistent=pl.col("inconsistent").last())
    )
    after = (
        values.join(last.filter(pl.col("last_inconsistent")), on=["indicator_id", "geo_id"])
        .filter(pl.col("year") > pl.col("last_year"))
        .select("indicator_id", "geo_id", "year", "flag")
    )
    return pl.concat([inconsistent, after]).unique()


def flag_per_capita(values: pl.DataFrame, rules: pl.DataFrame) -> pl.DataFrame:
    """Flag per-capita values that do not match population x total within the seed's tolerance."""
    breaks = per_capita_breaks(values, rules)
    out = values
    for flag in rules["flag"].unique().sort():
        keys = breaks.filter(pl.col("flag") == flag).select("indicator_id", "geo_id", "year", _hit=pl.lit(True))
        out = (
            out.join(keys, on=["indicator_id", "geo_id", "year"], how="left", maintain_order="left")
            .with_columns(flags=add_flag(pl.col("flags"), flag, pl.col("_hit").fill_null(False)))
            .drop("_hit")
        )
    return out


def screen(values: pl.DataFrame) -> pl.DataFrame:
    """Block the impossible, flag the doubtful: the one entry point of the country_values asset."""
    block_impossible(values)
    return flag_per_capita(flag_series_breaks(values, series_breaks()), per_capita_rules())


def screening_outcomes(values: pl.DataFrame) -> list[CheckOutcome]:
    """What the screening found, for the Dagster asset checks beside country_values (WARN: flags published)."""
    outcomes = [check_physical(values)]
    for flag, name in (
        ("ussr_split_estimate", "ussr_split"),
        ("currency_redenominated", "currency_redenomination"),
        ("per_capita_inconsistent", "per_capita_consistency"),
    ):
        hit = values.filter(pl.col("flags").str.split(";").list.contains(flag))
        examples = "; ".join(
            f"{i} {g} {y}" for i, g, y in hit.select("indicator_id", "geo_id", "year").head(5).iter_rows()
        )
        desc = f"{hit.height} value(s) flagged {flag}" + (f", e.g. {examples}" if examples else "")
        outcomes.append(CheckOutcome(name, "WARN", hit.is_empty(), desc, hit.height))
    return outcomes
