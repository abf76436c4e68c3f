"""Issue 13, the seas: the caveats the sources give about their own rows reach the values (flags in words), and
the Aral's "Large" basin is labelled by period. Real files of the mirror, no materialisation."""

from __future__ import annotations

import csv
import datetime as dt

import polars as pl
import pytest

from assets.common.flags import flag_table, flag_words
from assets.indicators import country as indicators
from assets.indicators.aral_caspian import aral_area, caspian_annual, caspian_annual_dahiti, caspian_datum_difference
from assets.indicators.checks import apply_warning_flags
from assets.sources.catalogue import read_seed
from assets.staged.aral_caspian import parse_aral_area, parse_caspian_official, parse_dahiti
from dashboard.figures.seas import aral_area_figure, basin_label, caspian_annual_figure

TODAY = dt.date(2026, 12, 5)


def read_rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def aral_path(shared_data_dir):
    return shared_data_dir / "aral" / "aral_sea_area_1986_2023.csv"


@pytest.fixture(scope="module")
def caspian_path(shared_data_dir):
    return shared_data_dir / "caspian" / "caspian_level_official_statements.csv"


def published_values(staged_by_source: dict, indicator_ids: list[str]) -> pl.DataFrame:
    """The indicator_values rows of these indicators, built the way the asset builds them."""
    catalogue = indicators.indicator_catalogue().filter(pl.col("indicator_id").is_in(indicator_ids))
    values = indicators.build_indicator_values(staged_by_source, catalogue, indicators.unit_conversions())
    return apply_warning_flags(values, catalogue, TODAY)


def has(flags: str | None, flag: str) -> bool:
    return flag in (flags or "").split(";")


# ---- Aral ------------------------------------------------------------------------------------------------


def test_aral_years_the_source_marks_lower_quality_carry_the_flag_into_indicator_values(aral_path):
    rows = read_rows(aral_path)
    caveat = read_seed("sea_source_caveats.csv").filter(pl.col("flag") == "lower_quality").row(0, named=True)
    first_year = int(caveat["first_year"])
    assert caveat["reason"] and caveat["source"]
    expected = {int(r["Year"]) for r in rows if int(r["Year"]) >= first_year}
    assert expected == set(range(2019, 2024))  # the years the issue names, as the file holds them

    staged = parse_aral_area(aral_path)
    flagged = staged.filter(pl.col("flags").str.contains("lower_quality"))
    assert set(flagged["year"]) == expected
    assert set(flagged["variable"]) == {"Total", "Large", "Eastern", "Small"}  # every basin of those years

    values = published_values({"aral_area": staged}, ["aral_sea_area"])
    by_year = {r["year"]: r for r in values.iter_rows(named=True)}
    for r in rows:
        year = int(r["Year"])
        assert by_year[year]["value"] == pytest.approx(float(r["Total"]) * 1000)  # thousand km² -> km²
        assert has(by_year[year]["flags"], "lower_quality") == (year in expected), year
    assert flag_words(by_year[2023]["flags"], "ru").startswith("низкое качество")


def test_aral_large_basin_is_the_whole_large_aral_until_the_eastern_basin_is_reported(aral_path):
    rows = read_rows(aral_path)
    table = aral_area(parse_aral_area(aral_path), indicators.unit_conversions())
    eastern_years = {int(r["Year"]) for r in rows if r["Eastern"].strip()}
    whole_years = {int(r["Year"]) for r in rows if r["Large"].strip() and not r["Eastern"].strip()}
    assert min(eastern_years) == 2007 and max(whole_years) == 2006  # SOURCES.md: reported apart from 2007
    # In the file, Total = Large + Small before 2007 and Large + Eastern + Small after: "Large" is the whole.
    for r in rows:
        parts = float(r["Large"]) + float(r["Small"]) + (float(r["Eastern"]) if r["Eastern"].strip() else 0.0)
        assert parts == pytest.approx(float(r["Total"]), abs=0.011), r["Year"]

    by_basin = {b: dict(zip(f["year"], f["area_km2"], strict=True)) for (b,), f in table.group_by("basin")}
    assert set(by_basin["large"]) == whole_years
    assert set(by_basin["large_west"]) == eastern_years == set(by_basin["large_east"])
    for r in rows:
        year = int(r["Year"])
        basin = "large_west" if year in eastern_years else "large"
        assert by_basin[basin][year] == pytest.approx(float(r["Large"]) * 1000)
    # the flags of the staged rows are the table's flags
    assert set(table.filter(pl.col("flags").str.contains("lower_quality"))["year"]) == {
        int(r["Year"]) for r in rows if int(r["Year"]) >= 2019
    }


@pytest.mark.parametrize("lang", ["ru", "en", "kk"])
def test_aral_basin_labels_say_the_period_in_every_language(aral_path, lang):
    whole, west = basin_label("large", lang), basin_label("large_west", lang)
    assert whole and west and whole != west and whole != "large"
    if lang != "en":
        assert whole != basin_label("large", "en")  # translated, not the English msgid
    table = aral_area(parse_aral_area(aral_path), indicators.unit_conversions())
    figure = aral_area_figure(table, lang)
    traces = {tr.name: tr for tr in figure.data}
    assert max(traces[whole].x) == 2006 and min(traces[west].x) == 2007
    # the hover of a lower-quality year says its flag in words
    total = traces[basin_label("total", lang)]
    words = flag_words("lower_quality", lang)
    assert [row[1] for row, x in zip(total.customdata, total.x, strict=True) if x >= 2019] == [words] * 5
    assert all(row[1] == "" for row, x in zip(total.customdata, total.x, strict=True) if x < 2019)


# ---- Caspian ---------------------------------------------------------------------------------------------


def expected_caspian_flags(note: str) -> set[str]:
    """What the statement's own note says, by the phrases the seed declares."""
    caveats = read_seed("sea_source_caveats.csv").filter(pl.col("source_id") == "caspian_official")
    return {c["flag"] for c in caveats.iter_rows(named=True) if c["note_contains"].lower() in note.lower()}


def test_caspian_statement_notes_reach_the_values_as_flags(caspian_path, shared_data_dir):
    rows = read_rows(caspian_path)
    expected = {int(r["year"]): expected_caspian_flags(r["note"]) for r in rows}
    # The file says both things somewhere (the Kazakh part of the sea; a level stated during the year).
    assert any("kazakh_part_of_sea" in f for f in expected.values())
    assert any("not_final_annual_mean" in f for f in expected.values())
    assert expected[max(expected)] == {"not_final_annual_mean"}  # the newest statement, made during its year

    official = parse_caspian_official(caspian_path)
    staged = {y: set(filter(None, f.split(";"))) for y, f in zip(official["year"], official["flags"], strict=True)}
    assert staged == expected

    dahiti = caspian_annual_dahiti(parse_dahiti(shared_data_dir / "caspian" / "caspian_level_dahiti_1992_2023.csv"))
    annual = caspian_annual(dahiti, official).filter(pl.col("datum") == "baltic")
    assert {y: set(filter(None, f.split(";"))) for y, f in zip(annual["year"], annual["flags"], strict=True)} == (
        expected
    )
    difference = caspian_datum_difference(caspian_annual(dahiti, official))
    assert difference.height  # years with both series
    for year, flags in zip(difference["year"], difference["baltic_flags"], strict=True):
        assert set(filter(None, flags.split(";"))) == expected[year], year
    values = published_values({"caspian_official": official}, ["caspian_level_baltic"])
    for r in values.iter_rows(named=True):
        assert expected[r["year"]] <= set(r["flags"].split(";")), r["year"]
        assert r["value"] == pytest.approx(
            float(next(x for x in rows if int(x["year"]) == r["year"])["level_m_baltic"])
        )


@pytest.mark.parametrize("lang", ["ru", "en", "kk"])
def test_caspian_flags_are_said_in_words_on_the_chart(caspian_path, shared_data_dir, lang):
    declared = flag_table().filter(pl.col("flag").is_in(["kazakh_part_of_sea", "not_final_annual_mean"]))
    assert declared.height == 2 and set(declared["kind"]) == {"info"}
    official = parse_caspian_official(caspian_path)
    dahiti = caspian_annual_dahiti(parse_dahiti(shared_data_dir / "caspian" / "caspian_level_dahiti_1992_2023.csv"))
    annual = caspian_annual(dahiti, official)
    figure = caspian_annual_figure(annual, lang)
    baltic = next(tr for tr in figure.data if tr.mode == "markers" and tr.marker.symbol == "diamond")
    said = dict(zip(baltic.x, (row[1] for row in baltic.customdata), strict=True))
    for year, flags in zip(official["year"], official["flags"], strict=True):
        assert said[year] == flag_words(flags, lang)
        for flag in filter(None, flags.split(";")):
            assert flag_words(flag, lang) in said[year] and flag not in said[year]


def test_the_dahiti_screening_thresholds_are_seeds_with_reasons(shared_data_dir):
    from assets.staged.aral_caspian import sea_threshold

    seed = read_seed("sea_thresholds.csv")
    assert set(seed["threshold_id"]) == {"dahiti_outlier_m", "dahiti_outlier_window", "dahiti_full_year_min_obs"}
    assert all(seed["reason"].str.len_chars() > 40)
    obs = parse_dahiti(shared_data_dir / "caspian" / "caspian_level_dahiti_1992_2023.csv")
    outliers = obs.filter(pl.col("flags").str.contains("outlier"))
    # SOURCES.md names one clear outlier: 2000-01-27, -27.307 m
    assert dt.date(2000, 1, 27) in outliers["date"].to_list()
    median = obs["level_m"].rolling_median(
        window_size=int(sea_threshold("dahiti_outlier_window")), center=True, min_samples=3
    )
    beyond = ((obs["level_m"] - median).abs() > sea_threshold("dahiti_outlier_m")).fill_null(False)
    assert obs.filter(beyond)["date"].to_list() == outliers["date"].to_list()
