"""Aral Sea and Caspian Sea tables: Aral area by basin, and Caspian levels in two datums that are never merged.

Pure polars functions; the Dagster assets are in assets/indicators/aral_caspian_assets.py.
"""

from __future__ import annotations

import polars as pl

from assets.indicators.country import conversion_factor
from assets.staged.aral_caspian import sea_threshold

ARAL_BASINS = {"Total": "total", "Large": "large_west", "Eastern": "large_east", "Small": "small"}
# The source's "Large" column is the western basin only in the years it reports the eastern basin apart;
# before that (until 2006) it is the whole Large (South) Aral.
LARGE_WHOLE = "large"


def aral_area(staged: pl.DataFrame, conversions: pl.DataFrame) -> pl.DataFrame:
    """Area by basin in km2, with the source's flags (lower quality after 2018, set when staged)."""
    factor = conversion_factor("thousand_km2", "km2", conversions)
    eastern_years = staged.filter(pl.col("variable") == "Eastern")["year"].unique().implode()
    basin = (
        pl.when((pl.col("variable") == "Large") & ~pl.col("year").is_in(eastern_years))
        .then(pl.lit(LARGE_WHOLE))
        .otherwise(pl.col("variable").replace_strict(ARAL_BASINS))
    )
    return staged.select("year", basin=basin, area_km2=pl.col("value") * factor, flags="flags").sort("basin", "year")


def caspian_annual_dahiti(obs: pl.DataFrame, *, full_year_min_obs: int | None = None) -> pl.DataFrame:
    """Annual means of the altimetry series without outliers; the first and last years are partial.

    A year is partial when the series starts after January or ends before December in it, which is what
    DAHITI's 1992 (from 28 September) and 2023 (to 22 July) are, or has fewer observations than
    seeds/sea_thresholds.csv `dahiti_full_year_min_obs`.
    """
    if full_year_min_obs is None:
        full_year_min_obs = int(sea_threshold("dahiti_full_year_min_obs"))
    kept = obs.filter(pl.col("flags") != "outlier").with_columns(year=pl.col("date").dt.year().cast(pl.Int32))
    annual = kept.group_by("year").agg(
        level_m=pl.col("level_m").mean(),
        n_obs=pl.len(),
        first=pl.col("date").min(),
        last=pl.col("date").max(),
    )
    partial = (
        (pl.col("first").dt.month() > 1) | (pl.col("last").dt.month() < 12) | (pl.col("n_obs") < full_year_min_obs)
    )
    return annual.select(
        "year",
        datum=pl.lit("dahiti"),
        level_m="level_m",
        n_obs=pl.col("n_obs").cast(pl.Int32),
        source_id=pl.lit("caspian_dahiti"),
        flags=pl.when(partial).then(pl.lit("partial_year")).otherwise(pl.lit("")),
    ).sort("year")


def caspian_annual(dahiti_annual: pl.DataFrame, official: pl.DataFrame) -> pl.DataFrame:
    """The two series side by side in one table, each keeping its datum."""
    baltic = official.select(
        "year",
        datum=pl.lit("baltic"),
        level_m="value",
        n_obs=pl.lit(1, dtype=pl.Int32),
        source_id=pl.lit("caspian_official"),
        flags="flags",
    )
    return pl.concat([dahiti_annual, baltic]).sort("datum", "year")


def caspian_datum_difference(annual: pl.DataFrame) -> pl.DataFrame:
    """DAHITI minus Baltic for the years both exist: shown, never used as a single offset."""
    dahiti = annual.filter(pl.col("datum") == "dahiti").select("year", dahiti_m="level_m", dahiti_flags="flags")
    # The statements' own notes (e.g. the Kazakh part of the sea) stay beside the difference they enter.
    baltic = annual.filter(pl.col("datum") == "baltic").select("year", baltic_m="level_m", baltic_flags="flags")
    return (
        dahiti.join(baltic, on="year", how="inner")
        .with_columns(difference_m=pl.col("dahiti_m") - pl.col("baltic_m"))
        .select("year", "dahiti_m", "baltic_m", "difference_m", "dahiti_flags", "baltic_flags")
        .sort("year")
    )


def dahiti_annual_staged(dahiti_annual: pl.DataFrame) -> pl.DataFrame:
    """The DAHITI annual means in the staged shape, so the catalogue selects them like any other source."""
    return dahiti_annual.select(
        geo_id=pl.lit("CASPIAN"), year="year", variable=pl.lit("annual_mean"), value="level_m", flags="flags"
    )
