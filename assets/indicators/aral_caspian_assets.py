"""Aral Sea and Caspian Sea: the Dagster assets around the pure functions of assets/indicators/aral_caspian.py."""

from __future__ import annotations

from assets.common.keys import indicators_key as key
from assets.common.keys import staged_key
from assets.common.tables import table_asset
from assets.indicators import aral_caspian
from assets.indicators.country import unit_conversions

GROUP = "indicators"  # shown with the country indicators in the Dagster UI, as before

caspian_level_obs = table_asset(
    key("caspian_level_obs"),
    GROUP,
    "DAHITI 10-day altimetry series (DAHITI heights), outliers flagged.",
    lambda obs: obs,
    obs=staged_key("caspian_dahiti"),
)
caspian_level_annual = table_asset(
    key("caspian_level_annual"),
    GROUP,
    "Annual Caspian levels in two datums (DAHITI, Baltic system), never merged into one series.",
    lambda obs, official: aral_caspian.caspian_annual(aral_caspian.caspian_annual_dahiti(obs), official),
    obs=key("caspian_level_obs"),
    official=staged_key("caspian_official"),
)
caspian_datum_difference = table_asset(
    key("caspian_datum_difference"),
    GROUP,
    "DAHITI minus Baltic-system level for the years both exist (0.2-0.6 m; no single offset).",
    aral_caspian.caspian_datum_difference,
    annual=key("caspian_level_annual"),
)
aral_area = table_asset(
    key("aral_area"),
    GROUP,
    "Aral Sea water-surface area by basin, km² (source in thousand km²).",
    lambda staged: aral_caspian.aral_area(staged, unit_conversions()),
    staged=staged_key("aral_area"),
)

aral_caspian_assets = [caspian_level_obs, caspian_level_annual, caspian_datum_difference, aral_area]
