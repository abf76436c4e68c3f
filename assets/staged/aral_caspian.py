"""Aral Sea and Caspian Sea parsers: the UNESCO Aral area table, the DAHITI altimetry series, official levels."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from assets.common.flags import add_flag
from assets.sources.catalogue import read_seed
from assets.staged.parsers import (
    ParseError,
    melt_numeric,
    read_csv_text,
    require_columns,
    staged_frame,
    to_number,
    year_column,
)


def source_caveats(source_id: str) -> pl.DataFrame:
    """The caveats a source gives about its own rows (seeds/sea_source_caveats.csv): by year range or by a
    phrase of the row's note, each with the flag it becomes."""
    return (
        read_seed("sea_source_caveats.csv")
        .filter(pl.col("source_id") == source_id)
        .with_columns(pl.col("first_year").cast(pl.Int32), pl.col("last_year").cast(pl.Int32))
    )


def with_source_caveats(rows: pl.DataFrame, caveats: pl.DataFrame) -> pl.DataFrame:
    """`flags` with each caveat that applies to a row: its year in [first_year, last_year] (open ends allowed)
    and, when the caveat names a phrase, the row's `note` containing it (case-insensitive)."""
    flags = pl.col("flags") if "flags" in rows.columns else pl.lit("")
    for caveat in caveats.iter_rows(named=True):
        applies = pl.lit(True)
        if caveat["first_year"] is not None:
            applies = applies & (pl.col("year") >= caveat["first_year"])
        if caveat["last_year"] is not None:
            applies = applies & (pl.col("year") <= caveat["last_year"])
        if caveat["note_contains"]:
            applies = applies & pl.col("note").str.to_lowercase().str.contains(
                caveat["note_contains"].lower(), literal=True
            )
        flags = add_flag(flags, caveat["flag"], applies)
    return rows.with_columns(flags=flags)


def parse_aral_area(path: Path) -> pl.DataFrame:
    """UNESCO Aral area table: Year, Total, Large, Eastern, Small in thousand km2; the years the source marks
    as lower quality carry the flag."""
    df = read_csv_text(path)
    require_columns(df, ["Year", "Total", "Large", "Eastern", "Small"], path)
    df = df.with_columns(year=year_column(df, "Year", path), geo_id=pl.lit("ARAL"))
    melted = melt_numeric(df, ["geo_id", "year"], ["Total", "Large", "Eastern", "Small"], path)
    return staged_frame(with_source_caveats(melted, source_caveats("aral_area")), path)


def sea_threshold(threshold_id: str) -> float:
    """A threshold of the seas' screening rules (seeds/sea_thresholds.csv, each with its reason)."""
    row = read_seed("sea_thresholds.csv").filter(pl.col("threshold_id") == threshold_id)
    if row.height != 1:
        raise ValueError(f"seeds/sea_thresholds.csv: expected one row for threshold_id {threshold_id!r}")
    return float(row["value"][0])


def parse_dahiti(path: Path) -> pl.DataFrame:
    """DAHITI altimetry series: date, water level (m, DAHITI heights), error (m); no final newline."""
    df = read_csv_text(path)
    require_columns(df, ["date", "water level", "error"], path)
    dates = df["date"].str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
    if dates.is_null().any():
        row = dates.is_null().arg_true()[0]
        raise ParseError(f"{path}: line {row + 2}: bad date {df['date'][row]!r} (expected YYYY-MM-DD)")
    obs = pl.DataFrame(
        {
            "date": dates,
            "level_m": to_number(df, "water level", path),
            "error_m": to_number(df, "error", path),
        }
    ).sort("date")
    if obs["date"].is_duplicated().any():
        raise ParseError(
            f"{path}: duplicate dates {obs.filter(pl.col('date').is_duplicated())['date'].unique().to_list()[:5]}"
        )
    window = int(sea_threshold("dahiti_outlier_window"))
    neighbours = pl.col("level_m").rolling_median(window_size=window, center=True, min_samples=3)
    return obs.with_columns(
        datum=pl.lit("dahiti"),
        flags=pl.when((pl.col("level_m") - neighbours).abs() > sea_threshold("dahiti_outlier_m"))
        .then(pl.lit("outlier"))
        .otherwise(pl.lit("")),
    )


def parse_caspian_official(path: Path) -> pl.DataFrame:
    """Official statements: year, level_m_baltic, source, note (metres, Baltic height system). What a row's
    note says about the value (the Kazakh part of the sea, not a final annual mean) becomes its flags."""
    df = read_csv_text(path)
    require_columns(df, ["year", "level_m_baltic", "source", "note"], path)
    out = df.select(
        geo_id=pl.lit("CASPIAN"),
        year=year_column(df, "year", path),
        variable=pl.lit("level_m_baltic"),
        value=to_number(df, "level_m_baltic", path),
        note=pl.col("note").fill_null(""),
    )
    return staged_frame(with_source_caveats(out, source_caveats("caspian_official")), path)


PARSERS = {
    "aral_area": parse_aral_area,
    "dahiti": parse_dahiti,
    "caspian_official": parse_caspian_official,
}
