"""Lab files as laboratories export them (tests/water_quality/lab_forms/, written by make_forms.py): the exact values
that land, the rows counted as not measured, and the quarantined rows with their reasons.

The values in those files are test inputs, never published as data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assets.sources.lab_ingest import ingest_lab_file
from assets.sources.lab_ledger import empty_ledger
from assets.sources.lab_values import parse_date, parse_measurement

FORMS = Path(__file__).resolve().parent / "lab_forms"
NOW = dt.datetime(2025, 6, 1, 12, 0)


def ingest(name: str, lab_context):
    return ingest_lab_file(FORMS / name, empty_ledger(), lab_context, NOW)


def landed(report) -> list[tuple]:
    return [
        (
            r["sheet"],
            r["line"],
            r["site_id"],
            r["sample_date"].isoformat(),
            r["parameter_id"],
            r["qualifier"],
            r["value"],
            r["unit"],
        )  # fmt: skip
        for r in report["landed"]
    ]


def quarantined(report) -> list[tuple]:
    return [(q["sheet"], q["line"], q["reason"]) for q in report["quarantined"]]


def every_value_counted(report) -> None:
    for s in report["sheets"]:
        parts = s["n_landed"] + s["n_already_landed"] + s["n_identical_duplicates"] + s["n_not_measured"]
        assert parts + s["n_quarantined"] == s["n_values"], s["sheet"]


@pytest.mark.parametrize(
    ("text", "kind", "value", "uncertainty"),
    [
        ("<0,005", "below", 0.005, None),
        ("< 0.005", "below", 0.005, None),
        ("менее 0,0001", "below", 0.0001, None),
        ("н/о", "not_detected", None, None),
        ("не обн.", "not_detected", None, None),
        ("ниже ПО", "not_detected", None, None),
        ("н/о (<0,005)", "below", 0.005, None),
        ("0,0025 ± 0,0003", "measured", 0.0025, 0.0003),
        ("2,4Е-03", "measured", 0.0024, None),
        ("-", "not_measured", None, None),
        ("", "not_measured", None, None),
        ("н/д", "unreadable", None, None),
        (">10", "unreadable", None, None),
    ],
)
def test_values_as_labs_write_them(text, kind, value, uncertainty):
    m = parse_measurement(text)
    assert (m.kind, m.value, m.uncertainty) == (kind, value, uncertainty)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("15.04.2025", "2025-04-15"),
        ("15.04.25", "2025-04-15"),
        ("2025-04-15", "2025-04-15"),
        ("15.04.2025 10:30", "2025-04-15"),
        ("2025-04-15 00:00:00", "2025-04-15"),  # a date cell of a workbook
        ("45762", "2025-04-15"),  # an Excel serial day
    ],
)
def test_dates_as_labs_write_them(text, date):
    assert parse_date(text).isoformat() == date


def test_protocol_cp1251_with_title_rows_censored_values_and_sampling_points(lab_context):
    _, report = ingest("protocol_cp1251.csv", lab_context)
    east, pavlodar = "irtysh__east_kazakhstan", "irtysh__pavlodar"
    assert landed(report) == [
        ("", 5, east, "2025-04-15", "copper", "<", 0.005, "mg_l"),
        ("", 6, east, "2025-04-15", "zinc", "<", 0.005, "mg_l"),
        ("", 7, east, "2025-04-15", "cadmium", "<", 0.0001, "mg_l"),
        ("", 8, east, "2025-04-15", "mercury", "not_detected", None, "mg_l"),
        ("", 9, east, "2025-04-15", "lead", "not_detected", None, "mg_l"),
        ("", 10, east, "2025-04-15", "arsenic", "not_detected", None, "mg_l"),
        ("", 11, east, "2025-04-15", "manganese", "", 0.0025, "mg_l"),
        ("", 12, east, "2025-04-15", "phenols", "", 0.0024, "mg_l"),
        ("", 16, east, "2025-04-16", "copper", "", 0.0031, "mg_l"),  # Semey: Abai region now, the 2006 site
        ("", 18, pavlodar, "2025-04-17", "copper", "", 0.0022, "mg_l"),  # 1 km below Pavlodar
    ]
    assert report["landed"][6]["uncertainty"] == 0.0003
    assert report["landed"][0]["value_as_written"] == "<0,005"
    assert quarantined(report) == [
        ("", 15, "impossible_value"),
        ("", 17, "unknown_site"),
        ("", 19, "implausible_date"),
        ("", 20, "future_date"),
    ]
    details = {q["line"]: q["detail"] for q in report["quarantined"]}
    assert "1Е22" in details[15] and "1,000,000 mg" in details[15]
    assert "'пос. Семеновка'" in details[17] and "nearest known: Семей" in details[17]
    assert "1925-04-17 is before 1950" in details[19]
    # lines 13 ('-') and 14 (empty) are not measured; title rows and the blank row counted, nothing lost
    assert report["not_measured"] == 2
    [sheet] = report["sheets"]
    assert (sheet["n_title_rows"], sheet["n_blank_rows"], sheet["header_lines"]) == (2, 1, "4")
    every_value_counted(report)


def test_parameters_and_units_as_written_with_their_basis(lab_context):
    _, report = ingest("parameters_units_bom.csv", lab_context)
    site = "tobol__kostanay"
    assert [(line, p, v, u) for _, line, s, _, p, _, v, u in landed(report) if s == site] == [
        (2, "copper", 0.0021, "mg_l"),
        (4, "nitrate_no3", 1.9, "mg_l"),
        (6, "bod5", 2.6, "mg_l"),
        (7, "bod5", 2.8, "mg_l"),
        (8, "cod", 18.5, "mg_l"),
        (9, "dissolved_oxygen", 9.4, "mg_l"),
        (10, "dissolved_oxygen", 9.1, "mg_l"),
        (11, "nitrite_n", 0.021, "mg_l"),  # 'Нитриты' written in mg N/dm3: nitrite as N
        (12, "hardness", 6.2, "mg_eq_l"),  # 6.2 °Ж
        (13, "hardness", 6.2, "mg_eq_l"),  # 3.1 mmol/dm3 x 2
        (14, "hardness", 6.0, "mg_eq_l"),
        (15, "zinc", pytest.approx(0.011), "mg_l"),  # 11 µg/dm3
    ]
    assert report["identical_duplicates"] == 2  # 'Cu 2.1 µg/l' (line 3) and 'нитрат-ион' (line 5)
    assert quarantined(report) == [
        ("", 16, "unknown_unit"),
        ("", 17, "impossible_value"),
        ("", 18, "unknown_parameter"),
    ]
    assert "(O2) is not a unit of copper" in report["quarantined"][0]["detail"]
    every_value_counted(report)


def test_sites_from_the_water_body_and_a_region_in_any_spelling(lab_context):
    _, report = ingest("sites_regions.csv", lab_context)
    assert [(line, s, v) for _, line, s, _, _, _, v, _ in landed(report)] == [
        (2, "irtysh__pavlodar", 0.0021),
        (3, "irtysh__east_kazakhstan", 0.003),
        (4, "irtysh__east_kazakhstan", 0.0033),  # Abai region: formed from East Kazakhstan (seed of successors)
        (5, "kapshagai__almaty_region", 0.0012),
        (6, "kara_kengir__karaganda", 0.009),  # Ulytau region: formed from Karaganda
    ]
    assert quarantined(report) == [("", 7, "unknown_site"), ("", 8, "unknown_site"), ("", 9, "unknown_site")]
    details = [q["detail"] for q in report["quarantined"]]
    assert details == [
        "no monitoring site of 'оз. Балхаш' in 'Карагандинская область'",
        "water body 'р. Волга' is not in seeds/water_body_synonyms.csv",
        "no monitoring site of 'р. Иртыш' in 'Жамбылская область'",
    ]


def test_dates_in_a_file_and_implausible_years(lab_context):
    _, report = ingest("dates.csv", lab_context)
    assert [d for _, _, _, d, _, _, _, _ in landed(report)] == [
        "2025-04-15", "2025-04-16", "2025-04-17", "2025-04-18", "2025-04-19"
    ]  # fmt: skip
    assert quarantined(report) == [("", 7, "implausible_date"), ("", 8, "future_date"), ("", 9, "unparseable_date")]


def test_wide_workbook_with_a_two_row_header_merged_site_cells_totals_and_several_sheets(lab_context):
    _, report = ingest("wide_two_row_header.xlsx", lab_context)
    pav, east, ural = "irtysh__pavlodar", "irtysh__east_kazakhstan", "ural__west_kazakhstan"
    assert landed(report) == [
        ("Апрель", 6, pav, "2025-04-15", "copper", "", 0.0021, "mg_l"),
        ("Апрель", 6, pav, "2025-04-15", "zinc", "", pytest.approx(0.011), "mg_l"),  # 11 µg/dm3 from the unit row
        ("Апрель", 6, pav, "2025-04-15", "nitrate_no3", "", 1.2, "mg_l"),
        ("Апрель", 6, pav, "2025-04-15", "bod5", "<", 0.5, "mg_l"),
        ("Апрель", 7, pav, "2025-04-22", "copper", "", 0.0019, "mg_l"),  # site cells merged down from row 6
        ("Апрель", 7, pav, "2025-04-22", "bod5", "", 2.1, "mg_l"),
        ("Апрель", 9, east, "2025-04-15", "copper", "", 0.0035, "mg_l"),  # date as an Excel serial
        ("Апрель", 9, east, "2025-04-15", "zinc", "", pytest.approx(0.025), "mg_l"),
        ("Апрель", 9, east, "2025-04-15", "nitrate_no3", "not_detected", None, "mg_l"),
        ("Апрель", 9, east, "2025-04-15", "bod5", "", 1.8, "mg_l"),
        ("Май", 3, ural, "2025-05-05", "copper", "", 0.004, "mg_l"),  # 'ст. Чапаев' on the Ural
        ("Май", 4, ural, "2025-05-05", "zinc", "", 0.012, "mg_l"),
    ]
    assert report["quarantined"] == []
    april, may = report["sheets"]
    assert (april["layout"], april["header_lines"], april["n_values"], april["n_not_measured"]) == (
        "wide",
        "4, 5",
        12,
        2,
    )
    assert (april["n_title_rows"], april["n_blank_rows"], april["n_total_rows"]) == (2, 2, 1)
    assert (may["layout"], may["n_values"], may["n_title_rows"]) == ("long", 2, 1)
    every_value_counted(report)


@pytest.mark.parametrize("name", ["protocol_long.xls", "protocol_long.ods"])
def test_xls_and_ods_workbooks(name, lab_context):
    _, report = ingest(name, lab_context)
    assert landed(report) == [
        ("Лист1", 3, "tobol__kostanay", "2025-04-10", "copper", "", 0.0031, "mg_l"),  # 'г. Рудный' on the Tobol
        ("Лист1", 4, "tobol__kostanay", "2025-04-10", "oil_products", "<", 0.02, "mg_l"),
    ]
    assert report["not_measured"] == 1 and report["quarantined"] == []


def test_censored_values_against_the_norms_and_on_the_water_page(lab_context, norms, observations):
    from assets.indicators.water.norms import harmonisation
    from assets.indicators.water.observations import all_observations
    from dashboard.pages.water import lab_value

    ledger, _ = ingest("protocol_cp1251.csv", lab_context)
    harm = harmonisation(all_observations(observations, ledger["landed"]), norms)
    lab = harm.filter((harm["source_id"] == "lab_inbox") & harm["norm_id"].is_not_null())
    rows = lab.to_dicts()
    copper = [r for r in rows if r["parameter_id"] == "copper" and r["sample_date"].isoformat() == "2025-04-15"]
    assert copper and all(r["qualifier"] == "<" for r in copper)
    for r in copper:  # '<0,005': within a norm at or above 0.005; undetermined against a lower one, never 'exceeds'
        assert r["breaches"] is (False if r["ratio"] <= 1 else None)
    assert any(r["breaches"] is None for r in copper)
    mercury = [r for r in rows if r["parameter_id"] == "mercury"]
    assert mercury and all(r["value"] is None and r["breaches"] is None for r in mercury)  # 'н/о': no ratio at all
    assert lab_value(0.005, "<", "ru") == "<0,005"
    assert lab_value(None, "not_detected", "ru") == "не обнаружено"
    assert lab_value(0.0031, "", "en") == "0.0031"


def test_values_below_detection_take_no_part_in_a_lab_samples_wpi(lab_context, norms, classes):
    from assets.indicators.water.wpi import lab_sample_wpi

    ledger, _ = ingest("protocol_cp1251.csv", lab_context)
    wpi = lab_sample_wpi(ledger["landed"], norms, classes)
    sample = wpi.filter((wpi["site_id"] == "irtysh__east_kazakhstan") & (wpi["sample_date"] == dt.date(2025, 4, 15)))
    # copper, zinc, cadmium ('<') and mercury, lead, arsenic ('н/о') of that sample are left out of the mean
    assert sample["parameters"].to_list() == ["manganese;phenols"] and sample["wpi"][0] is None


def test_the_water_page_ratio_table_shows_censored_values_as_the_lab_wrote_them(lab_context, norms, observations):
    from assets.indicators.water.norms import harmonisation
    from assets.indicators.water.observations import all_observations
    from assets.sources.catalogue import read_seed
    from dashboard.pages.water import ratio_table

    ledger, _ = ingest("protocol_cp1251.csv", lab_context)
    harm = harmonisation(all_observations(observations, ledger["landed"]), norms)
    params = read_seed("water_parameters.csv").select(
        "parameter_id", "basis", parameter_en="name_en", parameter_ru="name_ru"
    )
    rows = (
        harm.filter((harm["site_id"] == "irtysh__east_kazakhstan") & (harm["source_id"] == "lab_inbox"))
        .join(params, on="parameter_id", how="left")
        .with_columns(multiplicity_published=None)
        .sort("parameter_id", "water_use")
    )
    text = str(ratio_table(rows, {}, "ru"))
    assert "'<0,005'" in text and "'не обнаружено'" in text and "'≤5,00'" in text
    assert "'не определить (предел обнаружения выше нормы)'" in text


def test_a_sample_of_values_below_detection_only_is_listed_as_not_computable(tmp_path, lab_context, norms, classes):
    from assets.indicators.water.wpi import lab_sample_wpi

    f = tmp_path / "censored.csv"
    f.write_text("site_id;date;parameter;value;unit\nassa__zhambyl;2025-04-02;Медь;<0,001;мг/дм3\n", encoding="utf-8")
    ledger, _ = ingest_lab_file(f, empty_ledger(), lab_context, NOW)
    wpi = lab_sample_wpi(ledger["landed"], norms, classes)
    assert wpi.select("site_id", "wpi").rows() == [("assa__zhambyl", None)]
    assert wpi["status"][0].startswith("not computable")


def test_a_two_row_header_whose_merged_top_cells_group_the_site_and_the_parameters(tmp_path, lab_context):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Место отбора проб", None, "Дата отбора", "Показатели, мг/дм3", None])
    ws.append(["Водный объект", "Пункт отбора", None, "Медь", "Цинк"])
    ws.merge_cells("A1:B1")
    ws.merge_cells("C1:C2")
    ws.merge_cells("D1:E1")  # the unit stated once over both parameters
    ws.append(["р. Тобол", "г. Рудный", "10.04.2025", "0,0031", "0,012"])
    ws.append(["Итого", None, None, None, None])
    wb.save(tmp_path / "grouped.xlsx")
    _, report = ingest_lab_file(tmp_path / "grouped.xlsx", empty_ledger(), lab_context, NOW)
    assert landed(report) == [
        ("Sheet", 3, "tobol__kostanay", "2025-04-10", "copper", "", 0.0031, "mg_l"),
        ("Sheet", 3, "tobol__kostanay", "2025-04-10", "zinc", "", 0.012, "mg_l"),
    ]
    assert report["sheets"][0]["header_lines"] == "1, 2" and report["sheets"][0]["n_total_rows"] == 1
