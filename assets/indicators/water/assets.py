"""Theme water_quality: the Dagster assets around the pure functions of assets/indicators/water (the lab-file inbox
assets in inbox_assets.py, the checks in checks.py), and the THEME that registers them."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from dagster import AssetIn, AssetKey, AssetsDefinition, asset

from assets.common.keys import indicators_key as key
from assets.common.keys import staged_key
from assets.common.tables import seed_copy
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
from assets.sources.water_names import CLASSIFICATION_SOURCE, DRINKING_SOURCE, SANPIN_SOURCE, SURFACE_SOURCE


def _as_published(frame: pl.DataFrame) -> pl.DataFrame:
    return frame


def _derived(
    name: str, compute: Callable[..., pl.DataFrame], description: str, inputs: dict[str, AssetKey]
) -> AssetsDefinition:
    """indicators/<name> = compute(*inputs): the inputs passed in the order `inputs` names them."""

    @asset(
        key=key(name),
        group_name=GROUP,
        ins={arg: AssetIn(key=k) for arg, k in inputs.items()},
        description=description,
    )
    def derived(**tables: pl.DataFrame) -> pl.DataFrame:
        return compute(*(tables[arg] for arg in inputs))

    return derived


# Reference tables: seeds/<name>.csv as it is.
SEED_COPIES = {
    "water_bodies": "Water bodies (river, lake, reservoir), Russian, English and Kazakh names.",
    "water_body_synonyms": "Every spelling of a water body met in the sources and lab files.",
    "water_regions": "Regions as the water files name them, with Russian, English and Kazakh names.",
    "water_parameters": "Parameters with canonical ids, Russian, English and Kazakh names and chemical basis.",
}
seed_assets = [seed_copy(key(name), GROUP, description) for name, description in SEED_COPIES.items()]


# ---------------------------------------------------------------- derived tables (April 2006 monitoring, lab files)

DESCRIPTIONS = {
    "water_class_table": "Water-quality classes I-VII by WPI (Kazhydromet).",
    "water_sites": "Monitoring sites: a water body in a region (Irtysh, Ishim, Nura, Syrdarya are two sites each).",
    "water_site_wpi": "WPI as published (April 2005, March 2006, April 2006) and the class as published and by the "
    "class table.",
    "water_wpi_change": "April 2005 -> April 2006 WPI change per site, as published; a missing 2005 value stays a gap.",
    "water_class_shares": "Share of monitored sites by published class, per region and for Kazakhstan (April 2006).",
    "water_observations_2006": "April 2006 mean concentrations of the pollutants over the limit, mg/l, with the "
    "published multiplicity.",
    "water_implied_norms": "Fishery limits implied by the published multiplicities (concentration / multiplicity), "
    "checked within rounding.",
    "water_multiplicity_check": "Each published multiplicity recomputed from the implied limit.",
    "water_norms": "Norms registry: parameter x jurisdiction x water use x basis x limit x unit x document x "
    "effective date.",
    "water_classification_reconciliation": "The classification listed under later region names matched to the April "
    "2006 sites (never a later year).",
    "water_lakes": "Major lakes of Kazakhstan with their surface area (km²), as published.",
    "water_site_locations": "Where each site is drawn and how it was placed (river line, lake shape, region label "
    "point, not placed).",
    "water_headline_values": "Headline values for indicator_values: monitored sites and the share classed IV or worse "
    "(April 2006).",
    "water_observations": "All observations: site, period, parameter, value, unit, source (April 2006 and landed lab "
    "rows).",
    "water_harmonisation": "Each observation's ratio to every applicable norm (same basis or a declared conversion), "
    "and breaches.",
    "water_harmonisation_summary": "Per observation and water use: the highest ratio and the norms breached.",
    "water_worst_exceedances": "The 20 observations furthest above their fishery limit.",
    "water_lab_wpi": "WPI and class of lab samples that carry the parameters the method needs (else why not).",
}

# name, compute, inputs (argument -> asset key, passed to compute in this order)
DERIVED: list[tuple[str, Callable[..., pl.DataFrame], dict[str, AssetKey]]] = [
    ("water_class_table", _as_published, {"classes": staged_key("kz_wpi_classes")}),
    ("water_sites", sites, {"surface": staged_key(SURFACE_SOURCE)}),
    ("water_site_wpi", site_wpi, {"surface": staged_key(SURFACE_SOURCE), "classes": key("water_class_table")}),
    ("water_wpi_change", wpi_change, {"site_wpi": key("water_site_wpi")}),
    ("water_class_shares", class_shares, {"site_wpi": key("water_site_wpi"), "sites": key("water_sites")}),
    ("water_observations_2006", observations_2006, {"surface": staged_key(SURFACE_SOURCE)}),
    ("water_implied_norms", implied_fishery_norms, {"obs": key("water_observations_2006")}),
    (
        "water_multiplicity_check",
        multiplicity_recheck,
        {"obs": key("water_observations_2006"), "implied": key("water_implied_norms")},
    ),
    (
        "water_norms",
        norms_registry,
        {
            "drinking": staged_key(DRINKING_SOURCE),
            "sanpin": staged_key(SANPIN_SOURCE),
            "implied": key("water_implied_norms"),
        },
    ),
    (
        "water_classification_reconciliation",
        classification_reconciliation,
        {
            "classification": staged_key(CLASSIFICATION_SOURCE),
            "site_wpi": key("water_site_wpi"),
            "sites": key("water_sites"),
            "classes": key("water_class_table"),
        },
    ),
    ("water_lakes", _as_published, {"lakes": staged_key("kz_lakes")}),
    ("water_site_locations", site_locations, {"sites": key("water_sites"), "geo": key("geo_features")}),
    ("water_headline_values", headline_values, {"site_wpi": key("water_site_wpi")}),
    (
        "water_observations",
        all_observations,
        {"obs_2006": key("water_observations_2006"), "landed": key("water_lab_landed")},
    ),
    ("water_harmonisation", harmonisation, {"obs": key("water_observations"), "norms": key("water_norms")}),
    ("water_harmonisation_summary", harmonisation_summary, {"harm": key("water_harmonisation")}),
    ("water_worst_exceedances", worst_exceedances, {"harm": key("water_harmonisation")}),
    (
        "water_lab_wpi",
        lab_sample_wpi,
        {"landed": key("water_lab_landed"), "norms": key("water_norms"), "classes": key("water_class_table")},
    ),
]
derived_assets = [_derived(name, compute, DESCRIPTIONS[name], inputs) for name, compute, inputs in DERIVED]

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
    assets=[*seed_assets, *derived_assets, water_lab_landed, water_quarantine, water_inbox_files],
    checks=ASSET_CHECKS,
    published=PUBLISHED,
    headline_values=[key("water_headline_values")],
    publish_checks=[publish_checks],
    sensors=[water_inbox_sensor],
    jobs=[water_inbox_job],
)
