"""Asset keys by step: the warehouse schema is the step, so keys read like the data's path."""

from __future__ import annotations

from dagster import AssetKey


def raw_key(source_id: str) -> AssetKey:
    return AssetKey(["raw", source_id])


def staged_key(source_id: str) -> AssetKey:
    return AssetKey(["staged", source_id])


def indicators_key(name: str) -> AssetKey:
    return AssetKey(["indicators", name])
