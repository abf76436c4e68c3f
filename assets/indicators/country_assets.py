"""Step 3, indicators: the long indicator table, region aggregates, geometry (Aral & Caspian: aral_caspian_assets)."""

from __future__ import annotations

import datetime as dt

import polars as pl
from dagster import AssetCheckResult, AssetIn, AssetKey, AssetsDefinition, asset, asset_check

from assets.common.checks import CheckOutcome, check_result
from assets.common.keys import WAREHOUSE_SCHEMA, by_source, raw_key, staged_ins, staged_key
from assets.common.keys import indicators_key as key
from assets.common.settings import Settings
from assets.indicators import checks, screening
from assets.indicators import country as indicators
from assets.indicators.aral_caspian import dahiti_annual_staged
from assets.indicators.aral_caspian_assets import aral_caspian_assets
from assets.sources.catalogue import read_seed, sources
from assets.sources.fetch import read_provenance

GROUP = "indicators"
_catalogue = indicators.indicator_catalogue().filter(pl.col("selector") != indicators.THEME_SELECTOR)
CATALOGUE_SOURCES = sorted(
    (set(_catalogue["source_id"]) | set(indicators.precedence_sources(indicators.source_precedence())))
    - {"caspian_dahiti"}
)
GEO_SOURCES = sorted(s.source_id for s in sources().values() if s.format == "geojson")


@asset(
    key=key("country_values"),
    group_name=GROUP,
    ins={
        **staged_ins(CATALOGUE_SOURCES),
        "caspian_annual": AssetIn(key=key("caspian_level_annual")),
    },
    description="Every catalogue indicator for countries and seas, converted to its catalogue unit, screened: "
    "impossible values fail the run (file, row, reason); series breaks, per-capita breaks and out-of-range "
    "values are flagged.",
)
def country_values(context, caspian_annual: pl.DataFrame, **staged: pl.DataFrame) -> pl.DataFrame:
    sources_staged = by_source(staged)
    sources_staged["caspian_dahiti"] = dahiti_annual_staged(caspian_annual.filter(pl.col("datum") == "dahiti"))
    catalogue = indicators.indicator_catalogue()
    values = indicators.build_indicator_values(
        sources_staged, catalogue, indicators.unit_conversions(), indicators.source_precedence()
    )
    # Impossible values stop the run here (file, row, reason); doubtful ones are flagged before any aggregate.
    values = checks.apply_warning_flags(screening.screen(values), catalogue, dt.date.today())
    context.add_output_metadata({"indicators": values["indicator_id"].n_unique()})
    return values


@asset(
    key=key("region_aggregates"),
    group_name=GROUP,
    ins={"values": AssetIn(key=key("country_values"))},
    description="Central Asia (5 countries) aggregates by the coverage rule of each method "
    "(seeds/coverage_rules.csv): sums only with all five countries, means with 80 % of the population; "
    "doubtful values left out; the covered countries named.",
)
def region_aggregates(values: pl.DataFrame) -> pl.DataFrame:
    return indicators.region_aggregates(values, indicators.indicator_catalogue())


def build_indicator_values(theme_value_keys: list[AssetKey]) -> AssetsDefinition:
    """The one long table: country values, published aggregates, and each theme's headline values."""

    @asset(
        key=key("indicator_values"),
        group_name=GROUP,
        ins={
            "values": AssetIn(key=key("country_values")),
            "aggregates": AssetIn(key=key("region_aggregates")),
            **{f"t_{i}": AssetIn(key=k) for i, k in enumerate(theme_value_keys)},
        },
        description="The one long table every view reads: countries, seas, regional aggregates and theme "
        "headline values, with flags.",
    )
    def indicator_values(values: pl.DataFrame, aggregates: pl.DataFrame, **theme_values: pl.DataFrame) -> pl.DataFrame:
        catalogue = indicators.indicator_catalogue()
        combined = indicators.with_published_aggregates(values, aggregates, catalogue)
        combined = pl.concat(
            [
                combined,
                *(
                    v.select(list(indicators.VALUES_SCHEMA)).cast(indicators.VALUES_SCHEMA)
                    for v in theme_values.values()
                ),
            ]
        )
        return checks.apply_warning_flags(combined, catalogue, dt.date.today())

    return indicator_values


@asset(
    key=key("geo_features"),
    group_name=GROUP,
    ins={f"g_{sid}": AssetIn(key=staged_key(sid)) for sid in GEO_SOURCES},
    description="Natural Earth features of every geo source, one table with a layer column.",
)
def geo_features(**layers: pl.DataFrame) -> pl.DataFrame:
    return pl.concat([f.with_columns(layer=pl.lit(name.removeprefix("g_"))) for name, f in layers.items()])


@asset(
    key=key("provenance"),
    group_name=GROUP,
    deps=[raw_key(sid) for sid in sources()],
    description="Every version of every raw file: URL, retrieval time, sha256, bytes, licence.",
    metadata={WAREHOUSE_SCHEMA: "sources"},  # a record of the sources, not an indicator
    required_resource_keys={"settings"},
)
def provenance(context) -> pl.DataFrame:
    settings: Settings = context.resources.settings
    rows = read_provenance(settings.raw_dir)
    return pl.DataFrame(rows).select(
        "source_id", "version", "url", "retrieved_at", "sha256", "bytes", "licence", "path"
    )


def _value_check(name: str, blocking: bool):
    @asset_check(
        asset=key("indicator_values"),
        name=name,
        blocking=blocking,
        description=f"{name} ({'blocks publishing' if blocking else 'published as flags'})",
    )
    def _check(indicator_values: pl.DataFrame) -> AssetCheckResult:
        return check_result(next(o for o in run_checks(indicator_values) if o.check_name == name))

    return _check


def run_checks(values: pl.DataFrame) -> list[CheckOutcome]:
    known_units = set(read_seed("units.csv")["unit"])
    outcomes = checks.run_value_checks(values, indicators.indicator_catalogue(), known_units, dt.date.today())
    # The screening's outcomes too, so check_results (and the quality report) say what was flagged and blocked.
    return [*outcomes, *screening.screening_outcomes(values)]


def _screening_check(name: str):
    @asset_check(
        asset=key("country_values"),
        name=name,
        blocking=name == "physical_ranges",
        description=f"screening: {name} (seeds/physical_ranges.csv, series_breaks.csv, per_capita_consistency.csv)",
    )
    def _check(country_values: pl.DataFrame) -> AssetCheckResult:
        return check_result(next(o for o in screening.screening_outcomes(country_values) if o.check_name == name))

    return _check


SCREENING_CHECKS = ("physical_ranges", "ussr_split", "currency_redenomination", "per_capita_consistency")


VALUE_CHECKS = {
    "schema": True,
    "units": True,
    "duplicate_keys": True,
    "indicators_present": True,
    "plausible_ranges": False,
    "freshness": False,
    "physical_ranges": True,
}
indicator_checks = [
    *(_value_check(name, blocking) for name, blocking in VALUE_CHECKS.items()),
    *(_screening_check(name) for name in SCREENING_CHECKS),
]

indicator_assets = [
    *aral_caspian_assets,
    country_values,
    region_aggregates,
    geo_features,
    provenance,
]
