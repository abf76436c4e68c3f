"""Callback and page logic as plain functions: explorer state from URLs, rows shown, downloads, directions."""

from __future__ import annotations

import csv
import io

import openpyxl
import polars as pl
import pytest

from dashboard.explorer_state import (
    ExplorerState,
    download_frames,
    parse_state,
    shown_rows,
    to_csv_bytes,
    to_xlsx_bytes,
    year_rows,
)
from dashboard.summaries import indicator_check_status, summarize_directions

YEARS = {"a": [2000, 2001, 2002, 2003], "b": [1990, 2010]}
PLACES = ["KAZ", "KGZ", "CA5"]


def state(query: dict) -> ExplorerState:
    return parse_state(query, ["a", "b"], PLACES, PLACES, lambda i: YEARS[i])


def test_url_state_is_read_back():
    got = state({"indicator": ["b"], "geo": ["kgz,CA5"], "from": ["1990"], "to": ["2010"], "year": ["1990"]})
    assert got == ExplorerState("b", ("KGZ", "CA5"), 1990, 2010, 1990)
    assert state(dict(x.split("=") for x in got.query_string("ru")[1:].replace("%2C", ",").split("&"))) == got


def test_unknown_url_parts_fall_back_to_defaults():
    got = state({"indicator": "nope", "geo": "XXX,<script>", "from": "abc", "to": "3000", "year": "1850"})
    assert got.indicator_id == "a"
    assert got.geo_ids == tuple(PLACES)
    assert (got.year_from, got.year_to, got.year) == (2000, 2003, 2003)


def test_reversed_years_are_swapped():
    got = state({"indicator": "a", "from": "2003", "to": "2001"})
    assert (got.year_from, got.year_to) == (2001, 2003)


def test_no_indicator_gives_no_state():
    assert parse_state({}, [], PLACES, PLACES, lambda i: []) is None


SERIES = pl.DataFrame(
    {
        "geo_id": ["KAZ", "KAZ", "KGZ", "KGZ", "CA5"],
        "year": [2000, 2001, 2000, 2002, 2001],
        "value": [1.5, 2.5, 3.0, -4.0, 2.0],
        "unit": ["t"] * 5,
        "source_id": ["s1"] * 5,
        "flags": ["", "stale", "", "", ""],
    }
)


def test_shown_rows_are_the_chosen_places_and_years_only():
    chosen = ExplorerState("a", ("KAZ", "CA5"), 2001, 2003, 2001)
    assert shown_rows(SERIES, chosen).select("geo_id", "year").rows() == [("CA5", 2001), ("KAZ", 2001)]
    assert year_rows(SERIES, chosen)["value"].to_list() == [2.0, 2.5]


def test_download_holds_the_rows_shown_with_unit_source_licence_and_snapshot():
    import datetime as dt

    chosen = ExplorerState("a", ("KAZ", "KGZ"), 2000, 2002, 2002)
    shown = shown_rows(SERIES, chosen)
    sources = {"s1": {"title": "=cmd|' /C calc'!A0", "licence": "CC BY 4.0", "citation": "c", "public_url": "u"}}
    provenance = {"s1": {"url": "file:///x", "retrieved_at": "2026-01-01T00:00:00+00:00", "sha256": "abc"}}
    data, meta = download_frames(
        shown,
        {"source_id": "s1", "definition_ru": "опр."},
        "т",
        {"KAZ": "Казахстан"},
        sources,
        provenance,
        {"snapshot_id": "SNAP", "created_at": dt.datetime(2026, 1, 2)},
        chosen,
        "ru",
        "Показатель",
    )
    assert data.height == shown.height == 4
    assert data["Единица измерения"].unique().to_list() == ["т"]
    assert data["Значение"].to_list() == shown["value"].to_list()  # numbers stay numbers, negatives too
    assert meta["Лицензия"].to_list() == ["CC BY 4.0"] and meta["Снимок данных"].to_list() == ["SNAP"]
    assert meta["Источник"].to_list() == ["'=cmd|' /C calc'!A0"]  # formula neutralised

    text = to_csv_bytes(data, meta).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff").split("\n\n")[0])))
    assert [(r["Код территории"], r["Год"], r["Значение"]) for r in rows] == [
        ("KAZ", "2000", "1.5"),
        ("KAZ", "2001", "2.5"),
        ("KGZ", "2000", "3.0"),
        ("KGZ", "2002", "-4.0"),
    ]
    russian = to_csv_bytes(data, meta, "excel-ru").decode("utf-8-sig").split("\n\n")[0]
    rows = list(csv.DictReader(io.StringIO(russian), delimiter=";"))  # Russian Excel: ';' and decimal comma
    assert [r["Значение"] for r in rows] == ["1,5", "2,5", "3,0", "-4,0"]
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(data, meta)))
    assert workbook.sheetnames == ["data", "metadata"]
    assert workbook["data"].max_row == 5
    assert workbook["metadata"]["F2"].value == "'=cmd|' /C calc'!A0" or "'=cmd" in str(
        [c.value for c in workbook["metadata"][2]]
    )


CATALOGUE = pl.DataFrame(
    {
        "indicator_id": ["co2", "ghg", "forest", "water", "finance"],
        "direction": [1, 1, 3, 4, 6],
        "is_headline": [True, False, True, True, True],
        "directions": ["1", "1;3", "3", "4", "6"],
    }
)


def test_every_direction_is_summarised_and_empty_ones_say_so():
    out = summarize_directions(
        list(range(1, 9)), CATALOGUE, with_regional_data={"co2", "ghg", "water"}, with_country_data={"forest"}
    )
    by_number = {d.direction: d for d in out}
    assert [d.direction for d in out] == list(range(1, 9))
    assert by_number[1].headline_id == "co2" and by_number[1].other_ids == ["ghg"]
    assert by_number[3].headline_id == "forest" and by_number[3].other_ids == ["ghg"]
    # a headline without any data is not replaced by a stand-in
    assert by_number[6].headline_id is None and not by_number[6].has_data
    assert [d.direction for d in out if not d.has_data] == [2, 5, 6, 7, 8]


@pytest.mark.parametrize(
    ("stale", "range_warning", "expected"),
    [(0, 0, []), (3, 0, ["stale"]), (0, 1, ["range_warning"]), (2, 2, ["stale", "range_warning"])],
)
def test_check_status_of_an_indicator(stale, range_warning, expected):
    assert indicator_check_status(stale, range_warning) == expected
