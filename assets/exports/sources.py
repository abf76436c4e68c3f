"""The sources sheet of the theme exports: each source's title, citation, licence and latest retrieval."""

from __future__ import annotations

import duckdb
import polars as pl

from assets.published.queries import LATEST_PROVENANCE


def sources_metadata(con: duckdb.DuckDBPyConnection, source_ids: list[str]) -> pl.DataFrame:
    """One row per source (sorted by id), naming the snapshot it was read from."""
    return con.execute(
        f"""
        WITH latest AS ({LATEST_PROVENANCE})
        SELECT s.source_id, s.title AS source, s.citation, s.licence, s.public_url, p.url AS retrieved_from,
               p.retrieved_at, p.sha256,
               (SELECT snapshot_id FROM snapshot_info) AS snapshot_id,
               (SELECT strftime(created_at, '%Y-%m-%d %H:%M UTC') FROM snapshot_info) AS snapshot_date
        FROM sources s LEFT JOIN latest p USING (source_id)
        WHERE s.source_id IN (SELECT unnest(?))
        ORDER BY s.source_id
    """,
        [source_ids],
    ).pl()
