"""Aral Sea and Caspian Sea parsers: the UNESCO Aral area table, the DAHITI altimetry series, official levels."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from assets.staged.parsers import (
    ParseError,
    melt_numeric,
    read_csv_text,
    require_columns,
    staged_frame,
    to_number,
    year_column,
)


def parse_aral_area(path: Path) -> pl.DataFrame:
    """UNESCO Aral area table: Year, Total, Large, Eastern, Small in thousand km2."""
    df = read_csv_text(path)
    require_columns(df, ["Year", "Total", "Large", "Eastern", "Small"], path)
    df = df.with_columns(year=year_column(df, "Year", path), geo_id=pl.lit("ARAL"))
    return staged_frame(melt_numeric(df, ["geo_id", "year"], ["Total", "Large", "Eastern", "Small"], path), path)


# A 10-day altimetry point more than this far from its neighbours' median is not a physical change:
# the Caspian's seasonal swing is about 0.3 m, and the known outlier (2000-01-27) sits 0.7 m off.
DAHITI_OUTLIER_M = 0.5


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
    neighbours = pl.col("level_m").rolling_median(window_size=9, center=True, min_samples=3)
    return obs.with_columns(
        datum=pl.lit("dahiti"),
        flags=pl.when((pl.col("level_m") - neighbours).abs() > DAHITI_OUTLIER_M)
        .then(pl.lit("outlier"))
        .otherwise(pl.lit("")),
    )


def parse_caspian_official(path: Path) -> pl.DataFrame:
    """Official statements: year, level_m_baltic, source, note (metres, Baltic height system)."""
    df = read_csv_text(path)
    require_columns(df, ["year", "level_m_baltic", "source"], path)
    out = df.select(
        geo_id=pl.lit("CASPIAN"),
        year=year_column(df, "year", path),
        variable=pl.lit("level_m_baltic"),
        value=to_number(df, "level_m_baltic", path),
    )
    return staged_frame(out, path)


PARSERS = {
    "aral_area": parse_aral_area,
    "dahiti": parse_dahiti,
    "caspian_official": parse_caspian_official,
}
