"""The theme registry: every parser, and every theme's Dagster pieces, in one place.

A theme (water quality, funding and summit, air) is a package assets/indicators/<theme>/ with
  pure polars modules: parsers (PARSERS: format -> function) and domain logic
  assets.py:           Dagster: THEME = Theme(assets, checks, published tables, headline values, ...)
pipelines/definitions.py lists the THEMEs; the staged step finds each source's parser here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dagster import AssetKey

from assets.sources.worldbank_api import parse_wdi_api
from assets.staged import air, aral_caspian, funding, parsers
from assets.staged import water as water_quality

PARSERS = {
    **parsers.PARSERS,
    **aral_caspian.PARSERS,
    "wdi_api": parse_wdi_api,
    **water_quality.PARSERS,
    **funding.PARSERS,
    **air.PARSERS,
}


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
