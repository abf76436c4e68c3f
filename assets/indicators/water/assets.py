"""Theme water_quality: the Dagster assets around the pure functions of assets/indicators/water (the lab-file inbox
assets in inbox_assets.py, the checks in checks.py), and the THEME that registers them."""

from __future__ import annotations

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
from assets.indicators.water.sites import sites as monitoring_sites
from assets.indicators.water.wpi import class_shares, classification_reconciliation, compute_wpi, wpi_change
from assets.indicators.water.wpi import headline_values as headline_rows
from assets.indicators.water.wpi import site_wpi as wpi_per_site
from assets.sources.catalogue import read_seed
from assets.sources.water_names import CLASSIFICATION_SOURCE, DRINKING_SOURCE, SANPIN_SOURCE, SURFACE_SOURCE


def _staged(source_id: str) -> AssetIn:
    return AssetIn(key=staged_key(source_id))


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


@asset(
    key=key("water_class_table"),
    group_name=GROUP,
    ins={"classes": _staged("kz_wpi_classes")},
    description="Water-quality classes I-VII by WPI (Kazhydromet).",
)
def water_class_table(classes: pl.DataFrame) -> pl.DataFrame:
    return classes


@asset(
    key=key("water_sites"),
    group_name=GROUP,
    ins={"surface": _staged(SURFACE_SOURCE)},
    description="Monitoring sites: a water body in a region (Irtysh, Ishim, Nura, Syrdarya are two sites each).",
)
def water_sites(surface: pl.DataFrame) -> pl.DataFrame:
    return monitoring_sites(surface)


@asset(
    key=key("water_site_wpi"),
    group_name=GROUP,
    ins={"surface": _staged(SURFACE_SOURCE), "classes": AssetIn(key=key("water_class_table"))},
    description=(
        "WPI as published (April 2005, March 2006, April 2006) and the class as published and by the class table."
    ),
)
def water_site_wpi(surface: pl.DataFrame, classes: pl.DataFrame) -> pl.DataFrame:
    return wpi_per_site(surface, classes)


@asset(
    key=key("water_wpi_change"),
    group_name=GROUP,
    ins={"site_wpi": AssetIn(key=key("water_site_wpi"))},
    description="April 2005 -> April 2006 WPI change per site, as published; a missing 2005 value stays a gap.",
)
def water_wpi_change(site_wpi: pl.DataFrame) -> pl.DataFrame:
    return wpi_change(site_wpi)


@asset(
    key=key("water_class_shares"),
    group_name=GROUP,
    ins={"site_wpi": AssetIn(key=key("water_site_wpi")), "sites": AssetIn(key=key("water_sites"))},
    description="Share of monitored sites by published class, per region and for Kazakhstan (April 2006).",
)
def water_class_shares(site_wpi: pl.DataFrame, sites: pl.DataFrame) -> pl.DataFrame:
    return class_shares(site_wpi, sites)


@asset(
    key=key("water_observations_2006"),
    group_name=GROUP,
    ins={"surface": _staged(SURFACE_SOURCE)},
    description=(
        "April 2006 mean concentrations of the pollutants over the limit, mg/l, with the published multiplicity."
    ),
)
def water_observations_2006(surface: pl.DataFrame) -> pl.DataFrame:
    return observations_2006(surface)


@asset(
    key=key("water_implied_norms"),
    group_name=GROUP,
    ins={"obs": AssetIn(key=key("water_observations_2006"))},
    description=(
        "Fishery limits implied by the published multiplicities (concentration / multiplicity), checked "
        "within rounding."
    ),
)
def water_implied_norms(obs: pl.DataFrame) -> pl.DataFrame:
    return implied_fishery_norms(obs)


@asset(
    key=key("water_multiplicity_check"),
    group_name=GROUP,
    ins={"obs": AssetIn(key=key("water_observations_2006")), "implied": AssetIn(key=key("water_implied_norms"))},
    description="Each published multiplicity recomputed from the implied limit.",
)
def water_multiplicity_check(obs: pl.DataFrame, implied: pl.DataFrame) -> pl.DataFrame:
    return multiplicity_recheck(obs, implied)


@asset(
    key=key("water_norms"),
    group_name=GROUP,
    ins={
        "drinking": _staged(DRINKING_SOURCE),
        "sanpin": _staged(SANPIN_SOURCE),
        "implied": AssetIn(key=key("water_implied_norms")),
    },
    description=(
        "Norms registry: parameter x jurisdiction x water use x basis x limit x unit x document x effective date."
    ),
)
def water_norms(drinking: pl.DataFrame, sanpin: pl.DataFrame, implied: pl.DataFrame) -> pl.DataFrame:
    return norms_registry(drinking, sanpin, implied)


@asset(
    key=key("water_classification_reconciliation"),
    group_name=GROUP,
    ins={
        "classification": _staged(CLASSIFICATION_SOURCE),
        "site_wpi": AssetIn(key=key("water_site_wpi")),
        "sites": AssetIn(key=key("water_sites")),
        "classes": AssetIn(key=key("water_class_table")),
    },
    description=(
        "The classification listed under later region names matched to the April 2006 sites (never a later year)."
    ),
)
def water_classification_reconciliation(
    classification: pl.DataFrame, site_wpi: pl.DataFrame, sites: pl.DataFrame, classes: pl.DataFrame
) -> pl.DataFrame:
    return classification_reconciliation(classification, site_wpi, sites, classes)


@asset(
    key=key("water_lakes"),
    group_name=GROUP,
    ins={"lakes": _staged("kz_lakes")},
    description="Major lakes of Kazakhstan with their surface area (km²), as published.",
)
def water_lakes(lakes: pl.DataFrame) -> pl.DataFrame:
    return lakes


@asset(
    key=key("water_site_locations"),
    group_name=GROUP,
    ins={"sites": AssetIn(key=key("water_sites")), "geo": AssetIn(key=key("geo_features"))},
    description=(
        "Where each site is drawn and how it was placed (river line, lake shape, region label point, not placed)."
    ),
)
def water_site_locations(sites: pl.DataFrame, geo: pl.DataFrame) -> pl.DataFrame:
    return site_locations(sites, geo)


@asset(
    key=key("water_headline_values"),
    group_name=GROUP,
    ins={"site_wpi": AssetIn(key=key("water_site_wpi"))},
    description="Headline values for indicator_values: monitored sites and the share classed IV or worse (April 2006).",
)
def water_headline_values(site_wpi: pl.DataFrame) -> pl.DataFrame:
    return headline_rows(site_wpi)


@asset(
    key=key("water_observations"),
    group_name=GROUP,
    ins={"obs_2006": AssetIn(key=key("water_observations_2006")), "landed": AssetIn(key=key("water_lab_landed"))},
    description="All observations: site, period, parameter, value, unit, source (April 2006 and landed lab rows).",
)
def water_observations(obs_2006: pl.DataFrame, landed: pl.DataFrame) -> pl.DataFrame:
    return all_observations(obs_2006, landed)


@asset(
    key=key("water_harmonisation"),
    group_name=GROUP,
    ins={"obs": AssetIn(key=key("water_observations")), "norms": AssetIn(key=key("water_norms"))},
    description=(
        "Each observation's ratio to every applicable norm (same basis or a declared conversion), and breaches."
    ),
)
def water_harmonisation(obs: pl.DataFrame, norms: pl.DataFrame) -> pl.DataFrame:
    return harmonisation(obs, norms)


@asset(
    key=key("water_harmonisation_summary"),
    group_name=GROUP,
    ins={"harm": AssetIn(key=key("water_harmonisation"))},
    description="Per observation and water use: the highest ratio and the norms breached.",
)
def water_harmonisation_summary(harm: pl.DataFrame) -> pl.DataFrame:
    return harmonisation_summary(harm)


@asset(
    key=key("water_worst_exceedances"),
    group_name=GROUP,
    ins={"harm": AssetIn(key=key("water_harmonisation"))},
    description="The 20 observations furthest above their fishery limit.",
)
def water_worst_exceedances(harm: pl.DataFrame) -> pl.DataFrame:
    return worst_exceedances(harm)


@asset(
    key=key("water_lab_wpi"),
    group_name=GROUP,
    ins={
        "landed": AssetIn(key=key("water_lab_landed")),
        "norms": AssetIn(key=key("water_norms")),
        "classes": AssetIn(key=key("water_class_table")),
    },
    description="WPI and class of lab samples that carry the parameters the method needs (else why not).",
)
def water_lab_wpi(landed: pl.DataFrame, norms: pl.DataFrame, classes: pl.DataFrame) -> pl.DataFrame:
    return compute_wpi(landed.select("site_id", "sample_date", "parameter_id", "value"), norms, classes)


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
