"""The air parsers against the real shared files, read independently with the csv module."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from pathlib import Path

import polars as pl
import pytest

from assets.indicators.air.daily import attribute_daily
from assets.staged.air import (
    REGION_WIDE_SCHEMA,
    parse_airdata_kz_main,
    parse_airdata_kz_other,
    parse_bishkek_daily,
    parse_kz_region_wide,
    parse_tashkent_daily,
)
from assets.staged.parsers import ParseError


def rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def air_dir(shared_data_dir) -> Path:
    return shared_data_dir / "air"


def test_main_cities_day_equals_source(air_dir):
    path = air_dir / "airdata_kz_daily_almaty_astana_karaganda.csv"
    source = next(
        r for r in rows(path) if r["city"] == "almaty" and r["parameter"] == "pm25" and r["date"] == "2021-01-15"
    )
    parsed = parse_airdata_kz_main(path)
    day = parsed.filter(
        (pl.col("city_label") == "almaty") & (pl.col("pollutant") == "pm25") & (pl.col("date") == dt.date(2021, 1, 15))
    )
    assert day["value"].to_list() == [float(source["value_ugm3"])]
    assert parsed.height == len(rows(path))  # every row kept
    assert parsed.filter(pl.col("problem") != "").is_empty()


def test_other_cities_labels_trimmed_and_cityless_rows_kept_with_reason(air_dir):
    path = air_dir / "airdata_kz_daily_other_cities_pm2_5.csv"
    source = rows(path)
    parsed = parse_airdata_kz_other(path)
    assert parsed.height == len(source)
    assert "Semey" in parsed["city_label"].to_list() and "Semey " not in parsed["city_label"].to_list()
    cityless = sum(1 for r in source if not r["city"].strip())
    assert parsed.filter(pl.col("problem") == "no city in the source row").height == cityless > 0
    semey = next(r for r in source if r["city"] == "Semey " and r["date"] == "2022-01-10")
    got = parsed.filter((pl.col("city_label") == "Semey") & (pl.col("date") == dt.date(2022, 1, 10)))["value"].to_list()
    assert got == [float(semey["avg_ugm3"])]


def test_gzip_public_file_parses_like_the_mirror(air_dir, tmp_path):
    plain = air_dir / "airdata_kz_daily_other_cities_no2.csv"
    packed = tmp_path / "no2.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert parse_airdata_kz_other(packed).equals(parse_airdata_kz_other(plain))


def test_bishkek_valid_hours_and_empty_days(air_dir):
    path = air_dir / "bishkek_us_embassy_pm25_daily_2019_2023.csv"
    source = rows(path)
    parsed = parse_bishkek_daily(path)
    first = source[1]
    day = parsed.filter(pl.col("date") == dt.date.fromisoformat(first["date_local"]))
    assert day["value"].to_list() == [float(first["pm25_mean_ugm3"])]
    assert day["valid_hours"].to_list() == [int(first["n_valid_hours"])]
    empty = [r for r in source if not r["pm25_mean_ugm3"].strip()]
    assert parsed.filter(pl.col("problem") == "no valid hour that day").height == len(empty) == 3


def test_tashkent_is_a_median_with_reading_counts(air_dir):
    path = air_dir / "tashkent_municipal_pm25_daily_2023_2026.csv"
    source = rows(path)
    parsed = parse_tashkent_daily(path)
    assert parsed.height == len(source)
    assert set(parsed["statistic"]) == {"daily_median"}
    assert parsed["valid_hours"].to_list()[0] == int(source[0]["n_obs"])


def test_region_wide_values_dashes_and_national_total(air_dir):
    path = air_dir / "kz_emissions_stationary_sources_by_region_2005_2022.csv"
    with open(path, newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    header, body = table[0], table[1:]
    parsed = parse_kz_region_wide(path)
    expected = {
        (r[0].strip(), int(float(y))): float(v)
        for r in body
        for y, v in zip(header[1:], r[1:], strict=False)
        if v.strip() not in ("", "-")
    }
    got = {(r, y): v for r, y, v in parsed.select("region", "year", "value").iter_rows()}
    assert got == expected
    assert ("Абай", 2021) not in got and ("Абай", 2022) in got  # '-' = region did not exist: no row
    assert got[("Республика Казахстан", 2021)] == pytest.approx(2407.455791)
    assert "Туркестанская" in set(parsed["region"])  # trailing space of the source removed
    assert parsed.schema == pl.Schema(REGION_WIDE_SCHEMA)


def test_region_wide_also_reads_the_expenditure_table(shared_data_dir):
    parsed = parse_kz_region_wide(
        shared_data_dir / "funding" / "kz_environmental_protection_current_expenditure_by_region_2005_2022.csv"
    )
    assert parsed.filter((pl.col("region") == "Республика Казахстан") & (pl.col("year") == 2005))[
        "value"
    ].to_list() == [43558237.5]


def test_region_wide_bad_cell_names_line_region_and_year(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(",2005.0,2006.0\nРеспублика Казахстан,1.0,2.0\nАкмолинская,3.0,n/a\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"line 3 \(Акмолинская, 2006\): 'n/a'"):
        parse_kz_region_wide(bad)


def test_daily_bad_value_is_quarantined_not_fatal(tmp_path):
    path = tmp_path / "tashkent.csv"
    path.write_text(
        "date,pm25_muni,n_obs,n_st\n2024-01-01,20.5,240,10\n2024-01-02,abc,240,10\n2024-13-01,5,240,10\n",
        encoding="utf-8",
    )
    parsed = parse_tashkent_daily(path)
    assert parsed["problem"].to_list() == ["", "pm25_muni abc is not a number", "date 2024-13-01 is not YYYY-MM-DD"]
    observations, quarantine = attribute_daily(
        parsed,
        "tashkent_municipal_pm25",
        pl.DataFrame({"city_id": [], "label": []}, schema={"city_id": pl.String, "label": pl.String}),
    )
    assert observations.height == 1
    assert quarantine.select("source_row", "reason").rows() == [
        (3, "pm25_muni abc is not a number"),
        (4, "date 2024-13-01 is not YYYY-MM-DD"),
    ]


def test_missing_column_is_an_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("date,city,value\n2024-01-01,Aktau,1\n", encoding="utf-8")
    with pytest.raises(ParseError, match="avg_ugm3"):
        parse_airdata_kz_other(path)
