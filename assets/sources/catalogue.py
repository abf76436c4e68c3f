"""The curated catalogues in seeds/: sources, indicators, geographies, units, summit directions."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from assets.common.settings import SEEDS_DIR


@dataclass(frozen=True)
class SourceEntry:
    source_id: str
    title: str
    publisher: str
    licence: str
    citation: str
    public_url: str
    mirror_path: str
    format: str
    theme: str
    notes: str


def read_seed(name: str) -> pl.DataFrame:
    """A seed CSV as strings: seeds are reviewed text, types are applied by their users."""
    return pl.read_csv(SEEDS_DIR / name, infer_schema=False)


@lru_cache(maxsize=1)
def sources() -> dict[str, SourceEntry]:
    with open(SEEDS_DIR / "sources.csv", newline="", encoding="utf-8") as f:
        # Extra columns (e.g. translated titles for the dashboard) are for other readers.
        entries = [SourceEntry(**{k: row[k] for k in SourceEntry.__dataclass_fields__}) for row in csv.DictReader(f)]
    return {e.source_id: e for e in entries}


@lru_cache(maxsize=1)
def geographies() -> pl.DataFrame:
    return read_seed("geographies.csv").with_columns(
        pl.col("central_asia") == "true", pl.col("caspian_littoral") == "true"
    )


def kept_iso3() -> list[str]:
    """Country codes kept from country-level files (the mirror extracts hold exactly these)."""
    return geographies().filter(pl.col("kind").is_in(["country", "reference"]))["geo_id"].to_list()


def iso3_by_source_name() -> dict[str, str]:
    """Every spelling a source uses for a kept country, mapped to its ISO3 code."""
    out: dict[str, str] = {}
    for row in geographies().iter_rows(named=True):
        for name in (row["source_names"] or "").split("|"):
            if name:
                out[name] = row["geo_id"]
    return out
