"""What lands in the published snapshot, and the exports read back: numbers equal the snapshot and the files."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

import openpyxl
import pytest

from tests.support.caei import run_caei


def csv_rows(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_published_crs_totals_equal_the_source_file(snapshot, shared_data_dir):
    expected = defaultdict(float)
    for row in csv_rows(shared_data_dir / "funding" / "oecd_crs_climate_related_disbursements_202508.csv"):
        expected[(row["de_recipientcode"], int(row["year"]))] += float(row["usd_disbursement_defl"])
    got = snapshot.execute("""SELECT recipient_geo, year, amount FROM funding_source_totals
                              WHERE source_id = 'oecd_crs_climate'
                                AND amount_unit = 'million_usd_crs_constant'""").fetchall()
    assert {(g, y): pytest.approx(v) for g, y, v in got} == dict(expected)


def test_per_capita_indicator_is_the_crs_total_over_population(snapshot, shared_data_dir):
    crs = sum(
        float(r["usd_disbursement"])
        for r in csv_rows(shared_data_dir / "funding" / "oecd_crs_climate_related_disbursements_202508.csv")
        if r["de_recipientcode"] == "KAZ" and r["year"] == "2020"
    )
    population = next(
        float(r["Population, total"])
        for r in csv_rows(shared_data_dir / "indicators" / "owid_population_with_un_projections.csv")
        if r["Code"] == "KAZ" and r["Year"] == "2020"
    )
    value, unit = snapshot.execute("""SELECT value, unit FROM indicator_values
        WHERE indicator_id = 'climate_finance_crs_per_capita' AND geo_id = 'KAZ' AND year = 2020""").fetchone()
    assert unit == "usd_current_per_person"
    assert value == pytest.approx(crs * 1e6 / population)


def test_region_value_only_with_every_country(snapshot):
    coverage = {
        y: (codes, share)
        for y, codes, share in snapshot.execute(
            "SELECT year, covered_iso3, coverage_pop_share FROM funding_crs_coverage"
        ).fetchall()
    }
    region_years = {
        y
        for (y,) in snapshot.execute(
            "SELECT year FROM indicator_values WHERE indicator_id = 'climate_finance_crs' AND geo_id = 'CA5'"
        ).fetchall()
    }
    assert coverage[1998][1] < 0.8 and 1998 not in region_years  # only KAZ and UZB reported: no regional figure
    assert coverage[2015][1] == 1.0 and 2015 in region_years
    # Money: a year without all five is never Central Asia, however many of the people the others hold.
    for year, (codes, share) in coverage.items():
        assert (year in region_years) == (codes == "KAZ;KGZ;TJK;TKM;UZB"), (year, codes, share)
    assert any(share >= 0.8 and codes.count(";") < 4 for codes, share in coverage.values())


def test_direction_without_indicators_has_none_published(snapshot):
    links = dict(snapshot.execute("SELECT direction, count(*) FROM summit_direction_indicators GROUP BY 1").fetchall())
    for direction in (2, 7, 8):  # adaptation, just transition, competences: the catalogue has nothing for them yet
        assert direction not in links


def test_funding_export_csv_reads_back_equal_to_the_snapshot(published_home, snapshot, tmp_path):
    out = tmp_path / "funding.csv"
    done = run_caei(
        ["export", "--table", "funding", "--format", "csv", "--lang", "en", "--out", str(out)], published_home
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:3] == b"\xef\xbb\xbf"
    rows = csv_rows(out)
    assert len(rows) == snapshot.execute("SELECT count(*) FROM funding_facts").fetchone()[0]
    reflow = next(
        r
        for r in rows
        if r["Donor"] == "Norway"
        and r["Recipient code"] == "AFG"
        and r["Year"] == "2008"
        and r["Theme"] == "Energy"
        and r["Amount unit"] == "million_usd_current"
    )
    assert float(reflow["Amount (as published)"]) == -0.052904
    meta = csv_rows(out.with_name("funding.metadata.csv"))
    assert {"oecd_crs_climate", "aiddata_china"} <= {m["Source code"] for m in meta}
    assert any(m["Licence"] == "ODC-By 1.0" for m in meta)


def test_funding_export_xlsx_in_russian(published_home, tmp_path):
    out = tmp_path / "funding.xlsx"
    done = run_caei(
        ["export", "--table", "funding", "--format", "xlsx", "--lang", "ru", "--year", "2007", "--out", str(out)],
        published_home,
    )
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(out, read_only=True)["data"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert "Донор" in header and "Сумма (как опубликовано)" in header
    years = {row[header.index("Год")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert years == {2007}


def test_kazakhstan_domestic_spending_is_converted_with_the_wdi_tenge_rate(snapshot, shared_data_dir):
    """2022 national total: 284,853,377.0 thousand tenge (eco.csv); WDI PA.NUS.FCRF Kazakhstan 2022 read from the
    country file: million US$ = 284,853,377.0 x 1000 / rate / 1e6."""
    total = next(
        float(r["2022.0"])
        for r in csv_rows(
            shared_data_dir / "funding" / "kz_environmental_protection_current_expenditure_by_region_2005_2022.csv"
        )
        if r[""] == "Республика Казахстан"
    )
    assert total == 284853377.0
    lines = (
        (shared_data_dir / "indicators" / "wdi_KAZ_gdp_deflator_exchange_rates_subset.csv")
        .read_text(encoding="utf-8-sig")
        .splitlines()
    )
    start = next(i for i, line in enumerate(lines) if line.startswith('"Country Name'))
    rate = next(
        float(r["2022"])
        for r in csv.DictReader(io.StringIO("\n".join(lines[start:])))
        if r["Indicator Code"] == "PA.NUS.FCRF"
    )
    amount, unit, level, usd = snapshot.execute("""
        SELECT f.amount, f.amount_unit, f.recipient_level, c.amount_million_usd_current
        FROM funding_facts f JOIN funding_comparable c USING (fact_id)
        WHERE f.source_id = 'kz_env_protection_expenditure' AND f.recipient_name = 'Республика Казахстан'
          AND f.year = 2022""").fetchone()
    assert (amount, unit, level) == (total, "thousand_kzt_current", "country")
    assert usd == pytest.approx(total * 1000 / rate / 1e6)
    # The regions are listed beside the national total, never added to it.
    regions = snapshot.execute("""SELECT count(*) FROM funding_facts WHERE source_id = 'kz_env_protection_expenditure'
        AND year = 2022 AND recipient_level = 'subnational'""").fetchone()[0]
    assert regions == 20


def test_irena_clean_energy_flows_are_facts_equal_to_the_source_column(snapshot, shared_data_dir):
    names = dict(snapshot.execute("SELECT name_en, geo_id FROM geographies").fetchall())
    expected = {}
    for r in csv_rows(shared_data_dir / "indicators" / "global_data_on_sustainable_energy_2000_2020.csv"):
        value = r["Financial_flows_to_developing_countries"].strip()
        if value and r["Entity"] in names:
            expected[(names[r["Entity"]], int(float(r["Year"])))] = float(value)
    got = {
        (g, y): (a, u, f)
        for g, y, a, u, f in snapshot.execute("""SELECT recipient_geo, year, amount, amount_unit, flow_type
        FROM funding_facts WHERE source_id = 'sust_energy'""").fetchall()
    }
    assert got.keys() == expected.keys()
    assert all(got[k] == (v, "usd_current", "unspecified") for k, v in expected.items())
