"""Observations: site, period, parameter, value, unit, source (the April 2006 file and the landed lab rows)."""

from __future__ import annotations

import polars as pl

from assets.indicators.water.sites import resolve, with_sites
from assets.sources.water_names import (
    LAB_SOURCE,
    PERIOD_2006,
    SURFACE_SOURCE,
    parameter_synonyms,
)


def observations_2006(surface: pl.DataFrame) -> pl.DataFrame:
    """One observation per site and pollutant over the limit (mean concentration, mg/l), with the
    multiplicity as published and the written precision."""
    rows = with_sites(surface).filter(pl.col("pollutant").is_not_null())
    rows = resolve(rows, "pollutant", parameter_synonyms(), "parameter_id", "parameter", SURFACE_SOURCE)
    return rows.select(
        "site_id",
        period=pl.lit(PERIOD_2006),
        sample_date=pl.lit(None, dtype=pl.Date),
        parameter_id="parameter_id",
        value="concentration_mg_l",
        unit=pl.lit("mg_l"),
        multiplicity_published="multiplicity",
        concentration_decimals="concentration_decimals",
        multiplicity_decimals="multiplicity_decimals",
        parameter_as_published="pollutant",
        source_id=pl.lit(SURFACE_SOURCE),
        origin=pl.lit("water-classes-quality.csv"),
        line="line",
        qualifier=pl.lit(""),
        uncertainty=pl.lit(None, dtype=pl.Float64),
    ).sort("site_id", "parameter_id")


def lab_observations(landed: pl.DataFrame) -> pl.DataFrame:
    """Landed lab rows in the observations shape."""
    return landed.select(
        "site_id",
        period=pl.col("sample_date").dt.strftime("%Y-%m"),
        sample_date="sample_date",
        parameter_id="parameter_id",
        value="value",
        unit="unit",
        multiplicity_published=pl.lit(None, dtype=pl.Float64),
        concentration_decimals=pl.lit(None, dtype=pl.Int32),
        multiplicity_decimals=pl.lit(None, dtype=pl.Int32),
        parameter_as_published="parameter_as_written",
        source_id=pl.lit(LAB_SOURCE),
        origin="file_name",
        line="line",
        qualifier=pl.col("qualifier").fill_null(""),  # "<": value is the detection limit; "not_detected": no value
        uncertainty="uncertainty",
    )


def all_observations(obs_2006: pl.DataFrame, landed: pl.DataFrame) -> pl.DataFrame:
    return pl.concat([obs_2006, lab_observations(landed).cast(obs_2006.schema)]).sort(
        "site_id", "period", "parameter_id"
    )
