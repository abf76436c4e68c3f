"""Exports of the published snapshot: CSV (UTF-8 with BOM, metadata file beside it) and XLSX (data + metadata).

Every exported value keeps its unit and its source (title, licence, URL, retrieval time, sha256), and
the snapshot it came from. Text cells that a spreadsheet would run as a formula are neutralised.
EXPORTS below is the registry of what `caei export --table` offers.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from assets.common.flags import flag_words
from assets.common.geography import AREAS, CENTRAL_ASIA, REGION_ID
from assets.exports.air import export_air_quality, export_air_summary
from assets.exports.cells import for_readers
from assets.exports.csv_files import dialect_for, write_table_csv
from assets.exports.datapackage import write_datapackage_export
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
    """indicator_values joined with the catalogue, names and units in the language; a regional row names the
    countries it covers (covered_iso3)."""
    return _read(
        con,
        f"""
        SELECT v.indicator_id, i.name_{lang} AS indicator, v.geo_id, g.name_{lang} AS geo, v.year, v.value,
               u.label_{lang} AS unit, s.title AS source, s.licence, v.flags,
               -- A regional value names the countries it covers; one without partial_coverage covers all five.
               CASE WHEN r.covered_iso3 IS NOT NULL THEN r.covered_iso3
                    WHEN v.geo_id = ? AND NOT list_contains(string_split(coalesce(v.flags, ''), ';'),
                                                            'partial_coverage') THEN ?
                    ELSE '' END AS covered_iso3
        FROM indicator_values v
        JOIN indicators i USING (indicator_id)
        LEFT JOIN region_aggregates r
          ON r.indicator_id = v.indicator_id AND r.geo_id = v.geo_id AND r.year = v.year
        LEFT JOIN units u ON u.unit = v.unit
        LEFT JOIN geographies g ON g.geo_id = v.geo_id
        LEFT JOIN sources s ON s.source_id = v.source_id
        ORDER BY v.indicator_id, v.geo_id, v.year
    """,
        [REGION_ID, ";".join(sorted(CENTRAL_ASIA))],
    )  # lang is validated against LANGUAGES before it reaches here


def indicators_wide(con: duckdb.DuckDBPyConnection, lang: str, year: int | None) -> pl.DataFrame:
    """Indicators x (five countries + region) for one year, or each indicator's latest observed year.

    "Latest" is the latest observed value: projections (UN population to 2100) never make the default year;
    asked for by year, they are given with their flag in words (column `flags`), as every flag of the row is."""
    areas = list(AREAS)
    long = _read(
        con,
        """
        SELECT indicator_id, geo_id, year, value, coalesce(flags, '') AS flags FROM indicator_values
        WHERE geo_id IN (SELECT unnest(?)) AND (? IS NULL OR year = ?)
    """,
        [areas, year, year],
    )
    if year is None:
        long = long.filter(~pl.col("flags").str.split(";").list.contains("projection"))
        latest = long.group_by("indicator_id").agg(pl.col("year").max())
        long = long.join(latest, on=["indicator_id", "year"])
    if long.is_empty():
        raise ExportError(f"no indicator values for year {year}")
    names = _read(con, f"SELECT geo_id, name_{lang} AS name FROM geographies")
    label = dict(names.iter_rows())
    row_flags = (
        long.with_columns(pl.col("flags").str.split(";"))
        .explode("flags")
        .filter(pl.col("flags") != "")
        .group_by("indicator_id")
        .agg(pl.col("flags").unique().sort().str.join(";"))
    )
    wide = long.pivot(on="geo_id", index=["indicator_id", "year"], values="value")
    for area in areas:
        if area not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(area))
    wide = wide.join(row_flags, on="indicator_id", how="left").with_columns(
        flags=pl.col("flags").map_elements(lambda f: flag_words(f, lang), return_dtype=pl.String).fill_null("")
    )
    catalogue = _read(
        con,
        f"""
        SELECT i.indicator_id, i.name_{lang} AS indicator, u.label_{lang} AS unit
        FROM indicators i LEFT JOIN units u USING (unit)
    """,
    )
    wide = catalogue.join(wide, on="indicator_id").select("indicator_id", "indicator", "unit", "year", *areas, "flags")
    return wide.rename({a: f"{label.get(a, a)} ({a})" for a in areas}).sort("indicator_id")


def catalogue_column(base: str, lang: str) -> str:
    """The catalogue column of `base` to read for `lang` (its own, unless CATALOGUE_COLUMN_FALLBACK names another)."""
    return f"{base}_{CATALOGUE_COLUMN_FALLBACK.get((base, lang), lang)}"


def metadata(con: duckdb.DuckDBPyConnection, lang: str, indicator_ids: list[str]) -> pl.DataFrame:
    return _read(
        con,
        f"""
        WITH latest AS ({LATEST_PROVENANCE}),
        -- The catalogue's source, and any other a value came from (seeds/source_precedence.csv): none hidden.
        used AS (
            SELECT indicator_id, source_id FROM indicators
            UNION SELECT DISTINCT indicator_id, source_id FROM indicator_values
        )
        SELECT i.indicator_id, i.name_{lang} AS indicator, {catalogue_column("definition", lang)} AS definition,
               u.label_{lang} AS unit,
               x.source_id, s.title AS source, s.citation, s.licence, s.public_url, p.url AS retrieved_from,
               p.retrieved_at, p.sha256,
               (SELECT snapshot_id FROM snapshot_info) AS snapshot_id,
               (SELECT strftime(created_at, '%Y-%m-%d %H:%M UTC') FROM snapshot_info) AS snapshot_date
        FROM indicators i
        JOIN used x ON x.indicator_id = i.indicator_id
        LEFT JOIN units u ON u.unit = i.unit
        LEFT JOIN sources s ON s.source_id = x.source_id
        LEFT JOIN latest p ON p.source_id = x.source_id
        WHERE i.indicator_id IN (SELECT unnest(?))
        ORDER BY i.indicator_id, x.source_id <> i.source_id, x.source_id
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

    build: Callable[[duckdb.DuckDBPyConnection, str, int | None], tuple[pl.DataFrame, pl.DataFrame]] | None
    languages: tuple[str, ...]
    # A table with its own file layout (the summit pack: a sheet per direction) writes itself:
    # (con, fmt, lang, out, csv_dialect).
    writer: Callable[[duckdb.DuckDBPyConnection, str, str, Path, str | None], list[Path]] | None = None
    formats: tuple[str, ...] = ("csv", "xlsx")
    folder: bool = False  # --out names a folder the writer fills (a data package), not a file


def _write_sdmx(con: duckdb.DuckDBPyConnection, fmt: str, lang: str, out: Path) -> list[Path]:
    # sdmx1 imports pandas (1-2 s): loaded only when SDMX is asked for, so every other export starts fast.
    from assets.exports.sdmx import write_sdmx_export

    return write_sdmx_export(con, fmt, lang, out)


EXPORTS: dict[str, Export] = {
    "indicators": Export(export_indicators, LANGUAGES),
    "indicators_wide": Export(export_indicators_wide, LANGUAGES),
    "water_quality": Export(export_water_quality, LANGUAGES),
    "quarantine": Export(export_quarantine, LANGUAGES),
    "funding": Export(export_funding, LANGUAGES),
    "summit_pack": Export(export_summit_pack, LANGUAGES, writer=write_summit_pack),
    "air_quality": Export(export_air_quality, LANGUAGES),
    "air_summary": Export(export_air_summary, LANGUAGES),
    "quality": Export(export_quality, LANGUAGES),
    # Open data for statistics offices and portals: names in every language inside, so any --lang gives the same;
    # their CSV follows its standard (SDMX-CSV, Frictionless: comma and dot), whatever the dialect.
    "sdmx": Export(
        None,
        LANGUAGES,
        writer=lambda con, fmt, lang, out, _: _write_sdmx(con, fmt, lang, out),
        formats=("xml", "csv"),
    ),
    # A Frictionless data package: --out is a folder (datapackage.json and a CSV per resource).
    "datapackage": Export(
        None,
        LANGUAGES,
        writer=lambda con, fmt, lang, out, _: write_datapackage_export(con, fmt, lang, out),
        formats=("csv",),
        folder=True,
    ),
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
    "sdmx": "indicator values as SDMX-ML 2.1 (--format xml) or SDMX-CSV, with the structure (DSD, codelists) beside",
    "datapackage": "a Frictionless data package: datapackage.json and a CSV per resource (--out is a folder)",
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


def write_in_place(out: Path, write: Callable[[Path], list[Path]]) -> list[Path]:
    """Run `write` into a hidden folder beside `out`, then rename each file it wrote into place: an export that
    fails (a full disk, a kill) leaves no partial file, and an earlier file of the same name stays as it was."""
    staging = out.parent / f".{out.name}.{os.getpid()}.partial"
    try:
        staging.mkdir()
        written = write(staging / out.name)
        for path in written:
            with open(path, "rb+") as f:
                os.fsync(f.fileno())
        placed = [out.parent / path.name for path in written]
        for path, target in zip(written, placed, strict=True):
            os.replace(path, target)
        return placed
    except Exception as error:
        # Writers wrap the OSError (xlsxwriter: FileCreateError); find it among the causes.
        cause: BaseException | None = error
        while cause is not None and not isinstance(cause, OSError):
            cause = cause.__cause__ or cause.__context__
        if cause is None:
            raise
        shutil.rmtree(staging, ignore_errors=True)
        raise ExportError(_write_problem(cause, out, write)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _size_elsewhere(out: Path, write: Callable[[Path], list[Path]]) -> int | None:
    """The bytes the export takes, written once more into the temporary folder (None if that fails too)."""
    try:
        with tempfile.TemporaryDirectory(prefix="caei-export-size-") as folder:
            return sum(path.stat().st_size for path in write(Path(folder) / out.name))
    except Exception:
        return None


def _errno(error: OSError) -> int | None:
    """The error number; polars' writers give none, only "... (os error 28)" in the message."""
    if error.errno is not None:
        return error.errno
    found = re.search(r"\(os error (\d+)\)", str(error))
    return int(found.group(1)) if found else None


def _write_problem(error: OSError, out: Path, write: Callable[[Path], list[Path]]) -> str:
    folder = out.parent
    number = _errno(error)
    if number in (errno.ENOSPC, errno.EDQUOT):
        free = shutil.disk_usage(folder).free
        needed = _size_elsewhere(out, write)
        missing = (
            f"the export needs {needed / 1e6:.2f} MB, {free / 1e6:.2f} MB are free: free at least "
            f"{max(needed - free, 0) / 1e6:.2f} MB"
            if needed is not None
            else f"{free / 1e6:.2f} MB are free: free more"
        )
        return f"no space left on the disk holding {folder} ({missing}), then export again; nothing was written"
    reason = error.strerror or (os.strerror(number) if number else str(error))
    if number in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write in {folder} ({reason}): choose another --out; nothing was written"
    return f"cannot write {out} ({reason}); nothing was written"


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
    if fmt not in export.formats:
        raise ExportError(f"the table {table!r} is not written as {fmt!r}; choose {' or '.join(export.formats)}")
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
            writer = export.writer
            if not export.folder:
                return write_in_place(out, lambda target: writer(con, fmt, lang, target, dialect))
            try:
                return writer(con, fmt, lang, out, dialect)
            except OSError as exc:  # e.g. a data package's folder given as an existing file
                raise ExportError(f"cannot write {out}: {exc}") from exc
        assert export.build is not None, f"{table} has neither a writer nor frames"
        data, meta = export.build(con, lang, year)
    finally:
        con.close()
    # A mirror's local path (file:///...) is never exported, only said in words.
    data, meta = (for_readers(no_local_paths(frame, lang), lang) for frame in (data, meta))
    if fmt == "csv":
        return write_in_place(out, lambda target: write_csv(data, meta, target, dialect))
    return write_in_place(out, lambda target: write_xlsx(data, meta, target))
