"""Parsers on the real files: the full public layout keeps the same rows, and bad input is named, not dropped."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from assets.staged.aral_caspian import parse_dahiti
from assets.staged.parsers import ParseError, parse_geojson, parse_owid_chart, parse_wdi_bulk


def test_owid_full_public_file_keeps_the_same_rows(shared_data_dir, tmp_path):
    mirror = shared_data_dir / "indicators" / "owid_co2_emissions_per_capita.csv"
    text = mirror.read_text(encoding="utf-8")
    # The public download also holds other countries and OWID's aggregate rows (no code).
    full = tmp_path / "full.csv"
    full.write_text(text + "France,FRA,2020,4.5\nWorld,OWID_WRL,2020,4.7\nAsia,,2020,4.3\n", encoding="utf-8")
    assert_frame_equal(parse_owid_chart(full), parse_owid_chart(mirror))


def test_wdi_with_and_without_preamble(shared_data_dir, tmp_path):
    mirror = shared_data_dir / "indicators" / "wdi_population_total.csv"
    lines = mirror.read_text(encoding="utf-8-sig").splitlines()
    without = tmp_path / "resaved.csv"
    without.write_text("\n".join(lines[4:]), encoding="utf-8")
    with_preamble = parse_wdi_bulk(mirror)
    assert_frame_equal(parse_wdi_bulk(without), with_preamble)
    kaz_2023 = with_preamble.filter((pl.col("geo_id") == "KAZ") & (pl.col("year") == 2023))["value"][0]
    assert kaz_2023 > 19e6  # Kazakhstan passed 19 million in 2022 (WDI)
    # empty strings are no data, not zeros
    assert with_preamble.filter(pl.col("year") == 2024).is_empty()


def test_wdi_zip_download_is_read(shared_data_dir, tmp_path):
    import zipfile

    mirror = shared_data_dir / "indicators" / "wdi_gdp_current_usd.csv"
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Metadata_Country_API_NY.GDP.MKTP.CD.csv", "irrelevant")
        z.writestr("API_NY.GDP.MKTP.CD_DS2_en_csv_v2.csv", mirror.read_bytes())
    assert_frame_equal(parse_wdi_bulk(archive), parse_wdi_bulk(mirror))


def test_non_numeric_value_names_file_line_and_column(shared_data_dir, tmp_path):
    text = (shared_data_dir / "aral" / "aral_sea_area_1986_2023.csv").read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace("38.93", "n/a")
    bad = tmp_path / "aral.csv"
    bad.write_text("\n".join(text), encoding="utf-8")
    from assets.staged.aral_caspian import parse_aral_area

    with pytest.raises(ParseError, match=r"aral\.csv.*'Total'.*line 4: 'n/a'"):
        parse_aral_area(bad)


def test_not_utf8_is_a_clear_error(tmp_path):
    bad = tmp_path / "cp1251.csv"
    bad.write_bytes("Entity,Code,Year,v\nКазахстан,KAZ,2020,1\n".encode("cp1251"))
    with pytest.raises(ParseError, match="not UTF-8 text.*line 2"):
        parse_owid_chart(bad)


def test_dahiti_no_final_newline_outlier_flagged(shared_data_dir):
    path = shared_data_dir / "caspian" / "caspian_level_dahiti_1992_2023.csv"
    assert not path.read_bytes().endswith(b"\n")
    obs = parse_dahiti(path)
    last_line = path.read_text().splitlines()[-1].split(",")
    assert str(obs["date"][-1]) == last_line[0] and obs["level_m"][-1] == float(last_line[1])
    outliers = obs.filter(pl.col("flags") == "outlier")
    assert [str(d) for d in outliers["date"]] == ["2000-01-27"]


def test_geojson_features(shared_data_dir):
    lakes = parse_geojson(shared_data_dir / "geo" / "lakes_seas_central_asia_ne10m.geojson")
    assert {"Aral Sea", "Historic Aral Sea", "Caspian Sea"} <= set(lakes["name"])
    places = parse_geojson(shared_data_dir / "geo" / "populated_places_central_asia_ne10m.geojson")
    assert places.height == 161
    assert "Алма-Ата" in set(places["name_ru"])  # Natural Earth's Russian name, as published
