"""Fixtures of the water-quality tests: the real files parsed, and a lab-file context over the real sites."""

from __future__ import annotations

import pytest

from assets.indicators.water.norms import implied_fishery_norms, norms_registry
from assets.indicators.water.observations import observations_2006
from assets.indicators.water.sites import sites as monitoring_sites
from assets.indicators.water.wpi import site_wpi as wpi_per_site
from assets.sources.lab_files import lab_context as make_lab_context
from assets.staged.water import (
    parse_kz_drinking_water_standards,
    parse_kz_surface_water_quality,
    parse_kz_wpi_classes,
    parse_ru_sanpin_water_mpc,
)


@pytest.fixture(scope="session")
def water_files(shared_data_dir):
    d = shared_data_dir
    return {
        "surface": d / "water_quality" / "kz_surface_water_quality_april2006.csv",
        "classification": d / "water_quality" / "kz_water_bodies_wpi_class.csv",
        "classes": d / "water_quality" / "kz_wpi_water_quality_classes.csv",
        "drinking": d / "water_quality" / "kz_drinking_water_hygienic_standards_mpc.csv",
        "lakes": d / "water_quality" / "kz_lakes.csv",
        "sanpin": d / "norms" / "ru_sanpin_1_2_3685_21_table_3_13_water_mpc_selected.csv",
    }


@pytest.fixture(scope="session")
def surface(water_files):
    return parse_kz_surface_water_quality(water_files["surface"])


@pytest.fixture(scope="session")
def classes(water_files):
    return parse_kz_wpi_classes(water_files["classes"])


@pytest.fixture(scope="session")
def sites(surface):
    return monitoring_sites(surface)


@pytest.fixture(scope="session")
def site_wpi(surface, classes):
    return wpi_per_site(surface, classes)


@pytest.fixture(scope="session")
def observations(surface):
    return observations_2006(surface)


@pytest.fixture(scope="session")
def implied(observations):
    return implied_fishery_norms(observations)


@pytest.fixture(scope="session")
def norms(water_files, implied):
    return norms_registry(
        parse_kz_drinking_water_standards(water_files["drinking"]),
        parse_ru_sanpin_water_mpc(water_files["sanpin"]),
        implied,
    )


@pytest.fixture(scope="session")
def lab_context(sites):
    return make_lab_context(sites)
