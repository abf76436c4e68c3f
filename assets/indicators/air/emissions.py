"""Kazakhstan's stationary-source emissions by region (Bureau of National Statistics), with comparable trends."""

from __future__ import annotations

import polars as pl

from assets.indicators.air.means import ols_slope
from assets.indicators.air.rules import MIN_TREND_YEARS

EMISSIONS_UNIT = "kt"  # thousand tonnes, as the Bureau of National Statistics publishes it
SPLIT_IN_2022 = ("Восточно-Казахстанская", "Алматинская", "Карагандинская")  # lost territory to Abai, Jetisu, Ulytau


def region_emissions(staged: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """Stationary-source emissions per region and year (thousand tonnes), with the region registry's names.

    A region of the source that the registry lacks is an error: it would otherwise leave the map silently.
    """
    unknown = sorted(set(staged["region"]) - set(regions["region_ru"]))
    if unknown:
        raise ValueError(f"regions {unknown} of the emissions table are not in seeds/air_regions.csv")
    flags = (
        pl.when(pl.col("region_ru").is_in(SPLIT_IN_2022) & (pl.col("year") >= 2022))
        .then(pl.lit("boundary_change_2022"))
        .otherwise(pl.col("flags"))
    )
    return (
        staged.rename({"region": "region_ru"})
        .join(regions.select("region_ru", "name_ru", "name_en", "name_kk", "kind"), on="region_ru")
        .with_columns(
            unit=pl.lit(EMISSIONS_UNIT),
            flags=flags,
        )
        .select("region_ru", "name_ru", "name_en", "name_kk", "kind", "year", "value", "unit", "flags")
        .sort("region_ru", "year")
    )


def region_emission_trends(emissions: pl.DataFrame) -> pl.DataFrame:
    """Per region: first and last comparable year, change in %, and least-squares slope (kt per year).

    Regions that lost territory in 2022 are compared over their years up to 2021, so a boundary change
    does not read as a fall in emissions.
    """
    comparable = emissions.filter(pl.col("flags") != "boundary_change_2022").sort("year")
    rows = []
    for (region,), g in comparable.group_by(["region_ru"], maintain_order=True):
        years, values = g["year"].to_list(), g["value"].to_list()
        rows.append(
            {
                "region_ru": region,
                "first_year": years[0],
                "last_year": years[-1],
                "first_value": values[0],
                "last_value": values[-1],
                "change_pct": (values[-1] / values[0] - 1) * 100 if values[0] and len(years) > 1 else None,
                "slope_per_year": ols_slope(years, values) if len(years) >= MIN_TREND_YEARS else None,
                "n_years": len(years),
                "unit": EMISSIONS_UNIT,
                "note": "compared up to 2021 (boundary change in 2022)" if region in SPLIT_IN_2022 else "",
            }
        )
    schema = {
        "region_ru": pl.String,
        "first_year": pl.Int32,
        "last_year": pl.Int32,
        "first_value": pl.Float64,
        "last_value": pl.Float64,
        "change_pct": pl.Float64,
        "slope_per_year": pl.Float64,
        "n_years": pl.Int32,
        "unit": pl.String,
        "note": pl.String,
    }
    return pl.DataFrame(rows, schema=schema).sort("region_ru")
