"""What the read API answers, from one snapshot: parameterised SQL (assets/published/open_data.py) made into rows
and documents. No Flask here: every function takes the snapshot (or the published folder) and returns data."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from assets.common.coverage import MIN_POPULATION_COVERAGE
from assets.common.geography import REGION_ID
from assets.published import open_data as od
from assets.published.snapshots import list_snapshots
from dashboard.data import Snapshot

API_VERSION = "v1"
# Said of how regional aggregates are built, in the metadata of every indicator that has them.
AGGREGATION_WORDS = {
    "sum": "Central Asia (CA5) is the sum of the five countries.",
    "pop_weighted_mean": "Central Asia (CA5) is the mean of the five countries weighted by population.",
}


def known_geo_ids(snap: Snapshot) -> set[str]:
    return set(snap.query("SELECT geo_id FROM geographies")["geo_id"].to_list())


def snapshot_meta(snap: Snapshot) -> dict[str, Any]:
    rows = snap.query(od.SNAPSHOT_SQL).to_dicts()
    created = rows[0]["created_at"] if rows else None
    return {
        "id": snap.snapshot_id,
        "date": created.replace(tzinfo=dt.UTC).isoformat() if isinstance(created, dt.datetime) else None,
    }


def catalogue(snap: Snapshot, indicator_id: str | None = None) -> pl.DataFrame:
    return snap.query(od.CATALOGUE_SQL, (indicator_id, indicator_id))


def catalogue_entries(snap: Snapshot, lang: str) -> list[dict[str, Any]]:
    """GET /indicators: one entry per indicator of the catalogue."""
    sources = sources_of(snap, sorted({s for ids in catalogue(snap)["source_ids"] for s in ids}))
    by_id = {row["source_id"]: row for row in sources}
    return [
        {
            **_indicator_basics(row, lang),
            "sources": [_source_brief(by_id[s], lang) for s in row["source_ids"] if s in by_id],
            "first_year": row["first_year"],
            "latest_year": row["latest_year"],
            "n_values": row["n_values"],
            "links": _links(row["indicator_id"]),
        }
        for row in catalogue(snap).to_dicts()
    ]


def _indicator_basics(row: dict[str, Any], lang: str) -> dict[str, Any]:
    """What the catalogue and the metadata both say of an indicator (key order as the API documents it)."""
    return {
        "id": row["indicator_id"],
        "name": row[f"name_{lang}"],
        "names": {code: row[f"name_{code}"] for code in od.LANGUAGES},
        "unit": row["unit"],
        "unit_label": row[f"unit_{lang}"],
        "theme": row["theme"],
        "summit_directions": od.directions_list(row["directions"]),
        "sdg_code": row["sdg_code"] or None,
    }


def _links(indicator_id: str) -> dict[str, str]:
    base = f"/api/{API_VERSION}/indicators/{indicator_id}"
    return {"csv": f"{base}.csv", "json": f"{base}.json", "metadata": f"{base}.metadata.json"}


def _source_brief(source: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "id": source["source_id"],
        "title": source["title"],
        "licence": source["licence"] or None,
        "licence_id": source["licence_id"],
        "licence_stated": source["licence_stated"],
        "commercial_use": source["commercial_use"],
        "licence_terms": source[f"terms_{lang}"],
    }


def sources_of(snap: Snapshot, source_ids: list[str]) -> list[dict[str, Any]]:
    return snap.query(od.SOURCES_SQL, (source_ids,)).to_dicts()


def indicator_exists(snap: Snapshot, indicator_id: str) -> bool:
    return not catalogue(snap, indicator_id).is_empty()


def values(
    snap: Snapshot, indicator_id: str, geo_ids: list[str] | None, first: int | None, last: int | None, lang: str
) -> pl.DataFrame:
    """GET /indicators/{id}.csv|json: the values (projections included, flagged), each with flags and licence."""
    rows = snap.query(od.VALUES_SQL, od.values_params([indicator_id], geo_ids, first, last))
    return od.in_language(rows, snap.query(od.FLAGS_SQL), lang)


def licence_notices(rows: pl.DataFrame, lang: str) -> list[dict[str, Any]]:
    """One notice per source in `rows` whose licence limits reuse (non-commercial or none stated)."""
    restricted = rows.filter((pl.col("commercial_use") == "no") | ~pl.col("licence_stated"))
    notices = restricted.select("source_id", "source", "licence", "licence_id", "licence_terms").unique()
    return notices.sort("source_id").to_dicts()


def metadata(snap: Snapshot, indicator_id: str, lang: str) -> dict[str, Any]:
    """GET /indicators/{id}.metadata.json: definition, unit, method notes, flags legend, sources, snapshot."""
    (row,) = catalogue(snap, indicator_id).to_dicts()
    sources = source_documents(snap, list(row["source_ids"]), lang)
    legend = snap.query(od.FLAGS_SQL).to_dicts()
    return {
        **_indicator_basics(row, lang),
        "definition": row[f"definition_{lang}"],
        "definitions": {code: row[f"definition_{code}"] for code in od.LANGUAGES},
        "first_year": row["first_year"],
        "latest_year": row["latest_year"],
        "method": _method_notes(row),
        "flags_legend": [
            {"code": f["flag"], "kind": f["kind"], "label": f[f"label_{lang}"], "meaning_en": f["meaning_en"]}
            for f in legend
        ],
        "sources": sources,
        "snapshot": snapshot_meta(snap),
        "links": _links(indicator_id),
    }


def source_documents(snap: Snapshot, source_ids: list[str], lang: str) -> list[dict[str, Any]]:
    """Each source as the metadata documents give it: citation, licence (and its terms), URL, retrieval, sha256."""
    documents = []
    for source in sources_of(snap, source_ids):
        retrieved_from = source["retrieved_from"] or ""
        documents.append(
            {
                **_source_brief(source, lang),
                "publisher": source["publisher"],
                "citation": source["citation"],
                "licence_url": source["licence_url"],
                "url": source["public_url"],
                # A local mirror's path says nothing to readers: only a public address is given.
                "retrieved_from": retrieved_from if retrieved_from.startswith(("http://", "https://")) else None,
                "retrieved_at": source["retrieved_at"],
                "sha256": source["sha256"],
            }
        )
    return documents


def _method_notes(row: dict[str, Any]) -> dict[str, Any]:
    aggregation = row["aggregation"] or None
    region = None
    if aggregation in AGGREGATION_WORDS:
        region = (
            f"{AGGREGATION_WORDS[aggregation]} A year's {REGION_ID} value is published only where the countries "
            f"with values hold at least {MIN_POPULATION_COVERAGE:.0%} of the five countries' population; "
            "otherwise it is left out, and a value built from fewer than five countries carries the flag "
            "partial_coverage."
        )
    converted = row["raw_unit"] and row["raw_unit"] != row["unit"]
    return {
        "source_unit": row["raw_unit"],
        "unit_conversion": (
            f"Converted from {row['raw_unit']} (the source's unit) to {row['unit']} with the factor declared in "
            "the product's unit conversions."
            if converted
            else None
        ),
        "selected_from_source_as": row["selector"],
        "regional_aggregate": region,
        "freshness_years": _number(row["freshness_years"]),
        "plausible_range": [_number(row["min_plausible"]), _number(row["max_plausible"])],
        "screening": (
            "Values outside the plausible range carry the flag range_warning; a series with nothing newer than "
            "freshness_years carries stale. Flags are listed in flags_legend; doubtful ones are kept out of "
            "rankings and regional aggregates."
        ),
    }


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


@lru_cache(maxsize=64)
def _changes_between(old_path: str, new_path: str) -> tuple[dict[str, Any], ...]:
    # Snapshot files never change once published: a pair's comparison is computed once.
    old = Snapshot(Path(old_path)).query(od.VALUE_KEYS_SQL)
    new = Snapshot(Path(new_path)).query(od.VALUE_KEYS_SQL)
    return tuple(od.value_changes(old, new).to_dicts())


def snapshot_history(published_dir: Path) -> list[dict[str, Any]]:
    """GET /snapshots: the kept snapshots, newest first, each with what changed since the one before it."""
    kept = sorted(list_snapshots(published_dir), key=lambda s: s.snapshot_id)
    out = []
    for i, info in enumerate(kept):
        previous = kept[i - 1] if i else None
        entry: dict[str, Any] = {
            "id": info.snapshot_id,
            "date": info.created_at.isoformat(),
            "current": info.current,
            "previous": previous.snapshot_id if previous else None,
            "changes": None,
        }
        if previous is not None:
            per_indicator = list(_changes_between(str(previous.path), str(info.path)))
            entry["changes"] = {
                "values_added": sum(c["added"] for c in per_indicator),
                "values_removed": sum(c["removed"] for c in per_indicator),
                "values_revised": sum(c["revised"] for c in per_indicator),
                "indicators": per_indicator,
            }
        out.append(entry)
    return out[::-1]
