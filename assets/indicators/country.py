"""Indicators step: staged source frames -> one long table of indicator values, and the region aggregates.

Pure polars functions; the Dagster assets in assets/definitions_*.py only call them.
"""

from __future__ import annotations

import polars as pl

from assets.common.coverage import with_population_coverage
from assets.common.flags import add_flag, is_doubtful
from assets.common.geography import CENTRAL_ASIA, REGION_ID
from assets.sources.catalogue import read_seed

VALUES_SCHEMA = pl.Schema(
    {
        "indicator_id": pl.String,
        "geo_id": pl.String,
        "year": pl.Int32,
        "value": pl.Float64,
        "unit": pl.String,
        "source_id": pl.String,
        "flags": pl.String,
    }
)
THEME_SELECTOR = "theme"  # catalogue entries computed by a theme's own assets (assets/themes.py)


class UnitError(ValueError):
    """An indicator whose raw and published units have no declared conversion."""


def indicator_catalogue() -> pl.DataFrame:
    return read_seed("indicators.csv").with_columns(
        pl.col("freshness_years").cast(pl.Int32),
        pl.col("min_plausible").cast(pl.Float64),
        pl.col("max_plausible").cast(pl.Float64),
    )


def unit_conversions() -> pl.DataFrame:
    return read_seed("unit_conversions.csv").with_columns(pl.col("factor").cast(pl.Float64))


def conversion_factor(raw_unit: str, unit: str, conversions: pl.DataFrame) -> float:
    """The declared factor from raw_unit to unit; never guessed."""
    match = conversions.filter((pl.col("raw_unit") == raw_unit) & (pl.col("unit") == unit))
    if match.height != 1:
        raise UnitError(f"no conversion declared from {raw_unit!r} to {unit!r} in seeds/unit_conversions.csv")
    return match["factor"][0]


def select_indicator(staged: pl.DataFrame, entry: dict, conversions: pl.DataFrame) -> pl.DataFrame:
    """One catalogue entry's values: the selected variable, converted to the published unit."""
    factor = conversion_factor(entry["raw_unit"], entry["unit"], conversions)
    picked = staged.filter(pl.col("variable") == entry["selector"])
    if picked.is_empty():
        raise KeyError(
            f"indicator {entry['indicator_id']}: source {entry['source_id']} has no variable {entry['selector']!r}"
        )
    return picked.select(
        indicator_id=pl.lit(entry["indicator_id"]),
        geo_id="geo_id",
        year="year",
        value=pl.col("value") * factor,
        unit=pl.lit(entry["unit"]),
        source_id=pl.lit(entry["source_id"]),
        flags="flags",
    )


def source_precedence() -> pl.DataFrame:
    """seeds/source_precedence.csv: for an indicator and place, the source that wins over the catalogue's, and why."""
    return read_seed("source_precedence.csv")


def precedence_sources(precedence: pl.DataFrame) -> list[str]:
    return sorted(set(precedence["source_id"]))


def apply_precedence(
    values: pl.DataFrame,
    staged_by_source: dict[str, pl.DataFrame],
    catalogue: pl.DataFrame,
    precedence: pl.DataFrame,
    conversions: pl.DataFrame,
) -> pl.DataFrame:
    """Where seeds/source_precedence.csv names a winning source for an indicator and place, its whole series
    for that place replaces the catalogue source's (two releases are never joined in one line)."""
    entries = {e["indicator_id"]: e for e in catalogue.iter_rows(named=True)}
    for rule in precedence.iter_rows(named=True):
        entry = {**entries[rule["indicator_id"]], **{k: rule[k] for k in ("source_id", "selector", "raw_unit")}}
        if rule["source_id"] not in staged_by_source:
            raise KeyError(f"source_precedence: source {rule['source_id']} was not staged")
        winner = select_indicator(staged_by_source[rule["source_id"]], entry, conversions).filter(
            pl.col("geo_id") == rule["geo_id"]
        )
        if winner.is_empty():
            raise KeyError(
                f"source_precedence: {rule['source_id']} has no {rule['selector']!r} for {rule['geo_id']}; "
                "fix seeds/source_precedence.csv"
            )
        keep = ~((pl.col("indicator_id") == rule["indicator_id"]) & (pl.col("geo_id") == rule["geo_id"]))
        values = pl.concat([values.filter(keep), winner.cast(VALUES_SCHEMA)])
    return values


def build_indicator_values(
    staged_by_source: dict[str, pl.DataFrame],
    catalogue: pl.DataFrame,
    conversions: pl.DataFrame,
    precedence: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The long table for every catalogue indicator (country and water-body level; no aggregates yet)."""
    parts = []
    for entry in catalogue.filter(pl.col("selector") != THEME_SELECTOR).iter_rows(named=True):
        if entry["source_id"] not in staged_by_source:
            raise KeyError(f"indicator {entry['indicator_id']}: source {entry['source_id']} was not staged")
        parts.append(select_indicator(staged_by_source[entry["source_id"]], entry, conversions))
    values = pl.concat(parts).cast(VALUES_SCHEMA)
    if precedence is not None:
        values = apply_precedence(values, staged_by_source, catalogue, precedence, conversions)
    return values.sort("indicator_id", "geo_id", "year")


def population_weights(values: pl.DataFrame) -> pl.DataFrame:
    """Population of the five countries per year (UN WPP; projections keep their flag)."""
    return values.filter((pl.col("indicator_id") == "population") & pl.col("geo_id").is_in(CENTRAL_ASIA)).select(
        "geo_id", "year", population="value", population_projected=pl.col("flags").str.contains("projection")
    )


def region_aggregates(values: pl.DataFrame, catalogue: pl.DataFrame) -> pl.DataFrame:
    """Central Asia aggregates by each indicator's declared method and the coverage rule of that method
    (seeds/coverage_rules.csv; see assets/common/coverage.py).

    Doubtful values (a screening rule fired) are left out, as missing countries are: never counted as zero.
    Sums stand for Central Asia only where all five countries have a value (status `published`); otherwise the
    sum of the named countries is kept in `covered_set_value` (status `covered_set_only`), never as Central
    Asia. Means stand where the covered countries hold enough of the people (else `insufficient_coverage`).
    `country_set_changed` marks a year whose covered set differs from the previous year's, where trends stop.
    """
    weights = population_weights(values)
    methods = catalogue.filter(pl.col("aggregation").is_in(["sum", "pop_weighted_mean"])).select(
        "indicator_id", "aggregation"
    )
    country = (
        values.filter(pl.col("geo_id").is_in(CENTRAL_ASIA) & ~is_doubtful(pl.col("flags")))
        .join(methods, on="indicator_id")
        .join(weights, on=["geo_id", "year"], how="left")
    )
    # The aggregated value must carry the flags of what went into it (projections in particular).
    grouped = country.group_by("indicator_id", "year", "aggregation", "unit").agg(
        covered=pl.col("geo_id").sort(),
        n_covered=pl.len(),
        covered_population=pl.col("population").sum(),
        value_sum=pl.col("value").sum(),
        weighted_sum=(pl.col("value") * pl.col("population")).sum(),
        input_projection=pl.col("flags").str.contains("projection").any(),
    )
    any_projection = pl.col("population_projected").any().alias("any_projection")
    out = (
        with_population_coverage(grouped, weights, any_projection, how="left")
        .with_columns(
            raw_value=pl.when(pl.col("aggregation") == "sum")
            .then(pl.col("value_sum"))
            # A mean needs the weights: without population figures (before 1950) there is none.
            .when(pl.col("covered_population") > 0)
            .then(pl.col("weighted_sum") / pl.col("covered_population")),
        )
        .with_columns(published=pl.col("published") & pl.col("raw_value").is_not_null())
    )
    flags = add_flag(pl.lit(""), "projection", pl.col("any_projection") | pl.col("input_projection"))
    flags = add_flag(
        flags, "partial_coverage", pl.col("published") & (pl.col("covered").list.len() < len(CENTRAL_ASIA))
    )
    set_only = ~pl.col("published") & (pl.col("aggregation") == "sum")
    status = (
        pl.when(pl.col("published"))
        .then(pl.lit("published"))
        .when(set_only)
        .then(pl.lit("covered_set_only"))
        .otherwise(pl.lit("insufficient_coverage"))
    )
    return (
        out.select(
            "indicator_id",
            geo_id=pl.lit(REGION_ID),
            year=pl.col("year").cast(pl.Int32),
            value=pl.when(pl.col("published")).then(pl.col("raw_value")),
            covered_set_value=pl.when(set_only).then(pl.col("raw_value")),
            unit="unit",
            aggregation="aggregation",
            covered_iso3=pl.col("covered").list.join(";"),
            coverage_pop_share=pl.col("coverage_pop_share").fill_null(0.0),
            status=status,
            flags=flags.fill_null(""),
        )
        .sort("indicator_id", "year")
        .with_columns(
            country_set_changed=(
                pl.col("covered_iso3") != pl.col("covered_iso3").shift(1).over("indicator_id")
            ).fill_null(False)
        )
    )


def with_published_aggregates(values: pl.DataFrame, aggregates: pl.DataFrame, catalogue: pl.DataFrame) -> pl.DataFrame:
    source_of = catalogue.select("indicator_id", "source_id")
    regional = (
        aggregates.filter(pl.col("status") == "published")
        .join(source_of, on="indicator_id")
        .select(list(VALUES_SCHEMA))
    )
    return pl.concat([values, regional.cast(VALUES_SCHEMA)]).sort("indicator_id", "geo_id", "year")
