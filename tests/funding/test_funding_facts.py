"""Funding facts against the real files: totals per recipient and year equal the source read with csv."""

from __future__ import annotations

import csv
import math
from collections import defaultdict

import polars as pl
import pytest

from assets.indicators.funding import conversions, fact_table
from assets.staged import funding as staged_funding

NAMES = {"KAZ": "Kazakhstan"}


def csv_rows(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def crs_path(shared_data_dir):
    return shared_data_dir / "funding" / "oecd_crs_climate_related_disbursements_202508.csv"


def test_crs_totals_per_recipient_and_year_equal_the_source_file(crs_path):
    expected = defaultdict(float)
    for row in csv_rows(crs_path):
        expected[(row["de_recipientcode"], int(row["year"]))] += float(row["usd_disbursement"])
    totals = fact_table.source_totals(
        fact_table.crs_facts(staged_funding.parse_oecd_crs_climate(crs_path), NAMES)
    ).filter(pl.col("amount_unit") == "million_usd_current")
    got = {(g, y): a for g, y, a in totals.select("recipient_geo", "year", "amount").iter_rows()}
    assert set(got) == set(expected)
    for k, v in expected.items():
        assert got[k] == pytest.approx(v, abs=1e-9), k


def test_negative_disbursements_are_kept_and_flagged(crs_path):
    facts = fact_table.crs_facts(staged_funding.parse_oecd_crs_climate(crs_path), NAMES)
    reflow = facts.filter(
        (pl.col("donor") == "Norway")
        & (pl.col("recipient_geo") == "AFG")
        & (pl.col("year") == 2008)
        & (pl.col("theme") == "Energy")
        & (pl.col("amount_unit") == "million_usd_current")
    )
    assert reflow["amount"].to_list() == [-0.052904]
    assert "negative_disbursement" in reflow["flags"][0] and "rio_marker_upper_bound" in reflow["flags"][0]


def test_crs_current_and_constant_are_never_added(crs_path):
    totals = fact_table.source_totals(fact_table.crs_facts(staged_funding.parse_oecd_crs_climate(crs_path), NAMES))
    kaz_2020 = totals.filter((pl.col("recipient_geo") == "KAZ") & (pl.col("year") == 2020))
    assert sorted(kaz_2020["amount_unit"].to_list()) == ["million_usd_crs_constant", "million_usd_current"]


def test_chinese_totals_use_only_rows_recommended_for_research(shared_data_dir):
    path = shared_data_dir / "funding" / "chinese_official_finance_aiddata_2000_2014.csv"
    expected = defaultdict(float)
    for row in csv_rows(path):
        if row["recommended_for_research"] == "True" and row["usd_current"].strip():
            expected[(row["recipient_iso3"], int(row["year"]))] += float(row["usd_current"])
    facts = fact_table.china_facts(staged_funding.parse_aiddata_china(path), NAMES)
    totals = fact_table.source_totals(facts).filter(pl.col("amount_unit") == "usd_current")
    got = {(g, y): a for g, y, a in totals.select("recipient_geo", "year", "amount").iter_rows()}
    assert got.keys() == expected.keys()
    assert all(math.isclose(got[k], v, rel_tol=1e-12) for k, v in expected.items())
    # The 118 other rows are listed, flagged, and not counted.
    flagged = facts.filter(pl.col("flags").str.contains("not_recommended_for_research"))["project_id"].unique()
    assert flagged.len() == sum(r["recommended_for_research"] == "False" for r in csv_rows(path)) == 118


def test_plaid_rows_without_a_year_are_kept_as_year_unknown(shared_data_dir):
    path = shared_data_dir / "funding" / "plaid_environmental_aid_commitments_agg.csv"
    rows = csv_rows(path)
    no_year = [r for r in rows if not r["year"]]
    facts = fact_table.plaid_facts(staged_funding.parse_aiddata_plaid_env(path), NAMES)
    unknown = facts.filter(pl.col("year").is_null())
    assert unknown.height == len(no_year) > 0
    assert unknown["flags"].str.contains("year_unknown").all()
    assert unknown["amount"].sum() == pytest.approx(sum(float(r["commitment_usd2000"] or 0) for r in no_year))
    regional = facts.filter(pl.col("recipient_name") == "Central Asia, regional")
    assert regional["recipient_level"].unique().to_list() == ["regional"] and regional["recipient_geo"].is_null().all()


def test_gef_commitments_and_disbursements_stay_separate(shared_data_dir):
    path = shared_data_dir / "funding" / "gef_projects_aiddata_v1_1.csv"
    rows = csv_rows(path)
    facts = fact_table.gef_facts(staged_funding.parse_aiddata_gef(path), NAMES)
    totals = fact_table.source_totals(facts)
    for flow, column in (("commitment", "total_commitments"), ("disbursement", "total_disbursements")):
        expected = sum(float(r[column]) for r in rows if r["recipients_iso3"] == "KAZ" and r[column])
        got = totals.filter((pl.col("recipient_geo") == "KAZ") & (pl.col("flow_type") == flow))["amount"].sum()
        assert got == pytest.approx(expected)


def test_a_bad_amount_is_quarantined_with_file_line_and_reason_and_other_rows_kept(shared_data_dir, tmp_path):
    source = shared_data_dir / "funding" / "worldbank_ibrd_ida_projects_aiddata_geocoded.csv"
    lines = source.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    amount_at = header.index("total_amount_usd_million")
    broken = lines[3].split(",")
    assert broken[amount_at] == "5"  # P088719, 5 US$ million
    broken[amount_at] = "5 million"
    lines[3] = ",".join(broken)
    bad = tmp_path / "worldbank.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    staged = staged_funding.parse_aiddata_worldbank(bad)
    quarantined = staged_funding.quarantine(staged, "aiddata_worldbank", bad.name)
    assert quarantined.select("line", "reason").rows() == [
        (4, "column 'total_amount_usd_million' is not a number: 5 million")
    ]
    facts = fact_table.worldbank_facts(staged, NAMES)
    assert facts.height == len(lines) - 2  # every other project is kept
    assert "P088719" not in facts["project_id"].to_list()


def test_seed_document_amounts_cite_their_lines():
    from assets.sources.catalogue import read_seed

    facts = fact_table.seed_document_facts(read_seed("seed_facts.csv"))
    eu = facts.filter(pl.col("project_id") == "F002-001").row(0, named=True)
    assert (eu["amount"], eu["amount_unit"], eu["currency"], eu["year"]) == (16.2, "million_eur_current", "EUR", 2007)
    assert eu["citation"].startswith("seed-docs/002_")


def test_hand_checked_conversions():
    """PLAID: 769,504.087193 US$ of 2000 (ASDB, Afghanistan, 1969, line 2).
    US GDP deflator (WDI, wdi_USA_gdp_deflator_1989_2023.csv): 2000 = 74.72803189, 2015 = 100, 2007 = 88.73077929.
    By hand: 0.769504087193 x 100 / 74.72803189 = 1.0297395 US$ million of 2015.
    EU 16.2 million euro in 2007; euro area PA.NUS.FCRF 2007 = 0.729672399984083 euro per US$:
    16.2 / 0.7296724 = 22.201744 US$ million current; x 100 / 88.73077929 = 25.021469 of 2015."""
    facts = pl.DataFrame(
        {
            "fact_id": ["plaid", "eu"],
            "amount": [769504.087193, 16.2],
            "amount_unit": ["usd_2000", "million_eur_current"],
            "year": [1969, 2007],
        },
        schema_overrides={"year": pl.Int32},
    )
    series = {
        "us_deflator": pl.DataFrame(
            {"year": [2000, 2007, 2015], "value": [74.72803189, 88.73077929, 100.0]},
            schema_overrides={"year": pl.Int32},
        ),
        "eur_per_usd": pl.DataFrame(
            {"year": [2007], "value": [0.729672399984083]}, schema_overrides={"year": pl.Int32}
        ),
        "kzt_per_usd": pl.DataFrame({"year": [2007], "value": [122.55]}, schema_overrides={"year": pl.Int32}),
    }
    out = {r["fact_id"]: r for r in conversions.comparable_amounts(facts, series).iter_rows(named=True)}
    assert out["plaid"]["amount_million_usd_2015"] == pytest.approx(1.0297395, abs=1e-6)
    assert out["plaid"]["amount_million_usd_current"] is None  # a constant-price amount has no current-dollar value
    assert out["eu"]["amount_million_usd_current"] == pytest.approx(22.201744, abs=1e-6)
    assert out["eu"]["amount_million_usd_2015"] == pytest.approx(25.021469, abs=1e-6)


def test_conversion_series_come_from_the_cited_wdi_files(shared_data_dir):
    from assets.staged.parsers import parse_wdi_bulk

    d = shared_data_dir / "indicators"
    series = conversions.conversion_series(
        parse_wdi_bulk(d / "wdi_USA_gdp_deflator_1989_2023.csv"),
        parse_wdi_bulk(d / "wdi_official_exchange_rate_lcu_per_usd.csv"),
        parse_wdi_bulk(d / "wdi_KAZ_gdp_deflator_exchange_rates_subset.csv"),
    )
    deflator = dict(series["us_deflator"].iter_rows())
    assert (deflator[2000], deflator[2015]) == (74.72803189, 100.0)
    assert dict(series["eur_per_usd"].iter_rows())[2007] == pytest.approx(0.729672399984083)
    assert max(dict(series["kzt_per_usd"].iter_rows())) == 2024
