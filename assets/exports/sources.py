"""The sources sheet of the theme exports: each source's title, citation, licence and latest retrieval."""

from __future__ import annotations

import duckdb
import polars as pl

from assets.published.queries import LATEST_PROVENANCE


def title_columns(con: duckdb.DuckDBPyConnection, lang: str, *, original: bool = False) -> str:
    """SQL columns of `sources s`: the title in `lang` (the catalogue's title_ru/title_kk, else as published) AS
    title, and the title as the source publishes it AS original_title where it may differ (or `original`)."""
    columns = {c for (c,) in con.execute("SELECT column_name FROM (DESCRIBE sources)").fetchall()}
    if f"title_{lang}" not in columns:
        return "s.title AS title, s.title AS original_title" if original else "s.title AS title"
    return f"coalesce(nullif(s.title_{lang}, ''), s.title) AS title, s.title AS original_title"


def sources_metadata(con: duckdb.DuckDBPyConnection, source_ids: list[str], lang: str) -> pl.DataFrame:
    """One row per source (sorted by id), its title in `lang`, naming the snapshot it was read from."""
    return (
        con.execute(
            f"""
        WITH latest AS ({LATEST_PROVENANCE})
        SELECT s.source_id, {title_columns(con, lang)}, s.citation, s.licence, s.public_url,
               p.url AS retrieved_from, p.retrieved_at, p.sha256,
               (SELECT snapshot_id FROM snapshot_info) AS snapshot_id,
               (SELECT strftime(created_at, '%Y-%m-%d %H:%M UTC') FROM snapshot_info) AS snapshot_date
        FROM sources s LEFT JOIN latest p USING (source_id)
        WHERE s.source_id IN (SELECT unnest(?))
        ORDER BY s.source_id
    """,
            [source_ids],
        )
        .pl()
        .rename({"title": "source"})
    )


# Where a source was read, for readers: a public address as it is; a copy read from a mirror (a local path on the
# exporting machine, `file:///...`) in words, never the path.
MIRROR_WORDS = {
    "ru": "прочитано из зеркала публичного файла",
    "en": "read from a mirror of the public file",
    "kk": "жария файлдың айнасынан оқылды",
}


def read_from(url: pl.Expr, lang: str) -> pl.Expr:
    """The retrieval address for readers: http(s) as it is, anything else (a mirror's local path) in words."""
    return pl.when(url.str.starts_with("http")).then(url).when(url.is_not_null()).then(pl.lit(MIRROR_WORDS[lang]))


def source_list(con: duckdb.DuckDBPyConnection, source_ids: list[str], lang: str) -> pl.DataFrame:
    """Each source with its title in `lang` (the catalogue's title_ru/title_kk) and the original title beside,
    publisher, licence, citation, public URL, retrieval time, checksum and where it was read (no local paths)."""
    frame = con.execute(
        f"""
        WITH latest AS ({LATEST_PROVENANCE})
        SELECT s.source_id, {title_columns(con, lang, original=True)}, s.publisher, s.licence, s.citation,
               s.public_url, strftime(TRY_CAST(p.retrieved_at AS TIMESTAMPTZ), '%Y-%m-%d %H:%M UTC') AS retrieved_at,
               p.sha256, p.url
        FROM sources s LEFT JOIN latest p USING (source_id)
        WHERE s.source_id IN (SELECT unnest(?))
        ORDER BY s.source_id
    """,
        [source_ids],
    ).pl()
    return frame.with_columns(read_from=read_from(pl.col("url"), lang)).drop("url")


def no_local_paths(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Every text cell naming a local file (`file:///...`, a mirror on the exporting machine) said in words."""
    return frame.with_columns(
        pl.when(pl.col(c).str.starts_with("file:")).then(pl.lit(MIRROR_WORDS[lang])).otherwise(pl.col(c)).alias(c)
        for c, dtype in frame.schema.items()
        if dtype == pl.String
    )
