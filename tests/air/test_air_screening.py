"""Screening of the daily air values on the real files: stuck and zero runs, implausible and impossible values,
PM2.5 against PM10, the Karaganda station/cluster collision, the seasonal coverage rule, medians vs means, and
the ranking that no longer leads with a flagged series.

Values are re-read from the source files with the csv module (not through the parsers) where a test names them.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import statistics
from pathlib import Path

import polars as pl
import pytest

from assets.common.flags import flag_table, is_doubtful
from assets.indicators.air import daily, means
from assets.indicators.air.cities import city_label_lookup
from assets.indicators.air.rules import coverage_rules
from assets.indicators.air.screening import ImpossibleValuesError, load_screening, screening_events
from assets.sources.catalogue import read_seed
from assets.staged import air as parsers

pytestmark = pytest.mark.unit

FILES = {
    "airdata_kz_main_cities": ("airdata_kz_daily_almaty_astana_karaganda.csv", parsers.parse_airdata_kz_main),
    "airdata_kz_other_pm25": ("airdata_kz_daily_other_cities_pm2_5.csv", parsers.parse_airdata_kz_other),
    "airdata_kz_other_pm10": ("airdata_kz_daily_other_cities_pm10.csv", parsers.parse_airdata_kz_other),
    "airdata_kz_other_no2": ("airdata_kz_daily_other_cities_no2.csv", parsers.parse_airdata_kz_other),
    "bishkek_us_embassy_pm25": ("bishkek_us_embassy_pm25_daily_2019_2023.csv", parsers.parse_bishkek_daily),
    "tashkent_municipal_pm25": ("tashkent_municipal_pm25_daily_2023_2026.csv", parsers.parse_tashkent_daily),
}


def source_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def other_city(air_dir: Path, file: str, city: str) -> dict[dt.date, float]:
    """One city's days in an AirData 'other cities' file, read with the csv module (labels as published, trimmed)."""
    return {
        dt.date.fromisoformat(r["date"]): float(r["avg_ugm3"])
        for r in source_rows(air_dir / file)
        if r["city"].strip() == city and r["avg_ugm3"].strip()
    }


def has_flag(flags: str | None, flag: str) -> bool:
    return flag in (flags or "").split(";")


@pytest.fixture(scope="module")
def air_dir(shared_data_dir) -> Path:
    return shared_data_dir / "air"


@pytest.fixture(scope="module")
def cities() -> pl.DataFrame:
    return read_seed("air_cities.csv")


@pytest.fixture(scope="module")
def observations(air_dir, cities) -> pl.DataFrame:
    staged = {source: parse(air_dir / file) for source, (file, parse) in FILES.items()}
    screened, _quarantine = daily.build_daily(staged, cities)
    return screened


@pytest.fixture(scope="module")
def stats(observations) -> pl.DataFrame:
    return means.period_stats(observations)


def series(observations: pl.DataFrame, city: str, source: str, pollutant: str) -> pl.DataFrame:
    return observations.filter(
        (pl.col("city_id") == city) & (pl.col("source_id") == source) & (pl.col("pollutant") == pollutant)
    )


# ---------------------------------------------------------------- the seeds


def test_every_screening_threshold_has_its_reason_and_every_flag_its_words():
    seed = read_seed("air_screening.csv")
    assert seed.filter(pl.col("reason").fill_null("").str.strip_chars() == "").is_empty()
    assert seed.filter(pl.col("source").fill_null("").str.strip_chars() == "").is_empty()
    assert coverage_rules().filter(pl.col("reason").fill_null("") == "").is_empty()
    load_screening()  # raises if a rule the code needs has no row
    flags = flag_table().filter(pl.col("flag").is_in(["constant_run", "zero_run", "pm25_above_pm10"]))
    assert flags.height == 3 and set(flags["kind"]) == {"doubtful"}
    for lang in ("ru", "en", "kk"):
        assert flags.filter(pl.col(f"label_{lang}").fill_null("") == "").is_empty()


# ---------------------------------------------------------------- stuck values and zeros


def test_burabai_pm25_stuck_at_20_for_493_days_is_flagged(air_dir, observations):
    """KazHydroMet PM2.5 for Burabai reads 20.00 every day from 2024-08-17 to 2025-12-22: a stuck sensor."""
    source = other_city(air_dir, "airdata_kz_daily_other_cities_pm2_5.csv", "Burabai")
    start, end = dt.date(2024, 8, 17), dt.date(2025, 12, 22)
    run = {d: v for d, v in source.items() if start <= d <= end}
    assert len(run) == (end - start).days + 1 == 493 and set(run.values()) == {20.0}
    before = max(d for d in source if d < start)  # the file has a gap before the run
    assert source[before] != 20.0
    burabai = series(observations, "burabai", "airdata_kz_other_pm25", "pm25")
    flagged = set(burabai.filter(pl.col("flags").str.contains("constant_run"))["date"].to_list())
    assert set(run) <= flagged
    assert before not in flagged
    # the stuck days are out of every mean: 2025 has no complete year any more
    year = means.period_stats(burabai).filter((pl.col("period_kind") == "year") & (pl.col("year") == 2025))
    assert year.row(0, named=True)["mean"] is None and year.row(0, named=True)["days_doubtful"] >= 356


def test_kyzylorda_fill_value_and_kordai_zero_run_are_found(air_dir, observations):
    """Kyzylorda PM2.5 is 0.43 on 363 days in a row (2024-10-23 to 2025-10-20); Kordai PM10 is 0 on 430 days in a
    row (2022-06-12 to 2023-08-15)."""
    kyzylorda = other_city(air_dir, "airdata_kz_daily_other_cities_pm2_5.csv", "Kyzylorda")
    kordai = other_city(air_dir, "airdata_kz_daily_other_cities_pm10.csv", "Kordai")
    events = screening_events(observations)
    stuck = events.filter(
        (pl.col("flag") == "constant_run") & (pl.col("city_id") == "kyzylorda") & (pl.col("pollutant") == "pm25")
    ).sort("n_days", descending=True)
    top = stuck.row(0, named=True)
    assert (top["first_date"], top["last_date"], top["n_days"]) == (dt.date(2024, 10, 23), dt.date(2025, 10, 20), 363)
    assert (
        {v for d, v in kyzylorda.items() if top["first_date"] <= d <= top["last_date"]} == {top["min_value"]} == {0.43}
    )
    zeros = events.filter(
        (pl.col("flag") == "zero_run") & (pl.col("city_id") == "kordai") & (pl.col("pollutant") == "pm10")
    ).sort("n_days", descending=True)
    longest = zeros.row(0, named=True)
    assert (longest["first_date"], longest["last_date"], longest["n_days"]) == (
        dt.date(2022, 6, 12),
        dt.date(2023, 8, 15),
        430,
    )
    assert {v for d, v in kordai.items() if longest["first_date"] <= d <= longest["last_date"]} == {0.0}


def test_reference_series_repeat_less_than_the_run_length(observations):
    """The run length in the seed is above every natural repeat of the reference and Tashkent series: none is
    flagged as stuck (so the rule does not fire on honest data at the published precision)."""
    reference = observations.filter(
        pl.col("source_id").is_in(["airdata_kz_main_cities", "bishkek_us_embassy_pm25", "tashkent_municipal_pm25"])
    )
    assert reference.filter(pl.col("flags").str.contains("constant_run")).is_empty()


# ---------------------------------------------------------------- implausible and impossible values


def test_implausible_no2_values_are_flagged_not_published_as_means(air_dir, observations, stats):
    """Khromtau NO2 45315.89 µg/m³ on 2025-03-11 (file line named) and Ganyushkino's 3800 µg/m³ fill value."""
    khromtau = other_city(air_dir, "airdata_kz_daily_other_cities_no2.csv", "Khromtau")
    assert khromtau[dt.date(2025, 3, 11)] == 45315.89
    day = series(observations, "khromtau", "airdata_kz_other_no2", "no2").filter(pl.col("date") == dt.date(2025, 3, 11))
    assert day["value"].to_list() == [45315.89] and has_flag(day["flags"][0], "implausible_air_value")
    ganyushkino = series(observations, "ganyushkino", "airdata_kz_other_no2", "no2").filter(pl.col("value") == 3800)
    assert ganyushkino.height >= 100
    assert ganyushkino.select(is_doubtful(pl.col("flags")).all()).item()
    # no published mean anywhere is built on an implausible day
    no2 = stats.filter((pl.col("pollutant") == "no2") & pl.col("complete"))
    assert no2["mean"].max() < 1000


@pytest.mark.parametrize("bad", ["1e300", "-999", "1e400"])
def test_a_value_no_instrument_reports_stops_the_run_naming_file_and_line(air_dir, cities, tmp_path, bad):
    """A copy of the real Tashkent file with one cell replaced: the whole build fails, naming file and line."""
    path = tmp_path / FILES["tashkent_municipal_pm25"][0]
    shutil.copy(air_dir / path.name, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[99].split(",")  # file line 100
    cells[1] = bad
    lines[99] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    staged = {"tashkent_municipal_pm25": parsers.parse_tashkent_daily(path)}
    with pytest.raises(ImpossibleValuesError) as raised:
        daily.build_daily(staged, cities)
    message = str(raised.value)
    assert "tashkent_municipal_pm25_daily_2023_2026.csv line 100:" in message
    assert "1 air value(s)" in message
    assert ("not a finite number" in message) if bad == "1e400" else ("outside the physical range" in message)


# ---------------------------------------------------------------- PM2.5 against PM10


def test_pm25_above_pm10_beyond_the_margin_is_flagged_on_both(air_dir, observations):
    """Semey: every day where the KazHydroMet PM2.5 exceeds PM10 by more than the stated margin, recomputed from
    the two files, is flagged on both values, and no other day is."""
    seed = read_seed("air_screening.csv").filter(pl.col("pollutant") == "*")
    margin = dict(zip(seed["rule"], seed["value"].cast(pl.Float64), strict=True))
    pm25 = other_city(air_dir, "airdata_kz_daily_other_cities_pm2_5.csv", "Semey")
    pm10 = other_city(air_dir, "airdata_kz_daily_other_cities_pm10.csv", "Semey")
    expected = {
        d
        for d in pm25.keys() & pm10.keys()
        if pm25[d] > pm10[d] * (1 + margin["pm25_pm10_relative_margin"]) + margin["pm25_pm10_absolute_margin"]
    }
    assert len(expected) > 100  # day after day, in the real file
    for source, pollutant in (("airdata_kz_other_pm25", "pm25"), ("airdata_kz_other_pm10", "pm10")):
        rows = series(observations, "semey", source, pollutant)
        flagged = set(rows.filter(pl.col("flags").str.contains("pm25_above_pm10"))["date"].to_list())
        assert flagged == expected, pollutant


def test_karagandy_pm25_about_equal_to_pm10_all_year_is_doubtful(air_dir, observations, stats):
    """KazHydroMet 'Karagandy' PM2.5 is about its PM10 every day (2025 means 191 and 198 µg/m³): the two do not
    measure different fractions, and the year is left out."""
    pm25 = other_city(air_dir, "airdata_kz_daily_other_cities_pm2_5.csv", "Karagandy")
    pm10 = other_city(air_dir, "airdata_kz_daily_other_cities_pm10.csv", "Karagandy")
    days = [d for d in pm25.keys() & pm10.keys() if d.year == 2025 and pm10[d] > 0]
    assert statistics.median(pm25[d] / pm10[d] for d in days) >= 0.95
    year = series(observations, "karaganda", "airdata_kz_other_pm25", "pm25").filter(pl.col("year") == 2025)
    assert year["flags"].str.contains("pm25_pm10_indistinct").all()
    row = stats.filter(
        (pl.col("city_id") == "karaganda") & (pl.col("pollutant") == "pm25") & (pl.col("period_kind") == "year")
    ).filter(pl.col("year") == 2025)
    assert row["mean"].to_list() == [None]


# ---------------------------------------------------------------- identities, coverage, like with like


def test_karaganda_station_and_cluster_are_two_places_ranked_at_most_once(cities, stats):
    labels = dict(city_label_lookup(cities).select("label", "city_id").iter_rows())
    assert labels["karaganda"] == "karaganda_cluster" and labels["Karagandy"] == "karaganda"
    kinds = dict(cities.select("city_id", "place_kind").iter_rows())
    assert kinds["karaganda_cluster"] == "cluster" and kinds["karaganda"] == "city"
    ranks = means.rankings(stats, cities)
    assert ranks.filter(pl.struct("pollutant", "year", "city_id").is_duplicated()).is_empty()
    assert "karaganda_cluster" not in set(ranks["city_id"])
    left_out = means.ranking_exclusions(stats, ranks, cities)
    cluster = left_out.filter(pl.col("city_id") == "karaganda_cluster")
    assert set(cluster["reason"]) == {"not_a_city"} and cluster.height == 4  # PM2.5, PM10, NO2, SO2


def test_bishkek_2019_without_its_winter_is_not_a_complete_year(air_dir, stats):
    """The Bishkek series starts on 6 February 2019: 88 % of the year's days, but only 60 % of the first quarter's,
    so 2019 has no annual mean (it had one under the share-of-days rule alone)."""
    valid = {
        dt.date.fromisoformat(r["date_local"])
        for r in source_rows(air_dir / FILES["bishkek_us_embassy_pm25"][0])
        if r["pm25_mean_ugm3"] and int(r["n_valid_hours"]) >= 18
    }
    in_2019 = [d for d in valid if d.year == 2019]
    first_quarter = [d for d in in_2019 if d.month <= 3]
    assert len(in_2019) / 365 >= 0.75 and len(first_quarter) / 90 < 0.75
    year = stats.filter(
        (pl.col("city_id") == "bishkek") & (pl.col("period_kind") == "year") & (pl.col("year") == 2019)
    ).row(0, named=True)
    assert year["days_with_data"] == len(in_2019)
    assert year["min_quarter_share"] == pytest.approx(len(first_quarter) / 90)
    assert (year["complete"], year["mean"], year["status"]) == (False, None, "incomplete_quarter")


def test_tashkent_medians_are_never_ranked_beside_means(cities, stats):
    tashkent = stats.filter((pl.col("city_id") == "tashkent") & (pl.col("period_kind") == "year"))
    assert set(tashkent["statistic"]) == {"daily_median"} and tashkent["complete"].any()
    assert tashkent["flags"].str.contains("daily_median").all() and tashkent["flags"].str.contains("low_cost").all()
    ranks = means.rankings(stats, cities)
    assert "tashkent" not in set(ranks["city_id"])
    left_out = means.ranking_exclusions(stats, ranks, cities)
    assert left_out.filter(pl.col("city_id") == "tashkent")["reason"].to_list() == ["daily_median"]


def test_a_flagged_series_no_longer_leads_the_pm25_ranking(observations, cities, stats):
    """Before screening (flags ignored, share of days only) the latest-year PM2.5 ranking was led by KazHydroMet
    Karaganda at 191 µg/m³, a series whose PM2.5 equals its PM10; now the leader has no doubtful day in its year."""

    def latest_leader(ranks: pl.DataFrame) -> dict:
        pm25 = ranks.filter(pl.col("pollutant") == "pm25")
        latest = pm25.filter(pl.col("year") == pl.col("year").max().over("city_id"))
        return latest.sort("mean", descending=True).row(0, named=True)

    unscreened = means.period_stats(
        observations.with_columns(flags=pl.lit("")), coverage_rules().with_columns(min_share_each_quarter=pl.lit(0.0))
    )
    before = latest_leader(means.rankings(unscreened, cities))
    assert before["city_id"] == "karaganda" and before["mean"] > 150
    after = latest_leader(means.rankings(stats, cities))
    assert after["city_id"] != "karaganda"
    assert after["days_doubtful"] == 0 or after["mean"] < 100
    ranked_days = observations.join(
        means.rankings(stats, cities).select("city_id", "source_id", "pollutant", "year"),
        on=["city_id", "source_id", "pollutant", "year"],
    )
    # every ranked mean is of undoubted days only
    assert ranked_days.filter(is_doubtful(pl.col("flags"))).height > 0  # the flagged days exist in ranked years ...
    recomputed = (
        ranked_days.filter(pl.col("day_counts") & ~is_doubtful(pl.col("flags")))
        .group_by("city_id", "pollutant", "year")
        .agg(pl.col("value").mean().alias("undoubted"))
        .join(means.rankings(stats, cities), on=["city_id", "pollutant", "year"])
    )
    assert (recomputed["undoubted"] - recomputed["mean"]).abs().max() < 1e-9  # ... and stay out of the means


def test_the_blocking_ranking_check_passes_on_the_real_rankings_and_fails_on_a_cluster(cities, stats):
    from assets.indicators.air.assets import _ranked_like_with_like

    ranks = means.rankings(stats, cities)
    assert _ranked_like_with_like(ranks, cities).passed
    # the old way (the cluster under the city code, ranked beside the KazHydroMet city) is what it refuses
    merged = cities.with_columns(place_kind=pl.lit("city"))
    old_ranks = means.rankings(stats, merged).with_columns(
        city_id=pl.col("city_id").replace({"karaganda_cluster": "karaganda"})
    )
    outcome = _ranked_like_with_like(old_ranks, cities)
    assert not outcome.passed and "ranked twice" in outcome.description
