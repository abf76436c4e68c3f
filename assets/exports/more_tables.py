"""Published tables exportable on their own (`caei export --table ...`): the Aral and the Caspian (areas by basin,
both Caspian datums apart, the dated observations, the per-year difference), the water monitoring sites, the CRS
funding breakdown, the air rankings and the summit initiatives. Headers: exports catalogue, msgctxt `tables`."""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import polars as pl

from assets.common.flags import flag_words
from assets.exports.cells import for_readers
from assets.exports.csv_files import dialect_for, table_csv_bytes
from assets.exports.funding import snapshot_stamp
from assets.exports.headers import catalogue_words, context_words, localise_headers
from assets.exports.sources import source_list
from assets.exports.xlsx import write_workbook

Frames = tuple[pl.DataFrame, pl.DataFrame]  # (data, metadata)

SEA_SOURCES = ["aral_area", "caspian_dahiti", "caspian_official"]


def _read(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    return con.execute(sql, params or []).pl()


def _named(frame: pl.DataFrame, column: str, lang: str) -> pl.DataFrame:
    """A coded column (basin, datum) in words of the language (exports catalogue, msgctxt quality_names)."""
    names = context_words("quality_names", lang)
    return frame.with_columns(pl.col(column).replace_strict(names, default=pl.col(column)))


def metadata_for(con: duckdb.DuckDBPyConnection, source_ids: list[str], lang: str) -> pl.DataFrame:
    """The sources of a table (public URL, licence, checksum, retrieval, read from a mirror) and the snapshot."""
    snapshot_id, snapshot_date = snapshot_stamp(con)
    frame = source_list(con, source_ids, lang).with_columns(
        snapshot_id=pl.lit(snapshot_id), snapshot_date=pl.lit(snapshot_date)
    )
    return localise_headers(frame, "tables", lang)


def aral_caspian_tables(con: duckdb.DuckDBPyConnection, lang: str) -> dict[str, pl.DataFrame]:
    """Four tables: Aral areas by basin (the source's quality flags), the Caspian annual levels each in its own
    datum, the dated DAHITI observations, and the per-year difference of the two datums (never one series)."""
    aral = _named(_read(con, "SELECT year, basin, area_km2, flags FROM aral_area ORDER BY year, basin"), "basin", lang)
    annual = _named(
        _read(con, "SELECT year, datum, level_m, n_obs, flags FROM caspian_level_annual ORDER BY datum, year"),
        "datum",
        lang,
    )
    observations = _named(
        _read(con, "SELECT date, datum, level_m, error_m, flags FROM caspian_level_obs ORDER BY date"), "datum", lang
    )
    difference = _read(
        con,
        "SELECT year, dahiti_m, baltic_m, difference_m, dahiti_flags, baltic_flags FROM caspian_datum_difference "
        "ORDER BY year",
    ).with_columns(  # each datum's flags in words (the shared step turns only the `flags` column into words)
        pl.col(c).map_elements(lambda f: flag_words(f, lang), return_dtype=pl.String).fill_null("")
        for c in ("dahiti_flags", "baltic_flags")
    )
    tables = {"aral": aral, "caspian_annual": annual, "caspian_observations": observations, "datums": difference}
    return {name: localise_headers(frame, "tables", lang) for name, frame in tables.items()}


def write_aral_caspian(
    con: duckdb.DuckDBPyConnection, fmt: str, lang: str, out: Path, csv_dialect: str | None = None
) -> list[Path]:
    """XLSX: a sheet per table and the sources; CSV: a zip of the same tables."""
    dialect = dialect_for(lang, csv_dialect)
    tables = {
        catalogue_words("tables", f"sheet_{name}", lang)[:31]: for_readers(frame, lang)
        for name, frame in aral_caspian_tables(con, lang).items()
    }
    tables[catalogue_words("tables", "sheet_sources", lang)[:31]] = for_readers(
        metadata_for(con, SEA_SOURCES, lang), lang
    )
    out = Path(out)
    if fmt == "xlsx":
        write_workbook(out, tables)
    else:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            parts = ("aral", "caspian_annual", "caspian_observations", "datums", "sources")
            members = [f"{n:02d}_{part}.csv" for n, part in enumerate(parts, start=1)]
            for member, frame in zip(members, tables.values(), strict=True):
                archive.writestr(member, table_csv_bytes(frame, dialect))
    return [out]


def export_aral_caspian(con: duckdb.DuckDBPyConnection, lang: str, year: int | None) -> Frames:
    tables = aral_caspian_tables(con, lang)
    return pl.concat(list(tables.values())[:1], how="diagonal"), metadata_for(con, SEA_SOURCES, lang)


def export_water_sites(con: duckdb.DuckDBPyConnection, lang: str, year: int | None) -> Frames:
    """The surface-water monitoring sites: water body, region, kind, flags; names in the export's language
    (seeds/water_bodies.csv, water_regions.csv)."""
    data = _read(
        con,
        f"""SELECT site_id, site_name_{lang} AS site, water_body_{lang} AS water_body, region_name_{lang} AS region,
                   kind, types_published, flags, source_id
            FROM water_sites ORDER BY region, water_body, site_id""",
    )
    return localise_headers(data, "tables", lang), metadata_for(con, sorted(set(data["source_id"].drop_nulls())), lang)


def export_funding_breakdown(con: duckdb.DuckDBPyConnection, lang: str, year: int | None) -> Frames:
    """OECD CRS climate-related disbursements by donor, flow and theme per country and year."""
    data = _read(
        con,
        f"""SELECT b.geo_id, g.name_{lang} AS geo, b.year, b.dimension, b.category, b.amount_million_usd_current,
                   b.usd_per_person
            FROM funding_crs_breakdown b LEFT JOIN geographies g USING (geo_id)
            WHERE (? IS NULL OR b.year = ?) ORDER BY b.geo_id, b.year, b.dimension, b.category""",
        [year, year],
    )
    return localise_headers(data, "tables", lang), metadata_for(con, ["oecd_crs_climate", "wdi_population"], lang)


def export_air_rankings(con: duckdb.DuckDBPyConnection, lang: str, year: int | None) -> Frames:
    """Cities ranked by the annual mean of each pollutant (like with like), with days of data and flags."""
    data = _read(
        con,
        f"""SELECT r.pollutant, r.year, r.rank, r.n_ranked, coalesce(c.name_{lang}, c.name_ru) AS city, r.mean,
                   u.label_{lang} AS unit, r.days_with_data, r.days_in_period, r.days_doubtful, r.flags, r.source_id
            FROM air_rankings r LEFT JOIN air_cities c USING (city_id) LEFT JOIN units u ON u.unit = r.unit
            WHERE (? IS NULL OR r.year = ?) ORDER BY r.pollutant, r.year, r.rank""",
        [year, year],
    )
    return localise_headers(data, "tables", lang), metadata_for(con, sorted(set(data["source_id"].drop_nulls())), lang)


def export_summit_initiatives(con: duckdb.DuckDBPyConnection, lang: str, year: int | None) -> Frames:
    """The registry of summit initiatives (titles in Russian for kk: the registry has Russian and English)."""
    title = "title_en" if lang == "en" else "title_ru"
    data = _read(
        con,
        f"""SELECT initiative_id, {title} AS title, directions, lead, partners, status, start_date, end_date,
                   budget_amount, budget_currency, funding_source, last_update, citation, note
            FROM summit_initiatives ORDER BY initiative_id""",
    )
    snapshot_id, snapshot_date = snapshot_stamp(con)
    meta = pl.DataFrame({"snapshot_id": [snapshot_id], "snapshot_date": [snapshot_date]})
    return localise_headers(data, "tables", lang), meta
