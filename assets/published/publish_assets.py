"""Step 4, published: one complete read-only snapshot, swapped in atomically (assets/snapshots.py)."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from dagster import AssetIn, AssetKey, AssetsDefinition, Failure, MaterializeResult, asset

from assets.common.checks import CheckOutcome
from assets.common.keys import indicators_key as key
from assets.common.settings import SEEDS_DIR, Settings
from assets.indicators import checks
from assets.indicators.country_assets import run_checks
from assets.published import snapshots
from assets.sources.catalogue import read_seed

# A theme's publish-time check: the snapshot's tables in, (outcome, asset name) pairs out.
ThemeCheck = Callable[[dict[str, pl.DataFrame]], list[tuple[CheckOutcome, str]]]

PUBLISHED_TABLES = {
    name: key(name)
    for name in [
        "indicator_values",
        "region_aggregates",
        "aral_area",
        "caspian_level_obs",
        "caspian_level_annual",
        "caspian_datum_difference",
        "geo_features",
        "provenance",
    ]
}
SEED_TABLES = {
    "indicators": "indicators.csv",
    "units": "units.csv",
    "geographies": "geographies.csv",
    "sources": "sources.csv",
    "summit_directions": "summit_directions.csv",
    # The legend of the flags (kind and words in ru/en/kk): pages, exports and the quality report read it here.
    "flags": "flags.csv",
    # What each source's licence lets users do: every open-data outlet (API, SDMX, data package) carries it.
    "licences": "licences.csv",
    # Publishers' names in Russian and Kazakh: pages in those languages name a source's publisher in them.
    "publishers": "publishers.csv",
    # What cited sources state about an indicator beyond the catalogue (SDG code, next update): the indicator pages.
    "indicator_metadata": "indicator_metadata.csv",
    # Display titles of the seed documents that facts cite (`seed-docs/<file>:L<n>`): pages name the document.
    "seed_documents": "seed_documents.csv",
}


def seed_tables() -> dict[str, pl.DataFrame]:
    return {name: read_seed(file) for name, file in SEED_TABLES.items() if (SEEDS_DIR / file).exists()}


def build_published_snapshot(tables: dict[str, AssetKey], theme_checks: list[ThemeCheck]) -> AssetsDefinition:
    """`tables` maps a snapshot table name to the asset that holds it (the spine's and each theme's);
    `theme_checks` are pure functions over those tables whose ERROR outcomes also block publishing."""

    @asset(
        key=AssetKey(["published", "snapshot"]),
        group_name="published",
        ins={name: AssetIn(key=k) for name, k in tables.items()},
        description="Checks the indicator table once more, then writes and swaps in a new serving snapshot.",
        required_resource_keys={"settings"},
    )
    def published_snapshot(context, **tables: pl.DataFrame) -> MaterializeResult:
        settings: Settings = context.resources.settings
        outcomes = [(o, "indicators/indicator_values") for o in run_checks(tables["indicator_values"])]
        for theme_check in theme_checks:
            outcomes += theme_check(tables)
        failures = checks.blocking_failures([o for o, _ in outcomes])
        if failures:
            raise Failure(
                description="publishing blocked by failed checks: "
                + " | ".join(f"{o.check_name}: {o.description}" for o in failures),
            )
        check_results = pl.DataFrame([o.as_row(asset) for o, asset in outcomes])
        snapshot_id = snapshots.publish(
            {**tables, **seed_tables(), "check_results": check_results}, settings.published_dir
        )
        context.log.info(f"published snapshot {snapshot_id}")
        return MaterializeResult(
            metadata={
                "snapshot_id": snapshot_id,
                "values": tables["indicator_values"].height,
                "warnings": sum(1 for o, _ in outcomes if not o.passed),
            }
        )

    return published_snapshot
