"""Analysts' lab files: every form lands its exact values; every bad row is quarantined with its reason.

The lab values below are test inputs for the inbox, written here; they are never published as data.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from assets.sources.lab_ingest import ingest_lab_file
from assets.sources.lab_ledger import empty_ledger, ledger_path, load_ledger, save_ledger

NOW = dt.datetime(2025, 6, 1, 12, 0)  # the clock of every ingest below


def write(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def landed_rows(report) -> list[tuple]:
    return [
        (r["site_id"], r["sample_date"].isoformat(), r["parameter_id"], r["value"], r["unit"]) for r in report["landed"]
    ]


def ingest(path, lab_context, ledger=None):
    return ingest_lab_file(path, ledger or empty_ledger(), lab_context, NOW)


def test_utf8_comma_english_headers_and_names(tmp_path, lab_context):
    f = write(
        tmp_path / "lab_en.csv",
        "water_body,region,date,parameter,value,unit\n"
        "Irtysh,Pavlodar,2024-05-15,Copper,0.0021,mg/l\n"
        "Ishim,Akmola,2024-05-15,Nitrite nitrogen,0.031,mg/L\n",
    )
    _, report = ingest(f, lab_context)
    assert report["quarantined"] == []
    assert landed_rows(report) == [
        ("irtysh__pavlodar", "2024-05-15", "copper", 0.0021, "mg_l"),
        ("ishim__akmola", "2024-05-15", "nitrite_n", 0.031, "mg_l"),
    ]


def test_cp1251_semicolon_decimal_comma_russian_headers_and_names(tmp_path, lab_context):
    f = write(
        tmp_path / "lab_ru.csv",
        "Водный объект;Область;Дата отбора;Показатель;Значение;Ед. изм.\n"
        "р. Иртыш;Восточно-Казахстанская область;15.05.2024;Медь;0,0019;мг/дм3\n"
        "Сырдарья;Кызылординская область;16.05.2024;Сульфаты;1 405,5;мг/л\n",
        encoding="cp1251",
    )
    _, report = ingest(f, lab_context)
    assert report["quarantined"] == []
    assert landed_rows(report) == [
        ("irtysh__east_kazakhstan", "2024-05-15", "copper", 0.0019, "mg_l"),
        ("syrdarya__kyzylorda", "2024-05-16", "sulphate", 1405.5, "mg_l"),
    ]
    assert report["landed"][0]["value_as_written"] == "0,0019"


def test_quoted_decimal_comma_in_a_comma_separated_file(tmp_path, lab_context):
    f = write(
        tmp_path / "lab_quoted.csv",
        'site_id,date,parameter,value,unit\nnura__karaganda,2024-04-02,Mercury,"0,00021",mg/l\n',
    )
    _, report = ingest(f, lab_context)
    assert landed_rows(report) == [("nura__karaganda", "2024-04-02", "mercury", 0.00021, "mg_l")]


def test_units_as_analysts_write_them_are_converted(tmp_path, lab_context):
    f = write(
        tmp_path / "lab_units.csv",
        "site_id;date;parameter;value;unit\n"
        "ulba__east_kazakhstan;2024-05-15;Цинк;107;мкг/дм3\n"
        "ulba__east_kazakhstan;2024-05-15;Copper;6,6;µg/l\n"
        "ulba__east_kazakhstan;2024-05-15;Жесткость общая;3,2;мг-экв/л\n"
        "ulba__east_kazakhstan;2024-05-15;Total hardness;3,2;mg-eq/l\n"
        "ulba__east_kazakhstan;2024-05-15;БПК5;2,5;мгО2/л\n",
    )
    _, report = ingest(f, lab_context)
    assert report["quarantined"] == []
    values = {(r["parameter_id"], r["unit"]): r["value"] for r in report["landed"]}
    assert values == {
        ("zinc", "mg_l"): pytest.approx(0.107),
        ("copper", "mg_l"): pytest.approx(0.0066),
        ("hardness", "mg_eq_l"): 3.2,
        ("bod5", "mg_l"): 2.5,
    }
    # The second hardness row is the same measurement written in English: landed once, counted.
    assert report["identical_duplicates"] == 1


def test_xlsx_with_numeric_and_date_cells(tmp_path, lab_context):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Водный объект", "Область", "Дата", "Показатель", "Концентрация", "Единица измерения"])
    sheet.append(
        ["Шардаринское вдхр.", "Южно-Казахстанская область", dt.datetime(2024, 3, 1), "Сульфаты", 452, "мг/дм³"]
    )
    sheet.append(["Shardara", "South Kazakhstan", "01.03.2024", "Copper", 0.004, "mg/l"])
    f = tmp_path / "lab.xlsx"
    workbook.save(f)
    _, report = ingest(f, lab_context)
    assert report["quarantined"] == []
    assert landed_rows(report) == [
        ("shardara__south_kazakhstan", "2024-03-01", "sulphate", 452.0, "mg_l"),
        ("shardara__south_kazakhstan", "2024-03-01", "copper", 0.004, "mg_l"),
    ]
    assert [r["line"] for r in report["landed"]] == [2, 3]


BAD_FILE = (
    "site_id;date;parameter;value;unit\n"
    "tobol__kostanay;2024-05-15;Медь;0,002;мг/л\n"  # line 2: lands
    "tobol__kostanay;2024-05-15;Медь!;0,002;мг/л\n"  # line 3: unknown parameter
    "tobol__kostanay;2024-05-15;Цинк;н/д;мг/л\n"  # line 4: unparseable value
    "tobol__kostanay;2024-05-15;Сульфаты;-12;мг/л\n"  # line 5: negative concentration
    "tobol__kostanay;2024-05-15;Хлориды;12;г/л\n"  # line 6: unknown unit
    "tobol__kostanay;2099-05-15;Хлориды;12;мг/л\n"  # line 7: date in the future
    "volga__kostanay;2024-05-15;Хлориды;12;мг/л\n"  # line 8: unknown site
    "tobol__kostanay;2024-05-16;Хлориды;12;мг/л\n"  # line 9: conflicts with line 10
    "tobol__kostanay;2024-05-16;Хлориды;14;мг/л\n"  # line 10
    "tobol__kostanay;15 мая;Хлориды;12;мг/л\n"  # line 11: unparseable date
    "tobol__kostanay;2024-05-15;Медь;2;мг-экв/л\n"  # line 12: a unit, but not one of copper
)


def test_one_quarantine_row_per_reason_and_the_good_row_lands(tmp_path, lab_context):
    _, report = ingest(write(tmp_path / "bad.csv", BAD_FILE), lab_context)
    assert landed_rows(report) == [("tobol__kostanay", "2024-05-15", "copper", 0.002, "mg_l")]
    reasons = [(q["line"], q["reason"]) for q in report["quarantined"]]
    assert reasons == [
        (3, "unknown_parameter"),
        (4, "unparseable_value"),
        (5, "negative_concentration"),
        (6, "unknown_unit"),
        (7, "future_date"),
        (8, "unknown_site"),
        (9, "conflicting_duplicate"),
        (10, "conflicting_duplicate"),
        (11, "unparseable_date"),
        (12, "unknown_unit"),
    ]
    first = report["quarantined"][0]
    assert first["file_name"] == "bad.csv" and first["raw_row"] == "tobol__kostanay;2024-05-15;Медь!;0,002;мг/л"
    assert "Медь!" in first["detail"] and first["status"] == "open"


def test_a_value_that_conflicts_with_a_landed_one_is_quarantined_not_overwritten(tmp_path, lab_context):
    ledger, _ = ingest(
        write(tmp_path / "a.csv", "site_id,date,parameter,value,unit\nassa__zhambyl,2024-01-10,Copper,0.0046,mg/l\n"),
        lab_context,
    )
    ledger, report = ingest(
        write(tmp_path / "b.csv", "site_id,date,parameter,value,unit\nassa__zhambyl,2024-01-10,Copper,0.0050,mg/l\n"),
        lab_context,
        ledger,
    )
    assert report["landed"] == [] and report["quarantined"][0]["reason"] == "conflicting_duplicate"
    assert "a.csv line 2" in report["quarantined"][0]["detail"]
    assert ledger["landed"]["value"].to_list() == [0.0046]


def test_dropping_the_same_file_again_changes_no_row_count(tmp_path, lab_context):
    ledger, _ = ingest(write(tmp_path / "bad.csv", BAD_FILE), lab_context)
    counts = {name: frame.height for name, frame in ledger.items()}
    again, report = ingest(write(tmp_path / "bad_copy.csv", BAD_FILE), lab_context, ledger)
    assert report["status"] == "already_ingested"
    assert {name: frame.height for name, frame in again.items()} == counts


def test_a_corrected_file_lands_the_rows_and_resolves_their_quarantine_entries(tmp_path, lab_context):
    ledger, _ = ingest(write(tmp_path / "bad.csv", BAD_FILE), lab_context)
    corrected = (
        "site_id;date;parameter;value;unit\n"
        "tobol__kostanay;2024-05-15;Медь;0,002;мг/л\n"  # unchanged: already landed, resolves nothing
        "tobol__kostanay;2024-05-15;Нефтепродукты;0,04;мг/л\n"  # another parameter: does not resolve 'Медь!' (line 3)
        "tobol__kostanay;2024-05-15;Цинк;0,011;мг/л\n"  # was 'н/д'
        "tobol__kostanay;2024-05-16;Хлориды;12;мг/л\n"  # the conflicting pair, settled
    )
    ledger, report = ingest_lab_file(
        write(tmp_path / "bad_corrected.csv", corrected), ledger, lab_context, NOW + dt.timedelta(hours=1)
    )
    assert landed_rows(report) == [
        ("tobol__kostanay", "2024-05-15", "oil_products", 0.04, "mg_l"),
        ("tobol__kostanay", "2024-05-15", "zinc", 0.011, "mg_l"),
        ("tobol__kostanay", "2024-05-16", "chloride", 12.0, "mg_l"),
    ]
    assert report["already_landed"] == 1
    q = ledger["quarantine"]
    resolved = q.filter(pl.col("status") == "resolved").sort("line")
    assert resolved.select("line", "resolved_by_file").rows() == [
        (4, "bad_corrected.csv"),
        (9, "bad_corrected.csv"),
        (10, "bad_corrected.csv"),
        (11, "bad_corrected.csv"),  # '15 мая' chloride 12: the same site, parameter and value with its date written
    ]
    assert q.filter(pl.col("status") == "open")["line"].sort().to_list() == [3, 5, 6, 7, 8, 12]
    assert ledger["landed"].height == 4


def test_a_file_without_the_needed_columns_is_quarantined_whole(tmp_path, lab_context):
    ledger, report = ingest(write(tmp_path / "notes.csv", "comment,author\nsee attached,me\n"), lab_context)
    assert report["status"] == "rejected" and report["landed"] == []
    assert [(q["line"], q["reason"]) for q in report["quarantined"]] == [(0, "unreadable_file")]
    assert "no column for sample_date, parameter, value, unit" in report["quarantined"][0]["detail"]
    assert ledger["files"]["status"].to_list() == ["rejected"]


def test_the_ledger_survives_a_round_trip_to_disk(tmp_path, lab_context):
    ledger, _ = ingest(write(tmp_path / "bad.csv", BAD_FILE), lab_context)
    path = ledger_path(tmp_path / "home")
    save_ledger(path, ledger)
    again = load_ledger(path)
    for name in ledger:
        assert again[name].equals(ledger[name]), name
