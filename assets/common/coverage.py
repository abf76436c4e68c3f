"""Central Asia aggregates: published only where the countries covered hold enough of the five countries' people.

A country without a value is never counted as zero: it lowers the coverage, the population share of the
countries that have a value. Every regional figure (spine indicators, climate finance) applies this one rule.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from assets.common.geography import CENTRAL_ASIA

MIN_POPULATION_COVERAGE = 0.8  # a regional figure only where covered countries hold >= 80 % of the population


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


def with_population_coverage(
    covered: pl.DataFrame, population: pl.DataFrame, *extra: pl.Expr, how: Literal["inner", "left"] = "inner"
) -> pl.DataFrame:
    """`covered` (rows with year and `covered_population`, the population of the countries that have a value)
    with the year's `total_population` (and `extra`, see region_population), `coverage_pop_share` and
    `published`: whether the share reaches MIN_POPULATION_COVERAGE.

    how="inner" drops the years without a total population; "left" keeps them, with no share and unpublished."""
    return (
        covered.join(region_population(population, *extra), on="year", how=how)
        .with_columns(coverage_pop_share=pl.col("covered_population") / pl.col("total_population"))
        .with_columns(published=pl.col("coverage_pop_share") >= MIN_POPULATION_COVERAGE)
    )
