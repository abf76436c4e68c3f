"""Parsers: one pure function per real source format, raw file -> staged polars frame.

Country-level parsers return the long "staged" shape
    geo_id (ISO3), year (Int32), variable (source column or code), value (Float64), flags (str)
keeping only the countries of seeds/geographies.csv, so the mirror extract and the full public file
give the same rows. Values are as published (no unit conversion here: that is the indicators step).
Every value that is present but not a number raises ParseError naming the file, row and column.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import polars as pl

from assets.sources.catalogue import iso3_by_source_name, kept_iso3

STAGED_SCHEMA = pl.Schema(
    {"geo_id": pl.String, "year": pl.Int32, "variable": pl.String, "value": pl.Float64, "flags": pl.String}
)


class ParseError(ValueError):
    """A raw file that does not have the shape or content its format promises."""


# ---------------------------------------------------------------- reading text


def read_text(path: Path) -> str:
    """The text of a raw file; a zip archive (World Bank bulk download) yields its data member."""
    data = Path(path).read_bytes()
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [n for n in archive.namelist() if n.endswith(".csv") and not n.startswith("Metadata_")]
            if not members:
                raise ParseError(f"{path}: zip archive holds no data CSV (members: {archive.namelist()})")
            data = archive.read(members[0])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError(f"{path}: not UTF-8 text (line {line}, byte {exc.start}); save it as UTF-8") from exc


def decode_office_text(data: bytes, name: str) -> str:
    """Text of a file an analyst saved: UTF-8 (with or without its mark), UTF-16 with its mark (Excel's "Unicode
    text") or cp1251 (Excel's CSV on a Russian-language Windows). ParseError, naming the file, otherwise."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ParseError(f"{name}: broken UTF-16 text at byte {exc.start}") from exc
    text = None
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    # cp1251 decodes almost any bytes, so a binary file (or UTF-16 without its mark) shows as NUL characters.
    if text is None or "\x00" in text:
        line = data[: data.find(b"\x00")].count(b"\n") + 1 if b"\x00" in data else 1
        raise ParseError(
            f"{name}: line {line}: not a text file in UTF-8, cp1251 or UTF-16 "
            "(save it from Excel as CSV UTF-8 or as XLSX)"
        )
    return text


def office_delimiter(header_line: str) -> str:
    """The cell separator of a CSV from a spreadsheet: ',' or, where the decimal mark is a comma, ';' (or a tab)."""
    return max((",", ";", "\t"), key=header_line.count)  # the first wins a tie


def read_csv_text(path: Path, text: str | None = None, skip_lines: int = 0, separator: str = ",") -> pl.DataFrame:
    """All columns as strings: types are applied explicitly by each parser."""
    text = read_text(path) if text is None else text
    body = "\n".join(text.splitlines()[skip_lines:])
    if not body.strip():
        raise ParseError(f"{path}: the file is empty")
    try:
        return pl.read_csv(io.StringIO(body), infer_schema=False, truncate_ragged_lines=False, separator=separator)
    except pl.exceptions.PolarsError as exc:  # polars names neither the file nor the line
        raise ParseError(f"{path}: {_csv_shape_problem(body, skip_lines, separator)}") from exc


def _csv_shape_problem(body: str, skip_lines: int, separator: str = ",") -> str:
    """Why a CSV text does not read as a table, with the file line (for a ParseError)."""
    reader = csv.reader(io.StringIO(body), delimiter=separator)
    try:
        header = next(reader)
        for cells in reader:
            if len(cells) != len(header) and any(c.strip() for c in cells):
                return (
                    f"line {reader.line_num + skip_lines} has {len(cells)} fields where the header "
                    f"(line {skip_lines + 1}) has {len(header)}"
                )
    except csv.Error as exc:
        return f"line {reader.line_num + skip_lines}: not well-formed CSV ({exc})"
    return "not well-formed CSV (a quoted field is never closed?)"


def require_columns(df: pl.DataFrame, columns: list[str], path: Path) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ParseError(f"{path}: missing column(s) {missing}; found {df.columns}")


def to_number(df: pl.DataFrame, column: str, path: Path, *, header_lines: int = 1, dtype=pl.Float64) -> pl.Series:
    """Cast a text column to numbers; empty cells become null, anything else unparsable is an error."""
    text = df[column].str.strip_chars()
    numbers = text.cast(dtype, strict=False)
    bad = df.with_row_index("row").filter(numbers.is_null() & text.is_not_null() & (text != ""))
    if bad.height:
        examples = ", ".join(
            f"line {r + header_lines + 1}: {v!r}" for r, v in bad.select("row", column).head(5).iter_rows()
        )
        raise ParseError(f"{path}: column {column!r} has {bad.height} non-numeric value(s) ({examples})")
    if numbers.dtype.is_float():
        # "nan", "inf" and numbers too large for a float (1e400) read as numbers, but no source measures them.
        broken = df.with_row_index("row").filter(numbers.is_nan() | numbers.is_infinite())
        if broken.height:
            examples = ", ".join(
                f"line {r + header_lines + 1}: {v!r}" for r, v in broken.select("row", column).head(5).iter_rows()
            )
            raise ParseError(
                f"{path}: column {column!r} has {broken.height} impossible value(s), not a finite number ({examples})"
            )
    return numbers


def staged_frame(df: pl.DataFrame, path: Path) -> pl.DataFrame:
    if "flags" not in df.columns:
        df = df.with_columns(flags=pl.lit(""))
    staged = (
        df.select(list(STAGED_SCHEMA))
        .cast(STAGED_SCHEMA)
        .filter(pl.col("value").is_not_null())
        .sort("variable", "geo_id", "year")
    )
    # Two values for one country, year and variable: which one is right is not ours to choose.
    repeated = staged.filter(pl.struct("geo_id", "year", "variable").is_duplicated())
    if repeated.height:
        examples = "; ".join(
            f"{g} {y} {v!r}"
            for g, y, v in repeated.select("geo_id", "year", "variable").unique(maintain_order=True).head(3).iter_rows()
        )
        raise ParseError(
            f"{path}: {repeated.height} values repeat the same place, year and variable ({examples}); "
            "keep one row per place and year"
        )
    return staged


def melt_numeric(
    df: pl.DataFrame, id_cols: list[str], value_cols: list[str], path: Path, header_lines: int = 1
) -> pl.DataFrame:
    numeric = df.select(id_cols).with_columns(
        [to_number(df, c, path, header_lines=header_lines).alias(c) for c in value_cols]
    )
    return numeric.unpivot(on=value_cols, index=id_cols, variable_name="variable", value_name="value")


def year_column(df: pl.DataFrame, column: str, path: Path, header_lines: int = 1) -> pl.Series:
    # Some compilations write years as "2000.0".
    years = to_number(df, column, path, header_lines=header_lines)
    if years.is_null().any():
        row = years.is_null().arg_true()[0]
        raise ParseError(f"{path}: line {row + header_lines + 1}: empty year")
    return years.cast(pl.Int32)


# ---------------------------------------------------------------- country formats


def parse_owid_chart(path: Path) -> pl.DataFrame:
    """OWID chart download: Entity, Code, Year, one or more value columns (annotation columns ignored)."""
    df = read_csv_text(path)
    require_columns(df, ["Entity", "Code", "Year"], path)
    df = df.filter(pl.col("Code").is_in(kept_iso3()))
    value_cols = [c for c in df.columns if c not in ("Entity", "Code", "Year") and not c.endswith("-annotations")]
    if not value_cols:
        raise ParseError(f"{path}: no value column after Entity, Code, Year")
    df = df.with_columns(year=year_column(df, "Year", path)).rename({"Code": "geo_id"})
    return staged_frame(melt_numeric(df, ["geo_id", "year"], value_cols, path), path)


def parse_owid_population(path: Path) -> pl.DataFrame:
    """UN WPP via OWID: estimates, then the medium projection flagged as a projection."""
    wide = parse_owid_chart(path)
    estimates = wide.filter(pl.col("variable") == "Population, total")
    projected = wide.filter(pl.col("variable") == "Population, medium projection (Projected)")
    if estimates.is_empty():
        raise ParseError(f"{path}: no 'Population, total' column")
    last_estimate = estimates.group_by("geo_id").agg(last=pl.col("year").max())
    projected = (
        projected.join(last_estimate, on="geo_id", how="left")
        .filter(pl.col("last").is_null() | (pl.col("year") > pl.col("last")))
        .drop("last")
        .with_columns(flags=pl.lit("projection"))
    )
    both = pl.concat([estimates, projected]).with_columns(variable=pl.lit("population"))
    return staged_frame(both, path)


def parse_wdi_bulk(path: Path) -> pl.DataFrame:
    """World Bank bulk CSV: a 4-line preamble (absent in re-saved copies), wide years, empty = no data."""
    text = read_text(path)
    lines = text.splitlines()
    header_at = next((i for i, line in enumerate(lines[:20]) if line.lstrip('"').startswith("Country Name")), None)
    if header_at is None:
        raise ParseError(f"{path}: no 'Country Name' header row in the first 20 lines (not a WDI bulk CSV)")
    df = read_csv_text(path, text, skip_lines=header_at)
    require_columns(df, ["Country Code", "Indicator Code"], path)
    df = df.filter(pl.col("Country Code").is_in(kept_iso3()))
    year_cols = [c for c in df.columns if re.fullmatch(r"\d{4}", c)]
    long = melt_numeric(
        df.rename({"Country Code": "geo_id", "Indicator Code": "code"}),
        ["geo_id", "code"],
        year_cols,
        path,
        header_lines=header_at + 1,
    )
    long = long.rename({"variable": "year"}).with_columns(pl.col("year").cast(pl.Int32), variable=pl.col("code"))
    return staged_frame(long, path)


def parse_gcb_long(path: Path) -> pl.DataFrame:
    """Global Carbon Budget extract: iso3, country, year, fossil_co2_MtC (million tonnes of carbon)."""
    df = read_csv_text(path)
    require_columns(df, ["iso3", "year", "fossil_co2_MtC"], path)
    df = df.filter(pl.col("iso3").is_in(kept_iso3()))
    df = df.with_columns(year=year_column(df, "year", path)).rename({"iso3": "geo_id"})
    return staged_frame(melt_numeric(df, ["geo_id", "year"], ["fossil_co2_MtC"], path), path)


def parse_owid_co2_2020(path: Path) -> pl.DataFrame:
    """OWID CO2 dataset (2020 edition): iso_code, country, year, then 35 numeric columns."""
    df = read_csv_text(path)
    require_columns(df, ["iso_code", "country", "year"], path)
    df = df.filter(pl.col("iso_code").is_in(kept_iso3()))
    df = df.with_columns(year=year_column(df, "year", path)).rename({"iso_code": "geo_id"})
    value_cols = [c for c in df.columns if c not in ("geo_id", "country", "year")]
    return staged_frame(melt_numeric(df, ["geo_id", "year"], value_cols, path), path)


def parse_faostat_long(path: Path) -> pl.DataFrame:
    """FAOSTAT per-country extracts: ISO3, Element, Item or FBS Class, Unit, Year, value."""
    df = read_csv_text(path)
    item = "Item" if "Item" in df.columns else "FBS Class"
    require_columns(df, ["ISO3", "Element", item, "Year", "value"], path)
    df = df.filter(pl.col("ISO3").is_in(kept_iso3()))
    out = df.select(
        geo_id=pl.col("ISO3"),
        year=year_column(df, "Year", path),
        variable=pl.col("Element") + "|" + pl.col(item),
        value=to_number(df, "value", path),
    )
    duplicated = out.filter(pl.struct("geo_id", "year", "variable").is_duplicated())
    if duplicated.height:
        raise ParseError(
            f"{path}: {duplicated.height} duplicate rows for the same country, year, element and item, "
            f"e.g. {duplicated.row(0)}"
        )
    return staged_frame(out, path)


def parse_sust_energy(path: Path) -> pl.DataFrame:
    """Kaggle 'Global Data on Sustainable Energy': keyed by country name, years as '2000.0'."""
    df = read_csv_text(path)
    require_columns(df, ["Entity", "Year"], path)
    names = iso3_by_source_name()
    df = df.filter(pl.col("Entity").is_in(list(names)))
    df = df.with_columns(geo_id=pl.col("Entity").replace_strict(names), year=year_column(df, "Year", path))
    value_cols = [c for c in df.columns if c not in ("Entity", "Year", "geo_id", "year")]
    return staged_frame(melt_numeric(df, ["geo_id", "year"], value_cols, path), path)


# ---------------------------------------------------------------- geometry and metadata


def parse_geojson(path: Path) -> pl.DataFrame:
    """Natural Earth GeoJSON: one row per feature, properties and geometry kept as JSON text."""
    try:
        collection = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ParseError(f"{path}: not valid JSON (line {exc.lineno}): {exc.msg}") from exc
    if collection.get("type") != "FeatureCollection":
        raise ParseError(f"{path}: expected a GeoJSON FeatureCollection, got {collection.get('type')!r}")
    rows = []
    for i, feature in enumerate(collection.get("features", [])):
        props = feature.get("properties") or {}
        if not feature.get("geometry"):
            raise ParseError(f"{path}: feature {i} has no geometry")
        rows.append(
            {
                "feature_id": str(props.get("ADM0_A3") or props.get("adm1_code") or props.get("GEONAMEID") or i),
                "name": props.get("NAME") or props.get("name") or props.get("NAME_EN") or "",
                "name_ru": props.get("NAME_RU") or "",
                "properties": json.dumps(props, ensure_ascii=False),
                "geometry": json.dumps(feature["geometry"], separators=(",", ":")),
            }
        )
    if not rows:
        raise ParseError(f"{path}: the FeatureCollection has no features")
    return pl.DataFrame(rows)


def parse_codebook(path: Path) -> pl.DataFrame:
    df = read_csv_text(path)
    require_columns(df, ["column", "description"], path)
    return df


PARSERS = {
    "owid_chart": parse_owid_chart,
    "owid_population": parse_owid_population,
    "wdi_bulk": parse_wdi_bulk,
    "gcb_long": parse_gcb_long,
    "owid_co2_2020": parse_owid_co2_2020,
    "faostat_long": parse_faostat_long,
    "sust_energy": parse_sust_energy,
    "geojson": parse_geojson,
    "codebook": parse_codebook,
}
