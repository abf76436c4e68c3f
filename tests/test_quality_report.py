"""The quality report and the shared export step (issue 13): pure functions over small frames, with the real
flags legend (seeds/flags.csv) and the real indicator catalogue for the names."""

from __future__ import annotations

import io

import openpyxl
import polars as pl
import pytest

from assets.common.flags import flag_table, flag_words
from assets.exports.cells import FLAG_CODES, flags_in_words, for_readers, nonfinite_in_words
from assets.exports.headers import cell_words, localise_headers
from assets.exports.quality import example_text, quality_report, render_text
from assets.exports.xlsx import write_workbook
from assets.sources.catalogue import read_seed

LANGS = ("ru", "en", "kk")


def small_snapshot(**extra: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Tables shaped as the published ones: two flagged indicator values, one quarantined air row, one check
    warning, and the real reference tables that name the series."""
    values = pl.DataFrame(
        {
            "indicator_id": ["co2_per_capita", "co2_per_capita", "co2_per_capita", "population"],
            "geo_id": ["KAZ", "KAZ", "UZB", "KAZ"],
            "year": [2020, 2021, 2021, 2100],
            "value": [1.0, 2.0, 3.0, 4.0],
            "flags": ["stale;range_warning", "range_warning", "", None],
        }
    )
    quarantine = pl.DataFrame(
        {
            "source_id": ["owid_co2_per_capita", "owid_co2_per_capita"],
            "source_row": [56, 111],
            "reason": ["no city in the source row", "no city in the source row"],
        }
    )
    checks = pl.DataFrame(
        {
            "check_name": ["freshness", "schema"],
            "asset": ["indicators/indicator_values", "indicators/indicator_values"],
            "severity": ["WARN", "ERROR"],
            "passed": [False, True],
            "description": ["8 indicator(s) older than their declared freshness", "columns as declared"],
            "n_failed": [8, 0],
        }
    )
    return {
        "indicator_values": values,
        "air_quarantine": quarantine,
        "check_results": checks,
        "indicators": read_seed("indicators.csv"),
        "geographies": read_seed("geographies.csv"),
        "sources": read_seed("sources.csv"),
        "flags": flag_table(),
        **extra,
    }


@pytest.mark.parametrize("lang", LANGS)
def test_report_counts_each_flag_quarantine_reason_and_check_warning(lang):
    report = quality_report(small_snapshot(), lang)
    rows = {(r["section"], r["table"], r["rule"]): r for r in report.iter_rows(named=True)}
    assert set(rows) == {
        ("flag", "indicator_values", "range_warning"),
        ("flag", "indicator_values", "stale"),
        ("quarantine", "air_quarantine", "no city in the source row"),
        ("check", "indicator_values", "freshness"),
    }
    doubtful = rows[("flag", "indicator_values", "range_warning")]
    assert doubtful["count"] == 2 and doubtful["kind"] == "doubtful"
    assert doubtful["rule_words"] == flag_words("range_warning", lang)
    # the series is named in words of the language, with its count and years
    name = read_seed("indicators.csv").filter(pl.col("indicator_id") == "co2_per_capita")[f"name_{lang}"][0]
    place = read_seed("geographies.csv").filter(pl.col("geo_id") == "KAZ")[f"name_{lang}"][0]
    assert doubtful["examples"] == f"{name} · {place} (2: 2020–2021)"
    assert rows[("flag", "indicator_values", "stale")]["kind"] == "info"
    kept_out = rows[("quarantine", "air_quarantine", "no city in the source row")]
    assert kept_out["count"] == 2 and kept_out["kind"] == "blocked"
    assert "56" in kept_out["examples"] and "111" in kept_out["examples"]
    # the source's title in the language (its original, English title for en), not its id
    source = read_seed("sources.csv").filter(pl.col("source_id") == "owid_co2_per_capita")
    assert source["title" if lang == "en" else f"title_{lang}"][0] in kept_out["examples"]
    assert rows[("check", "indicator_values", "freshness")]["count"] == 8
    # what needs attention comes first: kept-out rows, then check warnings, then doubtful flags
    assert report["section"].to_list()[:2] == ["quarantine", "check"]
    assert report.filter(pl.col("section") == "flag")["kind"][0] == "doubtful"


def test_a_new_rule_shows_up_without_a_change_to_the_report():
    """Another helper's new flag, on a table the report has never heard of, is counted with its kind."""
    new_table = pl.DataFrame({"city_id": ["almaty"], "date": ["2024-01-05"], "qc_flags": ["outlier"]})
    report = quality_report(small_snapshot(air_new_rule=new_table), "en")
    row = report.filter(pl.col("table") == "air_new_rule").row(0, named=True)
    assert (row["rule"], row["kind"], row["count"]) == ("outlier", "doubtful", 1)


def test_undeclared_flag_is_named_as_it_is_and_treated_as_doubtful():
    values = pl.DataFrame({"indicator_id": ["co2_per_capita"], "geo_id": ["KAZ"], "year": [2020], "flags": ["zz"]})
    report = quality_report(small_snapshot(indicator_values=values), "ru")
    row = report.filter(pl.col("rule") == "zz").row(0, named=True)
    assert (row["kind"], row["rule_words"]) == ("doubtful", "zz")


def test_terminal_text_names_every_rule_with_its_count():
    report = quality_report(small_snapshot(), "ru")
    text = render_text(report, "ru")
    assert flag_words("range_warning", "ru") in text and "в строке источника не указан город" in text
    assert text.index("НЕ ПРИНЯТО В ДАННЫЕ") < text.index("ОТМЕТКИ ЗНАЧЕНИЙ")


def test_empty_snapshot_gives_an_empty_report():
    report = quality_report({"flags": flag_table()}, "kk")
    assert report.is_empty() and "–" in render_text(report, "kk")


def test_example_text_joins_its_parts():
    assert example_text({"local": "Алматы", "published": "PM2.5", "detail": "3: 2020–2021"}) == (
        "Алматы · PM2.5 (3: 2020–2021)"
    )
    assert example_text({"local": "", "published": "", "detail": "строка 4"}) == "строка 4"


# ---- the shared export step: flags in words, unwritable numbers in words -----------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_flags_in_words_whatever_the_theme_export_headed_the_column(lang):
    raw = pl.DataFrame({"value": [1.0, 2.0, 3.0], "flags": ["stale;projection", "", None]})
    headed = localise_headers(raw, "funding", lang)  # a theme export heads its columns before the shared step
    for frame in (raw, headed):
        out = flags_in_words(frame, lang)
        flags_column = [c for c in out.columns if c not in ("value", FLAG_CODES, "Значение", "Value", "Мәні")][0]
        assert out[flags_column].to_list() == [flag_words("stale;projection", lang), "", ""]
        assert out[FLAG_CODES].to_list() == ["stale;projection", "", ""]
        assert out.columns.index(FLAG_CODES) == out.columns.index(flags_column) + 1


@pytest.mark.parametrize("lang", LANGS)
def test_nan_and_infinite_cells_are_written_in_words(lang):
    frame = pl.DataFrame({"value": [1.5, float("nan"), float("inf"), float("-inf"), None], "n": [1, 2, 3, 4, 5]})
    out = nonfinite_in_words(frame, lang)
    words = [cell_words(k, lang) for k in ("nan", "inf", "-inf")]
    assert out["value"].to_list() == ["1.5", *words, None]
    assert len(set(words)) == 3 and all(w not in ("nan", "inf", "-inf") for w in words)
    assert out["n"].to_list() == [1, 2, 3, 4, 5]  # columns without such cells are left as they are
    finite = pl.DataFrame({"value": [1.5, 1e300, -0.0]})
    assert nonfinite_in_words(finite, lang).equals(finite)


def test_export_frames_with_absurd_values_write_to_xlsx_and_csv():
    frame = pl.DataFrame(
        {"value": [float("nan"), float("inf"), 1e300, -1e30, -0.0, None], "flags": ["outlier", "", "", "", "", ""]}
    )
    out = for_readers(frame, "ru")
    buffer = io.BytesIO()
    write_workbook(buffer, {"data": out})
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["data"]
    cells = [c.value for c in sheet["A"]][1:]
    assert cells[:2] == [cell_words("nan", "ru"), cell_words("inf", "ru")]
    assert float(cells[2]) == 1e300 and float(cells[3]) == -1e30
    assert "выброс" in [c.value for c in sheet["B"]]
    assert "1e300" in out.write_csv() or "1e+300" in out.write_csv()
    # the spreadsheet writer itself never fails on a NaN handed to it directly
    write_workbook(io.BytesIO(), {"data": pl.DataFrame({"v": [float("nan"), float("inf")]})})


@pytest.mark.parametrize("lang", LANGS)
def test_codes_with_catalogue_words_are_named_in_the_language(lang):
    aral = pl.DataFrame({"year": [2019, 2020], "basin": ["large_east", "large_east"], "flags": ["lower_quality"] * 2})
    row = quality_report(small_snapshot(aral_area=aral), lang).filter(pl.col("table") == "aral_area").row(0, named=True)
    words = {
        "ru": "Большой Арал, восточный бассейн",
        "en": "Large Aral, eastern basin",
        "kk": "Үлкен Арал, шығыс алабы",
    }
    assert row["examples"] == f"{words[lang]} (2: 2019–2020)"
    assert row["example_items"][0]["local"] == words[lang]  # said in the page language, not marked as English
