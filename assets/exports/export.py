"""Exports of the published snapshot: CSV (UTF-8 with BOM, metadata file beside it) and XLSX (data + metadata).

Every exported value keeps its unit and its source (title, licence, URL, retrieval time, sha256), and
the snapshot it came from. Text cells that a spreadsheet would run as a formula are neutralised.
EXPORTS below is the registry of what `caei export --table` offers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from assets.common.geography import AREAS
from assets.exports.air import export_air_quality, export_air_summary
from assets.exports.cells import for_readers
from assets.exports.csv_files import dialect_for, write_table_csv
from assets.exports.funding import export_funding
from assets.exports.more_tables import (
    export_air_rankings,
    export_aral_caspian,
    export_funding_breakdown,
    export_summit_initiatives,
    export_water_sites,
    write_aral_caspian,
)
from assets.exports.pack_files import export_summit_pack, write_summit_pack
from assets.exports.quality import export_quality
from assets.exports.sources import no_local_paths
from assets.exports.water import export_quarantine, export_water_quality
from assets.exports.xlsx import write_workbook
from assets.published.queries import LATEST_PROVENANCE
from assets.published.snapshots import NoSnapshotError, open_snapshot

# Languages with headers for the indicator tables (catalogue context "indicators"), which every export also uses.
LANGUAGES = ("ru", "en", "kk")
# Columns the catalogue holds in fewer languages than the exports: (column base, language) -> language read.
# Empty now that the catalogue has Kazakh definitions (definition_kk).
CATALOGUE_COLUMN_FALLBACK: dict[tuple[str, str], str] = {}


class ExportError(RuntimeError):
    pass


def _read(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    return con.execute(sql, params or []).pl()


def indicators_long(con: duckdb.DuckDBPyConnection, lang: str) -> pl.DataFrame:
    """indicator_values joined with the catalogue, names and units in the language."""
    return _read(
        con,
        f"""
        SELECT v.indicator_id, i.name_{lang} AS indicator, v.geo_id, g.name_{lang} AS geo, v.year, v.value,
               u.label_{lang} AS unit, s.title AS source, s.licence, v.flags
        FROM indicator_values v
        JOIN indicators i USING (indicator_id)
        LEFT JOIN units u ON u.unit = v.unit
        LEFT JOIN geographies g USING (geo_id)
        LEFT JOIN sources s ON s.source_id = v.source_id
        ORDER BY v.indicator_id, v.geo_id, v.year
    """,
    )  # lang is validated against LANGUAGES before it reaches here


def indicators_wide(con: duckdb.DuckDBPyConnection, lang: str, year: int | None) -> pl.DataFrame:
    """Indicators x (five countries + region) for one year, or each indicator's latest year."""
    areas = list(AREAS)
    long = _read(
        con,
        """
        SELECT indicator_id, geo_id, year, value FROM indicator_values
        WHERE geo_id IN (SELECT unnest(?)) AND (? IS NULL OR year = ?)
    """,
        [areas, year, year],
    )
    if year is None:
        latest = long.group_by("indicator_id").agg(pl.col("year").max())
        long = long.join(latest, on=["indicator_id", "year"])
    if long.is_empty():
        raise ExportError(f"no indicator values for year {year}")
    names = _read(con, f"SELECT geo_id, name_{lang} AS name FROM geographies")
    label = dict(names.iter_rows())
    wide = long.pivot(on="geo_id", index=["indicator_id", "year"], values="value")
    for area in areas:
        if area not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(area))
    catalogue = _read(
        con,
        f"""
        SELECT i.indicator_id, i.name_{lang} AS indicator, u.label_{lang} AS unit
        FROM indicators i LEFT JOIN units u USING (unit)
    """,
    )
    wide = catalogue.join(wide, on="indicator_id").select("indicator_id", "indicator", "unit", "year", *areas)
    return wide.rename({a: f"{label.get(a, a)} ({a})" for a in areas}).sort("indicator_id")


def catalogue_column(base: str, lang: str) -> str:
    """The catalogue column of `base` to read for `lang` (its own, unless CATALOGUE_COLUMN_FALLBACK names another)."""
    return f"{base}_{CATALOGUE_COLUMN_FALLBACK.get((base, lang), lang)}"


def metadata(con: duckdb.DuckDBPyConnection, lang: str, indicator_ids: list[str]) -> pl.DataFrame:
    return _read(
        con,
        f"""
        WITH latest AS ({LATEST_PROVENANCE})
        SELECT i.indicator_id, i.name_{lang} AS indicator, {catalogue_column("definition", lang)} AS definition,
               u.label_{lang} AS unit,
               i.source_id, s.title AS source, s.citation, s.licence, s.public_url, p.url AS retrieved_from,
               p.retrieved_at, p.sha256,
               (SELECT snapshot_id FROM snapshot_info) AS snapshot_id,
               (SELECT strftime(created_at, '%Y-%m-%d %H:%M UTC') FROM snapshot_info) AS snapshot_date
        FROM indicators i
        LEFT JOIN units u USING (unit)
        LEFT JOIN sources s USING (source_id)
        LEFT JOIN latest p USING (source_id)
        WHERE i.indicator_id IN (SELECT unnest(?))
        ORDER BY i.indicator_id
    """,
        [indicator_ids],
    )


def _indicator_ids(data: pl.DataFrame) -> list[str]:
    return data["indicator_id"].unique().sort().to_list()


def export_indicators(con: duckdb.DuckDBPyConnection, lang: str, year: int | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every indicator value (all years: `year` does not apply) with its metadata."""
    data = indicators_long(con, lang)
    return data, metadata(con, lang, _indicator_ids(data))


def export_indicators_wide(
    con: duckdb.DuckDBPyConnection, lang: str, year: int | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Indicators x areas for one year (or each indicator's latest) with its metadata."""
    data = indicators_wide(con, lang, year)
    return data, metadata(con, lang, _indicator_ids(data))


@dataclass(frozen=True)
class Export:
    """One table of `caei export --table`: how its frames are built and the languages it has headers in."""

    build: Callable[[duckdb.DuckDBPyConnection, str, int | None], tuple[pl.DataFrame, pl.DataFrame]]
    languages: tuple[str, ...]
    # A table with its own file layout (the summit pack: a sheet per direction) writes itself:
    # (con, fmt, lang, out, csv_dialect).
    writer: Callable[[duckdb.DuckDBPyConnection, str, str, Path, str | None], list[Path]] | None = None


EXPORTS: dict[str, Export] = {
    "indicators": Export(export_indicators, LANGUAGES),
    "indicators_wide": Export(export_indicators_wide, LANGUAGES),
    "water_quality": Export(export_water_quality, ("ru", "en")),
    "quarantine": Export(export_quarantine, ("ru", "en")),
    "funding": Export(export_funding, ("ru", "en")),
    "summit_pack": Export(export_summit_pack, LANGUAGES, writer=write_summit_pack),
    "air_quality": Export(export_air_quality, ("ru", "en")),
    "air_summary": Export(export_air_summary, ("ru", "en")),
    "quality": Export(export_quality, LANGUAGES),
    "aral_caspian": Export(export_aral_caspian, LANGUAGES, writer=write_aral_caspian),
    "water_sites": Export(export_water_sites, LANGUAGES),
    "funding_breakdown": Export(export_funding_breakdown, LANGUAGES),
    "air_rankings": Export(export_air_rankings, LANGUAGES),
    "summit_initiatives": Export(export_summit_initiatives, LANGUAGES),
}

# One line per table for `caei export --list` (English, like the command's help).
DESCRIPTIONS = {
    "indicators": "every indicator value, all years, with unit, source, licence and flags",
    "indicators_wide": "indicators x the five countries and Central Asia for one year (or each one's latest)",
    "water_quality": "surface-water quality observations by site, parameter and date",
    "quarantine": "water rows kept out of the tables, each with its reason",
    "funding": "funding facts with comparable amounts (US$ current and 2015)",
    "summit_pack": "the Summit 2026 pack: a sheet per direction, data, sources, notes (XLSX; CSV: a zip)",
    "air_quality": "daily air-quality values by city and pollutant, with screening flags",
    "air_summary": "air quality per city, pollutant and period: means, exceedances, coverage",
    "quality": "what the snapshot's checks flagged and kept out, by rule, with counts and examples",
    "aral_caspian": "Aral areas by basin; Caspian levels in each datum, dated observations, the per-year difference",
    "water_sites": "the surface-water monitoring sites: water body, region, kind, flags",
    "funding_breakdown": "OECD CRS climate-related disbursements by donor, flow and theme per country and year",
    "air_rankings": "cities ranked by the annual mean of each pollutant (like with like), days of data, flags",
    "summit_initiatives": "the registry of summit initiatives: lead, partners, status, dates, budget",
}


def table_list() -> list[str]:
    """`caei export --list`: each table and one line on what it holds."""
    width = max(map(len, EXPORTS))
    return [f"{name.ljust(width)}  {DESCRIPTIONS.get(name, '')}" for name in EXPORTS]


def available_tables() -> list[str]:
    return list(EXPORTS)


def write_csv(data: pl.DataFrame, meta: pl.DataFrame, out: Path, dialect: str) -> list[Path]:
    meta_path = out.with_name(out.stem + ".metadata.csv")
    write_table_csv(data, out, dialect)
    write_table_csv(meta, meta_path, dialect)
    return [out, meta_path]


def write_xlsx(data: pl.DataFrame, meta: pl.DataFrame, out: Path) -> list[Path]:
    write_workbook(out, {"data": data, "metadata": meta})
    return [out]


def export_table(
    table: str,
    *,
    fmt: str,
    lang: str,
    out: Path,
    published_dir: Path,
    year: int | None = None,
    snapshot_id: str | None = None,
    csv_dialect: str | None = None,
) -> list[Path]:
    export = EXPORTS.get(table)
    if export is None:
        raise ExportError(f"unknown table {table!r}; choose one of {', '.join(available_tables())}")
    if lang not in LANGUAGES:
        raise ExportError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    if lang not in export.languages:
        raise ExportError(
            f"the table {table!r} is not exported in {lang!r} yet; choose one of {', '.join(export.languages)}"
        )
    if fmt not in ("csv", "xlsx"):
        raise ExportError(f"unknown format {fmt!r}; choose csv or xlsx")
    try:
        dialect = dialect_for(lang, csv_dialect)
    except ValueError as exc:
        raise ExportError(str(exc)) from exc
    try:
        con = open_snapshot(published_dir, snapshot_id)
    except NoSnapshotError as exc:
        raise ExportError(str(exc)) from exc
    out = Path(out)
    if out.parent and not out.parent.exists():
        raise ExportError(f"the folder {out.parent} does not exist")
    try:
        if export.writer is not None:
            return export.writer(con, fmt, lang, out, dialect)
        data, meta = export.build(con, lang, year)
    finally:
        con.close()
    # A mirror's local path (file:///...) is never exported, only said in words.
    data, meta = (for_readers(no_local_paths(frame, lang), lang) for frame in (data, meta))
    return write_csv(data, meta, out, dialect) if fmt == "csv" else write_xlsx(data, meta, out)
