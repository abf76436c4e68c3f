"""Step 1, raw: one asset per catalogue source fetches its file (public URL or CAEI_MIRROR) with provenance."""

from __future__ import annotations

import dataclasses

import polars as pl
from dagster import AssetsDefinition, MetadataValue, asset

from assets.common.keys import raw_key
from assets.common.settings import Settings
from assets.sources.catalogue import SourceEntry, sources
from assets.sources.fetch import fetch_source
from assets.sources.worldbank_api import fetch_wdi_api_source


def _raw_asset(entry: SourceEntry) -> AssetsDefinition:
    @asset(
        key=raw_key(entry.source_id),
        group_name="raw",
        description=f"{entry.title} ({entry.publisher}; {entry.licence}). Mirror path: {entry.mirror_path}",
        kinds={"file"},
        metadata={"licence": entry.licence, "public_url": entry.public_url, "mirror_path": entry.mirror_path},
        required_resource_keys={"settings"},
    )
    def raw_file(context) -> pl.DataFrame:
        settings: Settings = context.resources.settings
        fetch = fetch_wdi_api_source if entry.format == "wdi_api" else fetch_source
        policy = settings.fetch
        raw = fetch(
            entry,
            settings.raw_dir,
            settings.mirror,
            timeout=policy.timeout,
            retries=policy.retries,
            backoff=policy.backoff,
        )
        context.add_output_metadata(
            {
                "url": MetadataValue.url(raw.url) if raw.url.startswith("http") else raw.url,
                "sha256": raw.sha256,
                "bytes": raw.bytes,
                "retrieved_at": raw.retrieved_at,
                "version": raw.version,
                "changed": raw.changed,
                "licence": raw.licence,
            }
        )
        row = dataclasses.asdict(raw)
        row["path"] = str(raw.path)
        return pl.DataFrame([row])

    return raw_file


raw_assets = [_raw_asset(entry) for entry in sources().values()]
