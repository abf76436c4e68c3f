"""Step 4, published: one complete read-only snapshot, swapped in atomically (assets/snapshots.py)."""
from __future__ import annotations

import polars as pl
from dagster import AssetExecutionContext, AssetIn, AssetKey, Failure, MaterializeResult, asset

from assets import checks, snapshots
from assets.catalogue import read_seed
from assets.indicator_assets import key, run_checks
from pipelines.settings import SEEDS_DIR, load_settings

PUBLISHED_TABLES = ["indicator_values", "region_aggregates", "aral_area", "caspian_level_obs", "caspian_level_annual",
                    "caspian_datum_difference", "geo_features", "provenance"]
SEED_TABLES = {"indicators": "indicators.csv", "units": "units.csv", "geographies": "geographies.csv",
               "sources": "sources.csv", "summit_directions": "summit_directions.csv"}


def seed_tables() -> dict[str, pl.DataFrame]:
    return {name: read_seed(file) for name, file in SEED_TABLES.items() if (SEEDS_DIR / file).exists()}


@asset(key=AssetKey(["published", "snapshot"]), group_name="published",
       ins={name: AssetIn(key=key(name)) for name in PUBLISHED_TABLES},
       description="Checks the indicator table once more, then writes and swaps in a new serving snapshot.")
def published_snapshot(context, **tables: pl.DataFrame) -> MaterializeResult:
    outcomes = run_checks(tables["indicator_values"])
    failures = checks.blocking_failures(outcomes)
    if failures:
        raise Failure(
            description="publishing blocked by failed checks: " + " | ".join(f"{o.check_name}: {o.description}" for o in failures),
        )
    check_results = pl.DataFrame([o.as_row("indicators/indicator_values") for o in outcomes])
    published_dir = load_settings().published_dir
    snapshot_id = snapshots.publish({**tables, **seed_tables(), "check_results": check_results}, published_dir)
    context.log.info(f"published snapshot {snapshot_id}")
    return MaterializeResult(metadata={
        "snapshot_id": snapshot_id,
        "values": tables["indicator_values"].height,
        "warnings": sum(1 for o in outcomes if not o.passed),
    })
