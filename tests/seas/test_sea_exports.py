"""Issue 13, the seas in the published snapshot (one real materialisation): the sources' caveats in the indicators
export, the Aral basins by period, and the direction 4 sheet of the summit pack read back from the XLSX."""

from __future__ import annotations

import csv

import polars as pl
import pytest

from assets.exports.export import export_indicators

SEAS = ("aral_sea_area", "caspian_level_dahiti", "caspian_level_baltic")


def read_rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def flag_set(flags: str | None) -> set[str]:
    return set(filter(None, (flags or "").split(";")))


def test_the_indicators_export_carries_the_aral_and_caspian_caveats(snapshot, shared_data_dir):
    data, _meta = export_indicators(snapshot, "en", None)
    seas = data.filter(pl.col("indicator_id").is_in(SEAS))
    aral = {r["year"]: r for r in seas.filter(pl.col("indicator_id") == "aral_sea_area").iter_rows(named=True)}
    for row in read_rows(shared_data_dir / "aral" / "aral_sea_area_1986_2023.csv"):
        year = int(row["Year"])
        assert aral[year]["value"] == pytest.approx(float(row["Total"]) * 1000)
        assert ("lower_quality" in flag_set(aral[year]["flags"])) == (year >= 2019), year
    baltic = {r["year"]: r for r in seas.filter(pl.col("indicator_id") == "caspian_level_baltic").iter_rows(named=True)}
    statements = read_rows(shared_data_dir / "caspian" / "caspian_level_official_statements.csv")
    assert set(baltic) == {int(r["year"]) for r in statements}  # every statement, however many the file holds
    for row in statements:
        flags = flag_set(baltic[int(row["year"])]["flags"])
        assert ("kazakh_part_of_sea" in flags) == ("kazakh part of the sea" in row["note"].lower()), row["year"]
        assert ("not_final_annual_mean" in flags) == ("not a final annual mean" in row["note"].lower()), row["year"]


def test_the_published_aral_basins_are_labelled_by_period(snapshot, shared_data_dir):
    rows = read_rows(shared_data_dir / "aral" / "aral_sea_area_1986_2023.csv")
    published = snapshot.execute("SELECT basin, list(year ORDER BY year) FROM aral_area GROUP BY basin").fetchall()
    years = dict(published)
    assert years["large"] == [int(r["Year"]) for r in rows if not r["Eastern"].strip()]
    assert years["large_west"] == [int(r["Year"]) for r in rows if r["Eastern"].strip()]
    flagged = snapshot.execute("SELECT DISTINCT year FROM aral_area WHERE flags LIKE '%lower_quality%'").fetchall()
    assert sorted(y for (y,) in flagged) == [int(r["Year"]) for r in rows if int(r["Year"]) >= 2019]
