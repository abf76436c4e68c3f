"""Exports of the published snapshot, read back as a user's spreadsheet would."""

from __future__ import annotations

import csv

import openpyxl
import polars as pl
import pytest

from assets.exports.xlsx import neutralise_formulas
from tests.support.caei import run_caei


def test_xlsx_indicators_has_data_and_metadata(published_home, snapshot, tmp_path):
    out = tmp_path / "indicators.xlsx"
    done = run_caei(["export", "--table", "indicators", "--format", "xlsx", "--out", str(out)], published_home)
    assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["data", "metadata"]
    data = wb["data"]
    header = [c.value for c in data[1]]
    assert header[:6] == ["Код показателя", "Показатель", "Код территории", "Территория", "Год", "Значение"]
    rows = {(r[0], r[2], r[4]): r for r in data.iter_rows(min_row=2, values_only=True)}
    published = snapshot.execute(
        "SELECT value FROM indicator_values WHERE indicator_id='fossil_co2' AND geo_id='KAZ' AND year=2023"
    ).fetchone()[0]
    row = rows[("fossil_co2", "KAZ", 2023)]
    assert isinstance(row[5], float) and row[5] == pytest.approx(published, rel=1e-6)
    assert row[6] == "млн т CO₂" and row[8] == "CC BY 4.0"
    meta = {r[0]: r for r in wb["metadata"].iter_rows(min_row=2, values_only=True)}
    snapshot_id = snapshot.execute("SELECT snapshot_id FROM snapshot_info").fetchone()[0]
    fossil = meta["fossil_co2"]
    assert snapshot_id in fossil and "CC BY 4.0" in fossil
    assert any(isinstance(v, str) and len(v) == 64 for v in fossil)  # sha256 of the raw file


def test_csv_wide_has_bom_metadata_and_numbers(published_home, snapshot, tmp_path):
    out = tmp_path / "wide.csv"
    done = run_caei(
        [
            "export",
            "--table",
            "indicators_wide",
            "--format",
            "csv",
            "--lang",
            "en",
            "--year",
            "2020",
            "--out",
            str(out),
        ],
        published_home,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "wide.metadata.csv").exists()
    with open(out, encoding="utf-8-sig") as f:
        rows = {r["Indicator code"]: r for r in csv.DictReader(f)}
    kaz = snapshot.execute(
        "SELECT value FROM indicator_values WHERE indicator_id='co2_per_capita' AND geo_id='KAZ' AND year=2020"
    ).fetchone()[0]
    assert float(rows["co2_per_capita"]["Kazakhstan (KAZ)"]) == pytest.approx(kaz)
    assert rows["co2_per_capita"]["Year"] == "2020"


def test_export_without_a_snapshot_says_what_to_do(tmp_path):
    done = run_caei(["export", "--table", "indicators", "--out", str(tmp_path / "x.csv")], tmp_path)
    assert done.returncode == 1 and "caei materialize" in done.stderr


def test_formula_text_is_neutralised_and_numbers_stay_numbers():
    df = pl.DataFrame(
        {"name": ['=HYPERLINK("http://x")', "+1", "-cmd", "@SUM(A1)", "Алматы"], "value": [-1.5, 2.0, 3.0, 4.0, 5.0]}
    )
    out = neutralise_formulas(df)
    assert out["name"].to_list() == ['\'=HYPERLINK("http://x")', "'+1", "'-cmd", "'@SUM(A1)", "Алматы"]
    assert out["value"].to_list() == [-1.5, 2.0, 3.0, 4.0, 5.0]
