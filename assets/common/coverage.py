"""Central Asia aggregates: the coverage rule that fits each quantity (seeds/coverage_rules.csv).

A country without a value is never counted as zero. Sums (money, emissions, people) and ratios of sums are
published for Central Asia only where all five countries have a value: population says nothing about money
(one country with 13 % of the people received 61 % of a year's climate finance). Otherwise the sum is of the
named countries only (`covered_iso3`), never "Central Asia". Population-weighted means keep the population
rule: published where the covered countries hold at least the seed's share of the five countries' people.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import polars as pl

from assets.common.geography import CENTRAL_ASIA
from assets.sources.catalogue import read_seed

ALL_COUNTRIES = "all_countries"
POPULATION_SHARE = "population_share"


@lru_cache(maxsize=1)
def coverage_rules() -> pl.DataFrame:
    """aggregation -> rule (all_countries | population_share), min_population_share, reason."""
    rules = read_seed("coverage_rules.csv").with_columns(pl.col("min_population_share").cast(pl.Float64))
    bad = rules.filter(~pl.col("rule").is_in([ALL_COUNTRIES, POPULATION_SHARE]))
    if bad.height:
        raise ValueError(f"seeds/coverage_rules.csv: unknown rule(s) {bad['rule'].to_list()}")
    return rules


def _population_share_rule() -> float:
    share = coverage_rules().filter(pl.col("rule") == POPULATION_SHARE)["min_population_share"]
    return float(share.drop_nulls()[0])


# The population share a population-weighted mean needs (seeds/coverage_rules.csv; pages quote it).
MIN_POPULATION_COVERAGE = _population_share_rule()


def region_population(population: pl.DataFrame, *extra: pl.Expr) -> pl.DataFrame:
    """Per year, the five countries' population together (`total_population`), only for the years in which
    all five have a figure. `population` has geo_id, year and population; `extra` aggregates more over the
    same rows (whether a figure is projected, say)."""
    return (
        population.filter(pl.col("geo_id").is_in(CENTRAL_ASIA))
        .group_by("year")
        .agg(*extra, total_population=pl.col("population").sum(), n_countries=pl.len())
        .filter(pl.col("n_countries") == len(CENTRAL_ASIA))
        .drop("n_countries")
    )


def published_under_rule(aggregation: pl.Expr, n_covered: pl.Expr, coverage_share: pl.Expr) -> pl.Expr:
    """Whether a regional value may be published as Central Asia, by the rule of its aggregation method."""
    rules = coverage_rules()
    all_countries = rules.filter(pl.col("rule") == ALL_COUNTRIES)["aggregation"].to_list()
    by_share = rules.filter(pl.col("rule") == POPULATION_SHARE)
    result = pl.lit(False)
    for method, share in by_share.select("aggregation", "min_population_share").iter_rows():
        result = pl.when(aggregation == method).then(coverage_share.fill_null(0.0) >= share).otherwise(result)
    return (
        pl.when(aggregation.is_in(all_countries))
        .then(n_covered == len(CENTRAL_ASIA))
        .otherwise(result)
        .fill_null(False)
    )


def with_population_coverage(
    covered: pl.DataFrame,
    population: pl.DataFrame,
    *extra: pl.Expr,
    how: Literal["inner", "left"] = "inner",
    aggregation: str = "pop_weighted_mean",
) -> pl.DataFrame:
    """`covered` (rows with year, `covered_population` and `n_covered`, or `aggregation`) with the year's
    `total_population` (and `extra`, see region_population), `coverage_pop_share` and `published`: whether the
    rule of the aggregation method (a column `aggregation`, else the argument) lets it stand for Central Asia.

    how="inner" drops the years without a total population; "left" keeps them, with no share."""
    out = covered.join(region_population(population, *extra), on="year", how=how)
    n_covered = pl.col("n_covered") if "n_covered" in out.columns else pl.lit(0)
    # All five covered is the whole population, also in years without population figures (sums before 1950).
    out = out.with_columns(
        coverage_pop_share=pl.when(n_covered == len(CENTRAL_ASIA))
        .then(pl.lit(1.0))
        .otherwise(pl.col("covered_population") / pl.col("total_population"))
    )
    method = pl.col("aggregation") if "aggregation" in out.columns else pl.lit(aggregation)
    return out.with_columns(published=published_under_rule(method, n_covered, pl.col("coverage_pop_share")))
