"""Country comparisons, freshness, trend axes and the summit's tense (plain functions, small inputs and the seeds)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from assets.common.settings import SEEDS_DIR
from dashboard import compare, summit_tense
from dashboard.explorer_state import ExplorerState, parse_state, single_point, wide_rows
from dashboard.pages.country import known_path
from dashboard.pages.country_parts import rank_words
from dashboard.pages.summit import consultation_outcome

pytestmark = pytest.mark.unit


def frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "indicator_id": pl.String,
            "geo_id": pl.String,
            "year": pl.Int64,
            "value": pl.Float64,
            "flags": pl.String,
        },
        orient="row",
    )


def ranks_of(values: pl.DataFrame, **kw) -> dict[tuple[str, str], tuple]:
    latest = compare.latest_values(values)
    ranked = compare.ranks(latest, values, **kw)
    return {(r["indicator_id"], r["geo_id"]): (r["rank"], r["n_ranked"]) for r in ranked.iter_rows(named=True)}


def test_a_rank_compares_values_of_the_same_year_only():
    values = frame(
        [
            ("a", "KAZ", 2020, 5.0, ""),
            ("a", "KAZ", 2023, 9.0, ""),  # KAZ's latest: 2023, when only UZB also has a value
            ("a", "UZB", 2023, 12.0, ""),
            ("a", "KGZ", 2020, 50.0, ""),  # KGZ's latest is 2020: ranked among 2020 values (KAZ 5, KGZ 50)
            ("a", "TJK", 2020, 1.0, ""),
        ]
    )
    got = ranks_of(values)
    assert got[("a", "KAZ")] == (2, 2)  # 9 below UZB's 12 in 2023; KGZ's 50 of 2020 is not compared
    assert got[("a", "UZB")] == (1, 2)
    assert got[("a", "KGZ")] == (1, 3)  # 2020: KGZ 50, KAZ 5, TJK 1
    assert got[("a", "TJK")] == (3, 3)


def test_doubtful_values_are_neither_ranked_nor_counted_as_a_neighbour():
    values = frame(
        [
            ("a", "KAZ", 2022, 10.0, ""),
            ("a", "TKM", 2022, 99.0, "per_capita_inconsistent"),  # doubtful (seeds/flags.csv)
            ("a", "UZB", 2022, 3.0, "stale"),  # info flag: still ranked
        ]
    )
    got = ranks_of(values)
    assert got[("a", "KAZ")] == (1, 2)
    assert got[("a", "UZB")] == (2, 2)
    assert got[("a", "TKM")] == (None, None)


def test_one_value_alone_ties_and_macro_context_have_no_rank_or_share_it():
    values = frame(
        [
            ("kaz_only", "KAZ", 2022, 34.6, ""),
            ("tie", "KAZ", 2020, 100.0, ""),
            ("tie", "KGZ", 2020, 100.0, ""),
            ("tie", "TJK", 2020, 99.8, ""),
            ("rate", "KAZ", 2024, 469.0, ""),
            ("rate", "KGZ", 2024, 87.0, ""),
        ]
    )
    got = ranks_of(values, unranked=["rate"])
    assert got[("kaz_only", "KAZ")] == (None, None)
    assert got[("tie", "KAZ")] == (1, 3) and got[("tie", "KGZ")] == (1, 3) and got[("tie", "TJK")] == (3, 3)
    assert got[("rate", "KAZ")] == (None, None)


def test_rank_words_in_three_languages():
    assert rank_words(2, 5, False, True, 2023, "ru") == "Место: 2 из 5"
    assert rank_words(2, 5, False, True, 2023, "en") == "Rank: 2 of 5"
    assert rank_words(2, 5, False, True, 2023, "kk") == "Рейтинг: 5 елдің ішінде 2-орын"
    assert "сомнительное" in (rank_words(None, None, True, True, 2023, "ru") or "")
    assert "2023" in (rank_words(None, None, False, True, 2023, "en") or "")
    assert rank_words(None, None, False, False, 2023, "en") is None


def test_freshness_is_the_pipelines_rule_applied_to_each_country():
    latest = frame([("a", "KAZ", 2024, 1.0, ""), ("a", "KGZ", 2019, 2.0, ""), ("a", "TJK", 2019, 3.0, "stale")])
    freshness = pl.DataFrame({"indicator_id": ["a"], "freshness_years": [5]})
    marked = compare.mark_stale(latest, freshness, dt.date(2026, 12, 5))
    flags = dict(zip(marked["geo_id"], marked["flags"], strict=True))
    assert flags == {"KAZ": "", "KGZ": "stale", "TJK": "stale"}  # 2026 - 2019 = 7 > 5; never flagged twice


def test_a_share_near_one_hundred_is_drawn_from_zero():
    low, high = compare.trend_axis([98.0, 99.0, 100.0], "percent_of_population")
    assert (low, high) == (0.0, 100.0)  # 98 -> 100 is a flat line near the top, not a crash
    assert compare.trend_axis([2.0, 5.0], "mt_co2") == (0.0, 5.0)
    assert compare.trend_axis([-29.0, -28.0], "m_baltic") == (-29.0, -28.0)  # below zero: the range is said
    assert compare.trend_axis([0.0, 0.0]) == (0.0, 1.0)


def test_the_summit_tense_follows_todays_date_and_the_seeded_dates():
    facts = pl.read_csv(SEEDS_DIR / "summit_facts.csv", infer_schema_length=0)
    dates = summit_tense.summit_dates(facts)
    assert dates == (dt.date(2026, 4, 22), dt.date(2026, 4, 24))
    assert summit_tense.summit_phase(dates, dt.date(2026, 4, 21)) == summit_tense.BEFORE
    assert summit_tense.summit_phase(dates, dt.date(2026, 4, 23)) == summit_tense.DURING
    assert summit_tense.summit_phase(dates, dt.date(2026, 12, 5)) == summit_tense.AFTER
    assert summit_tense.summit_phase(None, dt.date(2026, 12, 5)) is None
    # the seeds report no outcome yet: after the summit the page says so, it invents none
    assert summit_tense.reported_outcomes(facts).is_empty()


def test_the_wide_table_sets_places_side_by_side_with_their_flags():
    shown = pl.DataFrame(
        {
            "geo_id": ["KAZ", "KAZ", "UZB", "CA5"],
            "year": [2019, 2020, 2020, 2020],
            "value": [1.0, 2.0, 3.0, 4.0],
            "flags": ["", "stale", "", ""],
        }
    )
    wide = wide_rows(shown, ["KAZ", "KGZ", "UZB", "CA5"])
    assert wide.columns == ["year", "KAZ", "UZB", "CA5", "KAZ__flags", "UZB__flags", "CA5__flags"]
    assert wide.rows() == [(2019, 1.0, None, None, "", None, None), (2020, 2.0, 3.0, 4.0, "stale", "", "")]
    assert single_point(shown.filter(pl.col("year") == 2020)) and not single_point(shown)


def test_the_table_view_is_part_of_the_explorers_address():
    state = parse_state({"indicator": "a", "table": "long"}, ["a"], ["KAZ"], ["KAZ"], lambda i: [2000, 2001])
    assert state is not None and state.table == "long" and "table=long" in state.query_string("ru")
    other = parse_state({"indicator": "a", "table": "<script>"}, ["a"], ["KAZ"], ["KAZ"], lambda i: [2000])
    assert other == ExplorerState("a", ("KAZ",), 2000, 2000, 2000, "wide")


def test_only_the_five_countries_have_a_profile_path():
    assert known_path(iso3="kaz") and known_path(iso3="TKM")
    assert not known_path(iso3="XYZ") and not known_path(iso3="CA5") and not known_path()


def test_every_consultation_outcome_reads_in_russian_and_kazakh():
    rows = pl.read_csv(SEEDS_DIR / "summit_consultations.csv", infer_schema_length=0).to_dicts()
    assert rows
    for row in rows:
        assert consultation_outcome(row, "en") == row["outcome_en"]
        for lang in ("ru", "kk"):
            text = consultation_outcome(row, lang)
            assert text and text != row["outcome_en"], (row["id"], lang)
