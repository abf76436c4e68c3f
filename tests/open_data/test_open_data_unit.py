"""Pure parts of the open-data outlets: parameters, snapshot-to-snapshot changes, flags in words, licences."""

from __future__ import annotations

import polars as pl
import pytest

from assets.published.open_data import flag_words, value_changes
from assets.sources.catalogue import read_seed
from dashboard.api.params import BadParameters, parse_countries, parse_lang, parse_time

KNOWN = {"KAZ", "KGZ", "TJK", "TKM", "UZB", "CA5"}


def test_countries_are_iso3_or_ca5_separated_by_tildes():
    assert parse_countries("KAZ~uzb~CA5~KAZ", KNOWN) == ["KAZ", "UZB", "CA5"]
    assert parse_countries(None, KNOWN) is None
    for bad in ("KAZ~FRA", "", "KAZ~~UZB", "'; DROP TABLE x"):
        with pytest.raises(BadParameters) as error:
            parse_countries(bad, KNOWN)
        assert error.value.problems[0][0] == "country"


def test_time_ranges():
    assert parse_time("2000..2020") == (2000, 2020)
    assert parse_time("2000..") == (2000, None)
    assert parse_time("..2020") == (None, 2020)
    assert parse_time("2015") == (2015, 2015)
    for bad in ("2020..2000", "..", "20..30", "2000-2020", "x"):
        with pytest.raises(BadParameters):
            parse_time(bad)


def test_lang_defaults_to_english_and_refuses_others():
    assert parse_lang(None) == "en" and parse_lang("kk") == "kk"
    with pytest.raises(BadParameters):
        parse_lang("de")


def _values(rows):
    return pl.DataFrame(rows, schema=["indicator_id", "geo_id", "year", "value"], orient="row")


def test_value_changes_count_added_removed_and_revised_per_indicator():
    old = _values([("a", "KAZ", 2000, 1.0), ("a", "KAZ", 2001, 2.0), ("b", "UZB", 2000, 5.0), ("c", "TJK", 2000, 3.0)])
    new = _values(
        [("a", "KAZ", 2000, 1.0 + 1e-13), ("a", "KAZ", 2001, 2.5), ("a", "KAZ", 2002, 3.0), ("c", "TJK", 2000, 3.0)]
    )
    changes = value_changes(old, new)
    assert changes.to_dicts() == [
        {"indicator_id": "a", "added": 1, "removed": 0, "revised": 1},
        {"indicator_id": "b", "added": 0, "removed": 1, "revised": 0},
    ]


def test_flag_words_from_the_published_legend_keep_unknown_codes():
    legend = read_seed("flags.csv")
    words = flag_words(pl.Series(["stale;projection", "", None, "made_up"]), legend, "ru")
    assert words.to_list() == ["давно не обновлялось; прогноз", "", "", "made_up"]


def test_every_source_licence_has_terms_in_three_languages():
    licences = read_seed("licences.csv")
    assert set(read_seed("sources.csv")["licence"]) <= set(licences["licence"])
    assert licences.filter(pl.any_horizontal(pl.col("terms_ru", "terms_en", "terms_kk").is_null())).is_empty()
    by_text = {r["licence"]: r for r in licences.to_dicts()}
    assert by_text["CC BY-NC 4.0"]["commercial_use"] == "no"
    assert by_text["No licence stated"]["stated"] == "false"


def test_nice_ticks_cover_the_range_with_round_steps():
    from dashboard.api.svg_chart import nice_ticks

    assert nice_ticks(0, 17.3) == [0, 5, 10, 15, 20]
    assert nice_ticks(-3, 3) == [-4, -2, 0, 2, 4]
    assert nice_ticks(5, 5)[0] <= 5 <= nice_ticks(5, 5)[-1]


def test_svg_chart_escapes_its_texts_and_draws_a_point_per_value():
    from dashboard.api.svg_chart import Series, line_chart

    svg = line_chart(
        [Series("<b>KAZ</b>", "#0072B2", [(2000, 1.0, False, ""), (2001, 2.0, True, "outlier & more")])],
        lambda v, d: str(v),
        'A "title"',
    )
    assert "<b>" not in svg and "&lt;b&gt;KAZ" in svg and "outlier &amp; more" in svg
    assert svg.count("<circle") == 2 and 'fill="#fff"' in svg  # the doubtful value is hollow
    assert line_chart([], lambda v, d: str(v), "nothing") == ""


def test_tick_decimals_follow_the_step():
    from dashboard.api.svg_chart import tick_decimals

    assert tick_decimals([0, 5, 10]) == 0
    assert tick_decimals([0, 0.5, 1.0]) == 1
    assert tick_decimals([0, 0.25, 0.5]) == 2
    assert tick_decimals([0, 0.02, 0.04]) == 2
