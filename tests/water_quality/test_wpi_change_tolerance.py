"""Issue 13, water: a WPI change within the rounding of the published values is "unchanged", never "worsened"."""

from __future__ import annotations

import csv

import polars as pl
import pytest

from assets.indicators.water.wpi import wpi_change, wpi_change_tolerance
from assets.sources.catalogue import read_seed


def test_the_tolerance_is_a_seed_with_its_reason():
    row = read_seed("water_tolerances.csv").filter(pl.col("tolerance_id") == "wpi_change").row(0, named=True)
    assert float(row["value"]) == wpi_change_tolerance() > 0
    assert "two decimals" in row["reason"] and row["source"]


def test_published_wpis_have_two_decimals_so_the_tolerance_is_their_rounding(water_files):
    """The reason the seed gives, checked against the file: no WPI is written with more than two decimals."""
    with open(water_files["surface"], newline="", encoding="utf-8") as f:
        cells = [r[c] for r in csv.DictReader(f) for c in ("wpi_april_2005", "wpi_april_2006") if r[c]]
    assert cells and all(len(c.partition(".")[2]) <= 2 for c in cells)
    assert wpi_change_tolerance() == pytest.approx(2 * 0.005)


def test_a_change_within_the_tolerance_is_unchanged_and_beyond_it_keeps_its_direction(site_wpi):
    tolerance = wpi_change_tolerance()
    change = wpi_change(site_wpi)
    # Katta-Bugun: 0.27 (April 2005) -> 0.28 (April 2006), within the published rounding.
    katta = change.filter(pl.col("site_id").str.starts_with("katta_bugun")).row(0, named=True)
    assert (katta["wpi_2005_04"], katta["wpi_2006_04"]) == (0.27, 0.28)
    assert katta["direction"] == "unchanged" and katta["change_tolerance"] == tolerance
    # Every site, against the rule written out by hand.
    for r in change.filter(pl.col("change").is_not_null()).iter_rows(named=True):
        delta = round(r["wpi_2006_04"] - r["wpi_2005_04"], 9)
        expected = "worsened" if delta > tolerance else "improved" if delta < -tolerance else "unchanged"
        assert r["direction"] == expected, r["site_id"]
    # Changes just beyond the rounding are still told (Syrdarya, Kyzylorda: 1.17 -> 1.20).
    directions = dict(change.select("site_id", "direction").iter_rows())
    assert "worsened" in directions.values() and "improved" in directions.values()
    assert directions[next(s for s in directions if s.startswith("syrdarya__kyzylorda"))] == "worsened"
    # Without the tolerance the old rule would call Katta-Bugun worsened: the seed is what changes it.
    assert wpi_change(site_wpi, tolerance=0.0).filter(pl.col("site_id") == katta["site_id"])["direction"][0] == (
        "worsened"
    )
