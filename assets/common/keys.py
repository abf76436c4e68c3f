"""Asset keys by step: the warehouse schema is the step, so keys read like the data's path.

Keys never change (they are the `--select` names and the UI's history); a table that the step misnames
names its schema in the metadata WAREHOUSE_SCHEMA instead.
"""

from __future__ import annotations

from dagster import AssetKey


def raw_key(source_id: str) -> AssetKey:
    return AssetKey(["raw", source_id])


def staged_key(source_id: str) -> AssetKey:
    return AssetKey(["staged", source_id])


def indicators_key(name: str) -> AssetKey:
    return AssetKey(["indicators", name])


# Asset metadata: the warehouse schema of a quarantine, ledger, registry or seed copy ("quarantine", "ledger", ...).
WAREHOUSE_SCHEMA = "warehouse_schema"
