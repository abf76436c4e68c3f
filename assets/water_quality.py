"""Theme water_quality: pure polars parsers and domain logic (no Dagster here)."""
from __future__ import annotations

PARSERS: dict = {}  # format name (seeds/sources.csv) -> parser(path) -> polars frame
