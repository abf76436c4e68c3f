"""Exports of the published snapshot: CSV (UTF-8 with BOM, metadata file beside it) and XLSX (data + metadata).

Every exported value keeps its unit and its source (title, licence, URL, retrieval time, sha256), and
the snapshot it came from. Text cells that a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import polars as pl
import xlsxwriter

from assets.published.snapshots import NoSnapshotError, open_snapshot
from assets.sources.catalogue import CENTRAL_ASIA

TABLES = ("indicators", "indicators_wide")
# Theme exports: name -> "module:function"; the function takes (con, lang, year) and returns
# (data, metadata) polars frames read from the published snapshot.
THEME_EXPORTS = {
    "water_quality": "assets.exports.water:export_water_quality",
    "quarantine": "assets.exports.water:export_quarantine",
    "funding": "assets.exports.funding:export_funding",
    "summit_pack": "assets.exports.summit_pack:export_summit_pack",
    "air_quality": "assets.exports.air:export_air_quality",
    "air_summary": "assets.exports.air:export_air_summary",
}


def available_tables() -> list[str]:
    """Tables whose export function exists (a theme registers its exports as it lands)."""
    out = list(TABLES)
    for name, target in THEME_EXPORTS.items():
        module, func = target.split(":")
        if hasattr(importlib.import_module(module), func):
            out.append(name)
    return out


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

HEADERS = {
    "ru": {
        "indicator_id": "Код показателя",
        "indicator": "Показатель",
        "geo_id": "Код территории",
        "geo": "Территория",
        "year": "Год",
        "value": "Значение",
        "unit": "Единица измерения",
        "source": "Источник",
        "licence": "Лицензия",
        "flags": "Отметки",
        "definition": "Определение",
        "citation": "Цитирование",
        "public_url": "Адрес источника",
        "retrieved_from": "Получено из",
        "retrieved_at": "Дата получения",
        "sha256": "Контрольная сумма SHA-256",
        "snapshot_id": "Снимок данных",
        "snapshot_date": "Дата снимка",
        "source_id": "Код источника",
    },
    "en": {
        "indicator_id": "Indicator code",
        "indicator": "Indicator",
        "geo_id": "Area code",
        "geo": "Area",
        "year": "Year",
        "value": "Value",
        "unit": "Unit",
        "source": "Source",
        "licence": "Licence",
        "flags": "Flags",
        "definition": "Definition",
        "citation": "Citation",
        "public_url": "Source URL",
        "retrieved_from": "Retrieved from",
        "retrieved_at": "Retrieved at",
        "sha256": "SHA-256 checksum",
        "snapshot_id": "Data snapshot",
        "snapshot_date": "Snapshot date",
        "source_id": "Source code",
    },
    "kk": {
        "indicator_id": "Көрсеткіш коды",
        "indicator": "Көрсеткіш",
        "geo_id": "Аумақ коды",
        "geo": "Аумақ",
        "year": "Жыл",
        "value": "Мәні",
        "unit": "Өлшем бірлігі",
        "source": "Дереккөз",
        "licence": "Лицензия",
        "flags": "Белгілер",
        "definition": "Анықтама",
        "citation": "Дәйексөз",
        "public_url": "Дереккөз мекенжайы",
        "retrieved_from": "Алынған мекенжайы",
        "retrieved_at": "Алынған күні",
        "sha256": "SHA-256 бақылау сомасы",
        "snapshot_id": "Деректер кесіндісі",
        "snapshot_date": "Деректер кесіндісінің күні",
        "source_id": "Дереккөз коды",
    },
}
# Columns the catalogue holds in fewer languages than the exports: (column base, language) -> language read.
# Empty now that the catalogue has Kazakh definitions (definition_kk).
CATALOGUE_COLUMN_FALLBACK: dict[tuple[str, str], str] = {}
# Theme exports speak the languages of their own headers: Russian and English unless the theme's module
# declares EXPORT_LANGUAGES.
THEME_EXPORT_DEFAULT_LANGUAGES = ("ru", "en")


class ExportError(RuntimeError):
    pass


def neutralise_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that start like a formula with an apostrophe; numbers stay numbers."""
    text_cols = [c for c, t in df.schema.items() if t == pl.String]
    return df.with_columns(
        pl.when(pl.col(c).str.starts_with(FORMULA_START[0]) | pl.col(c).str.contains(r"^[+\-@\t\r]"))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text_cols
    )


def _read(con, sql: str, params: list | None = None) -> pl.DataFrame:
    return con.execute(sql, params or []).pl()


def indicators_long(con, lang: str) -> pl.DataFrame:
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
    )  # lang is validated against HEADERS before it reaches here


def indicators_wide(con, lang: str, year: int | None) -> pl.DataFrame:
    """Indicators x (five countries + region) for one year, or each indicator's latest year."""
    areas = [*CENTRAL_ASIA, "CA5"]
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


def theme_export_languages(table: str) -> tuple[str, ...]:
    module, _func = THEME_EXPORTS[table].split(":")
    return tuple(getattr(importlib.import_module(module), "EXPORT_LANGUAGES", THEME_EXPORT_DEFAULT_LANGUAGES))


def metadata(con, lang: str, indicator_ids: list[str]) -> pl.DataFrame:
    return _read(
        con,
        f"""
        WITH latest AS (
            SELECT * FROM provenance QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY version DESC) = 1
        )
        SELECT i.indicator_id, i.name_{lang} AS indicator, {catalogue_column("definition", lang)} AS definition, u.label_{lang} AS unit,
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


def _localise_headers(df: pl.DataFrame, lang: str) -> pl.DataFrame:
    return df.rename({c: HEADERS[lang].get(c, c) for c in df.columns})


def write_csv(data: pl.DataFrame, meta: pl.DataFrame, out: Path) -> list[Path]:
    meta_path = out.with_name(out.stem + ".metadata.csv")
    data.write_csv(out, include_bom=True)
    meta.write_csv(meta_path, include_bom=True)
    return [out, meta_path]


def write_xlsx(data: pl.DataFrame, meta: pl.DataFrame, out: Path) -> list[Path]:
    # strings_to_formulas off as well: a text cell is never evaluated, whatever it holds.
    with xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False}) as workbook:
        data.write_excel(workbook, worksheet="data", autofit=True, float_precision=6)
        meta.write_excel(workbook, worksheet="metadata", autofit=True)
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
) -> list[Path]:
    if table not in available_tables():
        raise ExportError(f"unknown table {table!r}; choose one of {', '.join(available_tables())}")
    if lang not in HEADERS:
        raise ExportError(f"unknown language {lang!r}; choose one of {', '.join(HEADERS)}")
    if table in THEME_EXPORTS and lang not in theme_export_languages(table):
        raise ExportError(
            f"the table {table!r} is not exported in {lang!r} yet; choose one of "
            f"{', '.join(theme_export_languages(table))}"
        )
    if fmt not in ("csv", "xlsx"):
        raise ExportError(f"unknown format {fmt!r}; choose csv or xlsx")
    try:
        con = open_snapshot(published_dir, snapshot_id)
    except NoSnapshotError as exc:
        raise ExportError(str(exc)) from exc
    out = Path(out)
    if out.parent and not out.parent.exists():
        raise ExportError(f"the folder {out.parent} does not exist")
    if table == "summit_pack":  # one sheet per direction (a zip of tables as CSV): its own writer
        from assets.exports.summit_pack import write_summit_pack

        try:
            return write_summit_pack(con, fmt, lang, out)
        finally:
            con.close()
    try:
        if table in THEME_EXPORTS:
            module, func = THEME_EXPORTS[table].split(":")
            data, meta = getattr(importlib.import_module(module), func)(con, lang, year)
        else:
            data = indicators_long(con, lang) if table == "indicators" else indicators_wide(con, lang, year)
            meta = metadata(con, lang, data["indicator_id"].unique().sort().to_list())
    finally:
        con.close()
    data, meta = neutralise_formulas(_localise_headers(data, lang)), neutralise_formulas(_localise_headers(meta, lang))
    return write_csv(data, meta, out) if fmt == "csv" else write_xlsx(data, meta, out)
