"""Implied fishery norms, the norms registry, ratios, the class disagreement and the derived tables."""

from __future__ import annotations

import polars as pl
import pytest

from assets.indicators.water import checks as wqa
from assets.indicators.water.norms import harmonisation, implied_fishery_norms, multiplicity_recheck, worst_exceedances
from assets.indicators.water.wpi import (
    class_disagreements,
    class_shares,
    classification_reconciliation,
    compute_wpi,
    headline_values,
    wpi_change,
    wpi_of_groups,
)
from assets.sources.water_names import DRINKING_SOURCE, SANPIN_SOURCE
from assets.staged.water import parse_kz_water_bodies_wpi_class


def test_implied_fishery_limits_agree_within_rounding(implied):
    limits = dict(implied.select("parameter_id", "implied_limit").iter_rows())
    assert limits == {
        "copper": 0.001,
        "zinc": 0.01,
        "ammonium_n": 0.39,
        "nitrite_n": 0.02,
        "iron_total": 0.1,
        "iron_ii": 0.1,
        "manganese": 0.01,
        "phenols": 0.001,
        "oil_products": 0.05,
        "sulphate": 100.0,
        "mercury": 0.0001,
        "boron": 0.017,
        "bod5": 2.0,
        "chromium_vi": 0.001,
    }
    assert implied["consistent"].all()
    assert wqa.implied_norms_outcome(implied).passed


def test_a_row_that_implies_another_limit_fails_the_check(observations):
    broken = observations.with_columns(
        multiplicity_published=pl.when((pl.col("parameter_id") == "copper") & (pl.col("line") == 2))
        .then(pl.lit(3.9))
        .otherwise(pl.col("multiplicity_published"))
    )
    outcome = wqa.implied_norms_outcome(implied_fishery_norms(broken))
    assert not outcome.passed and outcome.severity == "ERROR" and "copper" in outcome.description


def test_published_multiplicities_recomputed_from_implied_limits(observations, implied):
    check = multiplicity_recheck(observations, implied)
    # 97 rows less the 5 sites with nothing over the limit
    assert check.height == 92 and check["agrees"].all()
    # Ak-Bulak oil products: 0.09 mg/l / 0.05 = 1.8, published 1.7: within the rounding of 0.09.
    ak_bulak = check.filter(pl.col("site_id") == "ak_bulak__astana").row(0, named=True)
    assert ak_bulak["multiplicity_published"] == 1.7 and ak_bulak["multiplicity_recomputed"] == pytest.approx(1.8)


def test_norms_registry_holds_every_file_row_and_the_implied_limits(norms):
    assert norms.filter(pl.col("source_id") == DRINKING_SOURCE).height == 112
    assert norms.filter(pl.col("source_id") == SANPIN_SOURCE).height == 55
    assert norms.filter(pl.col("provenance") == "implied").height == 14
    copper = (
        norms.filter(pl.col("parameter_id") == "copper")
        .select("water_use", "jurisdiction", "limit")
        .sort("water_use")
        .rows()
    )
    assert copper == [("drinking", "KAZ", 1.0), ("fishery", "KAZ", 0.001), ("household", "RUS", 1.0)]
    hardness = norms.filter(pl.col("parameter_id") == "hardness").row(0, named=True)
    assert hardness["unit"] == "mg_eq_l"


def test_nitrite_as_n_is_compared_with_nitrite_ion_norms_through_the_declared_factor(observations, norms):
    harm = harmonisation(observations, norms)
    glub = harm.filter((pl.col("site_id") == "glubochanka__east_kazakhstan") & (pl.col("parameter_id") == "nitrite_n"))
    by_norm = {r["norm_id"]: r for r in glub.iter_rows(named=True)}
    fishery = by_norm["implied_fishery:nitrite_n"]
    assert fishery["ratio"] == pytest.approx(0.084 / 0.02) and fishery["conversion_factor"] == 1.0
    drinking = next(r for k, r in by_norm.items() if k.startswith(DRINKING_SOURCE))
    assert drinking["conversion_factor"] == 3.2845
    assert drinking["ratio"] == pytest.approx(0.084 * 3.2845 / 3.0) and not drinking["breaches"]


def test_phenols_are_not_compared_with_phenol(observations, norms):
    harm = harmonisation(observations, norms)
    assert set(harm.filter(pl.col("parameter_id") == "phenols")["water_use"].to_list()) == {"fishery"}


def test_worst_exceedances_lead_with_kara_kengir_oil_products(observations, norms):
    worst = worst_exceedances(harmonisation(observations, norms), 3)
    assert worst.row(0, named=True)["site_id"] == "kara_kengir__karaganda"
    assert worst.row(0, named=True)["parameter_id"] == "oil_products"
    assert worst.row(0, named=True)["ratio"] == pytest.approx(1.2 / 0.05)


def test_the_one_class_disagreement_is_katta_bugun(site_wpi):
    bad = class_disagreements(site_wpi)
    assert bad.select("site_id", "wpi_2006_04", "class_published", "class_from_table").rows() == [
        ("katta_bugun__south_kazakhstan", 0.28, "II", "I")
    ]
    outcome = wqa.class_outcome(site_wpi)
    assert not outcome.passed and outcome.severity == "WARN" and "katta_bugun" in outcome.description


def test_classification_under_later_names_is_matched_to_2006_sites(water_files, site_wpi, sites, classes):
    classification = parse_kz_water_bodies_wpi_class(water_files["classification"])
    rec = classification_reconciliation(classification, site_wpi, sites, classes)
    assert rec.height == 50
    assert rec.filter(pl.col("status") == "wpi_differs").select("water_body", "wpi", "wpi_2006_04").rows() == [
        ("Ulba", 4.7, 4.76)
    ]
    ulytau = rec.filter(pl.col("region") == "Ulytau region")["site_id"].to_list()
    assert ulytau == ["kara_kengir__karaganda", "kengir__karaganda"]
    assert rec.filter(~pl.col("class_agrees"))["water_body"].to_list() == ["Katta Bugun"]


def test_wpi_change_keeps_a_missing_2005_value_as_a_gap(site_wpi):
    change = wpi_change(site_wpi)
    derkul = change.filter(pl.col("site_id") == "derkul__west_kazakhstan").row(0, named=True)
    assert derkul["change"] is None and derkul["direction"] == "no_2005_value"
    kk = change.filter(pl.col("site_id") == "kara_kengir__karaganda").row(0, named=True)
    assert kk["change"] == pytest.approx(6.28 - 11.56) and kk["direction"] == "improved"


def test_class_shares_per_region_add_up(site_wpi, sites):
    shares = class_shares(site_wpi, sites)
    totals = shares.group_by("region_id").agg(pl.col("share_pct").sum())
    assert all(abs(v - 100) < 1e-9 for v in totals["share_pct"])
    kaz = dict(shares.filter(pl.col("region_id") == "KAZ").select("class_published", "n_sites").iter_rows())
    assert kaz == {"II": 13, "III": 26, "IV": 6, "V": 6, "VI": 1}
    assert headline_values(site_wpi)["value"].to_list() == [52.0, pytest.approx(13 / 52 * 100)]


def test_wpi_of_a_full_lab_sample(classes):
    """The method with norms given explicitly: DO as norm / value, BOD5, then the four highest ratios."""
    norms = pl.DataFrame(
        {
            "parameter_id": ["dissolved_oxygen", "bod5", "copper", "zinc", "sulphate", "nitrite_n", "iron_total"],
            "water_use": ["fishery"] * 7,
            "limit": [6.0, 2.0, 0.001, 0.01, 100.0, 0.02, 0.1],
        }
    )
    obs = pl.DataFrame(
        {
            "site_id": ["s"] * 7,
            "sample_date": [None] * 7,
            "parameter_id": ["dissolved_oxygen", "bod5", "copper", "zinc", "sulphate", "nitrite_n", "iron_total"],
            "value": [12.0, 4.0, 0.003, 0.02, 50.0, 0.02, 0.05],
        },
        schema_overrides={"sample_date": pl.Date},
    )
    out = compute_wpi(obs, norms, classes).row(0, named=True)
    # ratios: DO 6/12 = 0.5, BOD5 2, copper 3, zinc 2, nitrite 1, sulphate 0.5 (iron 0.5 ties; 4 highest others)
    assert out["wpi"] == pytest.approx((0.5 + 2 + 3 + 2 + 1 + 0.5) / 6)
    assert out["class_from_table"] == "III" and out["status"] == "computed"


def test_wpi_is_not_computed_without_a_sourced_dissolved_oxygen_norm(norms, classes):
    obs = pl.DataFrame(
        {
            "site_id": ["s"] * 6,
            "sample_date": [None] * 6,
            "parameter_id": ["dissolved_oxygen", "bod5", "copper", "zinc", "sulphate", "nitrite_n"],
            "value": [9.0, 3.0, 0.002, 0.02, 120.0, 0.03],
        },
        schema_overrides={"sample_date": pl.Date},
    )
    out = compute_wpi(obs, norms, classes).row(0, named=True)
    assert out["wpi"] is None and "dissolved_oxygen" in out["status"]


def test_wpi_takes_the_four_highest_other_ratios_of_each_sample_not_of_the_whole_table():
    """The benchmarked core (bench/water_wpi): a sample whose ratios are all low still gets its own four
    highest others, and a sample with only three other parameters gets no WPI."""
    roles = ["mandatory_inverse", "mandatory", None, None, None, None, None]
    rated = pl.DataFrame(
        {
            "sample": ["high"] * 7 + ["low"] * 7 + ["short"] * 5,
            "wpi_role": roles + roles + roles[:5],
            "ratio": [1.0, 1.0, 10, 20, 30, 40, 50] + [1.0, 1.0, 0.1, 0.2, 0.3, 0.4, 0.5] + [1.0, 1.0, 5, 5, 5],
        }
    )
    out = {r["sample"]: r for r in wpi_of_groups(rated.lazy(), ["sample"]).collect().iter_rows(named=True)}
    assert out["high"]["wpi"] == pytest.approx((1 + 1 + 20 + 30 + 40 + 50) / 6)
    assert out["low"]["wpi"] == pytest.approx((1 + 1 + 0.2 + 0.3 + 0.4 + 0.5) / 6)
    assert out["short"]["wpi"] is None and (out["short"]["n_mandatory"], out["short"]["n_other"]) == (2, 3)
