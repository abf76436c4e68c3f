"""Climate-related finance indicators (OECD CRS): per country, and for Central Asia only in the years in which all
five countries have CRS rows (money: seeds/coverage_rules.csv, rule all_countries; population says nothing
about money).

The CRS counts a whole activity when climate is one of its significant objectives (Rio markers), so every
value is an upper bound and says so in its flags.
"""

from __future__ import annotations

import polars as pl

from assets.common.coverage import with_population_coverage
from assets.common.geography import CENTRAL_ASIA, REGION_ID
from assets.indicators.country import VALUES_SCHEMA
from assets.indicators.funding.fact_table import counted

FINANCE_INDICATORS = {
    "climate_finance_crs": "million_usd_current",
    "climate_finance_crs_constant": "million_usd_crs_constant",
    "climate_finance_crs_per_capita": "usd_current_per_person",
    "climate_finance_crs_share_gdp": "percent_of_gdp",
}


def crs_country_year(facts: pl.DataFrame) -> pl.DataFrame:
    """CRS climate-related disbursements per recipient and year, current and constant (US$ million)."""
    crs = counted(facts).filter(pl.col("source_id") == "oecd_crs_climate")
    return (
        crs.group_by("recipient_geo", "year")
        .agg(
            current=pl.col("amount").filter(pl.col("amount_unit") == "million_usd_current").sum(),
            constant=pl.col("amount").filter(pl.col("amount_unit") == "million_usd_crs_constant").sum(),
        )
        .rename({"recipient_geo": "geo_id"})
        .sort("geo_id", "year")
    )


def finance_indicator_values(facts: pl.DataFrame, country_values: pl.DataFrame) -> pl.DataFrame:
    """Climate-related finance (OECD CRS) per country and year, per capita (UN WPP population) and as a share
    of GDP (WDI current US$), plus the Central Asia total in the years all five countries have CRS rows.

    A country with no CRS row in a year is not counted as zero: that year has no Central Asia total. The
    regional ratio is the sum of amounts over the sum of population (or GDP) of the same countries."""
    amounts = crs_country_year(facts)
    population = country_values.filter(pl.col("indicator_id") == "population").select(
        "geo_id", "year", population_million="value", pop_flags="flags"
    )
    gdp = country_values.filter(pl.col("indicator_id") == "gdp_current_usd").select(
        "geo_id", "year", gdp_billion="value"
    )
    joined = amounts.join(population, on=["geo_id", "year"], how="left").join(gdp, on=["geo_id", "year"], how="left")
    country = (
        pl.concat(
            [
                joined.select(
                    indicator_id=pl.lit("climate_finance_crs"), geo_id="geo_id", year="year", value="current"
                ),
                joined.select(
                    indicator_id=pl.lit("climate_finance_crs_constant"), geo_id="geo_id", year="year", value="constant"
                ),
                # US$ million / million persons = US$ per person.
                joined.select(
                    indicator_id=pl.lit("climate_finance_crs_per_capita"),
                    geo_id="geo_id",
                    year="year",
                    value=pl.col("current") / pl.col("population_million"),
                ),
                # US$ million / (US$ billion x 1000) x 100 = percent.
                joined.select(
                    indicator_id=pl.lit("climate_finance_crs_share_gdp"),
                    geo_id="geo_id",
                    year="year",
                    value=pl.col("current") / (pl.col("gdp_billion") * 1000) * 100,
                ),
            ]
        )
        .filter(pl.col("value").is_not_null())
        .with_columns(flags=pl.lit("rio_marker_upper_bound"))
    )
    region = crs_region_totals(joined, population)
    values = pl.concat([country, region]).with_columns(
        unit=pl.col("indicator_id").replace_strict(FINANCE_INDICATORS),
        source_id=pl.lit("oecd_crs_climate"),
    )
    return (
        values.select(list(VALUES_SCHEMA))
        .cast({"year": pl.Int32, "value": pl.Float64})
        .sort("indicator_id", "geo_id", "year")
    )


def crs_region_totals(joined: pl.DataFrame, population: pl.DataFrame) -> pl.DataFrame:
    """The Central Asia values of the finance indicators, for the years in which all five countries have CRS
    rows (a sum of money: the all_countries rule of seeds/coverage_rules.csv): the regional ratio is the sum of
    amounts over the sum of population (or GDP) of the same countries."""
    per_year = (
        joined.filter(pl.col("geo_id").is_in(CENTRAL_ASIA))
        .group_by("year")
        .agg(
            current=pl.col("current").sum(),
            constant=pl.col("constant").sum(),
            covered_population=pl.col("population_million").sum(),
            n_covered=pl.len(),
            gdp_amount=pl.col("current").filter(pl.col("gdp_billion").is_not_null()).sum(),
            gdp_sum=pl.col("gdp_billion").sum(),
            n_gdp=pl.col("gdp_billion").is_not_null().sum(),
        )
    )
    population = population.select("geo_id", "year", population="population_million")
    published = with_population_coverage(per_year, population, aggregation="sum").filter(pl.col("published"))
    flags = pl.lit("rio_marker_upper_bound")  # every published year covers all five: no partial coverage
    values = {
        "climate_finance_crs": (published, pl.col("current"), flags),
        "climate_finance_crs_constant": (published, pl.col("constant"), flags),
        "climate_finance_crs_per_capita": (published, pl.col("current") / pl.col("covered_population"), flags),
        # A ratio of sums of money: only where every country has its GDP too (all_countries rule).
        "climate_finance_crs_share_gdp": (
            published.filter(pl.col("n_gdp") == len(CENTRAL_ASIA)),
            pl.col("gdp_amount") / (pl.col("gdp_sum") * 1000) * 100,
            flags,
        ),
    }
    return pl.concat(
        rows.select(indicator_id=pl.lit(indicator_id), geo_id=pl.lit(REGION_ID), year="year", value=value, flags=f)
        for indicator_id, (rows, value, f) in values.items()
    )


def crs_region_coverage(facts: pl.DataFrame, country_values: pl.DataFrame) -> pl.DataFrame:
    """Per year: which of the five countries have CRS rows, their share of the five's population, and whether
    the year has a Central Asia total (all five countries; otherwise only the named countries' sum)."""
    amounts = crs_country_year(facts).filter(pl.col("geo_id").is_in(CENTRAL_ASIA))
    population = country_values.filter(pl.col("indicator_id") == "population").select(
        "geo_id", "year", population="value"
    )
    covered = (
        amounts.join(population, on=["geo_id", "year"], how="left")
        .group_by("year")
        .agg(
            covered_iso3=pl.col("geo_id").sort().str.join(";"),
            covered_population=pl.col("population").sum(),
            n_covered=pl.len(),
        )
    )
    return (
        with_population_coverage(covered, population, aggregation="sum")
        .select("year", "covered_iso3", "coverage_pop_share", "published")
        .sort("year")
    )


def crs_breakdown(facts: pl.DataFrame, country_values: pl.DataFrame) -> pl.DataFrame:
    """CRS climate-related disbursements by donor, by theme (sector group) and by flow, per country and year,
    with US$ per person; Central Asia rows only for the years in which all five countries have CRS rows."""
    crs = counted(facts).filter(
        (pl.col("source_id") == "oecd_crs_climate") & (pl.col("amount_unit") == "million_usd_current")
    )
    complete_years = (
        crs.filter(pl.col("recipient_geo").is_in(CENTRAL_ASIA))
        .group_by("year")
        .agg(n=pl.col("recipient_geo").n_unique())
        .filter(pl.col("n") == len(CENTRAL_ASIA))["year"]
    )
    population = country_values.filter(pl.col("indicator_id") == "population").select("geo_id", "year", pop="value")
    parts = []
    for dimension, column in (("donor", "donor"), ("theme", "theme"), ("flow", "instrument")):
        by_country = (
            crs.group_by("recipient_geo", "year", column)
            .agg(amount=pl.col("amount").sum())
            .select(
                geo_id="recipient_geo",
                year="year",
                dimension=pl.lit(dimension),
                category=pl.col(column),
                amount="amount",
            )
        )
        region = (
            by_country.filter(pl.col("geo_id").is_in(CENTRAL_ASIA) & pl.col("year").is_in(complete_years.implode()))
            .group_by("year", "dimension", "category")
            .agg(amount=pl.col("amount").sum())
            .with_columns(geo_id=pl.lit(REGION_ID))
        )
        parts += [by_country, region.select(by_country.columns)]
    out = pl.concat(parts).join(population, on=["geo_id", "year"], how="left")
    return out.select(
        "geo_id",
        "year",
        "dimension",
        "category",
        amount_million_usd_current="amount",
        usd_per_person=pl.col("amount") / pl.col("pop"),  # CA5 has no population row here: per person left empty
    ).sort("dimension", "geo_id", "year", "category")
