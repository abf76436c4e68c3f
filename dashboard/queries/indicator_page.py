"""What the indicator page reads beyond the shared queries: the indicator's catalogue row, its places, and what
cited sources state about it (the `indicator_metadata` seed table)."""

from __future__ import annotations

import polars as pl

from dashboard import data
from dashboard.data import Snapshot
from dashboard.queries.indicators import NOT_PROJECTION


def indicator_ids(snap: Snapshot) -> frozenset[str]:
    """Every indicator of the catalogue: the ids that have a page."""
    return frozenset(snap.query("SELECT indicator_id FROM indicators")["indicator_id"].to_list())


def indicator_row(snap: Snapshot, indicator_id: str) -> dict | None:
    """The catalogue row of one indicator with its unit labels, or None."""
    rows = snap.query(
        """
        SELECT i.*, TRY_CAST(i.freshness_years AS INTEGER) AS freshness,
               u.label_ru AS unit_label_ru, u.label_en AS unit_label_en, u.label_kk AS unit_label_kk
        FROM indicators i LEFT JOIN units u ON u.unit = i.unit
        WHERE i.indicator_id = ?
        """,
        (indicator_id,),
    ).to_dicts()
    return rows[0] if rows else None


def indicator_places(snap: Snapshot, indicator_id: str) -> list[str]:
    """The places with a non-projected value of the indicator."""
    return snap.query(
        f"""
        SELECT DISTINCT geo_id FROM indicator_values
        WHERE indicator_id = ? AND value IS NOT NULL AND {NOT_PROJECTION} ORDER BY geo_id
        """,
        (indicator_id,),
    )["geo_id"].to_list()


def stated_metadata(snap: Snapshot, indicator_id: str) -> dict[str, str]:
    """sdg_code, unece_code, next_update as a cited source states them (empty ones left out). A snapshot
    published before the table existed states nothing."""
    try:
        rows = snap.query("SELECT * FROM indicator_metadata WHERE indicator_id = ?", (indicator_id,)).to_dicts()
    except data.SnapshotContentError:
        return {}
    return {k: str(v) for k, v in (rows[0] if rows else {}).items() if v and k not in ("indicator_id", "citation")}


def same_direction_indicators(snap: Snapshot, indicator_id: str) -> pl.DataFrame:
    """The other indicators sharing a summit direction with this one (the catalogue's `directions`)."""
    return snap.query(
        """
        WITH mine AS (
            SELECT unnest(string_split(coalesce(directions, ''), ';')) AS d FROM indicators WHERE indicator_id = ?
        )
        SELECT DISTINCT i.indicator_id, i.name_ru, i.name_en, i.name_kk
        FROM indicators i, mine
        WHERE mine.d <> '' AND list_contains(string_split(coalesce(i.directions, ''), ';'), mine.d)
          AND i.indicator_id <> ?
        ORDER BY i.indicator_id
        """,
        (indicator_id, indicator_id),
    )
