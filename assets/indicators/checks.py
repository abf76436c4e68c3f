"""Checks on the indicator table: pure functions, run by Dagster asset checks and again before publishing.

ERROR outcomes block publishing; WARN outcomes are published as flags on the values they concern.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from assets.common.checks import CheckOutcome
from assets.common.flags import add_flag
from assets.indicators.country import VALUES_SCHEMA


def _examples(df: pl.DataFrame, n: int = 5) -> str:
    return "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) for row in df.head(n).iter_rows(named=True))


def check_schema(values: pl.DataFrame) -> CheckOutcome:
    expected = dict(VALUES_SCHEMA)
    actual = dict(values.schema)
    problems = [f"{c}: expected {t}, found {actual.get(c)}" for c, t in expected.items() if actual.get(c) != t]
    extra = sorted(set(actual) - set(expected))
    if extra:
        problems.append(f"unexpected columns {extra}")
    nulls = [
        c
        for c in ("indicator_id", "geo_id", "year", "value", "unit", "source_id")
        if c in actual and values[c].null_count()
    ]
    problems += [f"{c} has {values[c].null_count()} empty value(s)" for c in nulls]
    return CheckOutcome(
        "schema", "ERROR", not problems, "; ".join(problems) or "columns and types as declared", len(problems)
    )


def check_units(values: pl.DataFrame, catalogue: pl.DataFrame, known_units: set[str]) -> CheckOutcome:
    declared = catalogue.select("indicator_id", declared_unit="unit")
    wrong = values.join(declared, on="indicator_id", how="left").filter(
        (pl.col("unit") != pl.col("declared_unit"))
        | pl.col("declared_unit").is_null()
        | ~pl.col("unit").is_in(sorted(known_units))
    )
    desc = (
        "every value carries its catalogue unit"
        if wrong.is_empty()
        else (
            f"{wrong.height} value(s) with a unit that differs from the catalogue or is not in seeds/units.csv: "
            + _examples(wrong.select("indicator_id", "geo_id", "year", "unit", "declared_unit").unique())
        )
    )
    return CheckOutcome("units", "ERROR", wrong.is_empty(), desc, wrong.height)


def check_duplicate_keys(values: pl.DataFrame) -> CheckOutcome:
    dup = values.filter(pl.struct("indicator_id", "geo_id", "year").is_duplicated())
    desc = (
        "one value per indicator, place and year"
        if dup.is_empty()
        else (f"{dup.height} rows share a key: " + _examples(dup.select("indicator_id", "geo_id", "year", "source_id")))
    )
    return CheckOutcome("duplicate_keys", "ERROR", dup.is_empty(), desc, dup.height)


def check_every_indicator_has_values(values: pl.DataFrame, catalogue: pl.DataFrame) -> CheckOutcome:
    empty = sorted(set(catalogue["indicator_id"]) - set(values["indicator_id"]))
    desc = "every catalogue indicator has values" if not empty else f"no values for {empty}"
    return CheckOutcome("indicators_present", "ERROR", not empty, desc, len(empty))


def out_of_range(values: pl.DataFrame, catalogue: pl.DataFrame) -> pl.Expr:
    return (pl.col("value") < pl.col("min_plausible")) | (pl.col("value") > pl.col("max_plausible"))


def check_ranges(values: pl.DataFrame, catalogue: pl.DataFrame) -> CheckOutcome:
    bounds = catalogue.select("indicator_id", "min_plausible", "max_plausible")
    bad = values.join(bounds, on="indicator_id").filter(out_of_range(values, catalogue))
    desc = (
        "all values inside their plausible ranges"
        if bad.is_empty()
        else (
            f"{bad.height} value(s) outside the catalogue's plausible range (flagged range_warning): "
            + _examples(bad.select("indicator_id", "geo_id", "year", "value", "min_plausible", "max_plausible"))
        )
    )
    return CheckOutcome("plausible_ranges", "WARN", bad.is_empty(), desc, bad.height)


def beyond_freshness(latest_year: pl.Expr, freshness_years: pl.Expr, today: dt.date) -> pl.Expr:
    """The freshness rule, written once: a latest year more than `freshness_years` before today's year is stale
    (the pipeline's `stale` flag, and the dashboard's word on one country's latest value)."""
    return (today.year - latest_year) > freshness_years


def stale_indicators(values: pl.DataFrame, catalogue: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    latest = values.group_by("indicator_id").agg(latest_year=pl.col("year").max())
    return latest.join(catalogue.select("indicator_id", "freshness_years"), on="indicator_id").filter(
        beyond_freshness(pl.col("latest_year"), pl.col("freshness_years"), today)
    )


def check_freshness(values: pl.DataFrame, catalogue: pl.DataFrame, today: dt.date) -> CheckOutcome:
    stale = stale_indicators(values, catalogue, today)
    desc = (
        "every indicator within its declared freshness"
        if stale.is_empty()
        else (
            f"{stale.height} indicator(s) older than their declared freshness (flagged stale): "
            + _examples(stale.sort("indicator_id"), 40)
        )
    )
    return CheckOutcome("freshness", "WARN", stale.is_empty(), desc, stale.height)


def _has(flag: str) -> pl.Expr:
    # Flags are applied once at country_values (before aggregates) and again on the whole table: never twice.
    return pl.col("flags").fill_null("").str.split(";").list.contains(flag)


def apply_warning_flags(values: pl.DataFrame, catalogue: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    """Publish warnings as flags on the values they concern."""
    bounds = catalogue.select("indicator_id", "min_plausible", "max_plausible")
    stale_ids = stale_indicators(values, catalogue, today)["indicator_id"].to_list()
    flagged = (
        values.join(bounds, on="indicator_id", how="left")
        .with_columns(
            flags=add_flag(
                pl.col("flags"),
                "range_warning",
                out_of_range(values, catalogue).fill_null(False) & ~_has("range_warning"),
            )
        )
        .with_columns(
            flags=add_flag(pl.col("flags"), "stale", pl.col("indicator_id").is_in(stale_ids) & ~_has("stale"))
        )
    )
    return flagged.select(values.columns)


def run_value_checks(
    values: pl.DataFrame, catalogue: pl.DataFrame, known_units: set[str], today: dt.date
) -> list[CheckOutcome]:
    return [
        check_schema(values),
        check_units(values, catalogue, known_units),
        check_duplicate_keys(values),
        check_every_indicator_has_values(values, catalogue),
        check_ranges(values, catalogue),
        check_freshness(values, catalogue, today),
    ]


def blocking_failures(outcomes: list[CheckOutcome]) -> list[CheckOutcome]:
    return [o for o in outcomes if o.severity == "ERROR" and not o.passed]
