"""The theme registry: every parser, and every theme's Dagster pieces, in one place.

A theme (water quality, funding and summit, air) is two modules:
  assets/<theme>.py         pure polars: parsers (PARSERS: format -> function) and domain logic
  assets/<theme>_assets.py  Dagster: THEME = Theme(assets, checks, published tables, headline values, ...)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dagster import AssetKey

from assets.indicators.air import air
from assets.indicators.water import water_quality
from assets.sources.worldbank_api import parse_wdi_api
from assets.staged import funding, parsers

PARSERS = {**parsers.PARSERS, "wdi_api": parse_wdi_api, **water_quality.PARSERS, **funding.PARSERS, **air.PARSERS}


@dataclass(frozen=True)
class Theme:
    name: str
    assets: list = field(default_factory=list)  # Dagster assets of the theme (staged ones come from the catalogue)
    checks: list = field(default_factory=list)  # Dagster asset checks beside those assets
    published: dict[str, AssetKey] = field(default_factory=dict)  # snapshot table name -> asset key
    headline_values: list[AssetKey] = field(default_factory=list)  # assets in the indicator_values shape
    publish_checks: list[Callable] = field(default_factory=list)  # see publish_assets.ThemeCheck
    sensors: list = field(default_factory=list)  # Dagster sensors (e.g. an inbox of analysts' files)
    jobs: list = field(default_factory=list)  # jobs the sensors target
