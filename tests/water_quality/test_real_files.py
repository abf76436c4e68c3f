"""The real water-quality files: parsed values equal the files read with the csv module."""

from __future__ import annotations

import csv

import polars as pl
import pytest

from assets.indicators.water.sites import UnknownNameError
from assets.indicators.water.sites import sites as monitoring_sites
from assets.staged.parsers import ParseError
from assets.staged.water import (
    parse_kz_drinking_water_standards,
    parse_kz_surface_water_quality,
    parse_ru_sanpin_water_mpc,
)


def csv_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_surface_file_values_as_published(water_files, surface):
    rows = csv_rows(water_files["surface"])
    assert surface.height == len(rows) == 97
    for i, row in enumerate(rows):
        got = surface.row(i, named=True)
        assert got["water_body"] == row["rivers"] and got["region"] == row["regions"]
        assert got["wpi_2006_04"] == float(row["wpi_april_2006"])
        if row["avg_concentration_mg/l"]:
            assert got["concentration_mg_l"] == float(row["avg_concentration_mg/l"])
            assert got["multiplicity"] == float(row["multiplicity_of_exceeding_the_mpc"])
    # "V class," (with a comma) is still class V; a missing 2005 WPI stays empty.
    assert set(surface.filter(pl.col("water_body") == "Kengir")["class_published"]) == {"V"}
    assert surface.filter(pl.col("water_body") == "Derkul")["wpi_2005_04"].to_list() == [None]


def test_a_water_body_monitored_in_two_regions_is_two_sites(sites, site_wpi):
    assert sites.height == 52
    for body in ("irtysh", "ishim", "nura", "syrdarya"):
        assert sites.filter(pl.col("water_body_id") == body).height == 2
    irtysh = dict(
        site_wpi.filter(pl.col("site_id").str.starts_with("irtysh__")).select("site_id", "wpi_2006_04").iter_rows()
    )
    assert irtysh == {"irtysh__east_kazakhstan": 2.35, "irtysh__pavlodar": 0.81}
    # The source types Krasnoyarka as reservoir on one row and river on three: flagged, not hidden.
    assert sites.filter(pl.col("water_body_id") == "krasnoyarka")["flags"].to_list() == ["type_inconsistent_in_source"]


def test_drinking_standards_keep_their_own_unit_and_exponent_values(water_files):
    standards = parse_kz_drinking_water_standards(water_files["drinking"])
    rows = csv_rows(water_files["drinking"])
    assert standards.height == len(rows) == 112
    hardness = standards.filter(pl.col("substance") == "general hardness").row(0, named=True)
    assert (hardness["limit"], hardness["unit"], hardness["limit_as_written"]) == (7.0, "mg_eq_l", "7.0 (mg-eq./L)")
    assert standards.filter(pl.col("substance") == "Benz(a)pyrene")["limit"].to_list() == [1e-05]
    assert standards.filter(pl.col("unit") != "mg_l").height == 1


def test_sanpin_raw_text_with_decimal_comma_matches_its_number(water_files):
    sanpin = parse_ru_sanpin_water_mpc(water_files["sanpin"])
    assert sanpin.height == 55
    cyanide = sanpin.filter(pl.col("substance") == "Cyanide (CN-)").row(0, named=True)
    assert (cyanide["limit_as_written"], cyanide["limit"]) == ("0,07 <е>", 0.07)


def test_sanpin_raw_and_number_that_disagree_is_an_error_naming_the_line(water_files, tmp_path):
    text = water_files["sanpin"].read_text(encoding="utf-8").replace('"0,07 <е>",0.07', '"0,7 <е>",0.07')
    bad = tmp_path / "sanpin.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError, match=r"line 23: mpc_raw '0,7 <е>'"):
        parse_ru_sanpin_water_mpc(bad)


def test_class_table_ranges(classes):
    assert classes.select("class", "wpi_min", "wpi_max").rows() == [
        ("I", 0.0, 0.3),
        ("II", 0.3, 1.0),
        ("III", 1.0, 2.5),
        ("IV", 2.5, 4.0),
        ("V", 4.0, 6.0),
        ("VI", 6.0, 10.0),
        ("VII", 10.0, None),
    ]


def test_an_unknown_water_body_spelling_is_an_error_not_a_guess(water_files, tmp_path):
    text = water_files["surface"].read_text(encoding="utf-8").replace("Tikhaya,river", "Tikhayya,river", 1)
    bad = tmp_path / "surface.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(UnknownNameError, match=r"line 13: 'Tikhayya'"):
        monitoring_sites(parse_kz_surface_water_quality(bad))
