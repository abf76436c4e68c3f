"""The indicator page's pure logic: latest values, ranks of like with like, change since a base year, the grid,
the words of a rank, one colour per place on every chart, and which indicator paths are pages."""

from __future__ import annotations

import polars as pl
import pytest

from assets.common.geography import CENTRAL_ASIA, REGION_ID
from dashboard import indicator_facts as facts
from dashboard.figures.base import PLACE_COLOURS, place_colour
from dashboard.pages.indicator.sections import latest_rank_words, rank_words, year_marks

FIVE = list(CENTRAL_ASIA)


def values(rows: list[tuple[str, int, float | None, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"geo_id": pl.String, "year": pl.Int64, "value": pl.Float64, "flags": pl.String}, orient="row"
    )


# Shapes of the published table: countries report different latest years, one latest value is doubtful.
SERIES = values(
    [
        ("KAZ", 2015, 10.0, ""),
        ("KAZ", 2020, 12.0, ""),
        ("KGZ", 2015, 5.0, ""),
        ("KGZ", 2020, 4.0, "range_warning"),
        ("TJK", 2015, 2.0, ""),
        ("TJK", 2019, 7.0, ""),
        ("UZB", 2015, 8.0, "stale"),
        ("UZB", 2020, 30.0, "stale"),
        (REGION_ID, 2020, 9.0, ""),
    ]
)


def by_geo(frame: pl.DataFrame) -> dict[str, dict]:
    return {r["geo_id"]: r for r in frame.iter_rows(named=True)}


def test_latest_value_is_each_places_last_year_doubtful_or_not():
    latest = by_geo(facts.latest_values(SERIES))
    assert (latest["KAZ"]["year"], latest["KAZ"]["value"]) == (2020, 12.0)
    assert (latest["KGZ"]["year"], latest["KGZ"]["flags"]) == (2020, "range_warning")  # shown, with its flag
    assert latest["TJK"]["year"] == 2019


def test_ranks_compare_countries_of_the_same_year_and_never_a_doubtful_value():
    latest = facts.latest_with_ranks(SERIES, [*FIVE, REGION_ID], compared=FIVE)
    rows = by_geo(latest)
    # 2020: KAZ 12 and UZB 30 (stale is information, not doubt); KGZ's doubtful 4 is not ranked
    assert (rows["UZB"]["rank"], rows["UZB"]["n_ranked"]) == (1, 2)
    assert (rows["KAZ"]["rank"], rows["KAZ"]["n_ranked"]) == (2, 2)
    assert rows["KGZ"]["rank"] is None
    # TJK's latest year 2019 has no other country: no rank that year, but its rank in 2015, the latest year it
    # shares (KAZ 10, UZB 8, KGZ 5, TJK 2), said with its year
    assert rows["TJK"]["rank"] is None
    assert (rows["TJK"]["shared_rank"], rows["TJK"]["shared_n"], rows["TJK"]["shared_year"]) == (4, 4, 2015)
    assert rows["KAZ"]["shared_year"] is None  # ranked in its latest year: nothing more to say
    assert latest_rank_words(rows["TJK"], "ru") == "– · 4 из 4 в 2015 г."
    assert latest_rank_words(rows["KAZ"], "kk") == "2 елдің ішінде 2-орын"
    # the region is shown beside the countries, never ranked among them, nor counted in their number
    assert rows[REGION_ID]["rank"] is None and rows[REGION_ID]["value"] == 9.0
    assert latest["geo_id"].to_list() == ["KAZ", "KGZ", "TJK", "UZB", REGION_ID]  # the order asked for


def test_equal_values_share_a_rank():
    tied = values([("KAZ", 2020, 3.0, ""), ("KGZ", 2020, 3.0, ""), ("TJK", 2020, 1.0, "")])
    ranks = by_geo(facts.latest_with_ranks(tied, FIVE))
    assert [ranks[g]["rank"] for g in ("KAZ", "KGZ", "TJK")] == [1, 1, 3]


def test_change_since_the_base_year_uses_trusted_values_only():
    assert facts.base_year(SERIES) == facts.PREFERRED_BASE_YEAR == 2015
    change = by_geo(facts.change_since(SERIES, 2015))
    assert change["KAZ"]["change"] == pytest.approx(2.0) and change["KAZ"]["change_pct"] == pytest.approx(20.0)
    assert (change["TJK"]["year"], change["TJK"]["change"]) == (2019, pytest.approx(5.0))
    assert "KGZ" not in change  # its only later value is doubtful: no change is claimed
    assert change["UZB"]["change"] == pytest.approx(22.0)  # `stale` is information, not doubt


def test_without_the_preferred_year_the_base_is_the_first_trusted_year():
    later = values([("KAZ", 2017, 0.0, ""), ("KAZ", 2021, 4.0, ""), ("KGZ", 2016, 1.0, "outlier")])
    assert facts.base_year(later) == 2017
    row = facts.change_since(later, 2017).row(0, named=True)
    assert row["change"] == 4.0 and row["change_pct"] is None  # no per cent of zero
    assert facts.base_year(values([("KAZ", 2020, 1.0, "outlier")])) is None


def test_the_map_opens_in_the_latest_year_with_the_most_trusted_country_values():
    assert facts.fullest_latest_year(SERIES, FIVE) == 2015  # 2015: four countries; 2020: two trusted
    assert facts.fullest_latest_year(values([("ARAL", 2020, 1.0, "")]), FIVE) is None


def test_grid_and_flag_counts():
    years, cells = facts.year_grid(SERIES)
    assert years == [2015, 2019, 2020]
    assert cells[("KGZ", 2020)] == (4.0, "range_warning") and ("TJK", 2020) not in cells
    assert facts.flag_counts(SERIES) == {"range_warning": 1, "stale": 2}


@pytest.mark.parametrize(("lang", "expected"), [("ru", "2 из 5"), ("en", "2 of 5"), ("kk", "5 елдің ішінде 2-орын")])
def test_rank_words_in_each_language(lang, expected):
    assert rank_words(2, 5, lang) == expected
    assert rank_words(None, None, lang) == "–"


def test_year_marks_label_a_few_round_years_and_both_ends():
    marks = year_marks(list(range(1830, 2025)))
    assert min(marks) == 1830 and max(marks) == 2024 and len(marks) <= 10
    assert year_marks([2006]) == {2006: "2006"}


def test_every_place_has_one_colour_on_every_chart():
    assert set(PLACE_COLOURS) == {*CENTRAL_ASIA, REGION_ID}
    assert len(set(PLACE_COLOURS.values())) == len(PLACE_COLOURS)
    # the same country keeps its colour whatever else the chart holds
    assert place_colour("KGZ", ["UZB", "KGZ"]) == place_colour("KGZ", ["KGZ"]) == PLACE_COLOURS["KGZ"]
    # places beyond the five get distinct hues of their own
    others = ["RUS", "IRN", "AZE"]
    assert len({place_colour(g, others) for g in others}) == 3
    assert not {place_colour(g, others) for g in others} & set(PLACE_COLOURS.values())
