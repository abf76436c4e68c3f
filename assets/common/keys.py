"""Asset keys by step: the warehouse schema is the step, so keys read like the data's path.

Keys never change (they are the `--select` names and the UI's history); a table that the step misnames
names its schema in the metadata WAREHOUSE_SCHEMA instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from dagster import AssetIn, AssetKey

T = TypeVar("T")


def raw_key(source_id: str) -> AssetKey:
    return AssetKey(["raw", source_id])


def staged_key(source_id: str) -> AssetKey:
    return AssetKey(["staged", source_id])


def staged_ins(source_ids: Iterable[str]) -> dict[str, AssetIn]:
    """Inputs for an asset that reads several staged sources, named `s_<source_id>` (see by_source)."""
    return {f"s_{sid}": AssetIn(key=staged_key(sid)) for sid in source_ids}


def by_source(inputs: Mapping[str, T]) -> dict[str, T]:
    """The staged inputs of staged_ins, by source id (other inputs left out)."""
    return {name.removeprefix("s_"): frame for name, frame in inputs.items() if name.startswith("s_")}


def indicators_key(name: str) -> AssetKey:
    return AssetKey(["indicators", name])


# Asset metadata: the warehouse schema of a quarantine, ledger, registry or seed copy ("quarantine", "ledger", ...).
WAREHOUSE_SCHEMA = "warehouse_schema"
