"""An asset that one pure function computes from other tables: the shape most indicator assets share."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl
from dagster import AssetIn, AssetKey, AssetsDefinition, asset

from assets.sources.catalogue import read_seed

# Tables that are not indicators say where they belong; the warehouse IO manager reads this key.
SEEDS = {"warehouse_schema": "seeds"}


def table_asset(
    key: AssetKey,
    group: str,
    description: str,
    compute: Callable[..., pl.DataFrame],
    *,
    metadata: Mapping[str, str] | None = None,
    **inputs: AssetKey,
) -> AssetsDefinition:
    """The asset `key`: `compute` called with the tables of `inputs` (argument name -> asset key) as keywords.

    `metadata` is the asset's definition metadata, e.g. {"warehouse_schema": "seeds"} for a table that is not an
    indicator (the warehouse IO manager places it there).
    """

    @asset(
        key=key,
        group_name=group,
        ins={arg: AssetIn(key=k) for arg, k in inputs.items()},
        description=description,
        metadata=metadata,
    )
    def _table(**tables: pl.DataFrame) -> pl.DataFrame:
        return compute(**tables)

    return _table


def seed_copy(key: AssetKey, group: str, description: str) -> AssetsDefinition:
    """The asset `key`: seeds/<last part of key>.csv as it is, so the snapshot carries the reference table."""
    return table_asset(key, group, description, lambda: read_seed(f"{key.path[-1]}.csv"), metadata=SEEDS)
