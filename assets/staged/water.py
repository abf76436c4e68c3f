"""Parsers of the public water files (raw file -> staged frame): PARSERS maps a format (seeds/sources.csv) to one."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from assets.sources.water_names import (
    ROMAN,
    unit_key,
    unit_synonyms,
)
from assets.staged.parsers import (
    ParseError,
    read_csv_text,
    require_columns,
    to_number,
)


def _line_numbers(df: pl.DataFrame) -> pl.Series:
    return pl.Series("line", range(2, df.height + 2), dtype=pl.Int32)  # header is line 1


def _site_columns(df: pl.DataFrame, water_body: str, region: str) -> dict[str, pl.Series]:
    """Line, water body, its type and region: the site as each surface-water file names it."""
    return {
        "line": _line_numbers(df),
        "water_body": df[water_body].str.strip_chars(),
        "water_body_type": df["type"].str.strip_chars(),
        "region": df[region].str.strip_chars(),
    }


def _decimals(text: pl.Expr) -> pl.Expr:
    """Digits after the decimal point as written ("0.0019" -> 4, "2" -> 0): the rounding of a value."""
    return (
        pl.when(text.str.contains(r"\."))
        .then(text.str.split(".").list.last().str.len_chars())
        .otherwise(0)
        .cast(pl.Int32)
    )


def _roman_class(df: pl.DataFrame, column: str, path: Path) -> pl.Series:
    """'III class', 'V class,' -> 'III', 'V'; anything else is an error naming the line."""
    roman = df[column].str.strip_chars().str.extract(r"^([IVX]+)\s+class\b", 1)
    bad = df.with_columns(_line_numbers(df), roman=roman).filter(
        pl.col("roman").is_null() | ~pl.col("roman").is_in(list(ROMAN))
    )
    if bad.height:
        examples = ", ".join(f"line {r['line']}: {r[column]!r}" for r in bad.head(5).iter_rows(named=True))
        raise ParseError(f"{path}: column {column!r} is not a class I-VII ({examples})")
    return roman


SURFACE_COLUMNS = (
    "rivers type regions wpi_april_2005 wpi_march_2006 wpi_april_2006"
    " ingredients_and_indicators avg_concentration_mg/l multiplicity_of_exceeding_the_mpc classes characteristic"
).split()
CLASS_TABLE_COLUMNS = (
    "class water_quality_characteristics Water_pollution_index_wpi domestic_and_drinking_water_use domestic_water_use"
).split()


def parse_kz_surface_water_quality(path: Path) -> pl.DataFrame:
    """April 2006 surface-water quality: one row per water body x region x pollutant over the limit.

    Sites with no pollutant over the limit have one row with an empty pollutant. Concentrations and
    multiplicities keep their written precision (needed to check the implied limits within rounding).
    """
    df = read_csv_text(path)
    require_columns(df, SURFACE_COLUMNS, path)
    conc_text = df["avg_concentration_mg/l"].str.strip_chars()
    mult_text = df["multiplicity_of_exceeding_the_mpc"].str.strip_chars()
    out = pl.DataFrame(
        {
            **_site_columns(df, "rivers", "regions"),
            "wpi_2005_04": to_number(df, "wpi_april_2005", path),
            "wpi_2006_03": to_number(df, "wpi_march_2006", path),
            "wpi_2006_04": to_number(df, "wpi_april_2006", path),
            "pollutant": df["ingredients_and_indicators"].str.strip_chars().replace("", None),
            "concentration_mg_l": to_number(df, "avg_concentration_mg/l", path),
            "concentration_text": conc_text,
            "multiplicity": to_number(df, "multiplicity_of_exceeding_the_mpc", path),
            "multiplicity_text": mult_text,
            "class_published": _roman_class(df, "classes", path),
            "characteristic": df["characteristic"].str.strip_chars(),
        }
    ).with_columns(
        concentration_decimals=_decimals(pl.col("concentration_text")),
        multiplicity_decimals=_decimals(pl.col("multiplicity_text")),
    )
    if out["wpi_2006_04"].is_null().any():
        line = out.filter(pl.col("wpi_2006_04").is_null())["line"][0]
        raise ParseError(f"{path}: line {line}: no April 2006 WPI")
    partial = out.filter(
        pl.col("pollutant").is_not_null() & (pl.col("concentration_mg_l").is_null() | pl.col("multiplicity").is_null())
    )
    if partial.height:
        raise ParseError(f"{path}: line {partial['line'][0]}: a pollutant without its concentration or multiplicity")
    return out


def parse_kz_water_bodies_wpi_class(path: Path) -> pl.DataFrame:
    """WPI and class per water body: the April 2006 classification under later region names."""
    df = read_csv_text(path)
    require_columns(df, ["water_objects", "type", "region", "class", "wpi"], path)
    return pl.DataFrame(
        {
            **_site_columns(df, "water_objects", "region"),
            "class_published": _roman_class(df, "class", path),
            "wpi": to_number(df, "wpi", path),
        }
    )


def parse_kz_wpi_classes(path: Path) -> pl.DataFrame:
    """Class table: 'I class' .. 'VII class' with WPI ranges '0.0-0.3' .. '>10'."""
    df = read_csv_text(path)
    require_columns(df, CLASS_TABLE_COLUMNS, path)
    ranges = df["Water_pollution_index_wpi"].str.strip_chars()
    low = ranges.str.extract(r"^([\d.]+)\s*-", 1)
    high = ranges.str.extract(r"-\s*([\d.]+)$", 1)
    open_low = ranges.str.extract(r"^>\s*([\d.]+)$", 1)
    bad = df.with_columns(_line_numbers(df)).filter((low.is_null() | high.is_null()) & open_low.is_null())
    if bad.height:
        raise ParseError(
            f"{path}: line {bad['line'][0]}: WPI range {bad['Water_pollution_index_wpi'][0]!r} "
            "is neither 'a-b' nor '>a'"
        )
    roman = _roman_class(df, "class", path)
    return pl.DataFrame(
        {
            "class": roman,
            "class_rank": roman.replace_strict(ROMAN, return_dtype=pl.Int32),
            "characteristic": df["water_quality_characteristics"].str.strip_chars(),
            "wpi_range": ranges,
            "wpi_min": low.fill_null(open_low).cast(pl.Float64),
            "wpi_max": high.cast(pl.Float64),
            "drinking_use": df["domestic_and_drinking_water_use"].str.strip_chars(),
            "domestic_use": df["domestic_water_use"].str.strip_chars(),
        }
    ).sort("class_rank")


def parse_kz_drinking_water_standards(path: Path) -> pl.DataFrame:
    """Kazakhstan drinking-water standards: mg/l unless the cell carries its own unit ('7.0 (mg-eq./L)')."""
    df = read_csv_text(path)
    column = "standards_mpc_not_more_than_mg/l"
    require_columns(df, ["substance_name", "indicator_type", column, "hazard_index", "class"], path)
    written = df[column].str.strip_chars()
    own_unit = written.str.extract(r"\(([^)]*)\)\s*$", 1)
    number_text = written.str.replace(r"\s*\([^)]*\)\s*$", "")
    units = unit_synonyms()
    unit_codes = []
    for i, (text, unit) in enumerate(zip(written, own_unit, strict=False)):
        if unit is None:
            unit_codes.append("mg_l")
        elif unit_key(unit) in units:
            unit_codes.append(units[unit_key(unit)])
        else:
            raise ParseError(
                f"{path}: line {i + 2}: unknown unit {unit!r} in {text!r} (add it to seeds/water_unit_synonyms.csv)"
            )
    parsed = df.with_columns(number=number_text)
    return pl.DataFrame(
        {
            "line": _line_numbers(df),
            "substance": df["substance_name"].str.strip_chars(),
            "indicator_type": df["indicator_type"].str.strip_chars(),
            "limit_as_written": written,
            "limit": to_number(parsed, "number", path),  # accepts exponent form (1e-05)
            "unit": pl.Series(unit_codes, dtype=pl.String),
            "hazard_index": df["hazard_index"].str.strip_chars(),
            "hazard_class": df["class"].str.strip_chars(),
        }
    )


def parse_kz_lakes(path: Path) -> pl.DataFrame:
    df = read_csv_text(path)
    require_columns(df, ["lakes_kz", "square", "regions"], path)
    return pl.DataFrame(
        {
            "line": _line_numbers(df),
            "lake": df["lakes_kz"].str.strip_chars(),
            "area_km2": to_number(df, "square", path),
            "regions_as_published": df["regions"].str.strip_chars(),
        }
    )


def parse_ru_sanpin_water_mpc(path: Path) -> pl.DataFrame:
    """SanPiN 1.2.3685-21 Table 3.13 selection; the numeric column is checked against the raw text."""
    df = read_csv_text(path)
    cols = [
        "substance_en",
        "substance_ru",
        "cas",
        "mpc_raw",
        "mpc_mg_per_l",
        "limiting_hazard_indicator",
        "hazard_class",
        "source_document",
        "source_table",
    ]
    require_columns(df, cols, path)
    limit = to_number(df, "mpc_mg_per_l", path)
    # The raw text: decimal comma and the document's footnote marks (<к>, (д), ...).
    raw_number = (
        df["mpc_raw"].str.replace_all(r"[<(][^>)]*[>)]", "").str.strip_chars().str.replace(",", ".", literal=True)
    )
    raw_value = raw_number.cast(pl.Float64, strict=False)
    mismatch = df.with_columns(_line_numbers(df), raw_value=raw_value, limit=limit).filter(
        pl.col("raw_value").is_null()
        | ((pl.col("raw_value") - pl.col("limit")).abs() > 1e-12 * pl.col("limit").abs().clip(1, None))
    )
    if mismatch.height:
        r = mismatch.row(0, named=True)
        raise ParseError(
            f"{path}: line {r['line']}: mpc_raw {r['mpc_raw']!r} does not match mpc_mg_per_l {r['mpc_mg_per_l']!r}"
        )
    return pl.DataFrame(
        {
            "line": _line_numbers(df),
            "substance": df["substance_en"].str.strip_chars(),
            "substance_ru": df["substance_ru"].str.strip_chars(),
            "cas": df["cas"].str.strip_chars(),
            "limit_as_written": df["mpc_raw"].str.strip_chars(),
            "limit": limit,
            "unit": pl.Series(["mg_l"] * df.height, dtype=pl.String),
            "hazard_index": df["limiting_hazard_indicator"].str.strip_chars(),
            "hazard_class": df["hazard_class"].str.strip_chars(),
            "document": df["source_document"].str.strip_chars(),
            "document_table": df["source_table"].str.strip_chars(),
        }
    )


PARSERS: dict = {  # format name (seeds/sources.csv) -> parser(path) -> polars frame
    "kz_surface_water_quality": parse_kz_surface_water_quality,
    "kz_water_bodies_wpi_class": parse_kz_water_bodies_wpi_class,
    "kz_wpi_classes": parse_kz_wpi_classes,
    "kz_drinking_water_standards": parse_kz_drinking_water_standards,
    "kz_lakes": parse_kz_lakes,
    "ru_sanpin_water_mpc": parse_ru_sanpin_water_mpc,
}
