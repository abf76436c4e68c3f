"""The eight summit directions and their indicators (the catalogue's `directions` column)."""

from __future__ import annotations

import polars as pl


def direction_indicators(catalogue: pl.DataFrame) -> pl.DataFrame:
    """direction (1-8) x indicator_id from the catalogue's `directions` column, headline marked."""
    return (
        catalogue.select("indicator_id", "directions", "headline_direction")
        .with_columns(
            direction=pl.col("directions").fill_null("").str.split(";"),
        )
        .explode("direction")
        .filter(pl.col("direction") != "")
        .select(
            pl.col("direction").cast(pl.Int32),
            "indicator_id",
            is_headline=pl.col("headline_direction").fill_null("") == pl.col("direction"),
        )
        .sort("direction", "indicator_id")
    )
