"""Aral Sea and Caspian Sea: the Dagster assets around the pure functions of assets/indicators/aral_caspian.py."""

from __future__ import annotations

import polars as pl
from dagster import AssetIn, asset

from assets.common.keys import indicators_key as key
from assets.common.keys import staged_key
from assets.indicators import aral_caspian
from assets.indicators.country import unit_conversions

GROUP = "indicators"  # shown with the country indicators in the Dagster UI, as before


@asset(
    key=key("caspian_level_obs"),
    group_name=GROUP,
    ins={"obs": AssetIn(key=staged_key("caspian_dahiti"))},
    description="DAHITI 10-day altimetry series (DAHITI heights), outliers flagged.",
)
def caspian_level_obs(obs: pl.DataFrame) -> pl.DataFrame:
    return obs


@asset(
    key=key("caspian_level_annual"),
    group_name=GROUP,
    ins={"obs": AssetIn(key=key("caspian_level_obs")), "official": AssetIn(key=staged_key("caspian_official"))},
    description="Annual Caspian levels in two datums (DAHITI, Baltic system), never merged into one series.",
)
def caspian_level_annual(obs: pl.DataFrame, official: pl.DataFrame) -> pl.DataFrame:
    return aral_caspian.caspian_annual(aral_caspian.caspian_annual_dahiti(obs), official)


@asset(
    key=key("caspian_datum_difference"),
    group_name=GROUP,
    ins={"annual": AssetIn(key=key("caspian_level_annual"))},
    description="DAHITI minus Baltic-system level for the years both exist (0.2-0.6 m; no single offset).",
)
def caspian_datum_difference(annual: pl.DataFrame) -> pl.DataFrame:
    return aral_caspian.caspian_datum_difference(annual)


@asset(
    key=key("aral_area"),
    group_name=GROUP,
    ins={"staged": AssetIn(key=staged_key("aral_area"))},
    description="Aral Sea water-surface area by basin, km² (source in thousand km²).",
)
def aral_area(staged: pl.DataFrame) -> pl.DataFrame:
    return aral_caspian.aral_area(staged, unit_conversions())


aral_caspian_assets = [caspian_level_obs, caspian_level_annual, caspian_datum_difference, aral_area]
