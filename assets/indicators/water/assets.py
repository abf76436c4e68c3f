"""Theme water_quality: the Dagster assets around the pure functions of assets/indicators/water (the lab-file inbox
assets in inbox_assets.py, the checks in checks.py), and the THEME that registers them."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from dagster import AssetIn, AssetsDefinition, asset

from assets.common.keys import indicators_key as key
from assets.common.keys import staged_key
from assets.common.themes import Theme
from assets.indicators.water.checks import ASSET_CHECKS, publish_checks
from assets.indicators.water.inbox_assets import (
    GROUP,
    water_inbox_files,
    water_inbox_job,
    water_inbox_sensor,
    water_lab_landed,
    water_quarantine,
)
from assets.indicators.water.norms import (
    harmonisation,
    harmonisation_summary,
    implied_fishery_norms,
    multiplicity_recheck,
    norms_registry,
    worst_exceedances,
)
from assets.indicators.water.observations import all_observations, observations_2006
from assets.indicators.water.placement import site_locations
from assets.indicators.water.sites import sites
from assets.indicators.water.wpi import (
    class_shares,
    classification_reconciliation,
    headline_values,
    lab_sample_wpi,
    site_wpi,
    wpi_change,
)
from assets.sources.catalogue import read_seed
from assets.sources.water_names import CLASSIFICATION_SOURCE, DRINKING_SOURCE, SANPIN_SOURCE, SURFACE_SOURCE


def _staged(source_id: str) -> AssetIn:
    return AssetIn(key=staged_key(source_id))


def _indicator(name: str) -> AssetIn:
    return AssetIn(key=key(name))


def _as_published(frame: pl.DataFrame) -> pl.DataFrame:
    return frame


def _derived(name: str, compute: Callable[..., pl.DataFrame], description: str, **ins: AssetIn) -> AssetsDefinition:
    """indicators/<name> = compute(*inputs): the inputs passed in the order `ins` names them."""

    @asset(key=key(name), group_name=GROUP, ins=ins, description=description)
    def derived(**inputs: pl.DataFrame) -> pl.DataFrame:
        return compute(*(inputs[param] for param in ins))

    return derived


# ---------------------------------------------------------------- reference tables (seeds)


def _seed_copy(name: str, description: str) -> AssetsDefinition:
    """indicators/<name>: seeds/<name>.csv as it is, so the snapshot carries the reference table."""

    @asset(key=key(name), group_name=GROUP, metadata={"warehouse_schema": "seeds"}, description=description)
    def seed_copy() -> pl.DataFrame:
        return read_seed(f"{name}.csv")

    return seed_copy


water_bodies = _seed_copy("water_bodies", "Water bodies (river, lake, reservoir), Russian and English names.")
water_body_synonyms = _seed_copy(
    "water_body_synonyms", "Every spelling of a water body met in the sources and lab files."
)
water_regions = _seed_copy("water_regions", "Regions as the water files name them, with their spellings' targets.")
water_parameters = _seed_copy("water_parameters", "Parameters with canonical ids, names and chemical basis.")


# ---------------------------------------------------------------- April 2006 monitoring

water_class_table = _derived(
    "water_class_table",
    _as_published,
    "Water-quality classes I-VII by WPI (Kazhydromet).",
    classes=_staged("kz_wpi_classes"),
)

water_sites = _derived(
    "water_sites",
    sites,
    "Monitoring sites: a water body in a region (Irtysh, Ishim, Nura, Syrdarya are two sites each).",
    surface=_staged(SURFACE_SOURCE),
)

water_site_wpi = _derived(
    "water_site_wpi",
    site_wpi,
    "WPI as published (April 2005, March 2006, April 2006) and the class as published and by the class table.",
    surface=_staged(SURFACE_SOURCE),
    classes=_indicator("water_class_table"),
)

water_wpi_change = _derived(
    "water_wpi_change",
    wpi_change,
    "April 2005 -> April 2006 WPI change per site, as published; a missing 2005 value stays a gap.",
    site_wpi=_indicator("water_site_wpi"),
)

water_class_shares = _derived(
    "water_class_shares",
    class_shares,
    "Share of monitored sites by published class, per region and for Kazakhstan (April 2006).",
    site_wpi=_indicator("water_site_wpi"),
    sites=_indicator("water_sites"),
)

water_observations_2006 = _derived(
    "water_observations_2006",
    observations_2006,
    "April 2006 mean concentrations of the pollutants over the limit, mg/l, with the published multiplicity.",
    surface=_staged(SURFACE_SOURCE),
)

water_implied_norms = _derived(
    "water_implied_norms",
    implied_fishery_norms,
    "Fishery limits implied by the published multiplicities (concentration / multiplicity), checked within rounding.",
    obs=_indicator("water_observations_2006"),
)

water_multiplicity_check = _derived(
    "water_multiplicity_check",
    multiplicity_recheck,
    "Each published multiplicity recomputed from the implied limit.",
    obs=_indicator("water_observations_2006"),
    implied=_indicator("water_implied_norms"),
)

water_norms = _derived(
    "water_norms",
    norms_registry,
    "Norms registry: parameter x jurisdiction x water use x basis x limit x unit x document x effective date.",
    drinking=_staged(DRINKING_SOURCE),
    sanpin=_staged(SANPIN_SOURCE),
    implied=_indicator("water_implied_norms"),
)

water_classification_reconciliation = _derived(
    "water_classification_reconciliation",
    classification_reconciliation,
    "The classification listed under later region names matched to the April 2006 sites (never a later year).",
    classification=_staged(CLASSIFICATION_SOURCE),
    site_wpi=_indicator("water_site_wpi"),
    sites=_indicator("water_sites"),
    classes=_indicator("water_class_table"),
)

water_lakes = _derived(
    "water_lakes",
    _as_published,
    "Major lakes of Kazakhstan with their surface area (km²), as published.",
    lakes=_staged("kz_lakes"),
)

water_site_locations = _derived(
    "water_site_locations",
    site_locations,
    "Where each site is drawn and how it was placed (river line, lake shape, region label point, not placed).",
    sites=_indicator("water_sites"),
    geo=_indicator("geo_features"),
)

water_headline_values = _derived(
    "water_headline_values",
    headline_values,
    "Headline values for indicator_values: monitored sites and the share classed IV or worse (April 2006).",
    site_wpi=_indicator("water_site_wpi"),
)

water_observations = _derived(
    "water_observations",
    all_observations,
    "All observations: site, period, parameter, value, unit, source (April 2006 and landed lab rows).",
    obs_2006=_indicator("water_observations_2006"),
    landed=_indicator("water_lab_landed"),
)

water_harmonisation = _derived(
    "water_harmonisation",
    harmonisation,
    "Each observation's ratio to every applicable norm (same basis or a declared conversion), and breaches.",
    obs=_indicator("water_observations"),
    norms=_indicator("water_norms"),
)

water_harmonisation_summary = _derived(
    "water_harmonisation_summary",
    harmonisation_summary,
    "Per observation and water use: the highest ratio and the norms breached.",
    harm=_indicator("water_harmonisation"),
)

water_worst_exceedances = _derived(
    "water_worst_exceedances",
    worst_exceedances,
    "The 20 observations furthest above their fishery limit.",
    harm=_indicator("water_harmonisation"),
)

water_lab_wpi = _derived(
    "water_lab_wpi",
    lab_sample_wpi,
    "WPI and class of lab samples that carry the parameters the method needs (else why not).",
    landed=_indicator("water_lab_landed"),
    norms=_indicator("water_norms"),
    classes=_indicator("water_class_table"),
)


PUBLISHED = {
    name: key(name)
    for name in [
        "water_bodies",
        "water_body_synonyms",
        "water_regions",
        "water_parameters",
        "water_class_table",
        "water_sites",
        "water_site_wpi",
        "water_wpi_change",
        "water_class_shares",
        "water_observations",
        "water_implied_norms",
        "water_multiplicity_check",
        "water_norms",
        "water_harmonisation",
        "water_harmonisation_summary",
        "water_worst_exceedances",
        "water_classification_reconciliation",
        "water_lakes",
        "water_site_locations",
        "water_quarantine",
        "water_inbox_files",
        "water_lab_wpi",
    ]
}

THEME = Theme(
    "water_quality",
    assets=[
        water_bodies,
        water_body_synonyms,
        water_regions,
        water_parameters,
        water_class_table,
        water_sites,
        water_site_wpi,
        water_wpi_change,
        water_class_shares,
        water_observations_2006,
        water_implied_norms,
        water_multiplicity_check,
        water_norms,
        water_classification_reconciliation,
        water_lakes,
        water_site_locations,
        water_headline_values,
        water_lab_landed,
        water_quarantine,
        water_inbox_files,
        water_observations,
        water_harmonisation,
        water_harmonisation_summary,
        water_worst_exceedances,
        water_lab_wpi,
    ],
    checks=ASSET_CHECKS,
    published=PUBLISHED,
    headline_values=[key("water_headline_values")],
    publish_checks=[publish_checks],
    sensors=[water_inbox_sensor],
    jobs=[water_inbox_job],
)
