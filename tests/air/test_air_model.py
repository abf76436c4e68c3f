"""Completeness, means, ratios and exceedances, checked by hand against the real files."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from assets.indicators.air.cities import city_label_lookup
from assets.indicators.air.daily import attribute_daily
from assets.indicators.air.emissions import region_emission_trends, region_emissions
from assets.indicators.air.means import period_stats, season_ratios, trends
from assets.indicators.air.thresholds import exceedances, thresholds_registry, uncited_thresholds
from assets.sources.catalogue import read_seed
from assets.staged.air import REGION_WIDE_SCHEMA, parse_bishkek_daily, parse_kz_region_wide
from dashboard import air_series


def rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def cities() -> pl.DataFrame:
    return read_seed("air_cities.csv")


@pytest.fixture(scope="module")
def bishkek(shared_data_dir, cities):
    path = shared_data_dir / "air" / "bishkek_us_embassy_pm25_daily_2019_2023.csv"
    observations, quarantine = attribute_daily(
        parse_bishkek_daily(path), "bishkek_us_embassy_pm25", city_label_lookup(cities)
    )
    return path, observations, quarantine


def test_bishkek_heating_season_by_hand(bishkek):
    path, observations, _ = bishkek
    start, end = dt.date(2020, 10, 1), dt.date(2021, 4, 30)
    counted = [
        r
        for r in rows(path)
        if start <= dt.date.fromisoformat(r["date_local"]) <= end
        and int(r["n_valid_hours"]) >= 18
        and r["pm25_mean_ugm3"]
    ]
    valid = [float(r["pm25_mean_ugm3"]) for r in counted]
    valid_days = [dt.date.fromisoformat(r["date_local"]) for r in counted]
    days_in_season = (end - start).days + 1  # 212
    stats = period_stats(observations)
    season = stats.filter((pl.col("period_kind") == "heating_season") & (pl.col("period") == "2020/21")).row(
        0, named=True
    )
    assert season["days_in_period"] == days_in_season == 212
    assert season["days_with_data"] == len(valid)
    assert season["completeness"] == pytest.approx(len(valid) / 212)
    parts = {(10, 11, 12): 92, (1, 2, 3): 90, (4,): 30}  # the season's days in each quarter it overlaps
    part_shares = [sum(1 for d in valid_days if d.month in months) / days for months, days in parts.items()]
    assert season["min_quarter_share"] == pytest.approx(min(part_shares))
    assert season["complete"] is (len(valid) / 212 >= 0.75 and min(part_shares) >= 0.75)
    assert season["mean"] == pytest.approx(sum(valid) / len(valid))
    assert season["unit"] == "ug_m3"


def test_incomplete_period_has_no_mean(bishkek):
    _, observations, _ = bishkek
    stats = period_stats(observations)
    # The monitor's series starts on 2019-02-06 and ends on 2023-04-01: 2023 cannot be complete.
    year_2023 = stats.filter((pl.col("period_kind") == "year") & (pl.col("year") == 2023)).row(0, named=True)
    assert year_2023["status"] == "incomplete" and year_2023["mean"] is None
    assert stats.filter(~pl.col("complete") & pl.col("mean").is_not_null()).is_empty()


def test_days_with_few_valid_hours_do_not_count(bishkek):
    path, observations, quarantine = bishkek
    short = [r for r in rows(path) if r["pm25_mean_ugm3"] and int(r["n_valid_hours"]) < 18]
    flagged = observations.filter(~pl.col("day_counts"))
    assert flagged.height == len(short) > 0
    assert all("day_incomplete" in f for f in flagged["flags"])
    assert quarantine["reason"].to_list() == ["no valid hour that day"] * 3


def test_exceedance_days_by_hand(bishkek):
    path, observations, _ = bishkek
    registry = thresholds_registry(read_seed("air_thresholds.csv"))
    stats = period_stats(observations)
    above = exceedances(observations, stats, registry)
    got = above.filter((pl.col("year") == 2021) & (pl.col("threshold_id") == "who2021_pm25_24h_aqg")).row(0, named=True)
    by_hand = [
        float(r["pm25_mean_ugm3"])
        for r in rows(path)
        if r["date_local"].startswith("2021-") and r["pm25_mean_ugm3"] and int(r["n_valid_hours"]) >= 18
    ]
    assert got["threshold"] == 15.0
    assert got["days_above"] == sum(v > 15.0 for v in by_hand)
    assert got["days_with_data"] == len(by_hand)


def test_season_ratio_only_when_both_seasons_complete():
    stats = pl.DataFrame(
        {
            "city_id": ["x"] * 4,
            "source_id": ["s"] * 4,
            "pollutant": ["pm25"] * 4,
            "period_kind": ["heating_season", "summer", "heating_season", "summer"],
            "period": ["2020/21", "2020", "2021/22", "2021"],
            "year": [2020, 2020, 2021, 2021],
            "mean": [60.0, 20.0, None, 10.0],
            "complete": [True, True, False, True],
            "unit": ["ug_m3"] * 4,
        }
    )
    ratios = season_ratios(stats).sort("year")
    assert ratios["ratio"].to_list() == [3.0, None]
    assert ratios["status"].to_list() == ["complete", "incomplete"]


def test_every_source_label_maps_to_a_city(shared_data_dir, cities):
    labels = set(city_label_lookup(cities)["label"])
    for name in ("pm2_5", "pm10", "no2"):
        found = {
            r["city"].strip()
            for r in rows(shared_data_dir / "air" / f"airdata_kz_daily_other_cities_{name}.csv")
            if r["city"].strip()
        }
        assert found <= labels, found - labels
    assert {"almaty", "astana", "karaganda", "Bishkek (US Embassy)"} <= labels


def test_oskemen_has_both_spellings(cities):
    row = cities.filter(pl.col("city_id") == "oskemen").row(0, named=True)
    assert "Oskemen" in row["source_labels"] and "Ust-Kamenogorsk" in row["other_names"]
    assert row["name_ru"] == "Усть-Каменогорск" and row["name_kk"] == "Өскемен"


def test_every_threshold_value_cites_document_and_table():
    registry = thresholds_registry(read_seed("air_thresholds.csv"))
    assert uncited_thresholds(registry).is_empty()
    assert registry.filter(pl.col("value").is_not_null()).height >= 6
    gaps = registry.filter(pl.col("value").is_null())
    assert gaps["threshold_id"].to_list() == ["who2021_so2_24h_aqg"]  # shown as a gap, not typed in


def test_trend_needs_three_complete_years():
    stats = pl.DataFrame(
        {
            "city_id": ["a"] * 3 + ["b"] * 2,
            "source_id": ["s"] * 5,
            "pollutant": ["pm25"] * 5,
            "period_kind": ["year"] * 5,
            "year": [2020, 2021, 2022, 2020, 2021],
            "mean": [30.0, 28.0, 26.0, 10.0, 12.0],
            "complete": [True] * 5,
        }
    )
    out = trends(stats).sort("city_id")
    assert out["slope_per_year"].to_list() == [pytest.approx(-2.0), None]
    assert out["status"].to_list()[1] == "fewer than 3 complete years"


def test_region_trend_stops_before_the_2022_split(shared_data_dir):
    staged = parse_kz_region_wide(shared_data_dir / "air" / "kz_emissions_stationary_sources_by_region_2005_2022.csv")
    emissions = region_emissions(staged, read_seed("air_regions.csv"))
    assert set(emissions["unit"]) == {"kt"}
    trends = region_emission_trends(emissions)
    east = trends.filter(pl.col("region_ru") == "Восточно-Казахстанская").row(0, named=True)
    assert east["last_year"] == 2021 and east["last_value"] == 128.1
    pavlodar = trends.filter(pl.col("region_ru") == "Павлодарская").row(0, named=True)
    assert (pavlodar["first_value"], pavlodar["last_value"]) == (556.8, 724.2)


def test_unknown_region_is_an_error():
    staged = pl.DataFrame(
        {"region": ["Новая"], "year": [2022], "value": [1.0], "flags": [""]}, schema=REGION_WIDE_SCHEMA
    )
    with pytest.raises(ValueError, match="Новая"):
        region_emissions(staged, read_seed("air_regions.csv"))


def test_rolling_mean_counts_calendar_days_and_keeps_gaps():
    days = [dt.date(2021, 1, 1) + dt.timedelta(days=i) for i in range(60) if not 30 <= i < 45]  # a 15-day gap
    daily = pl.DataFrame(
        {"date": days, "value": [10.0] * len(days), "day_counts": [True] * len(days), "flags": [""] * len(days)}
    )
    rolling = air_series.rolling_mean(daily).filter(
        pl.col("date") == dt.date(2021, 2, 14)
    )  # day 45: 15 of 30 days have data
    assert rolling["rolling_mean"].to_list() == [None]
    assert air_series.rolling_mean(daily).filter(pl.col("date") == dt.date(2021, 1, 30))["rolling_mean"].to_list() == [
        10.0
    ]


def test_calendar_grid_places_days_by_month_and_day(bishkek):
    path, observations, _ = bishkek
    grid = air_series.calendar_grid(observations, 2020)
    source = next(r for r in rows(path) if r["date_local"] == "2020-12-31")
    assert grid[11][30] == float(source["pm25_mean_ugm3"])
    assert grid[1][30] is None  # 31 February does not exist


def test_seed_rows_cite_their_source():
    for name in ("air_cities.csv", "air_regions.csv", "air_thresholds.csv"):
        seed = read_seed(name)
        column = "document" if name == "air_thresholds.csv" else "citation"
        assert seed.filter(pl.col(column).is_null() | (pl.col(column).str.strip_chars() == "")).is_empty(), name


def test_region_registry_covers_both_region_tables(shared_data_dir):
    known = set(read_seed("air_regions.csv")["region_ru"])
    for path in (
        shared_data_dir / "air" / "kz_emissions_stationary_sources_by_region_2005_2022.csv",
        shared_data_dir / "funding" / "kz_environmental_protection_current_expenditure_by_region_2005_2022.csv",
    ):
        assert set(parse_kz_region_wide(path)["region"]) <= known, path.name


def test_daily_figure_lays_both_traces_on_the_calendar_with_gaps():
    """The page sends a start date and one value per calendar day: a day without a counted value is a gap (None),
    a day that does not count is not drawn, and every value sits on its own date."""
    from dashboard.figures.air import daily_figure

    daily = pl.DataFrame(
        {
            "date": [dt.date(2024, 1, 1), dt.date(2024, 1, 2), dt.date(2024, 1, 4), dt.date(2024, 1, 5)],
            "value": [10.0, 20.0, 40.0, 50.0],
            "day_counts": [True, True, True, False],
            "flags": ["", "", "", ""],
        }
    )
    registry = pl.DataFrame(
        schema={"pollutant": pl.String, "averaging": pl.String, "value": pl.Float64, "level": pl.String}
    )
    daily_trace, rolling_trace = daily_figure(daily, registry, "pm25", "ru").data
    for trace in (daily_trace, rolling_trace):
        assert trace.x is None and trace.x0 == "2024-01-01" and trace.dx == 24 * 3600 * 1000
    assert list(daily_trace.y) == [10.0, 20.0, None, 40.0]  # 1-4 January; the 5th does not count
    assert len(rolling_trace.y) == 4


def test_daily_figure_draws_a_doubtful_value_apart_with_its_flag_in_words():
    """A flagged day leaves the line and the rolling mean and is drawn as its own marker, with its flag in words."""
    from dashboard.figures.air import daily_figure

    daily = pl.DataFrame(
        {
            "date": [dt.date(2024, 1, 1), dt.date(2024, 1, 2), dt.date(2024, 1, 3)],
            "value": [10.0, 0.0, 30.0],
            "day_counts": [True, True, True],
            "flags": ["", "zero_run", ""],
        }
    )
    registry = pl.DataFrame(
        schema={"pollutant": pl.String, "averaging": pl.String, "value": pl.Float64, "level": pl.String}
    )
    daily_trace, _rolling, doubtful = daily_figure(daily, registry, "pm25", "ru").data
    assert list(daily_trace.y) == [10.0, None, 30.0]
    assert list(doubtful.x) == ["2024-01-02"] and list(doubtful.y) == [0.0]
    assert list(doubtful.text) == ["нулевое суточное значение"]
