"""Issue 13, the seas in the published snapshot (one real materialisation): the sources' caveats in the indicators
export, the Aral basins by period, and the direction 4 sheet of the summit pack read back from the XLSX."""

from __future__ import annotations

import csv

import openpyxl
import polars as pl
import pytest

from assets.common.flags import flag_words
from assets.exports import summit_pack
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


@pytest.fixture(scope="module")
def pack_direction_4(published_home, tmp_path_factory) -> dict[str, list[dict]]:
    from assets.published.snapshots import open_snapshot

    sheets = {}
    for lang in ("en", "ru"):
        out = tmp_path_factory.mktemp("pack") / f"summit_pack_{lang}.xlsx"
        con = open_snapshot(published_home / "published")
        try:
            summit_pack.write_summit_pack(con, "xlsx", lang, out)
        finally:
            con.close()
        book = openpyxl.load_workbook(out, read_only=True)
        sheet = book[next(n for n in book.sheetnames if n.startswith("4."))]
        rows = list(sheet.iter_rows(values_only=True))
        sheets[lang] = [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]
    return sheets


def test_direction_4_of_the_summit_pack_has_the_seas_each_caspian_datum_apart(pack_direction_4, snapshot):
    rows = pack_direction_4["en"]
    seas = {r["Indicator code"]: r for r in rows if r["Indicator code"] in SEAS}
    assert set(seas) == set(SEAS)
    assert [r["Indicator code"] for r in rows].count("caspian_level_dahiti") == 1
    assert [r["Indicator code"] for r in rows].count("caspian_level_baltic") == 1
    assert seas["aral_sea_area"]["Area code"] == "ARAL"
    assert seas["caspian_level_dahiti"]["Area code"] == seas["caspian_level_baltic"]["Area code"] == "CASPIAN"
    assert seas["caspian_level_dahiti"]["Unit"] != seas["caspian_level_baltic"]["Unit"]  # two datums, two units
    for indicator_id, row in seas.items():
        year, value, flags = snapshot.execute(
            """SELECT year, value, flags FROM indicator_values WHERE indicator_id = ?
               AND NOT list_contains(string_split(coalesce(flags, ''), ';'), 'projection')
               ORDER BY year DESC LIMIT 1""",
            [indicator_id],
        ).fetchone()
        assert (row["Latest year"], row["Latest value"]) == (year, pytest.approx(value)), indicator_id
        assert (row["Flags"] or "") == flag_words(flags, "en"), indicator_id
        assert (row["flag_codes"] or "") == (flags or ""), indicator_id
        # the comparison value is of the same series (never the other datum)
        if row["Comparison year"] is not None:
            earlier = snapshot.execute(
                "SELECT value FROM indicator_values WHERE indicator_id = ? AND year = ?",
                [indicator_id, row["Comparison year"]],
            ).fetchone()[0]
            assert row["Change"] == pytest.approx(row["Latest value"] - earlier)
    assert "lower quality" in seas["aral_sea_area"]["Flags"]
    russian = {r["Код показателя"]: r for r in pack_direction_4["ru"] if r["Код показателя"] in SEAS}
    assert russian["aral_sea_area"]["Отметки"] == flag_words(seas["aral_sea_area"]["flag_codes"], "ru")
