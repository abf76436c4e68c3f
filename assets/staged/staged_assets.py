"""Step 2, staged: each raw file parsed by its format's pure parser (assets/common/themes.py: PARSERS)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from dagster import AssetIn, AssetsDefinition, asset

from assets.common.keys import raw_key, staged_key
from assets.common.themes import PARSERS
from assets.sources.catalogue import SourceEntry, sources
from assets.staged.parsers import ParseError


def _staged_asset(entry: SourceEntry) -> AssetsDefinition:
    parser = PARSERS[entry.format]

    @asset(
        key=staged_key(entry.source_id),
        group_name=f"staged_{entry.theme}",
        ins={"raw": AssetIn(key=raw_key(entry.source_id))},
        description=f"{entry.title}, parsed ({entry.format}); "
        "values as published, units converted in the indicators step.",
        kinds={"polars"},
    )
    def staged(context, raw: pl.DataFrame) -> pl.DataFrame:
        path = Path(raw["path"][0])
        try:
            frame = parser(path)
        except ParseError as error:
            # Name the file as the analyst knows it (the source's file), not the fetched copy's cache name.
            raise ParseError(str(error).replace(str(path), f"{entry.mirror_path} ({entry.title})")) from error
        context.add_output_metadata({"source_id": entry.source_id, "sha256": raw["sha256"][0], "format": entry.format})
        return frame

    return staged


# A source whose format has no parser yet is fetched but not staged (tests list such sources).
staged_assets = [_staged_asset(entry) for entry in sources().values() if entry.format in PARSERS]
